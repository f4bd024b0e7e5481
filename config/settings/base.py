"""Settings shared by every deployment. Everything that differs comes from the environment."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "django.middleware.security.SecurityMiddleware",
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
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="teilhabe@localhost")

# Celery: without REDIS_URL tasks run eagerly in-process (the embedded default).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
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

# Surveys: absolute links in emails, email sending rate, per-IP limits of public surveys.
TEILHABE_BASE_URL = env("TEILHABE_BASE_URL", default="http://127.0.0.1:8000")
SURVEY_EMAIL_RATE_LIMIT = env("SURVEY_EMAIL_RATE_LIMIT", default="60/m")
SURVEY_PUBLIC_STARTS_PER_HOUR = env.int("SURVEY_PUBLIC_STARTS_PER_HOUR", default=30)
SURVEY_PUBLIC_POSTS_PER_MINUTE = env.int("SURVEY_PUBLIC_POSTS_PER_MINUTE", default=120)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["survey_submit"] = env(
    "SURVEY_API_SUBMIT_RATE", default="120/minute"
)

# Integration monitoring: trend base year, reminders to data owners.
MONITORING_BASE_YEAR = env.int("MONITORING_BASE_YEAR", default=0) or None
MONITORING_REMINDER_DAYS = env.int("MONITORING_REMINDER_DAYS", default=7)
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
    "schedule": 600.0,
}
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
