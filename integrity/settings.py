"""Settings for Qinglian, read from the environment.

Every value has a default that is safe for the local embedded run (`make run`): SQLite and
kombu's filesystem transport under ``var/``. Production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_URL (see README.md).
"""

from pathlib import Path

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
_INSECURE_LOCAL_KEY = "django-insecure-local-only-qinglian-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _INSECURE_LOCAL_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "integrity.web.apps.QinglianAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_htmx",
    "csp",
    "integrity.org",
    "integrity.access",
    "integrity.audit",
    "integrity.web.apps.WebConfig",
    "ledgers.apps.LedgersConfig",
    "integrity.notify.apps.NotifyConfig",
    "inspections.apps.InspectionsConfig",
    "integrity.reports.apps.ReportsConfig",
    "ledgers.alerts.apps.AlertsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "integrity.web.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "integrity.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns lockouts raised below into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "integrity.urls"
WSGI_APPLICATION = "integrity.wsgi.application"
ASGI_APPLICATION = "integrity.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "integrity.web.context_processors.navigation",
                "integrity.notify.context_processors.unread",
            ],
        },
    },
]

# --- Database: SQLite embedded by default, PostgreSQL when DATABASE_URL says so ---------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'qinglian.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, worker and beat read while one of them writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and access -------------------------------------------------------------------------
AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before anything checks them.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "integrity.web.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous object permissions

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Sessions, cookies, transport security --------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): every script, style, image and font comes from this
# site, with no inline script or style anywhere (page behaviour is static/js/qinglian.js);
# the only other source is data: images, which Swagger UI's icons use. Nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "media-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
# Browser features no page uses are switched off (integrity/web/middleware.py).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
_secure = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_secure)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_secure)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_secure)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed over plain HTTP by the load balancer and compose health checks.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded material is confidential: it is served only through scoped views, never by URL.
MEDIA_ROOT = VAR_DIR / "media"
# Largest attachment accepted (scans, photos, PDFs, audio), in bytes.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="清廉系统 <qinglian@localhost>")

# --- Cache ----------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Celery: Redis in production, kombu's filesystem transport for the embedded run --------------
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_URL = REDIS_URL or "qfilesystem://"  # filesystem, atomic writes: integrity/broker.py
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
for _folder in CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""), str(STATIC_ROOT):
    # The embedded run keeps its database and queue under var/; create it on first use.
    if _folder:
        Path(_folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chain-nightly": {
        "task": "integrity.audit.tasks.verify_audit_chain",
        "schedule": env.int("AUDIT_VERIFY_INTERVAL_SECONDS", default=24 * 3600),
    },
}

# --- Notifications: the reminder sweep and its emails (integrity/notify/) ----------------------
# The base of the links in notification emails (the address users open Qinglian at).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The sweep is idempotent (one notification per recipient and key), so running it hourly costs
# nothing and picks up a deadline set in the morning on the same day.
REMINDER_SWEEP_INTERVAL_SECONDS = env.int("REMINDER_SWEEP_INTERVAL_SECONDS", default=3600)
NOTIFY_EMAIL_INTERVAL_SECONDS = env.int("NOTIFY_EMAIL_INTERVAL_SECONDS", default=60)
# A failed email is retried after RETRY * 2 ** (attempts - 1) seconds, at most MAX_ATTEMPTS
# times; a worker that dies while sending leaves its claim, taken over after LEASE seconds.
NOTIFY_EMAIL_RETRY_SECONDS = env.int("NOTIFY_EMAIL_RETRY_SECONDS", default=60)
NOTIFY_EMAIL_MAX_ATTEMPTS = env.int("NOTIFY_EMAIL_MAX_ATTEMPTS", default=6)
NOTIFY_EMAIL_LEASE_SECONDS = env.int("NOTIFY_EMAIL_LEASE_SECONDS", default=600)
NOTIFY_EMAIL_BATCH = env.int("NOTIFY_EMAIL_BATCH", default=100)
CELERY_BEAT_SCHEDULE.update(
    {
        "reminder-sweep": {
            "task": "integrity.notify.tasks.run_sweep",
            "schedule": REMINDER_SWEEP_INTERVAL_SECONDS,
            # A sweep still queued when the next one is due is dropped, not run twice.
            "options": {"expires": REMINDER_SWEEP_INTERVAL_SECONDS},
        },
        "deliver-notification-emails": {
            "task": "integrity.notify.tasks.deliver_emails",
            "schedule": NOTIFY_EMAIL_INTERVAL_SECONDS,
            "options": {"expires": NOTIFY_EMAIL_INTERVAL_SECONDS},
        },
    }
)

# --- Reports: exports and imports (integrity/reports/) -------------------------------------------
# Files are kept outside the static tree and served only through the jobs' pages.
EXPORT_ROOT = Path(env.str("EXPORT_ROOT", default=str(VAR_DIR / "exports")))
IMPORT_ROOT = Path(env.str("IMPORT_ROOT", default=str(VAR_DIR / "imports")))
# Lists up to this many rows export within the request; larger ones run as a Celery job with a
# progress bar (imports likewise, counted in data rows).
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)
IMPORT_INLINE_MAX_ROWS = env.int("IMPORT_INLINE_MAX_ROWS", default=100)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Finished export files are deleted after this many days (the job and its audit stay).
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)

# Exports (integrity/reports/exports/): the files older than EXPORT_KEEP_DAYS are deleted every
# hour (the jobs and their audit trail stay; a job without its file shows as expired).
CELERY_BEAT_SCHEDULE.update(
    {
        "expire-export-files": {
            "task": "integrity.reports.exports.tasks.expire_exports",
            "schedule": 3600,
            "options": {"expires": 3600},
        },
    }
)

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "integrity.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "integrity.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_THROTTLE", default="10/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "清廉 Qinglian API",
    "DESCRIPTION": _("Integrity case management for court discipline offices."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI describe the API to signed-in users only (SECURITY.md).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Staff records and departure records share the post and grade choices: one name each.
    "ENUM_NAME_OVERRIDES": {
        "StaffPostEnum": "integrity.org.models.STAFF_POSTS",
        "JudgeGradeEnum": "integrity.org.models.JUDGE_GRADES",
        # The case registry: case and intake serializers share these (integrity/org/models.py).
        "PartyStandingEnum": "integrity.org.models.PARTY_STANDINGS",
        "AgentKindEnum": "integrity.org.models.AGENT_KINDS",
        "AgentCapacityEnum": "integrity.org.models.AGENT_CAPACITIES",
        # Declarations (ledgers/declarations/api.py): each choice set is used by several
        # representations, and relatives' roles are shared with ledger 3.
        "DeclarationStatusEnum": "ledgers.declarations.api.DECLARATION_STATUSES",
        "LegalRoleEnum": "ledgers.declarations.api.LEGAL_ROLES",
        # Inspections and findings (inspections/api/inspections.py).
        "InspectionKindEnum": "inspections.api.inspections.INSPECTION_KINDS",
        "InspectionStatusEnum": "inspections.api.inspections.INSPECTION_STATUSES",
        "FindingStatusEnum": "inspections.api.inspections.FINDING_STATUSES",
        # Findings and alerts both have a severity (ledgers/alerts/api.py names its own).
        "SeverityEnum": "inspections.api.inspections.FINDING_SEVERITIES",
        # Public complaints (inspections/api/complaints.py).
        "ComplaintStatusEnum": "inspections.api.complaints.COMPLAINT_STATUSES",
        # Follow-up visits (inspections/api/visits.py); case types also name the case registry's.
        "CaseTypeEnum": "inspections.api.visits.CASE_TYPES",
        "VisitPlanStatusEnum": "inspections.api.visits.PLAN_STATUSES",
        "VisitMethodEnum": "inspections.api.visits.VISIT_METHODS",
        # A clue's source and an improper-contact record's clue source would both be named
        # ClueSourceEnum, one hiding the other (found by tests/api/test_fuzz.py).
        "ClueSourceEnum": "inspections.models.clues.Clue.Source",
        "ContactClueSourceEnum": "ledgers.models.contacts.ContactCase.ClueSource",
        # How a departed staff member was followed up (ledger 4's entries), and how a case was
        # inquired about (ledger 1).
        "FollowUpMethodEnum": "ledgers.models.departures.FollowUp.Method",
        "InterferenceRecordMethodEnum": "ledgers.models.interference.InterferenceRecord.Method",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's 4xx responses with the one error body (integrity/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "integrity.api.schema.error_responses",
    ],
}

# --- Regulation deadlines (ledgers/rules.py) --------------------------------------------------
# 法发〔2020〕13号: apply for recusal within a month, change post within six months.
RECUSAL_APPLICATION_MONTHS = env.int("RECUSAL_APPLICATION_MONTHS", default=1)
RECUSAL_POST_CHANGE_MONTHS = env.int("RECUSAL_POST_CHANGE_MONTHS", default=6)
# An unplanned contact outside work is reported within this many days.
UNPLANNED_CONTACT_REPORT_DAYS = env.int("UNPLANNED_CONTACT_REPORT_DAYS", default=3)

# --- Reminders: when the sweep reminds and escalates (ledgers/reminders.py) -------------------
# The periodic 三个规定 report (zero report included) is monthly under 司发通〔2021〕60号: the
# default period of a three-regulations campaign, in months.
THREE_RULES_REPORT_MONTHS = env.int("THREE_RULES_REPORT_MONTHS", default=1)
# Declarations (法发〔2020〕13号 art. 1 relatives report; 司发通〔2021〕60号 periodic report;
# 领导背书 sign-off): remind this many days before the campaign's due date ...
DECLARATION_REMIND_DAYS_BEFORE = env.int("DECLARATION_REMIND_DAYS_BEFORE", default=3)
# ... tell the first signer (the division chief, 领导背书) when a task is more than this many
# days overdue, and the court leaders when more than this many.
ESCALATE_TO_SIGNER_DAYS = env.int("ESCALATE_TO_SIGNER_DAYS", default=3)
ESCALATE_TO_LEADER_DAYS = env.int("ESCALATE_TO_LEADER_DAYS", default=7)
# A filed declaration waiting for the same signature more than this many days reminds the
# signers (weekly).
SIGNATURE_REMIND_DAYS = env.int("SIGNATURE_REMIND_DAYS", default=3)
# 法发〔2020〕13号: the staff member and the officers are reminded this many days before the
# recusal application and the post change fall due (RECUSAL_*_MONTHS above).
RECUSAL_REMIND_DAYS_BEFORE = env.int("RECUSAL_REMIND_DAYS_BEFORE", default=7)
# 司发通〔2021〕60号: an unplanned-contact report not reviewed within this many days of being
# reported reminds the division chief (or, lacking one, the court leaders).
UNPLANNED_CONTACT_REVIEW_DAYS = env.int("UNPLANNED_CONTACT_REVIEW_DAYS", default=3)
# 法官法 art. 36, 司发通〔2021〕61号: departed staff are followed up every this many months
# until their restrictions end.
DEPARTURE_FOLLOW_UP_MONTHS = env.int("DEPARTURE_FOLLOW_UP_MONTHS", default=6)
# 季度通报 (中办发〔2015〕23号, 中政委〔2015〕10号: each quarter's summary of interference and
# inquiries goes to the leadership, the political-legal committee and the court above): remind
# from this many days before the quarter ends until the summary is due, this many days after.
QUARTERLY_SUMMARY_REMIND_DAYS_BEFORE = env.int("QUARTERLY_SUMMARY_REMIND_DAYS_BEFORE", default=7)
QUARTERLY_SUMMARY_DUE_DAYS = env.int("QUARTERLY_SUMMARY_DUE_DAYS", default=15)
# A reminder that fell due is offered for this many days, so that a sweep that did not run for
# a while catches up; deadlines older than that were announced when they fell due, and a
# backlog from before the system (a ledger imported from paper) floods nobody's inbox.
REMINDER_CATCH_UP_DAYS = env.int("REMINDER_CATCH_UP_DAYS", default=30)

# --- Inspections, clues and complaints (inspections/) -----------------------------------------
# Rectification items: remind the responsible unit this many days before the deadline; an item
# overdue by more than ESCALATE days goes to the court leaders of the responsible court and the
# inspection team's leader.
RECTIFICATION_REMIND_DAYS_BEFORE = env.int("RECTIFICATION_REMIND_DAYS_BEFORE", default=7)
RECTIFICATION_ESCALATE_DAYS = env.int("RECTIFICATION_ESCALATE_DAYS", default=7)
# 监督执纪工作规则: days a referral may stay in each stage before the discipline team is reminded
# (received → way chosen → verification → filed or closed → disposition). Override with
# REFERRAL_STAGE_DAYS="received=15,way_chosen=30,verifying=90,filed=180,closed=30".
REFERRAL_STAGE_DAYS = {
    "received": 15,
    "way_chosen": 30,
    "verifying": 90,
    "filed": 180,
    "closed": 30,
    **{key: int(value) for key, value in env.dict("REFERRAL_STAGE_DAYS", default={}).items()},
}
# The public complaint form: at most this many reports (and follow-up messages) per address per
# hour; the address is kept only as a keyed hash in the cache, never with the report.
COMPLAINT_RATE_LIMIT = env.int("COMPLAINT_RATE_LIMIT", default=5)
COMPLAINT_RATE_WINDOW_SECONDS = env.int("COMPLAINT_RATE_WINDOW_SECONDS", default=3600)

# --- Early warning (ledgers/alerts/) -------------------------------------------------------------
# Conflict checks run when a case enters or changes (in the request for up to this many cases,
# else as a Celery task), and over all open cases when a relative or departure record or a
# declaration changes.
ALERT_INLINE_MAX_CASES = env.int("ALERT_INLINE_MAX_CASES", default=50)
# Open alerts are reminded to the discipline team (and the leaders in scope) after this many
# days without being handled, and again every ALERT_REMIND_EVERY_DAYS.
ALERT_REMIND_AFTER_DAYS = env.int("ALERT_REMIND_AFTER_DAYS", default=3)
ALERT_REMIND_EVERY_DAYS = env.int("ALERT_REMIND_EVERY_DAYS", default=7)
# Zero reports: a staff member (or department) with this many consecutive zero 三个规定 reports
# stands out when at least ALERT_ZERO_PEER_SHARE of at least ALERT_ZERO_MIN_PEERS peers (same
# court level and post, caseload within a factor of ALERT_CASELOAD_RATIO) recorded inquiries.
ALERT_ZERO_PERIODS = env.int("ALERT_ZERO_PERIODS", default=6)
ALERT_ZERO_MIN_PEERS = env.int("ALERT_ZERO_MIN_PEERS", default=5)
ALERT_ZERO_PEER_SHARE = env.float("ALERT_ZERO_PEER_SHARE", default=0.5)
ALERT_CASELOAD_RATIO = env.float("ALERT_CASELOAD_RATIO", default=2.0)
# The same lawyer, firm or interferer in at least this many records (interference, contact
# cases, complaints, visits) within ALERT_REPEAT_WINDOW_DAYS.
ALERT_REPEAT_THRESHOLD = env.int("ALERT_REPEAT_THRESHOLD", default=3)
ALERT_REPEAT_WINDOW_DAYS = env.int("ALERT_REPEAT_WINDOW_DAYS", default=365)
CELERY_BEAT_SCHEDULE.update(
    {
        "alert-patterns-nightly": {
            "task": "ledgers.alerts.tasks.check_patterns",
            "schedule": env.int("ALERT_PATTERN_INTERVAL_SECONDS", default=24 * 3600),
            "options": {"expires": 3600},
        },
    }
)

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
