"""The worker's health check: is its heartbeat (``SHOP_WORKER_HEARTBEAT_FILE``, touched each
time ``shop_worker``'s loop goes round) recent? Exit 0 if so, 1 with the reason if not.

Reads one file's modification time: no database, no cache, no system checks, so it stays
cheap enough to run every few seconds (the compose file's worker health check).
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from website.management.commands.shop_worker import Heartbeat


class Command(BaseCommand):
    help = "Exit 0 when the worker's heartbeat is recent, 1 (saying why) when it is not."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age",
            type=float,
            default=120,
            help="Seconds since the last heartbeat after which the worker counts as stuck "
            "(default: %(default)s).",
        )

    def handle(self, *args, max_age, **options):
        path = settings.SHOP_WORKER_HEARTBEAT_FILE
        age = Heartbeat(path).age()
        if age is None:
            self.fail(
                f"No worker heartbeat at {path}: the worker has not started its loop yet, or "
                "it runs with another SHOP_WORKER_HEARTBEAT_FILE than this check."
            )
        if age > max_age:
            self.fail(
                f"The worker's last heartbeat was {age:.0f} s ago (more than --max-age "
                f"{max_age:g} s): it is stuck in a task or a database call, or it stopped. "
                "See the worker's log."
            )
        self.stdout.write(f"Worker heartbeat {age:.0f} s ago.")

    def fail(self, message):
        self.stderr.write(message)
        sys.exit(1)
