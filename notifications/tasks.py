"""The worker's message task."""

import logging

from django_tasks import task

from notifications.sending import deliver_notifications

logger = logging.getLogger(__name__)


@task()
def deliver_notifications_task():
    """Send the e-mails and Telegram messages waiting in the outbox."""
    return deliver_notifications()


def wake_worker():
    """Ask the worker to send now rather than at its next periodic run."""
    try:
        deliver_notifications_task.enqueue()
    except Exception:  # noqa: BLE001  (the periodic run will pick the message up)
        logger.warning("Could not enqueue message delivery", exc_info=True)
