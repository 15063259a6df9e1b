"""The production settings with one more URL, a page that fails (error_urls.py): what the
error-report tests run gunicorn with. Nothing else differs from production."""

from website.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.observability.error_urls"
