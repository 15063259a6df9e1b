"""Background jobs, run by the task worker (``manage.py shop_worker``)."""

import logging
import time

from django.core.cache import cache
from django_tasks import task

from checkout.housekeeping import run_housekeeping
from checkout.khqr.client import BakongError
from checkout.orders import expire_unpaid_orders
from checkout.payments import sweep_payments
from kernel import metrics
from kernel.redact import describe_error

logger = logging.getLogger(__name__)

BACKOFF_KEY = "bakong:sweep-backoff"
BACKOFF_STEPS = (10, 30, 60, 120, 300)


@task()
def expire_unpaid_orders_task():
    """Expire orders whose payment window closed without a KHQR still pending."""
    expired = expire_unpaid_orders()
    if expired:
        logger.info("Expired %s unpaid order(s)", expired)
    return expired


@task()
def sweep_payments_task():
    """Ask Bakong about every pending payment. When Bakong fails, wait longer and longer
    (10 s up to 5 min) before asking again; nothing is changed meanwhile."""
    backoff = cache.get(BACKOFF_KEY) or {"until": 0, "failures": 0}
    if time.time() < backoff["until"]:
        return {"skipped": "backing off"}
    try:
        results = sweep_payments()
    except BakongError as error:
        metrics.inc(metrics.PAYMENT_SWEEPS, result="failed")
        failures = backoff["failures"] + 1
        wait = BACKOFF_STEPS[min(failures, len(BACKOFF_STEPS)) - 1]
        cache.set(BACKOFF_KEY, {"until": time.time() + wait, "failures": failures}, 3600)
        reason = describe_error(error)  # stored as the task's result: never a token
        logger.warning("Payment sweep failed (%s); retrying in %s s", reason, wait)
        return {"error": reason, "retry_in": wait}
    metrics.inc(metrics.PAYMENT_SWEEPS, result="ok")
    cache.delete(BACKOFF_KEY)
    return results


@task()
def housekeeping_task():
    """Delete old finished task results, expired sessions and abandoned guest carts."""
    return run_housekeeping()
