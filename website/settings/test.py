"""Tests: fast hashing, in-memory e-mail, media in a throwaway folder.

The database is whatever the environment configures (MariaDB in CI), else SQLite.
"""

import tempfile

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MEDIA_BACKEND

# The stand-ins for Bakong and Telegram the tests pay and notify through: never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="shop-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="shop-test-static-")
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": MEDIA_BACKEND,  # MEDIA_STORAGE: local files unless configured (base.py)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
SERVE_MEDIA = True

# Tasks run in the request that enqueues them; tests call job functions directly too.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
