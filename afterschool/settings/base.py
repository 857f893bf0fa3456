"""Settings shared by every environment, read from the environment (django-environ).

With nothing configured the project runs on a SQLite file, executes Celery tasks eagerly in-process and
caches in local memory. ``DATABASE_URL`` switches to PostgreSQL (psycopg 3), ``REDIS_URL`` to a real
Celery broker, result store and cache.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "csp",
    # In layer order: each imports only those above it in this list (import-linter checks it).
    "afterschool.apps.AfterschoolConfig",
    "scheduling",
    "enrollment",
    "safety",
    "fees",
    "afterschool.reports.apps.ReportsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their caching; above the rest, so it sees every response.
    "afterschool.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "afterschool.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "afterschool.middleware.SessionIdleTimeoutMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# --- Content-Security-Policy (django-csp) ---------------------------------------------------------------
# Everything is served by the site itself (static/vendor/, never a CDN), so the policy is strict: no inline
# script, style or event handler anywhere (behaviour lives in static/js/site.js behind data- attributes,
# looks in static/css/), nothing from another origin. data: images are Bootstrap's inline SVG icons
# (select arrows, the navbar toggler, close buttons) in its CSS. The Django admin works under the same
# policy (tests/browser/test_csp.py opens it). X-Frame-Options stays for browsers without frame-ancestors.
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
    },
}

ROOT_URLCONF = "afterschool.urls"
WSGI_APPLICATION = "afterschool.wsgi.application"
ASGI_APPLICATION = "afterschool.asgi.application"

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
                "afterschool.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Keep connections open between requests: a new PostgreSQL connection per request costs about 4x
# throughput. Health checks drop connections that died while idle.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="afterschool"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker there is no worker: run tasks in-process so a newcomer can start at once.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "roster-uploads-purge": {
        "task": "afterschool.register.tasks.roster_uploads_purge",
        "schedule": 60 * 60,
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Accounts ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "afterschool.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses locked-out credentials before any other backend runs.
    "axes.backends.AxesStandaloneBackend",
    "afterschool.register.backends.UsernameOrMobileBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
# Failures are counted per (account, client address): one client's mistakes never lock out another.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# The account, whichever of its names (username, mobile in any spelling) was typed.
AXES_USERNAME_CALLABLE = "afterschool.register.backends.lockout_username"
AXES_CLIENT_IP_CALLABLE = "afterschool.register.client.client_ip"
AXES_LOCKOUT_CALLABLE = "afterschool.register.backends.lockout_response"
# django-axes keeps each failed attempt's query string and form: mask the values that can carry a code, a
# search for a child (the login page's ?next=/…/students/?q=…) or the typed name.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "next", "code", "q"]
# Guessing spread over many addresses: at most this many failures per account per cool-off, from all
# addresses together. Keep it well above AXES_FAILURE_LIMIT (a system check says so).
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=20)

# Reverse proxies of ours in front of the site (nginx: 1). Client addresses (login lockouts, the activation
# throttle) are then read from X-Forwarded-For; with 0 the header is ignored. See register/client.py.
CLIENT_IP_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# Sessions slide: each request extends them. Staff (any school or bureau role) are logged out after this
# many minutes without a request: an hour ends a session left open on a shared office computer within the
# hour, yet spans the gaps of an after-school afternoon (check-in at 15:00, a patrol, dismissal at 17:20) so a
# teacher is not sent to log in on a phone while handing a child over. Parents, on their own phones, after
# this many days.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=60)
PARENT_SESSION_DAYS = env.int("PARENT_SESSION_DAYS", default=30)

# Invitation codes printed on the letter to parents.
INVITATION_CODE_VALID_DAYS = env.int("INVITATION_CODE_VALID_DAYS", default=60)
# One-time codes with which a person accepts roles at a school (told face to face: a short life).
STAFF_INVITATION_VALID_DAYS = env.int("STAFF_INVITATION_VALID_DAYS", default=14)

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["afterschool.formats"]
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded rosters waiting between preview and confirm hold children's names and parents' phones: keep
# them outside MEDIA_ROOT (never served). With several web servers this must be shared storage.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "var" / "private")
ROSTER_UPLOAD_MAX_AGE_HOURS = env.int("ROSTER_UPLOAD_MAX_AGE_HOURS", default=24)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "import_export": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
}
# Roster uploads: refuse anything larger before parsing it.
ROSTER_UPLOAD_MAX_BYTES = env.int("ROSTER_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="afterschool@localhost")

MESSAGE_TAGS = {40: "danger"}

# Query strings carry invitation codes (the letter's QR link) and children's names or 学籍号 (the student
# search): their values are redacted before any record is written. Production's access log is gunicorn's
# (gunicorn.conf.py), which logs the path alone.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_query_strings": {"()": "afterschool.logfilters.RedactQueryStrings"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_query_strings"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_query_strings"],
        },
    },
    "loggers": {
        # runserver's access log
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Django's own handlers (the console in DEBUG, mail to ADMINS) sit on the "django" logger above it.
        "django.request": {"filters": ["redact_query_strings"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
