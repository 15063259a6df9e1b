"""Refunds as money: full or part, with a reason and a method, stock back by line as staff
choose, records that never change, reports net of refunds and honest words to the shopper."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.reports import daily_sales
from catalog.models import StockRecord
from checkout.models import ImmutableRecord, Order, Refund, RefundMethod, Status
from checkout.refunds import record_refund
from kernel.errors import Conflict, ShopError
from notifications.messages import render
from notifications.models import Notification
from tests.factories import make_category, make_order, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(shop):
    category = make_category()
    krama = make_product(category, title="Krama", price="6.50", stock=10)
    pepper = make_product(category, title="Pepper", price="4.00", stock=10)
    order = make_order(Status.DELIVERED, items=[(krama, 2), (pepper, 3)], shop=shop)
    return order, krama, pepper


def stock(product):
    return StockRecord.objects.get(product=product).quantity


def line_of(order, product):
    return order.lines.get(product=product)


def test_a_partial_refund_keeps_the_order_and_restocks_only_what_staff_say(paid, admin_user):
    order, krama, pepper = paid
    assert order.total == Decimal("26.50")  # 13.00 + 12.00 + 1.50
    refund = record_refund(
        order.pk,
        admin_user,
        amount="8.00",
        reason="Two bags of pepper were crushed",
        method=RefundMethod.BANK_TRANSFER,
        reference="ABA 123",
        restock={line_of(order, pepper).pk: 0},
    )
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert order.refunded_total == Decimal("8.00")
    assert refund.amount == Decimal("8.00") and refund.currency == "USD"
    assert (stock(krama), stock(pepper)) == (8, 7)  # crushed pepper does not go back

    message = Notification.objects.get(kind="refund_recorded")
    _subject, text, _html = render(message)
    assert "We have given you back 8.00 USD for order" in text
    assert "bank or KHQR transfer" in text
    assert "ABA 123" in text
    assert "the rest of your order stands" in text
    assert "goes back to the account you paid from" not in text


def test_the_rest_refunded_with_stock_back_refunds_the_order_in_full(paid, admin_user):
    order, krama, pepper = paid
    record_refund(order.pk, admin_user, amount="8.00", reason="Crushed", method="bank")
    record_refund(
        order.pk,
        admin_user,
        amount=None,  # all that is left
        reason="Returned the krama",
        method=RefundMethod.CASH,
        restock={line_of(order, krama).pk: 2},
    )
    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    assert order.refunded_total == order.total
    assert stock(krama) == 10
    assert [r.amount for r in order.refunds.all()] == [Decimal("8.00"), Decimal("18.50")]
    last = Notification.objects.filter(kind="refund_recorded").order_by("pk").last()
    assert "refunded in full" in render(last)[1]
    with pytest.raises(Conflict):
        record_refund(order.pk, admin_user, amount="1", reason="More", method="cash")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("26.51", "At most $26.50 is left"),
        ("1.005", "decimals"),
        ("twelve", "as a number"),
        ("NaN", "real amount"),
        ("1e30", "real amount"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_changes(paid, admin_user, amount, message):
    order, krama, _pepper = paid
    with pytest.raises(ShopError) as refused:
        record_refund(order.pk, admin_user, amount=amount, reason="Test", method="cash")
    assert message in refused.value.message
    assert not Refund.objects.exists()
    assert stock(krama) == 8


def test_more_units_than_were_sold_cannot_go_back(paid, admin_user):
    order, krama, _pepper = paid
    line = line_of(order, krama)
    record_refund(
        order.pk, admin_user, amount="6.50", reason="One", method="cash", restock={line.pk: 1}
    )
    with pytest.raises(ShopError) as refused:
        record_refund(
            order.pk, admin_user, amount="6.50", reason="Two", method="cash", restock={line.pk: 2}
        )
    assert "at most 1 can go back" in refused.value.message
    assert stock(krama) == 9
    assert Refund.objects.count() == 1


def test_a_reason_and_a_method_are_required_and_unpaid_orders_have_nothing_to_refund(
    shop, admin_user, paid
):
    order, _krama, _pepper = paid
    with pytest.raises(ShopError):
        record_refund(order.pk, admin_user, amount="1", reason=" ", method="cash")
    with pytest.raises(ShopError):
        record_refund(order.pk, admin_user, amount="1", reason="Why", method="cheque")
    unpaid = make_order(Status.AWAITING_PAYMENT, shop=shop)
    with pytest.raises(Conflict):
        record_refund(unpaid.pk, admin_user, amount="1", reason="Why", method="cash")


def test_a_refund_never_changes_once_recorded(paid, admin_user):
    order, _krama, _pepper = paid
    refund = record_refund(order.pk, admin_user, amount="5", reason="Late", method="credit")
    refund.amount = Decimal("1")
    with pytest.raises(ImmutableRecord):
        refund.save()
    with pytest.raises(ImmutableRecord):
        refund.delete()
    assert Refund.objects.get().amount == Decimal("5.00")


def test_reports_count_refunds_on_their_day_and_net_them_out(paid, admin_user):
    order, _krama, _pepper = paid
    today = timezone.localdate()
    assert daily_sales(today, today)[today]["usd_equivalent"] == Decimal("26.50")
    record_refund(order.pk, admin_user, amount=None, reason="All back", method="bank")
    day = daily_sales(today, today)[today]
    # The sale stays on the day it was paid; the refund counts against its own day.
    assert day["orders"] == 1
    assert day["usd"] == Decimal("26.50")
    assert day["refunds"] == Decimal("26.50")
    assert day["usd_equivalent"] == Decimal("0")
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=1))
    yesterday = today - timedelta(days=1)
    days = daily_sales(yesterday, today)
    assert days[yesterday]["usd_equivalent"] == Decimal("26.50")
    assert days[today]["usd_equivalent"] == Decimal("-26.50")


def test_staff_record_a_partial_refund_from_the_order_page(paid, admin_client):
    order, krama, pepper = paid
    page = admin_client.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert "data-refund-form" in page
    response = admin_client.post(
        reverse("orders:action", args=[order.pk, "refund"]),
        {
            "amount": "6.50",
            "method": "cash",
            "reference": "",
            "reason": "One krama had a hole",
            f"restock_{line_of(order, krama).pk}": "1",
            f"restock_{line_of(order, pepper).pk}": "",
        },
        follow=True,
    )
    assert "Refund of $6.50 recorded." in [str(m) for m in response.context["messages"]]
    assert stock(krama) == 9
    page = response.content.decode()
    assert "One krama had a hole" in page
    bad = admin_client.post(
        reverse("orders:action", args=[order.pk, "refund"]),
        {
            "amount": "1",
            "method": "cash",
            "reason": "x",
            f"restock_{line_of(order, krama).pk}": "1.5",
        },
        follow=True,
    )
    assert bad.status_code == 200
    assert "whole number" in " ".join(str(m) for m in bad.context["messages"])
    assert Refund.objects.count() == 1
    shopper = admin_client.get(order.get_absolute_url()).content.decode()
    assert "Refunded on" in shopper


def test_orders_refunded_before_refunds_were_amounts_get_their_refund(shop):
    """The data migration: an order that became "refunded" as a status gets a refund of its
    total on that day, so the sales report nets it out."""
    from importlib import import_module

    from django.apps import apps

    order = make_order(Status.REFUNDED, shop=shop)
    assert not order.refunds.exists()  # the factory moved the status only
    migration = import_module("checkout.migrations.0017_refunds_of_refunded_orders")
    migration.record_past_refunds(apps, None)
    refund = order.refunds.get()
    assert (refund.amount, refund.currency, refund.method) == (order.total, "USD", "other")
    assert refund.reason == "Set up by a test"
    today = timezone.localdate()
    assert daily_sales(today, today)[today]["usd_equivalent"] == Decimal("0")
    migration.record_past_refunds(apps, None)  # twice: nothing more
    assert order.refunds.count() == 1
