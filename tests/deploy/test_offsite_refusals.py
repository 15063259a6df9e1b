"""The off-site bucket misbehaving: offsite.py reports a refused upload in one line (no
traceback); the worker's metrics give up on a slow bucket within the scrape's time, without
holding a database connection, and ask again only after the listing interval, logging each
failure once."""

import logging
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3
import MySQLdb
import pytest
from django.db import connection

from website import worker_metrics

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-southeast-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_upload_is_one_line_not_a_traceback(s3_endpoint, tmp_path):
    stamp = "20260101T000000Z"
    piece = tmp_path / f"db-{stamp}.sql.gz.gpg"
    piece.write_bytes(b"encrypted")
    result = subprocess.run(
        [sys.executable, str(ROOT / "docker/backup/offsite.py"), "upload", stamp, str(piece)],
        env={
            "PATH": "/usr/bin:/bin",
            "BACKUP_S3_BUCKET": "no-such-bucket",
            "BACKUP_S3_ENDPOINT_URL": s3_endpoint,
            "BACKUP_S3_REGION": REGION,
            "BACKUP_S3_ACCESS_KEY_ID": "backup-key",
            "BACKUP_S3_SECRET_ACCESS_KEY": "backup-secret",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("offsite.py: upload failed:"), result.stderr
    assert "NoSuchBucket" in result.stderr


@pytest.fixture
def fresh_listing(monkeypatch):
    monkeypatch.setattr(worker_metrics, "_offsite_cache", {"at": float("-inf"), "families": []})
    for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_ENDPOINT_URL", "S3_REGION"):
        monkeypatch.delenv(name, raising=False)


def point_at(monkeypatch, endpoint, bucket="shop-offsite"):
    monkeypatch.setenv("BACKUP_S3_BUCKET", bucket)
    monkeypatch.setenv("BACKUP_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("BACKUP_S3_REGION", REGION)
    monkeypatch.setenv("BACKUP_S3_ACCESS_KEY_ID", "backup-key")
    monkeypatch.setenv("BACKUP_S3_SECRET_ACCESS_KEY", "backup-secret")


def test_a_failed_listing_is_logged_once_and_asked_again_after_the_interval(
    s3_endpoint, fresh_listing, monkeypatch, caplog
):
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="backup-key",
        aws_secret_access_key="backup-secret",  # noqa: S106
    )
    s3.create_bucket(
        Bucket="shop-offsite", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3.put_object(Bucket="shop-offsite", Key="backups/backup-20260102T030000Z.ok", Body=b"")
    point_at(monkeypatch, s3_endpoint)
    listed = worker_metrics.offsite_backup_gauges(now=1000.0)
    made = listed[0].samples[0].value
    assert made > 0

    # The bucket goes out of reach: logged once, without a traceback, and the last figure
    # listed is served (it ages, so BackupTooOld still fires if it stays out of reach).
    point_at(monkeypatch, f"http://127.0.0.1:{free_port()}")
    caplog.set_level(logging.INFO, logger="website.worker_metrics")
    for now in (1301.0, 1302.0, 1400.0, 1600.0):
        assert worker_metrics.offsite_backup_gauges(now=now)[0].samples[0].value == made
    warnings = [r for r in caplog.records if r.name == "website.worker_metrics"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert warnings[0].levelno == logging.WARNING
    assert warnings[0].exc_info is None
    assert "Could not list the off-site backups in bucket shop-offsite" in warnings[0].getMessage()
    # Five minutes after the failure it is asked again (and fails again: a second line).
    worker_metrics.offsite_backup_gauges(now=1602.0)
    assert len([r for r in caplog.records if r.name == "website.worker_metrics"]) == 2


class SilentBucket:
    """A server that takes each connection and request and never answers, counting the shop's
    database connections whenever a request arrives."""

    def __init__(self, count_connections):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.count_connections = count_connections
        self.seen = []
        self.clients = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)
            client.recv(65536)
            self.seen.append(self.count_connections())

    def close(self):
        self.sock.close()
        for client in self.clients:
            client.close()


def test_a_silent_bucket_gives_up_within_a_scrape_without_holding_the_database(
    fresh_listing, monkeypatch, db
):
    database = connection.settings_dict

    def count_connections():
        probe = MySQLdb.connect(
            host=database["HOST"] or "127.0.0.1",
            port=int(database["PORT"] or 3306),
            user=database["USER"],
            password=database["PASSWORD"],
        )
        try:
            cursor = probe.cursor()
            cursor.execute(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = %s",
                [database["NAME"]],
            )
            return cursor.fetchone()[0]
        finally:
            probe.close()

    if connection.vendor != "mysql":
        pytest.skip("counts the database's connections in MySQL's process list")
    bucket = SilentBucket(count_connections)
    point_at(monkeypatch, f"http://127.0.0.1:{bucket.port}")
    before = count_connections()  # this test's own connection
    result = {}

    def scrape():  # in a thread of its own, as the metrics endpoint scrapes
        started = time.monotonic()
        result["families"] = worker_metrics.ShopStateCollector().collect()
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=scrape, daemon=True)
    thread.start()
    thread.join(40)
    bucket.close()
    assert not thread.is_alive(), "the listing outlasted 40 s"
    # Read timeout 5 s, one retry: well under a minute (botocore's default is 60 s a try).
    assert result["seconds"] < 15
    assert len(bucket.seen) == 2  # the first try and one retry
    # While the bucket was asked, the scrape's thread held no database connection.
    assert bucket.seen == [before, before]
    names = {family.name for family in result["families"]}
    assert "shop_outbox_unsent_messages" in names
