"""The worker runs queued jobs from the database; the scheduler queues periodic ones once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from checkout.models import Cart, CartLine, Order, Payment
from checkout.orders import place_order
from tests.factories import make_category, make_product
from website.management.commands.shop_worker import PERIODIC_TASKS, enqueue_periodic_tasks

# The worker manages its own transactions and connections, as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_scheduler_queues_each_periodic_job_once_and_the_worker_runs_them(
    settings, shop, details, bakong
):
    product = make_product(make_category(), stock=5)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    order = place_order(cart, details, shop)[0]
    long_ago = timezone.now() - timedelta(hours=1)
    Order.objects.update(expires_at=long_ago)
    Payment.objects.update(expires_at=long_ago)
    settings.TASKS = DB_TASKS

    enqueue_periodic_tasks()
    enqueue_periodic_tasks()  # already waiting: not queued twice
    queued = sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))
    assert queued == sorted(f"{t.func.__module__}.{t.func.__qualname__}" for t in PERIODIC_TASKS)

    call_command("shop_worker", batch=True, no_scheduler=True, startup_delay=False, verbosity=0)

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # The sweeper asked the Bakong stand-in, heard "not found" past the expiry, and expired it.
    assert "check_transaction_by_md5_list" in [name for name, _ in bakong.state.calls]
    order.refresh_from_db()
    assert order.status == "expired"
    assert product.stock_records.get().quantity == 5
