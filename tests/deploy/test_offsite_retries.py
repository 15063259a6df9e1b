# ruff: noqa: F811  (pytest fixtures imported from test_offsite_backups, used as arguments)
"""A bucket that cannot be reached for a while: the backup set that missed its off-site copy
is copied again (backup.sh --retry-offsite, which schedule.sh runs every BACKUP_RETRY_MINUTES)
rather than replaced by new sets, each of which would push the oldest local set out.
"""

from tests.deploy.test_backup_scripts import Lines
from tests.deploy.test_offsite_backups import (  # noqa: F401  (fixtures)
    keys,
    offsite,
    readable_site_packages,
    sandbox,
)


def local_sets(sandbox):
    return sorted(path.name for path in sandbox.backup_dir.glob("backup-*.ok"))


def offsite_files(stamp):
    return [
        f"backups/{name}"
        for name in (f"backup-{stamp}.ok", f"db-{stamp}.sql.gz.gpg", f"media-{stamp}.tar.gz.gpg")
    ]


def test_the_set_that_missed_its_copy_is_copied_again_without_a_new_set(sandbox, offsite):
    s3, bucket, env = offsite
    unreachable = {**env, "BACKUP_S3_BUCKET": bucket + "-not-yet"}
    failed = sandbox.run("backup.sh", env=unreachable)
    assert failed.returncode == 3, failed.stderr
    before = local_sets(sandbox)
    assert len(before) == 1
    stamp = before[0].removeprefix("backup-").removesuffix(".ok")

    still = sandbox.run("backup.sh", "--retry-offsite", env=unreachable)
    assert still.returncode == 3
    assert f"backup {stamp} is still only in" in still.stderr
    assert (sandbox.backup_dir / ".pending-offsite-copy").exists()

    copied = sandbox.run("backup.sh", "--retry-offsite", env=env)
    assert copied.returncode == 0, copied.stderr
    assert copied.stdout.strip().splitlines()[-1] == stamp
    assert local_sets(sandbox) == before  # no new set, none removed
    assert sorted(keys(s3, bucket)) == sorted(offsite_files(stamp))
    assert not (sandbox.backup_dir / ".pending-offsite-copy").exists()
    assert not list(sandbox.backup_dir.glob(".offsite-*"))


def test_retrying_needs_a_complete_set_and_a_bucket(sandbox, offsite):
    s3, bucket, env = offsite
    nothing_yet = sandbox.run("backup.sh", "--retry-offsite", env=env)
    assert nothing_yet.returncode == 1
    assert "no complete backup" in nothing_yet.stderr
    no_bucket = sandbox.run("backup.sh", "--retry-offsite", env={**env, "BACKUP_S3_BUCKET": ""})
    assert no_bucket.returncode == 2
    assert "BACKUP_S3_BUCKET is not set" in no_bucket.stderr


def test_the_schedule_retries_the_copy_not_the_backup_while_the_bucket_is_away(sandbox, offsite):
    s3, bucket, env = offsite
    missing = bucket + "-later"
    # 0.002 hours = 7.2 s (rounded to 7): the first backup comes after 7 s; retries every second.
    schedule_env = {
        **env,
        "BACKUP_S3_BUCKET": missing,
        "BACKUP_INTERVAL_HOURS": "0.002",
        "BACKUP_RETRY_MINUTES": "0.02",
    }
    lines = Lines(sandbox.schedule(schedule_env))
    try:
        lines.wait_for(r"first backup in 7 s")
        lines.wait_for(r"did not reach the off-site bucket", timeout=30)
        _, again = lines.wait_for(r"did not reach the off-site bucket", timeout=15)
        assert "copying it off-site again in 1 s" in again
        assert "still only in" in lines.text()  # the second attempt was a copy, not a backup
        assert len(local_sets(sandbox)) == 1
        # The bucket comes back: the next retry copies the set, and the next backup is due
        # an interval after that set was made (not an interval from now).
        s3.create_bucket(
            Bucket=missing, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
        )
        _, done = lines.wait_for(r"backup \d{8}T\d{6}Z done", timeout=15)
        waiting = int(done.split("next backup in ")[1].split(" s")[0])
        assert waiting < 7
    finally:
        assert lines.stop() == 0, lines.text()
    stamp = local_sets(sandbox)[0].removeprefix("backup-").removesuffix(".ok")
    assert sorted(keys(s3, missing)) == sorted(offsite_files(stamp))
