"""Madoguchi settings: one module, driven by the environment.

Embedded defaults run the platform on one machine (SQLite in WAL mode under ``var/``, e-mail
written to files, uploads on the local disk). Production values come from the environment; the
checks at the bottom refuse configurations that would expose residents' data.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from madoguchi.core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = Path(env_str("MADOGUCHI_VAR_DIR", str(BASE_DIR / "var")))

# development | test | benchmark | demo | production. Anything but development/test gets the
# production defaults (DEBUG off, secure cookies, a real secret key). `benchmark` (bench/surge.sh)
# and `demo` (a public demonstration site) are production-like installations that may switch on
# the bench and demo features below; `production` (or any other name) refuses them.
ENVIRONMENT = env_str("MADOGUCHI_ENV", "development")
IS_DEVELOPMENT = ENVIRONMENT in {"development", "test"}
DEMO_SWITCHES_ALLOWED = ENVIRONMENT in {"development", "test", "benchmark", "demo"}

DEVELOPMENT_SECRET_KEY = "madoguchi-development-only-secret-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_secret("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", ENVIRONMENT == "development")

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOCAL_HOSTS)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Madoguchi's apps come first: their templates and their Japanese catalogues take precedence
# over Django's own for the same names and msgids (e.g. admin's "Skip to main content").
INSTALLED_APPS = [
    "madoguchi.core",
    "madoguchi.municipalities",
    "madoguchi.accounts",
    "madoguchi.audit",
    "madoguchi.catalog",
    "madoguchi.forms",
    "madoguchi.signatures",
    "madoguchi.linkage",
    "madoguchi.publicfunds",
    "madoguchi.notices",
    "madoguchi.applications",
    "madoguchi.apply",
    "madoguchi.reception",
    "madoguchi.counter",
    "madoguchi.vaccinations",
    "madoguchi.campaigns",
    "madoguchi.kpis",
    "madoguchi.idp",
    "madoguchi.signin",
    "madoguchi.selfinfo",
    "madoguchi.api",
    # Django's admin on the operator site: staff sign-in with TOTP, audited, minimal models.
    "madoguchi.config.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "oauth2_provider",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an API request over its size limit gets 413 at once.
    "madoguchi.api.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "madoguchi.core.middleware.PermissionsPolicyMiddleware",
    # Cached limits and webhook endpoints compare their generation once per request at most.
    "madoguchi.core.generations.GenerationScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # In place of LocaleMiddleware: the resident's language from the switch's cookie; staff
    # console, admin and API stay Japanese (core/i18n.py, docs/i18n.md).
    "madoguchi.core.i18n.ResidentLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: request.user.is_verified() tells whether the TOTP step was passed.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a lockout into the Japanese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "madoguchi.config.urls"
WSGI_APPLICATION = "madoguchi.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:staff-login"
LOGIN_REDIRECT_URL = "reception:staff-home"

# --- Staff authentication: password + mandatory TOTP (django-otp), lockout (django-axes) ----------
# Axes first: it refuses a locked-out username before the password is even checked. Every staff
# page also requires the TOTP step (madoguchi.accounts.staff_auth.staff_required).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords or TOTP codes for one username lock it for AXES_COOLOFF_TIME hours; a
# success resets the count. Locking by username (not by IP) stops password spraying from many
# addresses; an administrator can unlock early with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns that username-only locking ignores the IP: intended, since locking an IP would lock
# every member of staff behind a municipal office's shared address after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Madoguchi")
# The operator admin never shows a TOTP key or its QR code again after enrolment.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "madoguchi.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite: WAL lets readers run beside the one writer; IMMEDIATE transactions take the write lock at
# BEGIN so two writers queue on busy_timeout instead of failing with "database is locked" when a
# read transaction tries to upgrade. DATABASE_URL (postgres://…) switches to PostgreSQL.
DATABASE_URL = env_secret("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "madoguchi.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (django-tasks, database backend: enqueued in the same transaction) ---------
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# --- Files, e-mail ------------------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Vendor assets (design tokens, Noto Sans JP) are built from npm into build/static by
# `make assets`; they are not committed.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not IS_DEVELOPMENT
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # Signed heads of the audit chains (audit/anchors.py), kept outside the database: in production
    # point this at write-once object storage (django-storages), never the database's disk.
    "audit_anchors": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors"))},
    },
}
# The Ed25519 key that signs the anchors (required outside development; development makes one in
# MADOGUCHI_VAR_DIR), the public key an outside verifier may hold instead, and how often `make run`
# publishes an anchor (seconds).
AUDIT_ANCHOR_SIGNING_KEY_FILE = env_str("AUDIT_ANCHOR_SIGNING_KEY_FILE", "")
AUDIT_ANCHOR_PUBLIC_KEY_FILE = env_str("AUDIT_ANCHOR_PUBLIC_KEY_FILE", "")
AUDIT_ANCHOR_INTERVAL = env_int("AUDIT_ANCHOR_INTERVAL", 300)
WHITENOISE_USE_FINDERS = IS_DEVELOPMENT
if IS_DEVELOPMENT:
    # Development serves static files from the finders; WhiteNoise still expects the folder.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "madoguchi@localhost")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English"), ("ja-x-easy", "やさしい日本語")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the resident's choice is remembered for a year
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not IS_DEVELOPMENT)
# Each app keeps its own catalogue in <app>/locale (found through INSTALLED_APPS); config (not an
# app) keeps the operator admin's few strings in config/locale.
LOCALE_PATHS: list[Path] = [PACKAGE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Dates in the resident's language: 2026年12月3日 / 3 December 2026 (core/formats, core/dates.py).
FORMAT_MODULE_PATH = ["madoguchi.core.formats"]

# --- Security -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not IS_DEVELOPMENT)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not IS_DEVELOPMENT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not IS_DEVELOPMENT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if IS_DEVELOPMENT else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not IS_DEVELOPMENT
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

# No inline script or style anywhere: every script and stylesheet is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "madoguchi.api.problems.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "600/minute")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Madoguchi API",
    "DESCRIPTION": (
        "窓口（Madoguchi）の公開API。地方公共団体マスタ、手続、申請を扱います。\n\n"
        "Public API of Madoguchi: municipalities, procedures and applications. Errors are "
        "RFC 9457 problem details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the application status wherever it appears (else a hashed "Status30cEnum" and
    # a warning on every schema build).
    "ENUM_NAME_OVERRIDES": {"ApplicationStatusEnum": "madoguchi.applications.types.Status.values"},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Residents ------------------------------------------------------------------------------------
# The resident-registry adapter that says who lives in which household (accounts/registry.py):
# "demo" (accounts/data/demo.json) in development, none elsewhere until a municipality's
# adapter is registered. Demo data is refused in production.
ACCOUNTS_RESIDENT_REGISTRY = env_str("ACCOUNTS_RESIDENT_REGISTRY", "demo" if IS_DEVELOPMENT else "")
if ACCOUNTS_RESIDENT_REGISTRY == "demo" and not IS_DEVELOPMENT:
    raise ImproperlyConfigured("ACCOUNTS_RESIDENT_REGISTRY=demo is for development only.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"my_number": {"()": "madoguchi.forms.redaction.MyNumberLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["my_number"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Refuse unsafe configurations -----------------------------------------------------------------
_non_local_hosts = [host for host in ALLOWED_HOSTS if host not in LOCAL_HOSTS]
if DEBUG and _non_local_hosts:
    raise ImproperlyConfigured(
        f"DEBUG is on while ALLOWED_HOSTS contains non-local hosts {_non_local_hosts}: debug pages "
        "would leak settings and personal data. Turn DEBUG off."
    )
if not IS_DEVELOPMENT and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set outside development "
        f"(MADOGUCHI_ENV={ENVIRONMENT!r})."
    )
if not IS_DEVELOPMENT and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

# Bench and demo switches: each opens a door that a real installation must keep shut.
# BENCH_FLOOR_ENABLED mounts an unauthenticated, CSRF-exempt endpoint that writes request bodies
# into the database; IDP_ENABLED outside development serves the development identity provider,
# where anyone signs in as a demo resident with a published PIN.
BENCH_FLOOR_ENABLED = env_bool("BENCH_FLOOR_ENABLED", False)
_demo_switches = {
    "BENCH_FLOOR_ENABLED": BENCH_FLOOR_ENABLED,
    "IDP_ENABLED": not IS_DEVELOPMENT and env_bool("IDP_ENABLED", False),
}
_refused_switches = sorted(name for name, on in _demo_switches.items() if on)
if _refused_switches and not DEMO_SWITCHES_ALLOWED:
    raise ImproperlyConfigured(
        f"{', '.join(_refused_switches)} is a bench or demo switch and is refused when "
        f"MADOGUCHI_ENV={ENVIRONMENT!r}; use MADOGUCHI_ENV=benchmark or demo for such a site."
    )

# --- Attachment scanning (madoguchi.core.scanning, docs/scanning.md) ---------------------------
# Every upload is quarantined until each scanner named here finds it clean. `clamd` is ClamAV's
# daemon at CLAMD_ADDRESS; `eicar` (development and test default: no daemon needed) knows only
# the EICAR test file and is refused outside development.
ATTACHMENT_SCANNERS = env_list("ATTACHMENT_SCANNERS", ["eicar"] if IS_DEVELOPMENT else ["clamd"])
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS", "unix:///run/clamav/clamd.ctl")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)
# A pending upload (scanner down) is scanned again after 1, 2, 4 … minutes, at most this often.
ATTACHMENT_RESCAN_MAX_MINUTES = env_int("ATTACHMENT_RESCAN_MAX_MINUTES", 60)
if "eicar" in ATTACHMENT_SCANNERS and not DEMO_SWITCHES_ALLOWED:
    raise ImproperlyConfigured(
        "ATTACHMENT_SCANNERS: `eicar` finds nothing but the EICAR test file and is refused when "
        f"MADOGUCHI_ENV={ENVIRONMENT!r}; use clamd (docs/scanning.md)."
    )

# --- Retention (madoguchi.applications.retention, docs/retention.md) ----------------------------
# Applications decided longer ago than their procedure's retention period are anonymised by the
# daily task; RETENTION_HOUR is the hour (Japan time) it runs.
RETENTION_HOUR = env_int("RETENTION_HOUR", 3)

# --- Identifiers at rest (madoguchi.core.identifiers) ------------------------------------------
# 個人番号 and other identifiers are stored as Fernet tokens. Keys: newest first, comma-separated
# (rotation: docs/operations.md); the keyed hash that finds an application by a number has its
# own key. The development defaults are public, so a production installation refuses them.
DEVELOPMENT_IDENTIFIER_ENCRYPTION_KEY = "bWFkb2d1Y2hpLWRldmVsb3BtZW50LWtleS1vbmx5ISE="
DEVELOPMENT_IDENTIFIER_HASH_KEY = "madoguchi-development-identifier-hash-key-do-not-use"
IDENTIFIER_ENCRYPTION_KEYS = [
    key.strip()
    for key in env_secret(
        "IDENTIFIER_ENCRYPTION_KEYS", DEVELOPMENT_IDENTIFIER_ENCRYPTION_KEY
    ).split(",")
    if key.strip()
]
IDENTIFIER_HASH_KEY = env_secret("IDENTIFIER_HASH_KEY", DEVELOPMENT_IDENTIFIER_HASH_KEY)
for _key in IDENTIFIER_ENCRYPTION_KEYS or [""]:
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            "IDENTIFIER_ENCRYPTION_KEYS: each key must be a Fernet key, 32 url-safe base64-encoded "
            "bytes (python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        ) from None
if (
    not DEMO_SWITCHES_ALLOWED
    and DEVELOPMENT_IDENTIFIER_ENCRYPTION_KEY in IDENTIFIER_ENCRYPTION_KEYS
):
    raise ImproperlyConfigured(
        "IDENTIFIER_ENCRYPTION_KEYS (or IDENTIFIER_ENCRYPTION_KEYS_FILE) must be set to your own "
        f"Fernet keys when MADOGUCHI_ENV={ENVIRONMENT!r}: the development key is public."
    )
if not DEMO_SWITCHES_ALLOWED and (
    IDENTIFIER_HASH_KEY == DEVELOPMENT_IDENTIFIER_HASH_KEY or len(IDENTIFIER_HASH_KEY) < 32
):
    raise ImproperlyConfigured(
        "IDENTIFIER_HASH_KEY (or IDENTIFIER_HASH_KEY_FILE) must be set to a secret of at least 32 "
        f"characters when MADOGUCHI_ENV={ENVIRONMENT!r}."
    )

# Error pages and e-mailed reports never show a 個人番号 (POST data, local variables); neither do
# log lines (the filter on the console handler).
DEFAULT_EXCEPTION_REPORTER = "madoguchi.forms.redaction.MyNumberSafeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "madoguchi.forms.redaction.MyNumberSafeExceptionReporterFilter"

# --- Resident login: OpenID Connect -------------------------------------------------------------
# The development identity provider (madoguchi.idp, django-oauth-toolkit) speaks the protocol of the
# Digital Agency's authentication app; pointing the relying party (madoguchi.signin) at a real
# issuer is configuration only.
from madoguchi.idp.provider_settings import oauth2_provider_settings  # noqa: E402

OAUTH2_PROVIDER = oauth2_provider_settings(var_dir=VAR_DIR)

# Django's admin is for platform operators; a non-default path keeps scanners away.
ADMIN_URL = env_str("ADMIN_URL", "ops-admin/")
