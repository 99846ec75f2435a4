"""Settings, read from the environment (django-environ).

The embedded SQLite default exists only for the one-command demo; every real deployment and CI
sets DATABASE_URL to PostgreSQL.
"""
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Which rules the configuration must meet: "production" (the default without DEBUG) refuses to
# start on a weak secret key, missing hosts, a non-PostgreSQL database or plain HTTP; "development"
# (the default with DEBUG, e.g. ./scripts/demo.sh) and "test" (platform_portal/settings_test.py)
# relax them. Production is what you get when you forget to say.
PORTAL_ENV = env.str("PORTAL_ENV", default="development" if DEBUG else "production")


def _refuse(message: str):
    raise ImproperlyConfigured(f"{message}（README の「本番設定とセキュリティ」参照）")


if PORTAL_ENV not in ("production", "development", "test"):
    _refuse(f"PORTAL_ENV は production・development・test のいずれかにしてください（現在: {PORTAL_ENV}）。")
PRODUCTION = PORTAL_ENV == "production"

if PRODUCTION and DEBUG:
    _refuse("本番環境（PORTAL_ENV=production）では DEBUG を有効にできません。")
if PORTAL_ENV == "development" and not DEBUG:
    # Development falls back to a built-in secret key and SQLite; without DEBUG's error pages it
    # would pass for a server while running on those.
    _refuse("開発環境（PORTAL_ENV=development）は DEBUG=true のときだけ使えます。サーバーでは PORTAL_ENV=production にしてください。")

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        _refuse("SECRET_KEY が設定されていません。環境変数 SECRET_KEY に50文字以上のランダムな文字列を設定してください。")
    SECRET_KEY = "insecure-development-only-key"
elif PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    _refuse("SECRET_KEY が短すぎるか推測しやすい値です。50文字以上のランダムな文字列にしてください。")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    _refuse("ALLOWED_HOSTS が設定されていません。ポータルのホスト名（例: portal.example.lg.jp）を設定してください。")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Served over HTTPS in production: redirects, secure cookies and HSTS. A loopback deployment
# without TLS (scripts/deploy_local.sh) says HTTPS=false explicitly.
HTTPS = env.bool("HTTPS", default=PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_TLS_PROXY", default=False):
    # Only behind a proxy that sets this header itself; otherwise a client could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sessions end a working day after sign-in, and when the browser closes. (Renewing on every
# request would write the session row on every page view.)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "core",
    "members",
    "plans",
    "kpi",
    "municipal_pf",
    "proposals",
    "exports",
    "meetings",
    "imports",
    "dashboard",
    "onboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (the CSRF check reads request.POST): too large is refused unread.
    "core.uploads.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.freshness.GenerationPerRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.headers.PrivatePagesMiddleware",
    "core.twofactor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.audit.RequestIdMiddleware",
    # Inside the request's transaction handling: a lost database becomes a clear 503 page.
    "core.faults.DatabaseUnavailableMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "platform_portal.urls"

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
                "core.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "platform_portal.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    _refuse("本番環境では DATABASE_URL に PostgreSQL（postgres://…）を設定してください。SQLite はデモ専用です。")
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Keep each app thread's connection between requests: opening one starts a PostgreSQL backend
# process, which costs more than the rest of a typical page. Checked before reuse, so a restarted
# database is survived. The demo's SQLite file gains nothing from it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's app server and its worker (`db_worker`) write to one file. In SQLite's default
    # mode a reader blocks the writer, and a deferred transaction that reads, then writes, fails at
    # once with "database is locked" when the other process wrote meanwhile. WAL lets readers and
    # one writer work side by side; IMMEDIATE takes the write lock when a transaction begins, where
    # the busy timeout makes the other process wait for it instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT", default=20),
    })

# The home page's dashboard is cached until the data changes (core/freshness.py), and
# sessions are read through the cache. Every app server must see the same cache, so production
# asks for a shared one; the demo and the tests keep it in the process.
def cache_config(url: str) -> dict:
    config = env.cache_url_config(url or "locmemcache://")
    if config["BACKEND"] == "django_redis.cache.RedisCache":
        # If Redis is unreachable, pages are computed afresh and sessions read from the database,
        # after at most half a second's wait.
        config.setdefault("OPTIONS", {}).update({"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5})
    return config


CACHES = {"default": cache_config(env.str("CACHE_URL", default=""))}
# Caches every app server reaches alike. Anything else (locmem, file, dummy) is refused: a file
# cache is one server's disk, and a dummy cache makes sessions and the home page cost full price.
SHARED_CACHE_BACKENDS = {
    "django_redis.cache.RedisCache", "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache", "django.core.cache.backends.memcached.PyLibMCCache",
    "django.core.cache.backends.db.DatabaseCache",
}
if PRODUCTION and CACHES["default"]["BACKEND"] not in SHARED_CACHE_BACKENDS:
    _refuse(f"本番環境では CACHE_URL に共有キャッシュ（全サーバーから同じものが見える redis://127.0.0.1:6379/1 など）を設定してください（現在: {CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}）。プロセスやサーバーごとのキャッシュでは、あるサーバーで保存した実績が別のサーバーの画面に反映されません。")
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
# Every portal permission (portal.<code>) is answered by one backend from the users' access roles.
# django-axes first: it refuses sign-ins of a locked-out user before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "core.access.PortalPermissionBackend"]
LOGIN_URL = "login"
# In Japanese, with the way back to a fresh form: also what a sign-in gets whose first page could
# not be served (the database was gone) and so never set the CSRF cookie.
CSRF_FAILURE_VIEW = "core.faults.csrf_failure"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed sign-ins (django-axes). Counted per user name, not per address:
# a prefecture's offices share a few outbound addresses, so locking an address would lock out
# whole departments. Unlock: the cool-off time passes, or an administrator runs
# `manage.py axes_reset_username <name>` (README「本番設定とセキュリティ」).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks to count per address too; for the shared office addresses above that would lock
# out colleagues, and counting per user name is not bypassed by changing cookies or browsers.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Two-factor authentication (django-otp, TOTP): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="事務局ポータル")

# Content Security Policy (django-csp): only the portal's own scripts, styles and images.
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from the npm registry by scripts/install.sh; served as static/design-tokens/tokens.css.
    ("design-tokens", BASE_DIR / "node_modules" / "@digital-go-jp" / "design-tokens" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The largest file an upload may be (imports). Larger requests are refused before their body is
# read (core/uploads.py); a reverse proxy in front refuses them first (client_max_body_size).
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=20)
UPLOAD_MAX_BYTES = UPLOAD_MAX_MB * 1024 * 1024
# The form fields of a request, files apart (Django's default, said here): the largest form, the
# KPI entry grid, posts well under it. Files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary
# file rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
# The address users open the portal at, for links in e-mails sent without a page to take it from
# (invitations of imported users). Defaults to the first ALLOWED_HOSTS.
_FIRST_HOST = next((host.lstrip(".") for host in ALLOWED_HOSTS if host != "*"), "localhost")
PORTAL_URL = env.str("PORTAL_URL", default=f"https://{_FIRST_HOST}" if HTTPS else f"http://{_FIRST_HOST}:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Sign-ins are logged instead of written to the users' history (core/signin.py).
    "loggers": {"core.signin": {"level": env.str("SIGNIN_LOG_LEVEL", default="INFO")}},
}

# Background tasks (long exports) go through the Tasks API on the database backend, so that every
# app server and worker (`manage.py db_worker`) shares one queue in PostgreSQL.
TASKS = {"default": {"BACKEND": env.str("TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# A worker touches its export job every EXPORT_JOB_HEARTBEAT seconds while rendering; a job
# without a touch for EXPORT_JOB_DEAD_AFTER seconds lost its worker, and one still 作成中 after
# EXPORT_JOB_TIMEOUT seconds hangs: either is reported failed and may be made again at once.
EXPORT_JOB_HEARTBEAT = env.float("EXPORT_JOB_HEARTBEAT", default=10)
EXPORT_JOB_DEAD_AFTER = env.int("EXPORT_JOB_DEAD_AFTER", default=60)
EXPORT_JOB_TIMEOUT = env.int("EXPORT_JOB_TIMEOUT", default=600)
# An import preview left 確認待ち this many hours expires and its file is removed
# (`manage.py expire_imports`, and whenever the import page is opened).
IMPORT_PREVIEW_HOURS = env.int("IMPORT_PREVIEW_HOURS", default=24)
