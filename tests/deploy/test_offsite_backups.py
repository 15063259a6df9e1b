"""Off-site backups: backup.sh encrypts each set with gpg and copies it into an S3 bucket (moto's
S3 server on 127.0.0.1, the real wire protocol); restore.sh --offsite brings it back after the
server lost everything. Run as the compose backup service runs them (tests/deploy/
backup_harness.py)."""

import shutil
import sys
import sysconfig
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from tests.deploy.backup_harness import BackupSandbox, client_command, dump_command
from tests.deploy.test_backup_scripts import change_everything
from website import worker_metrics

PASSPHRASE = "correct horse battery staple, off-site"
REGION = "ap-southeast-1"


@pytest.fixture
def sandbox():
    assert dump_command() and client_command(), "mysqldump/mariadb-dump and mysql/mariadb needed"
    assert shutil.which("gpg"), "gpg is needed (bin/setup --dev installs it)"
    box = BackupSandbox()
    box.create_database()
    try:
        box.populate(products=300)
        box.write_media("original_images/silk.jpg", b"\xff\xd8silk" * 100)
        box.write_media("qrcodes/order-1.png", b"\x89PNG order 1")
        yield box
    finally:
        box.destroy()


@pytest.fixture
def offsite(s3_endpoint, sandbox, readable_site_packages):
    """A bucket, and the settings an operator puts in .env for the backup service (the
    passphrase as a Docker secret file, readable by the backup user)."""
    bucket = "shop-offsite-" + sandbox.name.replace("_", "-")
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="backup-key",
        aws_secret_access_key="backup-secret",  # noqa: S106
    )
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    secret = sandbox.base / "backup_passphrase"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o600)
    sandbox.own(secret)
    env = {
        **python_with_boto3(sandbox, readable_site_packages),
        "BACKUP_S3_BUCKET": bucket,
        "BACKUP_S3_PREFIX": "backups/",
        "BACKUP_S3_ENDPOINT_URL": s3_endpoint,
        "BACKUP_S3_REGION": REGION,
        "BACKUP_S3_ACCESS_KEY_ID": "backup-key",
        "BACKUP_S3_SECRET_ACCESS_KEY": "backup-secret",
        "BACKUP_ENCRYPTION_PASSPHRASE_FILE": str(secret),
    }
    return s3, bucket, env


# What offsite.py imports: boto3 and the packages it needs.
BOTO3_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")


@pytest.fixture(scope="module")
def readable_site_packages():
    """boto3 and its dependencies copied where the unprivileged backup user can read them: the
    virtualenv may sit in a folder only root can enter (a clone in a private temporary
    folder, as CI makes), and the image's "shop" user reads its own virtualenv."""
    site = Path(tempfile.mkdtemp(prefix="offsite-site-"))
    purelib = Path(sysconfig.get_paths()["purelib"])
    for name in BOTO3_PACKAGES:
        source = purelib / name
        if source.is_dir():
            shutil.copytree(source, site / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, site / name)
    for path in [site, *site.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield site
    shutil.rmtree(site, ignore_errors=True)


def python_with_boto3(box, site):
    """In the image `python` is the virtualenv's, with boto3. Here the unprivileged user may
    not reach this virtualenv's interpreter (a pyenv build under /root): the system's Python
    of the same version then runs with a readable copy of the packages offsite.py needs."""
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    interpreter = system if box.as_root and system.exists() else Path(sys.executable)
    return {"BACKUP_PYTHON": str(interpreter), "PYTHONPATH": str(site)}


def keys(s3, bucket):
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return sorted(item["Key"] for item in listed)


def test_a_backup_goes_off_site_encrypted_and_restores_from_there_alone(sandbox, offsite):
    s3, bucket, env = offsite
    stamp = sandbox.backup(env=env)
    assert keys(s3, bucket) == [
        f"backups/backup-{stamp}.ok",
        f"backups/db-{stamp}.sql.gz.gpg",
        f"backups/media-{stamp}.tar.gz.gpg",
    ]
    # Encrypted: neither gzip data nor the shop's rows are readable in the bucket.
    for kind in ("db", "media"):
        ext = "sql.gz" if kind == "db" else "tar.gz"
        body = s3.get_object(Bucket=bucket, Key=f"backups/{kind}-{stamp}.{ext}.gpg")["Body"].read()
        assert not body.startswith(b"\x1f\x8b")
        assert body[0] & 0x80  # an OpenPGP packet
        assert b"Product 1" not in body and b"silk" not in body
    before_db, before_media = sandbox.fingerprint(), sandbox.media_state()

    # The server loses its disk: no local backups, the data changed or gone.
    change_everything(sandbox)
    shutil.rmtree(sandbox.backup_dir)
    sandbox.backup_dir.mkdir()
    sandbox.own(sandbox.backup_dir)

    listed = sandbox.run("restore.sh", "--offsite", "--list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert stamp in listed.stdout and "(off-site)" in listed.stdout

    result = sandbox.run("restore.sh", "--offsite", stamp, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sandbox.fingerprint() == before_db
    assert sandbox.media_state() == before_media
    # The safety backup of the state before the restore stays on this server only.
    assert len(keys(s3, bucket)) == 3


def test_a_wrong_passphrase_restores_nothing(sandbox, offsite):
    s3, bucket, env = offsite
    stamp = sandbox.backup(env=env)
    change_everything(sandbox)
    changed = sandbox.fingerprint()
    shutil.rmtree(sandbox.backup_dir)
    wrong = {
        **env,
        "BACKUP_ENCRYPTION_PASSPHRASE_FILE": "",
        "BACKUP_ENCRYPTION_PASSPHRASE": "x" * 20,
    }
    result = sandbox.run("restore.sh", "--offsite", stamp, env=wrong)
    assert result.returncode != 0
    assert "nothing was changed" in result.stderr
    assert sandbox.fingerprint() == changed


def test_old_off_site_sets_are_pruned_to_the_newest_kept(sandbox, offsite):
    s3, bucket, env = offsite
    stamps = [sandbox.backup(env={**env, "BACKUP_OFFSITE_KEEP": "2"}) for _ in range(3)]
    assert keys(s3, bucket) == sorted(
        f"backups/{name}"
        for stamp in stamps[1:]
        for name in (f"backup-{stamp}.ok", f"db-{stamp}.sql.gz.gpg", f"media-{stamp}.tar.gz.gpg")
    )
    # The local folder keeps its own BACKUP_KEEP (14): all three.
    assert len(list(sandbox.backup_dir.glob("backup-*.ok"))) == 3


def test_nothing_leaves_the_server_unencrypted(sandbox, offsite):
    s3, bucket, env = offsite
    no_passphrase = {**env, "BACKUP_ENCRYPTION_PASSPHRASE_FILE": ""}
    result = sandbox.run("backup.sh", env=no_passphrase)
    assert result.returncode == 2
    assert "BACKUP_ENCRYPTION_PASSPHRASE" in result.stderr
    assert keys(s3, bucket) == []


def test_an_unreachable_bucket_fails_the_backup_but_keeps_the_local_set(sandbox, offsite):
    s3, bucket, env = offsite
    result = sandbox.run("backup.sh", env={**env, "BACKUP_S3_BUCKET": "no-such-bucket"})
    assert result.returncode == 3, result.stderr
    assert "off-site copy FAILED" in result.stderr
    assert len(list(sandbox.backup_dir.glob("backup-*.ok"))) == 1
    assert not list(sandbox.backup_dir.glob(".offsite-*"))
    # Marked, so that the schedule backs up again soon even after a restart...
    assert (sandbox.backup_dir / ".pending-offsite-copy").exists()
    # ...and the next backup that reaches the bucket clears the mark.
    sandbox.backup(env=env)
    assert not (sandbox.backup_dir / ".pending-offsite-copy").exists()


def test_the_worker_reports_the_newest_off_site_backup_for_the_alert(sandbox, offsite, monkeypatch):
    # Several servers: the worker that Prometheus scrapes does not hold the backups, so it
    # reads the newest set's manifest from the bucket (docker/prometheus/alerts.yml,
    # BackupTooOld).
    s3, bucket, env = offsite
    for name, value in env.items():
        if name.startswith("BACKUP_S3_"):
            monkeypatch.setenv(name, value)
    assert worker_metrics.offsite_backup_gauges(now=10**9)[0].samples[0].value == 0
    stamp = sandbox.backup(env=env)
    made = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    # Listed again only after five minutes.
    assert worker_metrics.offsite_backup_gauges(now=10**9 + 60)[0].samples[0].value == 0
    family = worker_metrics.offsite_backup_gauges(now=10**9 + 301)[0]
    assert family.name == "shop_offsite_backup_last_success_timestamp_seconds"
    assert family.samples[0].value == made
