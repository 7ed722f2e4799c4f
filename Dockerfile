# The production image: gunicorn for the web, the same image for Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/var/lib/qinglian
WORKDIR /app
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin qinglian \
    && mkdir -p /var/lib/qinglian && chown qinglian /var/lib/qinglian
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Static files and compiled translations are built into the image; no network at run time.
RUN pybabel compile --domain django --directory locale \
    && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && chown -R qinglian /var/lib/qinglian
USER qinglian
EXPOSE 8000
CMD ["gunicorn", "integrity.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
