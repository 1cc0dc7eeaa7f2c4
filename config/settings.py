"""Settings for the Amanat platform, driven by environment variables.

Every variable has a safe default for a single machine (SQLite in WAL mode, the database
task queue, local memory cache, local files). The README lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AMANAT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("AMANAT_DEBUG", False)
# The fallback key is for the demo and tests only; production sets AMANAT_SECRET_KEY.
SECRET_KEY = os.environ.get("AMANAT_SECRET_KEY", "insecure-demo-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("AMANAT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("AMANAT_CSRF_TRUSTED_ORIGINS", "")

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "amanat.core",
    "amanat.audit",
    "amanat.accounts",
    "amanat.org",
    "amanat.notifications",
    "amanat.appeals",
    "amanat.programme",
    "amanat.documents",
    "amanat.assignments",
    "amanat.meetings",
    "amanat.councils",
    "amanat.projects",
    "amanat.elections",
    "amanat.akim",
    "amanat.api",
    "amanat.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "amanat.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "amanat.accounts.middleware.UserLanguageMiddleware",
    "amanat.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "amanat.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amanat.core.context_processors.platform",
                "amanat.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = Path(os.environ.get("AMANAT_SQLITE_PATH", VAR_DIR / "amanat.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Planner settings for a database that sits in memory or on SSD (PostgreSQL's defaults assume
        # spinning disks and made counting a common search word choose a sequential scan), and no
        # JIT compilation for short queries. Empty AMANAT_PG_OPTIONS behind a pooler that refuses them.
        pg_options = os.environ.get("AMANAT_PG_OPTIONS", "-c random_page_cost=1.1 -c jit=off")
        if pg_options:
            DATABASES["default"].setdefault("OPTIONS", {})["options"] = pg_options
else:
    # A fresh checkout has no var/ yet: SQLite cannot create its file in a missing folder.
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Kept open between requests: a new connection starts with an empty page cache and
            # reads every index page again (a count over a million appeals: 15 ms warm, 180 ms cold).
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers work while one writer commits; IMMEDIATE avoids
                # "database is locked" upgrades from read to write inside a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; "
                    # Pages read through the OS cache shared by all connections, without copying.
                    "PRAGMA mmap_size=268435456;"
                ),
            },
            "TEST": {"NAME": os.environ.get("AMANAT_TEST_SQLITE_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background tasks -----------------------------------------------------------------------
TASK_BACKEND = os.environ.get(
    "AMANAT_TASK_BACKEND", "rq" if REDIS_URL and env_bool("AMANAT_TASKS_ON_REDIS", False) else "db"
)
if TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASK_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS.append("django_rq")
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["amanat.accounts.backends.EmailOrPhoneBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:manage-home"
LOGOUT_REDIRECT_URL = "core:home"
# Lockout: after this many failed logins within the window the account and address wait.
LOGIN_FAILURE_LIMIT = int(os.environ.get("AMANAT_LOGIN_FAILURE_LIMIT", "5"))
# Per address the limit is higher: an office or a mobile operator puts many people behind one.
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("AMANAT_LOGIN_FAILURE_LIMIT_PER_ADDRESS", "20"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("AMANAT_LOGIN_LOCKOUT_MINUTES", "15"))
# Two-factor authentication is required for roles that can see personal data.
TWO_FACTOR_REQUIRED = env_bool("AMANAT_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = "Amanat"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SECURE = env_bool("AMANAT_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True

# --- Personal data ----------------------------------------------------------------------------
# Keys for IIN encryption (Fernet, comma-separated, newest first for rotation) and the keyed
# hash used for look-ups. Production must set both; the defaults derive from SECRET_KEY.
IIN_ENCRYPTION_KEYS = env_list("AMANAT_IIN_ENCRYPTION_KEYS", "")
IIN_HASH_KEY = os.environ.get("AMANAT_IIN_HASH_KEY", "")

# --- Elections ------------------------------------------------------------------------------
# The Ed25519 seed (hex, 32 bytes) that signs bulletin-board checkpoints. Production sets it and
# publishes the public key; the default derives from SECRET_KEY (demo and tests).
ELECTIONS_CHECKPOINT_KEY = os.environ.get("AMANAT_ELECTIONS_CHECKPOINT_KEY", "")
# A unit's own result is published only where at least this many ballots were counted in it.
ELECTIONS_MIN_UNIT_VOTERS = int(os.environ.get("AMANAT_ELECTION_MIN_UNIT_VOTERS", "20"))
# A checkpoint is signed every this many board entries (and at opening, close and publication).
ELECTIONS_CHECKPOINT_EVERY = int(os.environ.get("AMANAT_ELECTIONS_CHECKPOINT_EVERY", "1000"))
# Tracker look-ups accepted from one address per hour on the public page.
ELECTIONS_TRACKER_LOOKUPS_PER_HOUR = int(os.environ.get("AMANAT_ELECTIONS_TRACKER_LOOKUPS_PER_HOUR", "120"))

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("AMANAT_LANGUAGE", "kk")
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
# Each app keeps its own locale/ folder. Listing them here puts them before Django's own
# catalogues, whose Kazakh has typos and whose wording differs from the party's glossary.
LOCALE_PATHS = sorted((BASE_DIR / "amanat").glob("*/locale"))
FORMAT_MODULE_PATH = ["amanat.core.formats"]
TIME_ZONE = "Asia/Atyrau"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "amanat_language"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("AMANAT_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("AMANAT_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest import file accepted, in megabytes.
IMPORT_MAX_MB = int(os.environ.get("AMANAT_IMPORT_MAX_MB", "50"))

# --- E-mail and SMS -------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("AMANAT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("AMANAT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("AMANAT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("AMANAT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("AMANAT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("AMANAT_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("AMANAT_EMAIL_FROM", "no-reply@amanat.local")
SMS_BACKEND = os.environ.get("AMANAT_SMS_BACKEND", "amanat.notifications.sms.ConsoleSmsBackend")

# The platform's public address, for absolute links in e-mail and SMS (e.g. https://amanat-atyrau.kz).
SITE_URL = os.environ.get("AMANAT_SITE_URL", "")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "amanat.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "amanat.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "amanat.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Amanat platform API",
    "DESCRIPTION": "Regional branch working system: org structure, people, members, deputies, state bodies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "amanat.org.choices.MemberStatus",
        "PositionKindEnum": "amanat.org.choices.PositionKind",
        "OrgUnitKindEnum": "amanat.org.choices.OrgUnitKind",
        "StateBodyKindEnum": "amanat.org.choices.StateBodyKind",
        "TerritoryKindEnum": "amanat.org.choices.TerritoryKind",
        "ProgrammeItemStatusEnum": "amanat.programme.choices.ItemStatus",
        "ProgrammeItemKindEnum": "amanat.programme.choices.ItemKind",
        "VolunteerSignUpStatusEnum": "amanat.projects.choices.SignUpStatus",
        "VolunteerAgeGroupEnum": "amanat.projects.choices.AgeGroup",
        "ProjectEventKindEnum": "amanat.projects.choices.EventKind",
    },
}

# --- Platform -------------------------------------------------------------------------------
# Appeals' working-day counting: "next_day" (the term runs from the day after receipt, the
# legal reading) or "same_day" (the day of registration is day 1, as the state e-appeals system).
WORKING_DAY_CONVENTION = os.environ.get("AMANAT_WORKING_DAY_CONVENTION", "next_day")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AMANAT_LOG_LEVEL", "WARNING")},
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
TRUSTED_PROXY = env_bool("AMANAT_TRUSTED_PROXY", False)

# --- Public reception (appeals) ---------------------------------------------------------------
# Registration numbers look like АТР-2026-000123: the prefix names the region.
APPEAL_NUMBER_PREFIX = os.environ.get("AMANAT_APPEAL_NUMBER_PREFIX", "АТР")
# The unit (its code) that receives appeals no routing rule claims; empty = the regional branch.
APPEAL_DEFAULT_UNIT = os.environ.get("AMANAT_APPEAL_DEFAULT_UNIT", "")
APPEAL_ATTACHMENT_MAX_BYTES = int(os.environ.get("AMANAT_APPEAL_ATTACHMENT_MAX_MB", "10")) * 2**20
APPEAL_ATTACHMENTS_MAX = int(os.environ.get("AMANAT_APPEAL_ATTACHMENTS_MAX", "5"))
# Public form: appeals accepted from one address per hour (spam defence without outside services).
APPEAL_PUBLIC_PER_HOUR = int(os.environ.get("AMANAT_APPEAL_PUBLIC_PER_HOUR", "10"))
# Tracking page: wrong PINs tolerated per code and per address before answers slow down / stop.
APPEAL_PIN_ATTEMPTS = int(os.environ.get("AMANAT_APPEAL_PIN_ATTEMPTS", "5"))

# --- Election programme control ---------------------------------------------------------------
# The thresholds of the status rules (amanat/programme/services/progress.py explains each).
# Verified progress behind the share of time elapsed by more than this: "at risk".
PROGRAMME_AT_RISK_GAP = float(os.environ.get("AMANAT_PROGRAMME_AT_RISK_GAP", "0.15"))
# Past its planned end and still not done after this many days: "not done" (before: "overdue").
PROGRAMME_NOT_DONE_AFTER_DAYS = int(os.environ.get("AMANAT_PROGRAMME_NOT_DONE_AFTER_DAYS", "365"))
# No report for this many ended quarters in a row: "at risk".
PROGRAMME_REPORTS_MISSED_QUARTERS = int(os.environ.get("AMANAT_PROGRAMME_REPORTS_MISSED_QUARTERS", "2"))
# The share of a partly confirmed report's gain that counts as verified.
PROGRAMME_PARTLY_COUNTS = float(os.environ.get("AMANAT_PROGRAMME_PARTLY_COUNTS", "0.5"))
# A quarter's report is due this many working days after the quarter ends (later: marked late),
# and can be given or corrected until this many working days after it ends (then it is closed).
PROGRAMME_REPORT_DUE_DAYS = int(os.environ.get("AMANAT_PROGRAMME_REPORT_DUE_DAYS", "10"))
PROGRAMME_REPORT_OPEN_DAYS = int(os.environ.get("AMANAT_PROGRAMME_REPORT_OPEN_DAYS", "60"))
# An actual value more than this many times the larger of baseline and target is refused as absurd.
PROGRAMME_ABSURD_FACTOR = int(os.environ.get("AMANAT_PROGRAMME_ABSURD_FACTOR", "100"))
# Party control's recommendations: the visit's members are reminded this many working days before the deadline.
PROGRAMME_RECOMMENDATION_REMIND_DAYS = int(os.environ.get("AMANAT_PROGRAMME_RECOMMENDATION_REMIND_DAYS", "3"))
# The day after the deadline an open one turns overdue and the members are told (level 1); then, as
# for appeals, the ladder at these working days after the deadline: level 2 the branch's party
# control and executive secretary, level 3 the parent branch's executive secretary.
PROGRAMME_RECOMMENDATION_ESCALATION_DAYS = [
    int(day) for day in os.environ.get("AMANAT_PROGRAMME_RECOMMENDATION_ESCALATION_DAYS", "5,10").split(",") if day
]
PROGRAMME_EVIDENCE_MAX_BYTES = int(os.environ.get("AMANAT_PROGRAMME_EVIDENCE_MAX_MB", "10")) * 2**20

# --- Party work -----------------------------------------------------------------------------
# Assignments: a reminder this many working days before each recipient's deadline; once overdue the
# recipient is told (level 1), then the ladder at these working days after the deadline: level 2
# the secretary of the branch above the recipient, level 3 the issuer.
ASSIGNMENT_REMIND_DAYS = int(os.environ.get("AMANAT_ASSIGNMENT_REMIND_DAYS", "2"))
ASSIGNMENT_ESCALATION_DAYS = [
    int(day) for day in os.environ.get("AMANAT_ASSIGNMENT_ESCALATION_DAYS", "3,7").split(",") if day
]
# Volunteer sign-ups accepted from one address per hour on the public project pages.
PROJECT_SIGNUPS_PER_HOUR = int(os.environ.get("AMANAT_PROJECT_SIGNUPS_PER_HOUR", "10"))
# Public councils: a recommendation is adopted by more than half of the members present ("present")
# or by more votes for than against ("cast"); the secretary and chair are reminded this many working
# days before a response is due, and the branch's executive secretary told this many after it.
COUNCIL_ADOPTION_RULE = os.environ.get("AMANAT_COUNCIL_ADOPTION_RULE", "present")
COUNCIL_RECOMMENDATION_REMIND_DAYS = int(os.environ.get("AMANAT_COUNCIL_RECOMMENDATION_REMIND_DAYS", "3"))
COUNCIL_RECOMMENDATION_ESCALATION_DAYS = int(os.environ.get("AMANAT_COUNCIL_RECOMMENDATION_ESCALATION_DAYS", "5"))
