"""Development: debug on, e-mail to the console."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MEDIA_BACKEND, env

# The stand-ins for Bakong and Telegram (and `manage.py bakong_sandbox`): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    "default": MEDIA_BACKEND,  # MEDIA_STORAGE: local files unless configured (base.py)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The local Bakong stand-in (`python manage.py bakong_sandbox`, started by bin/dev).
BAKONG_API_BASE_URL = env("BAKONG_API_BASE_URL", default="http://127.0.0.1:8001")
BAKONG_API_TOKEN = env("BAKONG_API_TOKEN", default="sandbox-token")
SHOP_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)  # edit and reload freely
