"""Settings for Portail Famille, read from the environment (12-factor).

Every value has a local default so that `make run` works with nothing set.
"""

from pathlib import Path

import django
import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# This key is public (it is written here): only a debug server may sign with it. With DEBUG off,
# nothing starts without a key of its own: gunicorn, the Celery worker and beat, and every
# manage.py command import these settings first. (Raised before translations load: French only.)
_LOCAL_SECRET_KEY = "insecure-local-development-key-change-me"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_LOCAL_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", _LOCAL_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY n'est pas défini : avec DJANGO_DEBUG=0, le portail ne démarre pas avec la clé "
        "de développement, qui est publique. Définissez DJANGO_SECRET_KEY (par exemple la sortie de "
        "`openssl rand -hex 32`) dans l'environnement ou dans le fichier .env."
    )
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")
PLATFORM_NAME = "Portail Famille"
# Scheme and port used in links sent by e-mail (invitations, password resets).
PLATFORM_URL_SCHEME = env("PLATFORM_URL_SCHEME", default="http")
PLATFORM_URL_PORT = env("PLATFORM_URL_PORT", default="8000")
# Served over HTTPS (a TLS-terminating proxy in front): secure cookies, HSTS, the redirect to https.
# Plain http (make run, the tests) keeps none of them, or local logins would break.
SERVED_OVER_HTTPS = not DEBUG and PLATFORM_URL_SCHEME == "https"

# Any subdomain of the platform, plus the custom domains the Domain table knows:
# the tenant middleware answers 404 for a host it does not know.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SHARED_APPS = [
    # Before django_tenants: its migrate_schemas command overrides theirs.
    "tenants",
    "django_tenants",
    "core",
    # Installed in both schemas: operators live in public, staff and parents in
    # each commune, each schema with its own users, sessions and e-mails.
    "accounts",
    "notifications",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
]
TENANT_APPS = [
    "core",
    "accounts",
    "notifications",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "allauth",
    "allauth.account",
    "audit",
    "theming",
    "catalog",
    "families",
    "reservations",
    "invoicing",
    "storage",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Commune"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# Onboarding clones this schema (kept migrated by migrate_schemas) instead of
# replaying every migration: see tenants/schema_template.py and bench/onboarding.py.
TENANT_TEMPLATE_SCHEMA = "tenant_template"
# One SET search_path per connection and tenant, not one per query: it halved the round trips of a booking
# (django-tenants forgets the setting on set_tenant, rollback and savepoint rollback, which undo a SET).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # First, so that what the next ones answer by themselves (unknown host, suspended commune,
    # oversized request) gets the https redirect, the security headers and the CSP as well.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "tenants.middleware.CommuneMiddleware",
    "storage.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "theming.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# Django's own admin templates before the apps': django_tenants, installed before django.contrib.admin,
# ships an admin/index.html and an admin/app_list.html of its own (apps coloured by schema type, for an
# admin on the public schema, which the platform has not) that would win, and they style with an inline
# <style> and style="" attributes, which the CSP refuses on every admin page. Django's have neither, and
# have the accessibility fixes django_tenants' copies lack (the app list's column headers).
DJANGO_ADMIN_TEMPLATES = Path(django.__file__).parent / "contrib" / "admin" / "templates"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", DJANGO_ADMIN_TEMPLATES],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "theming.context_processors.branding",
                "core.context_processors.capabilities",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Without DATABASE_URL / REDIS_URL: the local services on PGPORT / REDIS_PORT (scripts/setup.sh starts them there).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"postgres://portail@127.0.0.1:{env('PGPORT', default='54320')}/portail")
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# A worker keeps its connection a minute (checked before reuse) instead of reconnecting per request:
# measured by bench/booking_rush.py on the opening-morning rush.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
    "DATABASE_TEST_NAME", default=f"test_{DATABASES['default']['NAME']}"
)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default=f"redis://127.0.0.1:{env('REDIS_PORT', default='63790')}/0")
CACHES = {
    "default": {
        # Redis when it answers, a store in memory when it does not: pages (and login rate limits) keep working.
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        # Every key starts with the schema name: no commune reads another's
        # cache entries (rate limits, sessions of allauth flows, ...).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        # Separates two deployments (or test runs) sharing one Redis.
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default=""),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# Links that let a person choose a password, each kind with its own lifetime (accounts/tokens.py):
# a password reset one hour, an invitation's activation link 7 days.
PASSWORD_RESET_TIMEOUT = 3600
INVITATION_TIMEOUT = 7 * 24 * 3600
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "accounts.tokens.LinkTokenGenerator"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None  # the login form offers "Se souvenir de moi"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# HMAC keys only sign the address's row id with the shared SECRET_KEY, so a key
# from one commune would confirm the address with the same id in another:
# random keys stored in each commune's schema instead.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=SERVED_OVER_HTTPS)
CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Files: the local filesystem under var/ by default, a private S3 bucket when
# AWS_STORAGE_BUCKET_NAME is set. Keys are prefixed with the commune's schema.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Portail Famille <ne-pas-repondre@portail-famille.fr>")

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A broker that does not answer fails fast: the outbox keeps the work until it is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "core.tasks.relay_outbox_everywhere", "schedule": 60.0},
    "expired-payment-holds": {"task": "reservations.tasks.release_expired_holds_everywhere", "schedule": 60.0},
    "pending-requests-at-cutoff": {
        "task": "reservations.tasks.settle_pending_requests_everywhere",
        "schedule": crontab(minute="*/15"),
    },
    "allocations-due": {"task": "reservations.tasks.run_due_allocations_everywhere", "schedule": crontab(minute="*/5")},
    "document-expiry-reminders": {
        "task": "families.tasks.remind_expiring_documents_everywhere",
        "schedule": crontab(hour=7, minute=30),
    },
}

# One convention for the whole API (README, "The API"; core/api.py): JSON in and out (uploads declare
# multipart), every list paginated and filtered the same way, every error in one shape, and a schema
# that says all of it (tests/test_api_contract.py holds the server to it).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["core.api.QueryFilters"],
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portail Famille API",
    "DESCRIPTION": (
        "API of a commune's portal: each commune answers on its own domain with its own data. Paths have no "
        "trailing slash; lists take `limit` and `offset` and answer `count`, `next`, `previous` and `results`; "
        "filters are query parameters; every error is `{code, message, fields}` (400: the request does not "
        "follow this schema, 422: a rule refuses it). Signed-in session cookie; writes send the CSRF token "
        "in `X-CSRFToken`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components (no read-only field in them, no extra property allowed).
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags from the segment after /api/v1/: catalog, families.
    "SCHEMA_PATH_PREFIX": r"/api/v1/",
    # Choice sets several components share (a booking's state is also a covered day's, a cancelled one's).
    "ENUM_NAME_OVERRIDES": {
        "ErrorCodeEnum": "core.errors.ErrorCode",
        "BookingStateEnum": "reservations.models.Booking.State",
        "BookingSourceEnum": "reservations.models.Booking.Source",
        "PriorityEnum": "catalog.models.BookingWindow.Priority",
        "SchoolLevelsEnum": "catalog.models.Service.SchoolLevel",
    },
    # Swagger UI from the sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
# Rate limits count per client IP: behind the proxy, take it from X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if BEHIND_PROXY else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Plain http is sent to https only when the proxy's X-Forwarded-Proto is trusted: without it every
# request looks like http to Django and the redirect would loop. /healthz stays reachable over http:
# the container's health check asks it from inside, past the proxy.
SECURE_SSL_REDIRECT = SERVED_OVER_HTTPS and BEHIND_PROXY
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS, sent on HTTPS answers only: for a year, browsers refuse plain http to the platform.
# includeSubDomains because every commune is a subdomain of PLATFORM_DOMAIN: the root domain's header
# then covers a commune's portal before its first visit, whose first request would otherwise go in
# clear (where a network can strip TLS). Every subdomain of PLATFORM_DOMAIN must be served over
# HTTPS (the wildcard certificate). A commune's own domain (famille.lepallet.fr) covers itself and
# its own subdomains, never the mairie's other sites. No preload: a list one cannot leave quickly
# (so `check --deploy` is told not to ask for it).
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600 if SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): scripts, styles, images and fonts come from the page's own
# origin only, no CDN and no inline script. The inline styles are a commune's colours (base.html)
# and a service's colour (its month calendar), in <style nonce="{{ request.csp_nonce }}">: django-csp
# adds the request's nonce to style-src on the pages that use it, and drops it elsewhere. Images:
# ours, and data: URIs (Swagger UI's icons). Swagger UI (/api/docs/) starts from a static script
# (templates/drf_spectacular/swagger_ui.html). frame-ancestors is X-Frame-Options for browsers that
# read CSP. A response with a header of its own keeps it (the logo, local downloads: sandboxed).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "tenant"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
