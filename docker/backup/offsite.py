"""The off-site copy of the backups: encrypted backup sets in an S3-compatible bucket, under
a prefix. Run by backup.sh and restore.sh (the image's Python has boto3); no Django.

    offsite.py upload <stamp> <file>...   the files, the manifest (backup-<stamp>.ok) last
    offsite.py list                       the complete sets: stamp and total size
    offsite.py download <stamp> <folder>  a complete set's files into folder
    offsite.py prune <keep>               keep the newest <keep> complete sets

A set is complete off-site only with its manifest, which is uploaded last. Settings:
BACKUP_S3_BUCKET, BACKUP_S3_PREFIX (backups/), BACKUP_S3_ENDPOINT_URL, BACKUP_S3_REGION,
BACKUP_S3_ACCESS_KEY_ID, BACKUP_S3_SECRET_ACCESS_KEY or BACKUP_S3_SECRET_ACCESS_KEY_FILE;
each BACKUP_S3_* falls back to the media bucket's S3_* setting.
"""

import os
import re
import sys
from pathlib import Path

import boto3
from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError

STAMP = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")


def say(message):
    print(f"offsite.py: {message}", file=sys.stderr)


def setting(name, default=""):
    """BACKUP_S3_<name>, else S3_<name>; either may come from a file (<VAR>_FILE)."""
    for variable in (f"BACKUP_S3_{name}", f"S3_{name}"):
        value = os.environ.get(variable, "")
        path = os.environ.get(f"{variable}_FILE", "")
        if value and path:
            raise SystemExit(f"offsite.py: set {variable} or {variable}_FILE, not both")
        if path:
            try:
                return Path(path).read_text(encoding="utf-8").strip()
            except OSError as error:
                raise SystemExit(
                    f"offsite.py: {variable}_FILE: cannot read {path} ({error})"
                ) from None
        if value:
            return value
    return default


class Offsite:
    def __init__(self):
        self.bucket_name = setting("BUCKET")
        if not self.bucket_name:
            raise SystemExit("offsite.py: BACKUP_S3_BUCKET (or S3_BUCKET) is not set")
        self.prefix = os.environ.get("BACKUP_S3_PREFIX", "backups/").strip("/") + "/"
        s3 = boto3.resource(
            "s3",
            endpoint_url=setting("ENDPOINT_URL") or None,
            region_name=setting("REGION") or None,
            aws_access_key_id=setting("ACCESS_KEY_ID") or None,
            aws_secret_access_key=setting("SECRET_ACCESS_KEY") or None,
        )
        self.bucket = s3.Bucket(self.bucket_name)

    def where(self):
        return f"s3://{self.bucket_name}/{self.prefix}"

    def objects(self):
        """{name: size} of everything under the prefix."""
        return {
            item.key[len(self.prefix) :]: item.size
            for item in self.bucket.objects.filter(Prefix=self.prefix)
        }

    def complete_sets(self, objects):
        """The stamps of complete sets (manifest and both encrypted files), oldest first."""
        stamps = []
        for name in objects:
            match = re.fullmatch(r"backup-(.+)\.ok", name)
            if (
                match
                and STAMP.match(match[1])
                and all(
                    f"{kind}-{match[1]}.{ext}.gpg" in objects
                    for kind, ext in (("db", "sql.gz"), ("media", "tar.gz"))
                )
            ):
                stamps.append(match[1])
        return sorted(stamps)

    def upload(self, stamp, files):
        manifest = f"backup-{stamp}.ok"
        ordered = sorted(files, key=lambda path: Path(path).name == manifest)
        for path in ordered:
            self.bucket.upload_file(
                str(path), self.prefix + Path(path).name, ExtraArgs={"CacheControl": "no-store"}
            )
        say(f"backup {stamp} copied off-site to {self.where()}")

    def list(self):
        objects = self.objects()
        for stamp in self.complete_sets(objects):
            size = sum(size for name, size in objects.items() if stamp in name)
            print(stamp, size)

    def download(self, stamp, folder):
        if not STAMP.match(stamp):
            raise SystemExit(f"offsite.py: '{stamp}' is not a backup stamp")
        objects = self.objects()
        if stamp not in self.complete_sets(objects):
            raise SystemExit(
                f"offsite.py: there is no complete backup {stamp} in {self.where()} "
                "(restore.sh --offsite --list shows them)"
            )
        for name in (f"db-{stamp}.sql.gz.gpg", f"media-{stamp}.tar.gz.gpg", f"backup-{stamp}.ok"):
            self.bucket.download_file(self.prefix + name, str(Path(folder) / name))
        say(f"downloaded backup {stamp} from {self.where()}")

    def prune(self, keep):
        objects = self.objects()
        stamps = self.complete_sets(objects)
        old = stamps[: max(len(stamps) - keep, 0)]
        oldest_kept = stamps[-keep] if len(stamps) >= keep else None
        doomed = []
        for name in objects:
            match = re.fullmatch(r"(?:db|media|backup)-([0-9]{8}T[0-9]{6}Z)\..+", name)
            if not match:
                continue
            stamp = match[1]
            # Old complete sets, and pieces of incomplete ones older than the oldest kept.
            if stamp in old or (stamp not in stamps and oldest_kept and stamp < oldest_kept):
                doomed.append(name)
        # Manifests first: a set half-deleted is never listed as complete.
        doomed.sort(key=lambda name: not name.startswith("backup-"))
        for name in doomed:
            self.bucket.Object(self.prefix + name).delete()
        if old:
            say(f"removed {len(old)} old off-site backups from {self.where()}")


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    command, args = argv[0], argv[1:]
    try:
        offsite = Offsite()
        if command == "upload" and len(args) >= 2:
            offsite.upload(args[0], args[1:])
        elif command == "list" and not args:
            offsite.list()
        elif command == "download" and len(args) == 2:
            offsite.download(*args)
        elif command == "prune" and len(args) == 1 and args[0].isdigit() and int(args[0]) > 0:
            offsite.prune(int(args[0]))
        else:
            raise SystemExit(__doc__)
    # Boto3Error: upload_file and download_file wrap the bucket's refusal in
    # S3UploadFailedError or give up with RetriesExceededError (neither is botocore's).
    except (BotoCoreError, ClientError, Boto3Error) as error:
        raise SystemExit(f"offsite.py: {command} failed: {error}") from error


if __name__ == "__main__":
    main(sys.argv[1:])
