"""Settings shared by every deployment. Everything that differs comes from the environment."""

import os
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# DJANGO_ENV_FILE="" reads no file (the tests of the fail-safe settings rely on that).
env_file = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if env_file and Path(env_file).exists():
    environ.Env.read_env(env_file)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules",
    "simple_history",
    "core",
    "participation",
    "surveys",
    "workshops",
    "measures",
    "monitoring",
]

MIDDLEWARE = [
    "core.clientaddr.ClientAddressMiddleware",
    "core.accesslog.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "participation:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# The concept document keeps its own catalogue beside its code (measures/concept/locale).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "measures" / "concept" / "locale"]
# seed_demo generates the demo's concept documents (full, summary, 2024 report).
CONCEPT_DEMO_DOCUMENTS = env.bool("CONCEPT_DEMO_DOCUMENTS", default=True)
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files that workers write and web processes serve (exports, pending uploads, generated
# documents, photos) go through Django's storage API only, so that every host sees them:
# local files under MEDIA_ROOT (the embedded default; several hosts need a shared volume) or
# an S3-compatible object store (DJANGO_FILE_STORAGE=s3).
FILE_STORAGE = env("DJANGO_FILE_STORAGE", default="local")
if FILE_STORAGE == "s3":
    DEFAULT_FILE_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "region_name": env("S3_REGION", default=None),
            "location": env("S3_PREFIX", default=""),
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE_SECONDS", default=600),
        },
    }
elif FILE_STORAGE == "local":
    DEFAULT_FILE_STORAGE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"DJANGO_FILE_STORAGE={FILE_STORAGE!r}: use 'local' (files under DJANGO_MEDIA_ROOT) or "
        "'s3' (an S3-compatible object store, see .env.example)."
    )
STORAGES = {
    "default": DEFAULT_FILE_STORAGE_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Housekeeping (beat): finished export files and abandoned uploads are deleted after this.
TEILHABE_EXPORT_RETENTION_DAYS = env.int("TEILHABE_EXPORT_RETENTION_DAYS", default=7)
TEILHABE_UPLOAD_RETENTION_HOURS = env.int("TEILHABE_UPLOAD_RETENTION_HOURS", default=24)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="teilhabe@localhost")
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Who gets an email for every error (500 and failed task): "Name <a@example.org>, b@example.org"
ADMINS = [(name or addr, addr) for name, addr in getaddresses([env("DJANGO_ADMINS", default="")])]


def redis_db(url: str, offset: int) -> str:
    """``url`` with its database number moved by ``offset`` (redis://h:6379/0, 1 → .../1)."""
    if not url:
        return ""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{number + offset}"))


# Celery: without REDIS_URL tasks run eagerly in-process (the embedded default).
# Broker, result store and cache use three separate Redis databases (REDIS_URL's database and
# the next two) so that clearing the cache can never drop a queued task.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=redis_db(REDIS_URL, 1) or None)
REDIS_CACHE_URL = env("REDIS_CACHE_URL", default=redis_db(REDIS_URL, 2))
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies (out of memory, killed) is marked failed with
# WorkerLostError and logged (mailed to ADMINS), not redelivered: a task that kills its worker
# would otherwise be redelivered forever. Lost result updates are repaired by the reconcile job.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_TASK_IGNORE_RESULT = True  # progress lives in the database; nobody reads task results
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process that grew past this (KiB) is replaced after its task, so one task that
# exhausts memory does not take the next one down with it.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_000_000
)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=500)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacknowledged task (its whole worker died) is delivered again after this long; it must
# be longer than the longest task (exports: 1900 s).
# A web process must not hang on an unreachable broker: a publish gives up after about a
# second (the results outbox and its relay keep the work) instead of retrying for ever.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200),
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Every task to this one queue instead of its own (tests with one private worker).
CELERY_TASK_QUEUE_OVERRIDE = env("CELERY_TASK_QUEUE_OVERRIDE", default="")
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "core-clear-sessions": {"task": "core.clear_sessions", "schedule": 24 * 60 * 60},
    "surveys-delete-old-exports": {"task": "surveys.delete_old_exports", "schedule": 60 * 60},
    "monitoring-delete-abandoned-uploads": {
        "task": "monitoring.delete_abandoned_uploads",
        "schedule": 60 * 60,
    },
    "surveys-delete-abandoned-invitation-imports": {
        "task": "surveys.delete_abandoned_invitation_imports",
        "schedule": 60 * 60,
    },
    "measures-delete-abandoned-imports": {
        "task": "measures.delete_abandoned_imports",
        "schedule": 60 * 60,
    },
}

if REDIS_URL:
    CACHES = {
        # Falls back to a per-process cache while Redis is unreachable (see core.cache).
        "default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": REDIS_CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON parser with limits on nesting and number size (see core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"public": "60/minute"},
    # REMOTE_ADDR already holds the client's address (core.clientaddr); never read the header.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Teilhabe API",
    "DESCRIPTION": (
        "Participation process, surveys, workshops, measures and integration monitoring."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        # Every TextChoices that shares a field name with another gets a stable name here.
        "PhaseKindEnum": "participation.models.Phase.Kind",
        "OrganisationKindEnum": "participation.models.Organisation.Kind",
        "ProcessStatusEnum": "participation.models.Process.Status",
        "MembershipRoleEnum": "participation.models.ProcessMembership.Role",
        "StatementKindEnum": "participation.models.Statement.Kind",
        "RegistrationStatusEnum": "participation.models.Registration.Status",
        "InterviewTextKindEnum": "participation.models.Interview.TextKind",
        "SurveyStatusEnum": "surveys.models.Survey.Status",
        "SurveyAccessModeEnum": "surveys.models.Survey.AccessMode",
        "ResponseStatusEnum": "surveys.models.Response.Status",
        "QuestionTypeEnum": "surveys.models.Question.Type",
        "QuestionWidgetEnum": "surveys.models.Question.Widget",
        "ChoiceKindEnum": "surveys.models.Choice.Kind",
    },
}

# One line per record with time, level and logger: JSON in production (for a log collector),
# plain text in development (DJANGO_LOG_FORMAT). Errors also go to ADMINS by email.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {
        "handlers": ["console", "mail_admins"],
        "level": env("DJANGO_LOG_LEVEL", default="INFO"),
    },
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
    },
}

FORMS_URLFIELD_ASSUME_HTTPS = True

# Small-count protection of everything published (core.suppression), one family:
# - SUPPRESSION_MIN_COUNT: official statistics' convention for counts, 1 and 2 withheld (3);
# - SUPPRESSION_SURVEY_MIN_COUNT: the fewest respondents a survey figure may rest on (5);
# - SUPPRESSION_MIN_NUMERATOR / _DENOMINATOR: a rate needs 3 cases out of a base of 20.
SUPPRESSION_MIN_COUNT = env.int("SUPPRESSION_MIN_COUNT", default=3)
SUPPRESSION_SURVEY_MIN_COUNT = env.int("SUPPRESSION_SURVEY_MIN_COUNT", default=5)
SUPPRESSION_MIN_NUMERATOR = env.int("SUPPRESSION_MIN_NUMERATOR", default=3)
SUPPRESSION_MIN_DENOMINATOR = env.int("SUPPRESSION_MIN_DENOMINATOR", default=20)

# Legal basics of every public page, for processes that do not set their own: the imprint
# (Impressum) and privacy statement addresses, and the controller and data protection contact
# that new survey privacy notices start with.
TEILHABE_IMPRINT_URL = env("TEILHABE_IMPRINT_URL", default="")
TEILHABE_PRIVACY_URL = env("TEILHABE_PRIVACY_URL", default="")
TEILHABE_PRIVACY_CONTROLLER = env("TEILHABE_PRIVACY_CONTROLLER", default="")
TEILHABE_PRIVACY_CONTACT = env("TEILHABE_PRIVACY_CONTACT", default="")

# Surveys: absolute links in emails, email sending rate, per-IP limits of public surveys.
TEILHABE_BASE_URL = env("TEILHABE_BASE_URL", default="http://127.0.0.1:8000")
SURVEY_EMAIL_RATE_LIMIT = env("SURVEY_EMAIL_RATE_LIMIT", default="60/m")
SURVEY_PUBLIC_STARTS_PER_HOUR = env.int("SURVEY_PUBLIC_STARTS_PER_HOUR", default=30)
SURVEY_PUBLIC_POSTS_PER_MINUTE = env.int("SURVEY_PUBLIC_POSTS_PER_MINUTE", default=120)
SURVEY_API_SUBMIT_RATE = env("SURVEY_API_SUBMIT_RATE", default="120/minute")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["survey_submit"] = SURVEY_API_SUBMIT_RATE

# Client addresses and sign-in limits: the reverse proxies whose X-Forwarded-For is believed
# (addresses or networks, comma-separated; empty: none, REMOTE_ADDR is the client), and how
# many sign-in attempts one address may make per window (login page and API token share it).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
TEILHABE_LOGIN_ATTEMPTS = env.int("TEILHABE_LOGIN_ATTEMPTS", default=10)
TEILHABE_LOGIN_WINDOW = env.int("TEILHABE_LOGIN_WINDOW", default=900)
# Uploads (core.uploads): the largest file, and the most a .docx/.xlsx may unpack to.
TEILHABE_UPLOAD_MAX_BYTES = env.int("TEILHABE_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
TEILHABE_UPLOAD_MAX_UNPACKED_BYTES = env.int(
    "TEILHABE_UPLOAD_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024
)

# Integration monitoring: trend base year, reminders to data owners.
MONITORING_BASE_YEAR = env.int("MONITORING_BASE_YEAR", default=0) or None
MONITORING_REMINDER_DAYS = env.int("MONITORING_REMINDER_DAYS", default=7)
# Largest file a data owner may upload through the personal delivery link (bytes).
MONITORING_DELIVERY_MAX_BYTES = env.int("MONITORING_DELIVERY_MAX_BYTES", default=5_000_000)
CELERY_BEAT_SCHEDULE["monitoring-data-request-reminders"] = {
    "task": "monitoring.send_data_request_reminders",
    "schedule": 6 * 60 * 60,
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "IndicatorKindEnum": "monitoring.models.Indicator.Kind",
        "TerritoryLevelEnum": "monitoring.models.Territory.Level",
        "ImportRunStatusEnum": "monitoring.models.ImportRun.Status",
        "ImportRunFormatEnum": "monitoring.models.ImportRun.Format",
        "DataRequestStatusEnum": "monitoring.models.DataRequest.Status",
        "IndicatorValueTrendEnum": "monitoring.models.IndicatorValue.Trend",
        "IndicatorValueSuppressionEnum": "monitoring.models.IndicatorValue.Suppression",
        "SexEnum": "monitoring.models.Sex",
    }
)

# Survey results: the reconcile task repairs lost incremental updates.
CELERY_BEAT_SCHEDULE["surveys-reconcile-results"] = {
    "task": "surveys.reconcile_results",
    "schedule": env.float("SURVEYS_RECONCILE_SECONDS", default=600.0),
}
# The relay of the results outbox: counts what the immediate request after a completion did
# not reach (broker unreachable, worker killed).
CELERY_BEAT_SCHEDULE["surveys-relay-results"] = {
    "task": "surveys.relay_results",
    "schedule": env.float("SURVEY_RESULTS_RELAY_SECONDS", default=5.0),
}
# A worker counts a survey's completed responses once the oldest waiting one is this old (or
# enough are waiting): a few larger batches cost far less per response than many small ones.
SURVEY_RESULTS_GATHER_SECONDS = env.float("SURVEY_RESULTS_GATHER_SECONDS", default=2.0)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ExportJobStatusEnum": "surveys.results.models.ExportJob.Status",
        "ExportJobFormatEnum": "surveys.results.models.ExportJob.Format",
    }
)

# Findings, goals and measures: reminders to lead organisations that owe a progress report.
MEASURES_REMINDER_DAYS = env.int("MEASURES_REMINDER_DAYS", default=7)
CELERY_BEAT_SCHEDULE["measures-progress-requests"] = {
    "task": "measures.send_progress_requests",
    "schedule": 6 * 60 * 60,
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "MeasureStatusEnum": "measures.models.Measure.Status",
        "MeasurePriorityEnum": "measures.models.Measure.Priority",
        "EvidenceKindEnum": "measures.models.Evidence.Kind",
    }
)
