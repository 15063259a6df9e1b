"""Media files in S3-compatible object storage (``MEDIA_STORAGE=s3``, docs/operations.md).

Product images, Wagtail renditions and the KHQR QR images are public and never change once
written (their names are unique), so they are stored without signed URLs, which would expire
inside cached pages, and with a long ``Cache-Control``. Everything else (Wagtail documents,
say, which Django serves itself so that their privacy settings hold) gets no long cache, and
the bucket policy in docs/operations.md makes only the public prefixes readable by anyone.
"""

import mimetypes

from botocore.config import Config
from django.conf import settings
from django.core.checks import Error, register
from storages.backends.s3 import S3Storage

# Folders whose files are written once under a unique name: cached by browsers for a year.
IMMUTABLE_PREFIXES = ("original_images/", "images/", "qrcodes/")
PUBLIC_PREFIXES = IMMUTABLE_PREFIXES
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
DEFAULT_CACHE_CONTROL = "no-cache"

# A request to the bucket gives up quickly: botocore's defaults (60 s to connect, 60 s per
# read, several retries) would outlast gunicorn's 30 s worker timeout, so a slow or unreachable
# bucket would kill the worker instead of failing the one call. Two attempts in all.
BUCKET_TIMEOUTS = Config(
    connect_timeout=3,
    read_timeout=10,
    retries={"total_max_attempts": 2, "mode": "standard"},
)


def cache_control_for(name, location=""):
    """The ``Cache-Control`` an object under ``name`` is stored with. ``name`` is a media
    file's name, or its object key under the storage's ``location`` (django-storages passes
    the key): the prefix is not part of the folder that decides."""
    name = name.lstrip("/")
    prefix = location.strip("/") + "/" if location and location.strip("/") else ""
    if prefix and name.startswith(prefix):
        name = name[len(prefix) :]
    if name.startswith(IMMUTABLE_PREFIXES):
        return IMMUTABLE_CACHE_CONTROL
    return DEFAULT_CACHE_CONTROL


def content_type_for(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class MediaStorage(S3Storage):
    """django-storages' S3 backend with a cache policy per folder and short timeouts."""

    def __init__(self, **options):
        super().__init__(**options)
        # The timeouts under whatever the options configured (the addressing style...): a
        # ``client_config`` given in the options that sets its own timeouts keeps them.
        self.client_config = BUCKET_TIMEOUTS.merge(self.client_config)

    def get_object_parameters(self, name):
        return {
            "CacheControl": cache_control_for(name, self.location),
            **super().get_object_parameters(name),
        }

    def key_for(self, name):
        """The object key a media file name is stored under (``location`` prefixed)."""
        return self._normalize_name(name)


@register()
def media_storage_settings(app_configs, **kwargs):
    """``MEDIA_STORAGE=s3`` without a bucket (or with half a key pair) cannot work."""
    storage = settings.STORAGES.get("default", {})
    if storage.get("BACKEND") != f"{MediaStorage.__module__}.{MediaStorage.__name__}":
        return []
    options = storage.get("OPTIONS", {})
    errors = []
    if not options.get("bucket_name"):
        errors.append(
            Error(
                "MEDIA_STORAGE=s3 but S3_BUCKET is not set.",
                hint="Set S3_BUCKET (and S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY_ID, "
                "S3_SECRET_ACCESS_KEY or S3_SECRET_ACCESS_KEY_FILE): docs/operations.md, "
                "'Media in object storage'.",
                id="kernel.E010",
            )
        )
    if bool(options.get("access_key")) != bool(options.get("secret_key")):
        errors.append(
            Error(
                "Only one of S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or "
                "S3_SECRET_ACCESS_KEY_FILE) is set.",
                hint="Set both, or neither to use the machine's own credentials "
                "(an AWS instance role).",
                id="kernel.E011",
            )
        )
    return errors
