"""ConvQuiz settings: one module, read from the environment.

Every value comes from an environment variable through django-environ; a value that
cannot be read stops start-up with a message naming the variable. Defaults are safe
for production (DEBUG off, HTTPS only); `make run` and the tests relax the HTTPS
settings explicitly.
"""

from datetime import timedelta
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _read(name: str, reader, **kwargs):
    """Read one variable, failing loudly with its name on a bad value."""
    try:
        return reader(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"Invalid value for environment variable {name}: {error}") from error


TRUE_WORDS = {"true", "yes", "on", "1"}
FALSE_WORDS = {"false", "no", "off", "0"}


def _strict_bool(name: str, default: bool) -> bool:
    """A boolean that refuses anything but true/false words, rather than reading typos as false."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(f"Invalid value for environment variable {name}: {raw!r} is not true or false")
    return raw in TRUE_WORDS


def _database(name: str, default: str) -> dict:
    url = env.str(name, default=default)
    scheme = url.split("://", 1)[0]
    if scheme not in environ.Env.DB_SCHEMES:
        raise ImproperlyConfigured(
            f"Invalid value for environment variable {name}: unknown database scheme {scheme!r} "
            f"(use postgres://, sqlite:// …)"
        )
    return environ.Env.db_url_config(url)


DEBUG = _strict_bool("DEBUG", default=False)
SECRET_KEY = _read(
    "SECRET_KEY", env.str, default="django-insecure-local-development-only" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, default=[])

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
    "django_htmx",
    "axes",
    "csp",
    "grader",
    "quiz",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "quiz.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": _database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = _read("CONN_MAX_AGE", env.int, default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode, server-side cursors (streamed exports) must be off.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = _strict_bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The embedded SQLite database, written by several workers or threads at once: WAL lets
# readers go on while one writer writes; every transaction takes the write lock when it
# begins (IMMEDIATE), so two never deadlock upgrading from a read, and a writer waits up to
# SQLITE_BUSY_TIMEOUT seconds for its turn instead of failing with "database is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": _read("SQLITE_BUSY_TIMEOUT", env.int, default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }

CACHE_URL = _read("CACHE_URL", env.str, default="")
if CACHE_URL:
    CACHES = {"default": _read("CACHE_URL", env.cache_url)}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = _read(
    "PASSWORD_HASHERS",
    env.list,
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = _read("TIME_ZONE", env.str, default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve straight from the finders when nothing has been collected (tests, `make run`).
WHITENOISE_USE_FINDERS = _strict_bool("WHITENOISE_USE_FINDERS", default=DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: safe by default, relaxed explicitly through the environment for local HTTP.
SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = _strict_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = _strict_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Sessions outlive the longest exam: a student is never logged out mid-attempt.
SESSION_COOKIE_AGE = _read("SESSION_COOKIE_AGE", env.int, default=12 * 60 * 60)
CSRF_FAILURE_VIEW = "quiz.views.errors.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Login throttling (quiz/logins.py, on django-axes): a username is locked from one address
# after AXES_FAILURE_LIMIT wrong passwords, so a shared classroom address is not locked by one
# student's typos; an address is locked for every username after LOGIN_ADDRESS_FAILURE_LIMIT
# wrong passwords across usernames (password spraying), high enough for a lecture hall's honest
# typos; a browser that signed in as the student before (a signed device cookie, kept
# LOGIN_DEVICE_COOKIE_AGE) gets past both locks with a count of its own.
AXES_FAILURE_LIMIT = _read("AXES_FAILURE_LIMIT", env.int, default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = _read("LOGIN_ADDRESS_FAILURE_LIMIT", env.int, default=60)
LOGIN_DEVICE_COOKIE_AGE = timedelta(days=_read("LOGIN_DEVICE_COOKIE_DAYS", env.int, default=365))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "quiz.logins.LoginThrottle"
AXES_USERNAME_CALLABLE = "quiz.logins.throttle_username"
AXES_LOCKOUT_CALLABLE = "quiz.views.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
# How many proxies of ours stand in front of the app (0: clients connect directly). Behind a
# proxy, the client's address comes from X-Forwarded-For (quiz/network.py).
TRUSTED_PROXY_COUNT = _read("TRUSTED_PROXY_COUNT", env.int, default=0)
AXES_CLIENT_IP_CALLABLE = "quiz.network.client_ip"

# Request bodies (quiz/middleware.py, wrapping the WSGI application): a page takes at most
# MAX_REQUEST_BODY_BYTES, room for the longest answer (20,000 characters) URL-encoded even as
# four-byte characters; only the roster import takes a file, of at most ROSTER_MAX_BYTES.
# Anything larger is refused with 413 before it is read.
MAX_REQUEST_BODY_BYTES = 256 * 1024
ROSTER_MAX_BYTES = 1_000_000

# An exam's deadline plus this many seconds still accepts saves and submits.
ATTEMPT_GRACE_SECONDS = _read("ATTEMPT_GRACE_SECONDS", env.int, default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, default="WARNING")},
}
