"""Placing orders, the status machine, cancelling and expiring."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import StockRecord
from checkout.models import Cart, CartLine, InvalidTransition, Order, OrderStatusChange, Status
from checkout.orders import cancel_by_shopper, expire_unpaid_orders, place_order
from checkout.status import change_status
from kernel.errors import Conflict
from tests.checkout.conftest import CHECKOUT_BODY
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def stock(product, variant_key=0):
    return StockRecord.objects.get(product=product, variant_key=variant_key).quantity


@pytest.fixture
def products(shop):
    category = make_category()
    return {
        "krama": make_product(category, title="Krama", price="6.50", stock=10),
        "shirt": make_product(category, title="Shirt", price="12.00", variants=[("M", "14.00", 4)]),
    }


def cart_with(*items):
    cart = Cart.objects.create()
    for product, quantity, variant_key in items:
        CartLine.objects.create(
            cart=cart, product=product, variant_key=variant_key, quantity=quantity
        )
    return cart


def test_placing_an_order_snapshots_lines_reserves_stock_and_empties_the_cart(
    shop, details, products
):
    medium = products["shirt"].variants.get()
    cart = cart_with((products["krama"], 2, 0), (products["shirt"], 1, medium.pk))
    order, created = place_order(cart, details, shop)

    assert created
    assert order.status == Status.AWAITING_PAYMENT
    assert (order.currency, order.subtotal, order.delivery_fee, order.total) == (
        "USD",
        Decimal("27.00"),
        Decimal("1.50"),
        Decimal("28.50"),
    )
    assert order.khr_per_usd == Decimal("4100")
    lines = [
        (ln.title, ln.variant_name, ln.sku, ln.quantity, ln.unit_price) for ln in order.lines.all()
    ]
    assert lines == [
        ("Krama", "", products["krama"].sku, 2, Decimal("6.50")),
        ("Shirt", "M", medium.sku, 1, Decimal("14.00")),
    ]
    assert stock(products["krama"]) == 8
    assert stock(products["shirt"], medium.pk) == 3
    assert not cart.lines.exists()
    assert order.expires_at - order.created_at == timedelta(minutes=15)
    assert OrderStatusChange.objects.filter(order=order, to_status="awaiting_payment").count() == 1

    # Editing the product later does not rewrite the order.
    products["krama"].title = "Renamed"
    products["krama"].price = Decimal("99")
    products["krama"].save_revision().publish()
    assert order.lines.first().title == "Krama"
    assert order.lines.first().unit_price == Decimal("6.50")


def test_paying_in_riel_converts_each_price_with_the_rounding_step(shop, details, products):
    details.currency = "KHR"
    order, _ = place_order(cart_with((products["krama"], 3, 0)), details, shop)
    # 6.50 × 4,100 = 26,650 → 26,700 riel a unit; fee 1.50 → 6,150 → 6,200.
    assert order.lines.get().unit_price == Decimal("26700")
    assert (order.subtotal, order.delivery_fee, order.total) == (
        Decimal("80100"),
        Decimal("6200"),
        Decimal("86300"),
    )


def test_order_numbers_are_unique_and_readable(shop, details, products):
    numbers = {
        place_order(cart_with((products["krama"], 1, 0)), details, shop)[0].number for _ in range(5)
    }
    assert len(numbers) == 5
    for number in numbers:
        assert len(number) == 12 and number[6] == "-"
        assert not set(number[7:]) & set("01IO")


def test_not_enough_stock_places_nothing(shop, details, products):
    cart = cart_with(
        (products["krama"], 2, 0), (products["shirt"], 5, products["shirt"].variants.get().pk)
    )
    with pytest.raises(Conflict) as error:
        place_order(cart, details, shop)
    assert error.value.code == "insufficient_stock"
    assert "Shirt" in error.value.message
    assert not Order.objects.exists()
    assert stock(products["krama"]) == 10
    assert cart.lines.count() == 2


def test_submitting_the_same_checkout_twice_gives_one_order(shop, details, products):
    cart = cart_with((products["krama"], 1, 0))
    first, created = place_order(cart, details, shop)
    again, created_again = place_order(cart, details, shop)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert stock(products["krama"]) == 9


def test_checkout_with_an_empty_cart_says_so_once(client, shop):
    response = client.get("/en/checkout/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/cart/"
    page = response.content.decode()
    assert page.count("Your cart is empty.") == 1
    assert "There is nothing to check out yet" in page


def test_an_empty_cart_cannot_be_checked_out(shop, details):
    with pytest.raises(Conflict) as error:
        place_order(Cart.objects.create(), details, shop)
    assert error.value.code == "cart_empty"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["paid", "processing", "shipped", "delivered", "refunded"], True),
        (["paid", "shipped", "delivered"], True),
        (["shipped"], False),
        (["paid", "awaiting_payment"], False),
        (["expired", "shipped"], False),
        (["cancelled", "awaiting_payment"], False),
        (["expired", "paid", "shipped"], True),  # late money accepted while stock remains
        (["delivered"], False),
    ],
)
def test_the_status_machine_rejects_invalid_transitions(shop, details, products, path, allowed):
    order, _ = place_order(cart_with((products["krama"], 1, 0)), details, shop)
    try:
        for status in path:
            change_status(order.pk, status, reason="test")
    except InvalidTransition:
        assert not allowed
    else:
        assert allowed
    order.refresh_from_db()
    changes = list(order.status_changes.values_list("from_status", "to_status"))
    assert changes[0] == ("", "awaiting_payment")
    assert all(a != b for a, b in changes)


def test_every_change_records_who_when_and_why(shop, details, products, django_user_model):
    staff = django_user_model.objects.create_user("staff", "s@example.com", "pw")
    order, _ = place_order(cart_with((products["krama"], 1, 0)), details, shop)
    change_status(order.pk, "paid", by=staff, reason="Paid at the counter")
    change = order.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        "awaiting_payment",
        "paid",
        staff,
        "Paid at the counter",
    )
    assert change.created_at <= timezone.now()
    order.refresh_from_db()
    assert order.paid_at is not None


def test_shopper_cancels_an_unpaid_order_and_stock_comes_back(shop, details, products):
    order, _ = place_order(cart_with((products["krama"], 4, 0)), details, shop)
    assert stock(products["krama"]) == 6
    cancel_by_shopper(order)
    assert stock(products["krama"]) == 10
    with pytest.raises(Conflict):
        cancel_by_shopper(order)
    assert stock(products["krama"]) == 10


def test_paid_orders_cannot_be_cancelled_by_the_shopper(shop, details, products):
    order, _ = place_order(cart_with((products["krama"], 1, 0)), details, shop)
    change_status(order.pk, "paid")
    with pytest.raises(Conflict):
        cancel_by_shopper(order)


def test_expiry_returns_stock_once_and_leaves_fresh_orders_alone(shop, details, products):
    old, _ = place_order(cart_with((products["krama"], 3, 0)), details, shop)
    fresh, _ = place_order(cart_with((products["krama"], 2, 0)), details, shop)
    Order.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    # As the payment sweeper leaves it once Bakong has said "not found" past the expiry:
    old.payments.update(status="expired")
    assert stock(products["krama"]) == 5

    assert expire_unpaid_orders() == 1
    assert expire_unpaid_orders() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("expired", "awaiting_payment")
    assert stock(products["krama"]) == 8


def test_an_order_whose_khqr_is_still_pending_is_not_expired_by_the_clock(shop, details, products):
    order, _ = place_order(cart_with((products["krama"], 1, 0)), details, shop)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    assert expire_unpaid_orders() == 0
    order.refresh_from_db()
    assert order.status == "awaiting_payment"


def test_payment_window_is_configurable(shop, details, products, settings):
    settings.SHOP_PAYMENT_WINDOW_MINUTES = 30
    order, _ = place_order(cart_with((products["krama"], 1, 0)), details, shop)
    assert order.expires_at - order.created_at == timedelta(minutes=30)


def test_order_page_is_reached_by_its_token_only(client, api, delivery, products):
    api.add(products["krama"], 1)
    order_url = api.post("/api/checkout/", CHECKOUT_BODY).json()["order"]["url"]
    order = Order.objects.get()
    assert order_url.endswith(f"/en/orders/{order.token}/")
    assert len(order.token) >= 32

    page = client.get(f"/en/orders/{order.token}/")  # a link shared by e-mail works anywhere
    assert page.status_code == 200
    assert order.number in page.content.decode()
    assert client.get(f"/en/orders/{order.number}/").status_code == 404
    assert client.get(f"/en/orders/{order.pk}/").status_code == 404


def test_checkout_api_answers_201_then_200_for_a_retry(api, delivery, products):
    api.add(products["krama"], 2)
    first = api.post("/api/checkout/", CHECKOUT_BODY)
    retry = api.post("/api/checkout/", CHECKOUT_BODY)
    assert first.status_code == 201
    assert retry.status_code == 200
    assert first.json()["order"] == retry.json()["order"]
    body = first.json()["order"]
    assert body["status"] == "awaiting_payment"
    assert (body["subtotal"], body["delivery_fee"], body["total"], body["currency"]) == (
        "13.00",
        "1.50",
        "14.50",
        "USD",
    )
    assert api.get("/api/cart/").json()["item_count"] == 0


def test_checkout_pages_without_javascript(client, shop, delivery, products):
    client.post("/en/cart/add/", {"product_id": products["krama"].pk, "quantity": "2"})
    assert client.get("/en/checkout/").status_code == 200
    response = client.post("/en/checkout/", CHECKOUT_BODY | {"phone": "12"})
    assert "Enter a Cambodian phone number" in response.content.decode()
    response = client.post("/en/checkout/", CHECKOUT_BODY)
    assert response.status_code == 302 and response["Location"] == "/en/checkout/review/"
    review = client.get("/en/checkout/review/").content.decode()
    assert "$14.50" in review and "Sok Dara" in review and "+85512345678" in review
    response = client.post("/en/checkout/review/")
    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url()
    # A second click on "Place order" lands on the same order.
    again = client.post("/en/checkout/review/")
    assert again["Location"] == order.get_absolute_url()
    assert Order.objects.count() == 1
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Awaiting payment" in page
    client.post(f"/en/orders/{order.token}/cancel/")
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert stock(products["krama"]) == 10
