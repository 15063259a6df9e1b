"""Media in S3-compatible object storage, against a real S3-protocol server (moto's server
mode) on 127.0.0.1. The storage is configured the way an operator does it: the MEDIA_STORAGE
and S3_* environment variables, read by the settings module itself."""

import io
import json
import logging
import re
import runpy
import secrets
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage

from checkout.models import Payment
from checkout.payments import ensure_qr_image
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import make_category, make_image, make_product

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "website" / "settings" / "base.py"
REGION = "ap-southeast-1"


class RequestLog(logging.Handler):
    """The S3 server's own request log (werkzeug's, one line per request)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        self.lines.append(re.sub(r"\x1b\[[0-9;]*m", "", record.getMessage()))

    def requests(self, method=None):
        pattern = re.compile(r'"([A-Z]+) (\S+) HTTP')
        found = [m.groups() for m in map(pattern.search, self.lines) if m]
        return [(verb, path) for verb, path in found if method in (None, verb)]


@pytest.fixture(scope="module")
def s3_server():
    log = RequestLog()
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.setLevel(logging.INFO)
    werkzeug.addHandler(log)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}", log
    server.stop()
    werkzeug.removeHandler(log)


def public_read_policy(bucket):
    """The bucket policy docs/operations.md gives: anyone may read images, renditions and QR
    codes; nothing else in the bucket is public."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [
                    f"arn:aws:s3:::{bucket}/original_images/*",
                    f"arn:aws:s3:::{bucket}/images/*",
                    f"arn:aws:s3:::{bucket}/qrcodes/*",
                ],
            }
        ],
    }


def operator_settings(monkeypatch, variables):
    """The settings module run afresh with these environment variables (as a container
    starts with them): its STORAGES and MEDIA_URL, or the error it raises."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


@pytest.fixture
def bucket_env(s3_server, tmp_path, monkeypatch):
    """A fresh bucket and the variables an operator sets for it, the secret key in a file
    (as a Docker secret)."""
    endpoint, _ = s3_server
    name = "media-" + secrets.token_hex(4)
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="shop-key",
        aws_secret_access_key="shop-secret",  # noqa: S106
    )
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
    secret = tmp_path / "s3_secret_access_key"
    secret.write_text("shop-secret\n")
    monkeypatch.delenv("S3_SECRET_ACCESS_KEY", raising=False)
    return {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": "shop-key",
        "S3_SECRET_ACCESS_KEY_FILE": str(secret),
        "S3_ADDRESSING_STYLE": "path",
        "S3_PUBLIC_URL": f"{endpoint}/{name}",
    }


@pytest.fixture
def s3_media(bucket_env, monkeypatch, settings):
    configured = operator_settings(monkeypatch, bucket_env)
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    settings.MEDIA_URL = configured["MEDIA_URL"]
    return bucket_env


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our test server)
        return response.status, response.headers, response.read()


def test_product_images_and_renditions_are_public_stable_urls_in_the_bucket(
    s3_media, s3_server, shop, client
):
    _, log = s3_server
    image = make_image("Silk scarf")
    product = make_product(make_category(), title="Silk scarf", images=[image])
    public = s3_media["S3_PUBLIC_URL"]
    assert image.file.url == f"{public}/{image.file.name}"
    status, headers, body = fetch(image.file.url)
    assert status == 200
    assert PILImage.open(io.BytesIO(body)).size == (64, 64)

    response = client.get(product.url)
    assert response.status_code == 200
    html = response.content.decode()
    rendition_urls = sorted(set(re.findall(re.escape(public) + r"/images/[^\"' ]+", html)))
    assert rendition_urls, "no rendition in the bucket on the product page"
    assert not [url for url in rendition_urls if "?" in url]  # unsigned: no expiry
    assert f'<meta property="og:image" content="{public}/images/' in html
    for url in rendition_urls:
        status, headers, body = fetch(url)
        assert status == 200 and len(body) > 0
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Type"].startswith("image/")

    # A second rendering (page cache emptied) finds every rendition in the database: no
    # request at all reaches the bucket, neither HEAD nor GET nor PUT.
    cache.clear()
    before = len(log.requests())
    again = client.get(product.url)
    assert again.status_code == 200
    assert (
        sorted(set(re.findall(re.escape(public) + r"/images/[^\"' ]+", again.content.decode())))
        == rendition_urls
    )
    assert log.requests()[before:] == []


def test_a_khqr_payments_qr_png_is_stored_in_the_bucket_at_a_public_url(
    s3_media, shop, bakong, delivery
):
    api = ApiClient()
    product = make_product(make_category(), title="Krama", price="6.50", stock=10)
    api.add(product, 1)
    response = api.post("/api/checkout/", CHECKOUT_BODY | {"currency": "USD"})
    assert response.status_code == 201, response.content
    md5 = response.json()["payment"]["md5"]
    url = response.json()["payment"]["image_url"]
    assert url == f"{s3_media['S3_PUBLIC_URL']}/qrcodes/{md5}.png"
    status, headers, body = fetch(url)
    assert status == 200 and body.startswith(b"\x89PNG")
    assert headers["Content-Type"] == "image/png"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Asked again (the shopper reloads), the same object is answered, not a new one.
    assert ensure_qr_image(Payment.objects.get(md5=md5)) == url
    assert default_storage.listdir("qrcodes")[1] == [f"{md5}.png"]


def media_folder(root):
    (root / "original_images").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "qrcodes").mkdir()
    (root / "documents").mkdir()
    (root / ".restore-old-12").mkdir()
    (root / "original_images" / "scarf.png").write_bytes(b"\x89PNG scarf")
    (root / "images" / "scarf.fill-900x900.format-webp.webp").write_bytes(b"RIFF webp")
    (root / "qrcodes" / "abc.png").write_bytes(b"\x89PNG qr")
    (root / "documents" / "terms.pdf").write_bytes(b"%PDF terms")
    (root / ".restore-old-12" / "junk.png").write_bytes(b"not media")


def run_copy(folder, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("copy_media_to_bucket", str(folder), *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_copy_command_copies_a_media_folder_once(s3_media, tmp_path, db):
    media_folder(tmp_path / "media")
    dry = run_copy(tmp_path / "media", "--dry-run")
    assert "would copy 4 files (36 bytes), skipped 0" in dry
    assert default_storage.listdir("")[0] == []  # the dry run copied nothing

    first = run_copy(tmp_path / "media")
    assert "copied 4 files (36 bytes), skipped 0 already in the bucket, 0 failed" in first
    second = run_copy(tmp_path / "media")
    assert "copied 0 files (0 bytes), skipped 4 already in the bucket, 0 failed" in second

    public = s3_media["S3_PUBLIC_URL"]
    _, headers, body = fetch(f"{public}/qrcodes/abc.png")
    assert body == b"\x89PNG qr"
    assert headers["Content-Type"] == "image/png"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Documents are not public (Django serves them, checking their privacy settings).
    with pytest.raises(urllib.error.HTTPError, match="403"):
        fetch(f"{public}/documents/terms.pdf")
    document = default_storage.bucket.Object("documents/terms.pdf")
    assert (document.content_type, document.cache_control) == ("application/pdf", "no-cache")
    assert not default_storage.exists(".restore-old-12/junk.png")

    # A file that changed size (an interrupted upload, say) is copied again.
    (tmp_path / "media" / "qrcodes" / "abc.png").write_bytes(b"\x89PNG qr, whole")
    assert "copied 1 files" in run_copy(tmp_path / "media")


def test_the_copy_command_refuses_when_media_are_not_in_a_bucket(tmp_path, db):
    with pytest.raises(CommandError, match="MEDIA_STORAGE=s3"):
        run_copy(tmp_path)


def test_checks_name_the_missing_bucket_settings(monkeypatch, settings):
    configured = operator_settings(monkeypatch, {"MEDIA_STORAGE": "s3"})
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    out = io.StringIO()
    with pytest.raises(SystemCheckError, match="kernel.E010") as error:
        call_command("check", "--deploy", stdout=out, stderr=out)
    assert "MEDIA_STORAGE=s3 but S3_BUCKET is not set" in str(error.value)


def test_a_secret_given_twice_or_unreadable_is_refused(monkeypatch, tmp_path):
    with pytest.raises(
        ImproperlyConfigured, match="S3_SECRET_ACCESS_KEY or S3_SECRET_ACCESS_KEY_FILE, not both"
    ):
        operator_settings(
            monkeypatch,
            {"MEDIA_STORAGE": "s3", "S3_SECRET_ACCESS_KEY": "x", "S3_SECRET_ACCESS_KEY_FILE": "/x"},
        )
    monkeypatch.delenv("S3_SECRET_ACCESS_KEY")
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        operator_settings(monkeypatch, {"S3_SECRET_ACCESS_KEY_FILE": str(tmp_path / "missing")})
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE must be 'local' or 's3'"):
        operator_settings(monkeypatch, {"MEDIA_STORAGE": "ftp", "S3_SECRET_ACCESS_KEY_FILE": ""})
