"""The Celery application: Redis broker in production, kombu's filesystem transport locally."""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity.settings")
# The embedded broker: kombu's filesystem transport with atomic writes (integrity/broker.py).
TRANSPORT_ALIASES.setdefault("qfilesystem", "integrity.broker:Transport")

app = Celery("integrity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
