"""Races on a real MySQL/MariaDB server: many buyers, double submits, overlapping jobs.

Each thread has its own database connection and commits for real, so row locks and the
conditional stock decrement are what keep the numbers right.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import StockRecord
from checkout.discounts import DiscountRefused
from checkout.models import (
    Cart,
    CartLine,
    Discount,
    DiscountUse,
    Order,
    Payment,
    PaymentMethod,
    Status,
)
from checkout.orders import CheckoutDetails, expire_unpaid_orders, place_order
from kernel.errors import Conflict
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same moment; collect outcomes."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", work(index))
        except Exception as error:  # collected and asserted on below
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_twenty_buyers_race_for_the_last_five_units(mysql_only, shop, details):
    product = make_product(make_category(), title="Last Krama", stock=5)
    carts = []
    for _ in range(20):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)

    results = run_together(20, lambda i: place_order(carts[i], details, shop)[0].pk)

    won = [value for kind, value in results if kind == "ok"]
    lost = [value for kind, value in results if kind == "error"]
    assert len(won) == 5, results
    assert len(lost) == 15
    assert all(isinstance(e, Conflict) and e.code == "insufficient_stock" for e in lost), lost
    assert StockRecord.objects.get(product=product).quantity == 0
    assert Order.objects.count() == 5
    assert sum(o.lines.get().quantity for o in Order.objects.all()) == 5
    print("race: 5 of 20 buyers got an order; stock ended at 0")


def test_the_same_checkout_submitted_twice_at_once_makes_one_order(mysql_only, shop, details):
    product = make_product(make_category(), stock=10)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)

    results = run_together(2, lambda i: place_order(cart, details, shop))

    assert all(kind == "ok" for kind, _ in results), results
    orders = {value[0].pk for _, value in results}
    created = sorted(value[1] for _, value in results)
    assert len(orders) == 1
    assert created == [False, True]
    assert Order.objects.count() == 1
    assert StockRecord.objects.get(product=product).quantity == 8


def test_the_expiry_job_run_twice_at_once_returns_stock_once(mysql_only, shop, details):
    product = make_product(make_category(), stock=10)
    orders = []
    for quantity in (3, 2):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=quantity)
        orders.append(place_order(cart, details, shop)[0])
    Order.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    Payment.objects.update(status="expired")  # Bakong said "not found" past the expiry
    assert StockRecord.objects.get(product=product).quantity == 5

    results = run_together(2, lambda i: expire_unpaid_orders())

    assert all(kind == "ok" for kind, _ in results), results
    assert sum(value for _, value in results) == 2
    assert StockRecord.objects.get(product=product).quantity == 10
    assert set(Order.objects.values_list("status", flat=True)) == {Status.EXPIRED}
    for order in orders:
        assert order.status_changes.filter(to_status=Status.EXPIRED).count() == 1


def test_cancel_and_expiry_at_once_return_stock_once(mysql_only, shop, details):
    from checkout.orders import cancel_by_shopper

    product = make_product(make_category(), stock=4)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=4)
    order = place_order(cart, details, shop)[0]
    Order.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    Payment.objects.update(status="expired")

    run_together(2, lambda i: expire_unpaid_orders() if i else cancel_by_shopper(order))

    order.refresh_from_db()
    assert order.status in (Status.EXPIRED, Status.CANCELLED)
    assert StockRecord.objects.get(product=product).quantity == 4


def test_five_cash_orders_at_once_from_one_phone_stop_at_the_cap(mysql_only, shop, delivery):
    """The open-orders cap per phone number holds when the checkouts race: the phone
    number's row lock makes each count see the orders placed before it."""
    shop.cash_on_delivery = True
    shop.cod_open_orders_per_phone = 2
    shop.save()
    product = make_product(make_category(), stock=20)
    carts = []
    for _ in range(5):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)
    details = CheckoutDetails(
        email="",
        name="Sok Dara",
        phone="+85512345678",
        address="Street 240",
        province="Phnom Penh",
        delivery_method=delivery,
        currency="USD",
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
    )

    results = run_together(5, lambda i: place_order(carts[i], details, shop)[0].pk)

    won = [value for kind, value in results if kind == "ok"]
    lost = [value for kind, value in results if kind == "error"]
    assert len(won) == 2, results
    assert all(isinstance(e, Conflict) and e.code == "cash_on_delivery_limit" for e in lost), lost
    assert StockRecord.objects.get(product=product).quantity == 18
    print("cash on delivery race: 2 of 5 checkouts from one phone placed an order")


def test_eight_checkouts_race_for_a_code_with_three_uses_left(mysql_only, shop, delivery):
    """The total limit of a discount code holds when checkouts race: placing an order counts
    the code's uses under the code's row lock."""
    Discount.objects.create(name="Three only", code="THREE", value=10, usage_limit=3)
    product = make_product(make_category(), stock=20)
    carts = []
    for _ in range(8):
        cart = Cart.objects.create(discount_code="THREE")
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)

    def checkout(index):
        details = CheckoutDetails(
            email=f"buyer{index}@example.com",
            name="Buyer",
            phone=f"+8551234567{index}",
            address="Street 240",
            province="Phnom Penh",
            delivery_method=delivery,
            currency="USD",
        )
        return place_order(carts[index], details, shop)[0].pk

    results = run_together(8, checkout)

    won = [value for kind, value in results if kind == "ok"]
    lost = [value for kind, value in results if kind == "error"]
    assert len(won) == 3, results
    assert all(isinstance(e, DiscountRefused) for e in lost), lost
    assert DiscountUse.objects.count() == 3
    assert StockRecord.objects.get(product=product).quantity == 17
    print("discount race: 3 of 8 checkouts got the code with three uses")
