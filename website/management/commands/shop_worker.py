"""The shop's background worker: Django Tasks' database worker plus a small scheduler that
enqueues the periodic jobs (expiring unpaid orders...) every few seconds, and housekeeping
(checkout/housekeeping.py) about once an hour across all workers.

Run one or more in production (``python manage.py shop_worker``); periodic jobs are safe to
run in several workers at once.

Each time the worker's loop goes round (after a task, or every ``--interval`` seconds while
idle) it touches a heartbeat file (``SHOP_WORKER_HEARTBEAT_FILE``); ``manage.py
worker_health`` says whether that happened recently. A worker stuck in a task or a database
call stops touching it, so its heartbeat goes stale. The same moment is a metric, served
with the shop-wide figures on the worker's metrics port (``website.worker_metrics``).
"""

import logging
import os
import random
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.management.commands.db_worker import logger as worker_logger
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from backoffice.privacy import privacy_retention_task
from checkout.tasks import expire_unpaid_orders_task, housekeeping_task, sweep_payments_task
from kernel import metrics
from notifications.tasks import deliver_notifications_task
from website.worker_metrics import start_metrics_endpoint

# Enqueued by the worker's scheduler every SHOP_SCHEDULER_INTERVAL seconds...
PERIODIC_TASKS = [
    sweep_payments_task,
    expire_unpaid_orders_task,
    deliver_notifications_task,
    housekeeping_task,
    privacy_retention_task,
]
# ...except these, enqueued at most once per the named setting's seconds by all the
# workers together.
SLOW_PERIODIC_TASKS = {
    f"{housekeeping_task.func.__module__}.{housekeeping_task.func.__qualname__}": (
        "SHOP_HOUSEKEEPING_INTERVAL_SECONDS"
    ),
    f"{privacy_retention_task.func.__module__}.{privacy_retention_task.func.__qualname__}": (
        "SHOP_HOUSEKEEPING_INTERVAL_SECONDS"
    ),
}

logger = logging.getLogger(__name__)


def _slow_task_due(path, setting_name):
    """Whether this worker may enqueue a slow periodic task now: the first worker to claim
    the current interval in the shared cache does (``add`` is atomic), the others wait for
    the claim to expire. Without a shared cache (development) each worker claims its own."""
    interval = getattr(settings, setting_name)
    return cache.add(f"shop:periodic:{path}", time.time(), timeout=interval)


def enqueue_periodic_tasks():
    """Enqueue each periodic task unless one is already waiting to run; the slow ones
    (housekeeping) at most once per their interval across all workers."""
    for periodic in PERIODIC_TASKS:
        path = f"{periodic.func.__module__}.{periodic.func.__qualname__}"
        if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            continue
        if path in SLOW_PERIODIC_TASKS and not _slow_task_due(path, SLOW_PERIODIC_TASKS[path]):
            continue
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


class Heartbeat:
    """A file whose modification time is the last time the worker's loop went round.

    Written atomically (a new file renamed over the old one), at most once every ``every``
    seconds. A failure to write is logged once, not every round: the heartbeat then goes
    stale, which is what the health check should report.
    """

    def __init__(self, path, every=1.0):
        self.path = Path(path)
        self.every = every
        self._last = None
        self._failing = False

    def beat(self):
        now = time.monotonic()
        if self._last is not None and now - self._last < self.every:
            return
        self._last = now
        metrics.set_gauge(metrics.WORKER_HEARTBEAT, time.time())
        temporary = None
        try:
            descriptor, temporary = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}."
            )
            with os.fdopen(descriptor, "w") as file:
                file.write(f"pid {os.getpid()} at {time.time():.3f}\n")
            os.replace(temporary, self.path)
        except OSError as error:
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
            if not self._failing:
                logger.error("Could not write the worker heartbeat %s: %s", self.path, error)
            self._failing = True
        else:
            self._failing = False

    def age(self):
        """Seconds since the last beat, or None when there is no heartbeat file."""
        try:
            return time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None


class ShopWorker(Worker):
    """django-tasks-db's worker with a heartbeat. ``run`` is the library's loop (0.13),
    unchanged but for the heartbeat at the top of every round; the library offers no hook
    for it."""

    def __init__(self, *, heartbeat, **kwargs):
        super().__init__(**kwargs)
        self.heartbeat = heartbeat

    def run(self):
        worker_logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # a small random delay against a thundering herd

        while self.running:
            self.heartbeat.beat()
            close_old_connections()

            tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
            if not self.process_all_queues:
                tasks = tasks.filter(queue_name__in=self.queue_names)
            if self.excluded_queue_names:
                tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)

            with exclusive_transaction(tasks.db):
                try:
                    task_result = tasks.get_locked()
                    retrieved_task_result = True
                    if task_result is not None:
                        task_result.claim(self.worker_id)  # no other worker runs it now
                except OperationalError as error:
                    retrieved_task_result = False
                    if not is_locked_database_exception(error):
                        raise
                    task_result = None  # a locked database unlocks eventually

            if task_result is not None:
                self.run_task(task_result)

            if self.batch and retrieved_task_result and task_result is None:
                worker_logger.info(
                    "No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id
                )
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                worker_logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                    self._run_tasks,
                    self.worker_id,
                )
                return

            close_old_connections()
            # After Ctrl-C interrupted a task, exit at once rather than sleep.
            if self.running and not task_result:
                time.sleep(self.interval)


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

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        no_scheduler,
        **options,
    ):
        if reload:
            raise CommandError("shop_worker does not reload on code changes: restart it instead.")
        self.configure_logging(verbosity)
        start_metrics_endpoint()  # WORKER_METRICS_PORT, with METRICS_TOKEN (docs/operations.md)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = ShopWorker(
            heartbeat=Heartbeat(settings.SHOP_WORKER_HEARTBEAT_FILE),
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if not no_scheduler:
            Scheduler(settings.SHOP_SCHEDULER_INTERVAL).start()
        worker.configure_signals()
        worker.run()
