"""Production: refuses to start with DEBUG on or without a real SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_DEV_SECRET_KEY, env, env_or_file

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (set DEBUG=False).")

SECRET_KEY = env_or_file("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 40 characters in production."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Behind nginx: it terminates TLS and sets X-Forwarded-Proto itself (overwriting whatever a
# client sent), and gunicorn is reachable only from nginx (the web port is never published).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False
# Health checks come in over plain HTTP: kernel.health.InternalEndpointsMiddleware answers them
# before SecurityMiddleware could redirect.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Only ever turned off to load-test plain HTTP on loopback (bench/run.py); never in production.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Wagtail's live preview shows the page in a same-origin frame, so DENY would break it.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Several web containers share one cache: Redis when REDIS_URL is set, else a table in the
# database (never a per-process cache: sessions, login rate limits and Bakong back-off
# must be the same in every container).
if env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "kernel.cache.ShopRedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "shop",
            # A Redis that hangs must not hold requests: give up quickly and serve uncached
            # (kernel.cache fails open and stops asking for a few seconds).
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=1.0),
            },
        }
    }
    # Sessions are read from Redis and written to both Redis and the database, so a shopper's
    # cart survives a Redis restart (the database copy is read when Redis has none).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
