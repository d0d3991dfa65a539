"""Settings, read from the environment in this one file.

With no variables set the portal runs as the embedded default: SQLite under
var/, Celery tasks in-process, email written to files under var/mail (and
visible on the staff outbox page). Production sets DEBUG=false (the default),
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and the EMAIL_* variables;
`manage.py check --deploy` is then clean.
"""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded default keeps its SQLite file, cache, mail and media;
# `make check` points it at a throwaway folder of its own.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is only good for a laptop: `check --deploy` flags it
# (security.W009) and the CI deploy gate fails on it.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-embedded-default-key-change-me-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the form renderer below finds Django's widget templates here
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "csp",
    "django_filters",
    "django_ratelimit",
    "accounts",
    "programs",
    "subscriptions",
    "billing",
    "support",
    "benefits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ClientAddressMiddleware",
    "accounts.middleware.ActiveOrganizationMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
]

# `make bench` only: a query-count header on every response and the floor page.
BENCH = env.bool("BENCH", default=False)
if BENCH:
    MIDDLEWARE.insert(0, "partnerportal.bench.QueryCountMiddleware")

ROOT_URLCONF = "partnerportal.urls"
WSGI_APPLICATION = "partnerportal.wsgi.application"

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
                "accounts.context_processors.portal",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can override a widget's markup.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by PostgreSQL, and a query run 5 times on a connection is
    # prepared: its plan is kept, where planning a page's multi-join selects cost more
    # than running them (docs/benchmarks.md). DB_PREPARE_THRESHOLD= (empty) turns
    # prepared statements off, e.g. behind a pooler that cannot keep them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=env.bool("DB_SERVER_SIDE_BINDING", default=True),
        prepare_threshold=int(env("DB_PREPARE_THRESHOLD", default="5") or 0) or None,
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several threads (and in-process tasks) at once: a write
    # transaction takes the lock when it begins, so one that read first never fails with
    # "database is locked" on upgrading; WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: the Celery broker, and the cache (allauth's rate limits live there).
REDIS_URL = env("REDIS_URL", default="")


def _next_redis_db(url):
    """The same Redis server, the next database number: the cache apart from the broker."""
    parts = urlsplit(url)
    broker_db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{broker_db + 1}"))


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_URL", default=_next_redis_db(REDIS_URL)),
        }
    }
    # Sessions read from Redis, written through to the database (which keeps them
    # across a cache flush): every signed-in request saves a PostgreSQL query.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Shared by every process of the embedded default (runserver, workers),
    # so rate limits hold; never DummyCache, which would switch them off.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# django-ratelimit lists only django-redis by name; Django's own RedisCache increments
# atomically too. The embedded default's file cache is not atomic: good enough for one
# person on a laptop, never used in production (REDIS_URL set).
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (
    [] if REDIS_URL else ["django_ratelimit.E003"]
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The triage queue's covering index is PostgreSQL's; SQLite builds it without the
    # included columns, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# The token-verify API: per client address.
TOKEN_VERIFY_RATE = env("TOKEN_VERIFY_RATE", default="120/m")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# --- django-allauth: email is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OpenNebula Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "change_email": "1/m/user",
    "confirm_email": "1/3m/key",
}
# Off only for `make check`'s security scan: a scanner that compares answers reads a
# throttle's 429 as the application's (a false SQL injection). `check --deploy` warns.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
if not RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False
RATELIMIT_ENABLE = RATE_LIMITS_ENABLED
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OpenNebula Portal"

# --- django-guardian: a denied object is a 404, as any other miss.
GUARDIAN_RAISE_404 = True
GUARDIAN_GET_INIT_ANONYMOUS_USER = "accounts.models.get_anonymous_user_instance"

# --- Email: every message goes through the outbox (accounts.outbox) first.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="OpenNebula Portal <portal@opennebula.io>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
# A queued row older than this was never picked up (broker down): re-queue it.
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=120)

# --- Celery. Without REDIS_URL tasks run in-process (the embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request never waits long on a broker that is down: the outbox row waits.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "outbox-requeue-stale": {
        "task": "accounts.tasks.requeue_stale_notifications",
        "schedule": 60.0,
    },
    "programs-nightly-compliance": {
        "task": "programs.tasks.evaluate_partner_compliance",
        "schedule": crontab(hour=2, minute=30),
    },
    "subscriptions-daily": {
        "task": "subscriptions.tasks.daily_subscription_run",
        "schedule": crontab(hour=5, minute=0),
    },
    "billing-remind-unpaid-invoices": {
        "task": "billing.tasks.remind_unpaid_invoices",
        "schedule": crontab(hour=6, minute=0),
    },
    # Issue 6: alert once per ticket and target at 80% of an SLA target, and at breach.
    "support-sla-alerts": {"task": "support.tasks.alert_sla_risks", "schedule": 300.0},
    # Resolved tickets close once their reopen window has passed.
    "support-close-resolved": {"task": "support.tasks.close_resolved_tickets", "schedule": 3600.0},
    # Issue 7: deal registrations' expiry notices and expiry.
    "benefits-expire-deals": {
        "task": "benefits.tasks.expire_deal_registrations",
        "schedule": crontab(hour=5, minute=30),
    },
    # Issue 7: lead offers not answered in time go back to the pool.
    "benefits-return-lapsed-leads": {
        "task": "benefits.tasks.return_lapsed_lead_offers",
        "schedule": 900.0,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Partner program: days a partner out of its tier's requirements has to put it right
# before staff may downgrade or suspend it (the nightly compliance run marks it at risk).
PARTNER_GRACE_PERIOD_DAYS = env.int("PARTNER_GRACE_PERIOD_DAYS", default=30)

# --- Partner sales benefits (issue 7). Percentages are of the list price; money is USD.
# An approved deal registration protects the end customer for this many days...
DEAL_PROTECTION_DAYS = env.int("DEAL_PROTECTION_DAYS", default=90)
# ...extendable once, by this many more...
DEAL_EXTENSION_DAYS = env.int("DEAL_EXTENSION_DAYS", default=90)
# ...and the partner hears this many days before the protection ends.
DEAL_EXPIRY_NOTICE_DAYS = env.int("DEAL_EXPIRY_NOTICE_DAYS", default=14)
# The extra discount an approved deal brings to its first term (staff may change it per deal).
DEAL_REGISTRATION_DISCOUNT_PERCENT = env.str("DEAL_REGISTRATION_DISCOUNT_PERCENT", default="5")
# Commission on a referred customer's paid invoices, by "program/tier" of the partner.
COMMISSION_RATES = env.json(
    "COMMISSION_RATES",
    default={
        "referral/referral": "10",
        "reseller/standard": "10",
        "reseller/strategic": "15",
        "services/standard": "10",
        "services/strategic": "15",
    },
)
# Days a partner has to accept or decline a distributed lead before it returns to the pool.
LEAD_RESPONSE_DAYS = env.int("LEAD_RESPONSE_DAYS", default=5)
# Volume discount bands: [annual volume from (USD), discount %], by the partner's
# trailing-twelve-month paid volume (billing.revenue).
VOLUME_DISCOUNT_BANDS = env.json(
    "VOLUME_DISCOUNT_BANDS",
    default=[["100000", "2"], ["250000", "4"], ["500000", "6"]],
)
# NFR subscriptions a partner may hold at once, by "program/tier"; their size and term.
NFR_LIMITS = env.json("NFR_LIMITS", default={"services/standard": 2, "services/strategic": 5})
NFR_MAX_SERVERS = env.int("NFR_MAX_SERVERS", default=4)
NFR_TERM_DAYS = env.int("NFR_TERM_DAYS", default=365)

# --- Static files, vendored and served by WhiteNoise.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False
# Uploaded files (ticket attachments) live here, outside the static files; there is no
# MEDIA_URL route: they are served only by permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# --- Support portal (issue 6).
SUPPORT_ATTACHMENT_MAX_BYTES = env.int("SUPPORT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
SUPPORT_ATTACHMENT_MAX_FILES = env.int("SUPPORT_ATTACHMENT_MAX_FILES", default=5)
# Where SLA alerts of unassigned tickets go: the support team's shared inbox.
SUPPORT_QUEUE_EMAIL = env("SUPPORT_QUEUE_EMAIL", default="support@opennebula.io")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security headers and cookies. Safe by default; DEBUG relaxes them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
