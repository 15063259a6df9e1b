"""Copy a media folder (the local ``media_files`` volume) into the S3 bucket that
``MEDIA_STORAGE=s3`` configures, keeping every file's name.

Idempotent and resumable: objects already in the bucket with the same size are skipped, so a
second run copies nothing and a run that was interrupted carries on where it stopped. Each
object gets its Content-Type and the Cache-Control of kernel.storage (a year for images,
renditions and QR codes).

    python manage.py copy_media_to_bucket /srv/media --dry-run
    python manage.py copy_media_to_bucket /srv/media
"""

from pathlib import Path

from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from kernel.storage import MediaStorage, cache_control_for, content_type_for

# restore.sh's temporary folders at the top of the media volume are not media.
SKIPPED_TOP_LEVEL = (".restore-",)


def media_files(root):
    """(name, path) of every file under root, names with forward slashes, sorted."""
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and not name.startswith(SKIPPED_TOP_LEVEL):
            yield name, path


class Command(BaseCommand):
    help = "Copy a local media folder into the media bucket (MEDIA_STORAGE=s3)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the media folder to copy, e.g. /srv/media")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be copied, copy nothing"
        )

    def handle(self, folder, dry_run=False, **options):
        root = Path(folder)
        if not root.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        storage = storages["default"]
        if not isinstance(storage, MediaStorage):
            raise CommandError(
                "The media storage is not a bucket: set MEDIA_STORAGE=s3 and the S3_* "
                "settings first (docs/operations.md, 'Media in object storage')."
            )
        try:
            in_bucket = self.sizes_in_bucket(storage)
        except (BotoCoreError, ClientError) as error:
            raise CommandError(f"Cannot list the bucket {storage.bucket_name}: {error}") from error

        copied = skipped = failed = 0
        copied_bytes = 0
        for name, path in media_files(root):
            key = storage.key_for(name)
            size = path.stat().st_size
            if in_bucket.get(key) == size:
                skipped += 1
                continue
            if dry_run:
                self.stdout.write(f"would copy {name} ({size} bytes)")
                copied += 1
                copied_bytes += size
                continue
            try:
                storage.bucket.upload_file(
                    str(path),
                    key,
                    ExtraArgs={
                        **storage.get_object_parameters(name),
                        "ContentType": content_type_for(name),
                        "CacheControl": cache_control_for(name),
                    },
                )
            # upload_file wraps the bucket's refusal (a ClientError) in S3UploadFailedError.
            except (BotoCoreError, ClientError, S3UploadFailedError, OSError) as error:
                failed += 1
                self.stderr.write(f"could not copy {name}: {error}")
                continue
            copied += 1
            copied_bytes += size
            self.stdout.write(f"copied {name}")

        verb = "would copy" if dry_run else "copied"
        self.stdout.write(
            f"{verb} {copied} files ({copied_bytes} bytes), skipped {skipped} already in "
            f"the bucket, {failed} failed"
        )
        if failed:
            raise CommandError(f"{failed} files could not be copied: run the command again.")

    @staticmethod
    def sizes_in_bucket(storage):
        """{key: size} of every object under the storage's location: one listing, not a
        request per file."""
        prefix = storage.key_for("") if storage.location else ""
        return {item.key: item.size for item in storage.bucket.objects.filter(Prefix=prefix)}
