"""Background jobs, run by the task worker (``manage.py shop_worker``)."""

import logging

from django_tasks import task

from checkout.orders import expire_unpaid_orders

logger = logging.getLogger(__name__)


@task()
def expire_unpaid_orders_task():
    """Expire orders whose payment window closed, giving their stock back."""
    expired = expire_unpaid_orders()
    if expired:
        logger.info("Expired %s unpaid order(s)", expired)
    return expired


# Enqueued by the worker's scheduler every SHOP_SCHEDULER_INTERVAL seconds.
PERIODIC_TASKS = [expire_unpaid_orders_task]
