"""The shop's background worker: Django Tasks' database worker plus a small scheduler that
enqueues the periodic jobs (expiring unpaid orders...) every few seconds.

Run one or more in production (``python manage.py shop_worker``); periodic jobs are safe to
run in several workers at once.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.models import DBTaskResult

from checkout.tasks import PERIODIC_TASKS

logger = logging.getLogger(__name__)


def enqueue_periodic_tasks():
    """Enqueue each periodic task unless one is already waiting to run."""
    for periodic in PERIODIC_TASKS:
        path = f"{periodic.func.__module__}.{periodic.func.__qualname__}"
        if not DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            periodic.enqueue()


class Scheduler(threading.Thread):
    def __init__(self, interval):
        super().__init__(name="shop-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                enqueue_periodic_tasks()
            except Exception:  # a database outage must not kill the scheduler
                logger.exception("Could not enqueue the periodic tasks; will retry")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)


class Command(DbWorkerCommand):
    help = "Run the shop's background worker (tasks and periodic jobs)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; do not enqueue the periodic jobs.",
        )

    def handle(self, *args, **options):
        if not options.pop("no_scheduler"):
            Scheduler(settings.SHOP_SCHEDULER_INTERVAL).start()
        return super().handle(*args, **options)
