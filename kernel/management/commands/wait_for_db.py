"""Wait until the database accepts connections (the container entrypoint runs this)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Wait for the default database to accept connections."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=int, default=120, help="Seconds to wait at most.")

    def handle(self, *args, timeout, **options):
        deadline = time.monotonic() + timeout
        while True:
            try:
                connections["default"].ensure_connection()
                self.stdout.write("Database is up.")
                return
            except OperationalError as error:
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"The database did not come up in {timeout} s: {error}"
                    ) from error
                self.stdout.write("Waiting for the database...")
                connections["default"].close()
                time.sleep(2)
