"""Messages are queued in the event's transaction but rendered after it, by the worker: an
order's placement never renders e-mail templates while it holds stock rows locked."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.signals import template_rendered
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from checkout import events
from checkout.cart import add_item
from checkout.models import Cart, Order
from checkout.orders import place_order
from kernel.models import ShopSettings
from notifications.models import Notification
from notifications.sending import deliver_notifications
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(shop, delivery):
    product = make_product(make_category(), title="Kampot Pepper", price="8.90", stock=10)
    cart = Cart.objects.create()
    add_item(cart, product.pk, None, 2)
    return cart


def test_placing_an_order_renders_no_message_inside_its_transaction(cart, details):
    rendered_in_transaction = []

    def watch(sender, template, **kwargs):
        if connection.in_atomic_block and template.name.startswith("checkout/email/"):
            rendered_in_transaction.append(template.name)

    template_rendered.connect(watch)
    try:
        order, created = place_order(cart, details, ShopSettings.current())
    finally:
        template_rendered.disconnect(watch)
    assert created
    assert rendered_in_transaction == []
    queued = Notification.objects.get(order=order)
    assert (queued.kind, queued.body_text, queued.subject) == ("order_placed", "", "")


def test_the_worker_renders_a_queued_message_once_and_keeps_its_words(cart, details, smtp):
    order, _ = place_order(cart, details, ShopSettings.current())
    assert deliver_notifications() == {"sent": 1, "failed": 0}
    sent = Notification.objects.get(order=order)
    assert sent.subject == f"Angkor Market: order {order.number} is waiting for payment"
    assert order.number in sent.body_text and "<html" in sent.body_html.lower()
    [message] = smtp.messages
    assert message["Subject"] == sent.subject


def test_messages_follow_the_order_placed_event_not_a_direct_call(cart, details):
    seen = []

    def receiver(sender, order, payment, **kwargs):
        seen.append((order.pk, payment.order_id, Notification.objects.filter(order=order).count()))

    events.order_placed.connect(receiver)
    try:
        order, _ = place_order(cart, details, ShopSettings.current())
    finally:
        events.order_placed.disconnect(receiver)
    assert [pk for pk, _, _ in seen] == [order.pk]
    assert seen[0][1] == order.pk
    assert Order.objects.get(pk=order.pk).notifications.count() == 1


def test_deliveries_queued_under_the_old_task_path_follow_the_task():
    migration = importlib.import_module(
        "notifications.migrations.0003_queued_deliveries_follow_the_task"
    )

    def queued(path, status="READY"):
        return DBTaskResult.objects.create(
            task_path=path,
            status=status,
            queue_name="default",
            priority=0,
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="",
            traceback="",
        )

    waiting = queued(migration.OLD)
    finished = queued(migration.OLD, status="SUCCESSFUL")
    migration.follow(apps, None)
    waiting.refresh_from_db()
    finished.refresh_from_db()
    assert waiting.task_path == "notifications.tasks.deliver_notifications_task"
    assert finished.task_path == migration.OLD  # history is left as it was
    importlib.import_module(waiting.task_path.rsplit(".", 1)[0])
