"""Media in a bucket (MEDIA_STORAGE=s3, moto's S3 server on 127.0.0.1): documents are served
by Django, bucket calls give up quickly, an unreachable bucket does not break the payment page,
S3_LOCATION keeps the cache policy, and a refused upload is counted."""

# ruff: noqa: F811  (the tests take the imported fixtures as arguments)

import base64
import io
import socket
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.documents import get_document_model

from kernel.storage import IMMUTABLE_CACHE_CONTROL, MediaStorage, cache_control_for
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import make_category, make_image, make_product
from tests.website.test_object_storage import (  # noqa: F401  (s3_server, bucket_env: fixtures)
    bucket_env,
    media_folder,
    operator_settings,
    s3_server,
)


def configure(settings, monkeypatch, variables):
    """The settings module run with these variables, its media storage (and what goes with
    it) put in place, as a container started with them has it."""
    configured = operator_settings(monkeypatch, variables)
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    settings.MEDIA_URL = configured["MEDIA_URL"]
    settings.WAGTAILDOCS_SERVE_METHOD = configured.get("WAGTAILDOCS_SERVE_METHOD")
    return configured


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_document_in_the_bucket_is_downloaded_through_the_shop(
    bucket_env, settings, monkeypatch, client, db
):
    configure(settings, monkeypatch, bucket_env)
    document = get_document_model().objects.create(
        title="Terms", file=ContentFile(b"%PDF-1.4 the shop's terms", name="terms.pdf")
    )
    assert document.file.name.startswith("documents/")
    response = client.get(f"/documents/{document.pk}/terms.pdf")
    # Not a redirect to the bucket (documents/ is not public there): the bytes themselves.
    assert response.status_code == 200, response.get("Location")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the shop's terms"


def test_bucket_calls_have_short_timeouts_and_keep_the_addressing_style(
    bucket_env, settings, monkeypatch
):
    configure(settings, monkeypatch, bucket_env)
    storage = storages.create_storage(settings.STORAGES["default"])
    config = storage.connection.meta.client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert config.retries["total_max_attempts"] == 2
    assert config.s3["addressing_style"] == "path"


def test_an_unreachable_bucket_leaves_the_payment_page_and_api_working(
    bucket_env, settings, monkeypatch, shop, bakong, delivery, caplog
):
    configure(
        settings, monkeypatch, {**bucket_env, "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    )
    api = ApiClient()
    product = make_product(make_category(), title="Krama", price="6.50", stock=10)
    api.add(product, 1)
    started = time.monotonic()
    response = api.post("/api/checkout/", CHECKOUT_BODY | {"currency": "USD"})
    assert response.status_code == 201, response.content
    image_url = response.json()["payment"]["image_url"]
    # The PNG comes inline instead of from the bucket: still a picture to save.
    assert image_url.startswith("data:image/png;base64,")
    assert base64.b64decode(image_url.split(",", 1)[1]).startswith(b"\x89PNG")
    assert "could not be stored" in caplog.text

    page = api.client.get(response.json()["order"]["url"])
    assert page.status_code == 200
    assert 'href="data:image/png;base64,' in page.content.decode()
    assert time.monotonic() - started < 25


def test_with_s3_location_images_are_still_stored_with_a_long_cache(
    bucket_env, settings, monkeypatch, db
):
    configure(settings, monkeypatch, {**bucket_env, "S3_LOCATION": "shop/media"})
    image = make_image("Silk scarf")
    key = default_storage.key_for(image.file.name)
    assert key.startswith("shop/media/original_images/")
    assert default_storage.bucket.Object(key).cache_control == IMMUTABLE_CACHE_CONTROL
    name = default_storage.save("documents/terms.pdf", ContentFile(b"%PDF"))
    assert default_storage.bucket.Object(default_storage.key_for(name)).cache_control == (
        "no-cache"
    )


def test_cache_control_for_strips_the_location_prefix():
    assert cache_control_for("shop/images/a.webp", "shop") == IMMUTABLE_CACHE_CONTROL
    assert cache_control_for("shop/qrcodes/a.png", "/shop/") == IMMUTABLE_CACHE_CONTROL
    assert cache_control_for("images/a.webp") == IMMUTABLE_CACHE_CONTROL
    assert cache_control_for("images/a.webp", "shop") == IMMUTABLE_CACHE_CONTROL
    assert cache_control_for("shop/documents/a.pdf", "shop") == "no-cache"
    assert cache_control_for("other/images/a.webp", "shop") == "no-cache"


def test_a_refused_upload_is_reported_and_counted_not_a_traceback(
    bucket_env, settings, monkeypatch, tmp_path, db
):
    configured = configure(settings, monkeypatch, bucket_env)
    # A storage class the bucket refuses: every upload is answered 400 (upload_file raises
    # boto3's S3UploadFailedError, not a botocore error).
    default = configured["STORAGES"]["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **default,
            "OPTIONS": {**default["OPTIONS"], "object_parameters": {"StorageClass": "NOPE"}},
        },
    }
    assert isinstance(storages["default"], MediaStorage)
    media_folder(tmp_path / "media")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="4 files could not be copied"):
        call_command("copy_media_to_bucket", str(tmp_path / "media"), stdout=out, stderr=err)
    assert "could not copy qrcodes/abc.png" in err.getvalue()
    assert "copied 0 files (0 bytes), skipped 0 already in the bucket, 4 failed" in out.getvalue()
