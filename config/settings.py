"""ConvQuiz settings: one module, read from the environment.

Every value comes from an environment variable through django-environ (or, for a
development checkout, its .env file); a value that cannot be read stops start-up with a
message naming the variable. Defaults are safe for production (DEBUG off, HTTPS only);
the .env that `make install` writes and the tests relax the HTTPS settings explicitly.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# This checkout's local settings: `make install` writes a git-ignored .env for development
# (DEBUG on, its own key, plain HTTP), so `python manage.py …` works as written. A variable
# set in the real environment always wins over the file; ENV_FILE names another file, and
# ENV_FILE="" reads none (the tests).
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and "ENV_FILE" in os.environ and not Path(ENV_FILE).is_file():
    raise ImproperlyConfigured(f"Invalid value for environment variable ENV_FILE: no file {ENV_FILE}")
if ENV_FILE and Path(ENV_FILE).is_file():

    class _EnvFile(environ.Env):
        """The file's values in a mapping of their own: in os.environ they would pass for real
        environment variables (to a second import of these settings, to a subprocess)."""

        ENVIRON: dict[str, str] = {}

    _EnvFile.read_env(ENV_FILE)
    env.ENVIRON = {**_EnvFile.ENVIRON, **os.environ}


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
if not DEBUG and "SECRET_KEY" not in os.environ:
    # A production server never signs with a key left in a development checkout's .env.
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable (with DEBUG off, a key in .env is not used)")
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
    "axes",
    "csp",
    "quiz",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "quiz.languages.GraderLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "quiz.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# The language comes from the browser (Accept-Language) until a person picks one in the footer
# (django's set_language, kept in a cookie); English is the fallback. Dates and numbers follow it.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# Ours first: the project's catalog wins over the other packages' (locale/libraries), and both over the apps' own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
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
    # WhiteNoise's hashed and compressed files, the ES modules importing each other by hashed names too.
    "staticfiles": {"BACKEND": "config.static_storage.StaticFilesStorage"},
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

# Under config/gunicorn.conf.py: load the sentence-embedding model in gunicorn's master, once,
# so that every worker shares it instead of loading its own on a teacher's first page.
PRELOAD_MEANING_MODEL = _strict_bool("PRELOAD_MEANING_MODEL", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, default="WARNING")},
}

# --- LMS: LTI 1.3 Advantage (quiz/lti, docs/lti.md) --------------------------------------------
INSTALLED_APPS += ["lti_tool", "quiz.lti"]
# A session begun by a launch lives in the LMS's iframe. Its cookies become SameSite=None over
# HTTPS (this middleware sits outside SessionMiddleware, so it sees the cookies set there), and
# its pages may be framed by the launching platform (this one sits inside CSPMiddleware, so the
# policy written there reads the change). Every other session keeps the rules above.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), "quiz.lti.middleware.LtiCookieMiddleware"
)
MIDDLEWARE.append("quiz.lti.middleware.LtiFrameMiddleware")
# Where an LMS serves its pages, when that is not its issuer's or its login URL's origin (Canvas:
# https://school.instructure.com): its frames may show ConvQuiz's refusal pages too.
LTI_FRAME_ORIGINS = _read("LTI_FRAME_ORIGINS", env.list, default=[])
# Seconds to wait for an LMS (keyset, access token, scores, members) before giving up for now.
LTI_HTTP_TIMEOUT = _read("LTI_HTTP_TIMEOUT", env.int, default=10)
# Seconds a platform's public keyset is reused before it is fetched again.
LTI_KEYSET_CACHE_SECONDS = _read("LTI_KEYSET_CACHE_SECONDS", env.int, default=300)
# Scores go to the LMS from a thread after the transaction commits, so no request waits for the
# LMS; false sends them in the request itself. Either way `send_lti_scores --due` retries.
LTI_SEND_IN_BACKGROUND = _strict_bool("LTI_SEND_IN_BACKGROUND", default=True)

# --- Single sign-on: OpenID Connect with the institution's identity provider (quiz/sso) -----------
# Off unless OIDC_RP_CLIENT_ID is set; then every endpoint below is required. Local passwords
# keep working for the embedded default accounts and for admins.
OIDC_RP_CLIENT_ID = _read("OIDC_RP_CLIENT_ID", env.str, default="")
if OIDC_RP_CLIENT_ID:
    OIDC_RP_CLIENT_SECRET = _read("OIDC_RP_CLIENT_SECRET", env.str)
    OIDC_OP_AUTHORIZATION_ENDPOINT = _read("OIDC_OP_AUTHORIZATION_ENDPOINT", env.url).geturl()
    OIDC_OP_TOKEN_ENDPOINT = _read("OIDC_OP_TOKEN_ENDPOINT", env.url).geturl()
    OIDC_OP_USER_ENDPOINT = _read("OIDC_OP_USER_ENDPOINT", env.url).geturl()
    OIDC_OP_JWKS_ENDPOINT = _read("OIDC_OP_JWKS_ENDPOINT", env.url).geturl()
    AUTHENTICATION_BACKENDS += ["quiz.sso.SsoBackend"]
OIDC_OP_ISSUER = _read("OIDC_OP_ISSUER", env.str, default="")
OIDC_PROVIDER_NAME = _read("OIDC_PROVIDER_NAME", env.str, default="your institution")
OIDC_RP_SIGN_ALGO = _read("OIDC_RP_SIGN_ALGO", env.str, default="RS256")
OIDC_RP_SCOPES = _read("OIDC_RP_SCOPES", env.str, default="openid email profile")
# Who becomes a teacher: a user whose claim OIDC_TEACHER_CLAIM (a string or a list, e.g. the
# provider's groups) holds one of OIDC_TEACHER_VALUES; everyone else signs in as a student.
OIDC_TEACHER_CLAIM = _read("OIDC_TEACHER_CLAIM", env.str, default="groups")
OIDC_TEACHER_VALUES = _read("OIDC_TEACHER_VALUES", env.list, default=[])
OIDC_USE_PKCE = True
OIDC_TIMEOUT = LTI_HTTP_TIMEOUT
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
