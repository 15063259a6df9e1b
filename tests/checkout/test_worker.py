"""The worker runs queued jobs from the database; the scheduler queues periodic ones once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from checkout.cart import Cart, CartLine
from checkout.management.commands.shop_worker import enqueue_periodic_tasks
from checkout.orders import Order, place_order
from tests.factories import make_category, make_product

# The worker manages its own transactions and connections, as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_scheduler_queues_the_expiry_job_once_and_the_worker_runs_it(settings, shop, details):
    product = make_product(make_category(), stock=5)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    order = place_order(cart, details, shop)[0]
    Order.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    settings.TASKS = DB_TASKS

    enqueue_periodic_tasks()
    enqueue_periodic_tasks()  # already waiting: not queued twice
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("shop_worker", batch=True, no_scheduler=True, startup_delay=False, verbosity=0)

    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    order.refresh_from_db()
    assert order.status == "expired"
    assert product.stock_records.get().quantity == 5
