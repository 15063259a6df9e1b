"""Nobody takes a shelf without paying (issue 12): limits per line and per order, a capped
number of payment windows per order, a rate limit on new payment codes; and an order with
nothing to pay is confirmed without a KHQR."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import StockRecord
from checkout.models import Cart, CartLine, DeliveryMethod, Order, Payment
from checkout.orders import expire_unpaid_orders
from checkout.payments import (
    PaymentCodesUsedUp,
    TooManyRequests,
    new_payment_attempt,
    sweep_payments,
)
from notifications.models import Notification
from notifications.sending import deliver_notifications
from tests.checkout.conftest import CHECKOUT_BODY
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

WINDOW = timedelta(minutes=15)


@pytest.fixture
def shelf(shop, delivery):
    """Six products with plenty in stock, as in the audit."""
    category = make_category()
    return [
        make_product(category, title=f"Sauce {n}", price="2.00", stock=100) for n in range(1, 7)
    ]


def stock(product):
    return StockRecord.objects.get(product=product).quantity


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error" and body["error"]["code"] == code, body
    return body["error"]


def html_messages(response):
    return [str(message) for message in response.context["messages"]]


def set_limits(shop, **limits):
    for name, value in limits.items():
        setattr(shop, name, value)
    shop.save()


# --- quantities per line --------------------------------------------------------------------


def test_the_defaults_let_a_shopper_buy_a_carton_but_not_the_shelf(shop):
    assert (shop.max_line_quantity, shop.max_order_items) == (24, 48)
    assert (shop.max_payment_windows, shop.new_payment_requests_per_minute) == (3, 5)


def test_more_than_the_line_limit_is_refused_by_the_api(api, shelf):
    sauce = shelf[0]
    assert api.add(sauce, 12).status_code == 200  # a dozen bottles is an ordinary purchase
    refused = error(api.add(sauce, 13), 409, "line_limit")
    assert refused["message"] == "You can order at most 24 of Sauce 1 per order."
    assert refused["fields"] == {"quantity": ["At most 24."]}
    assert api.add(sauce, 12).status_code == 200
    error(api.add(sauce, 1), 409, "line_limit")

    line_id = api.get("/api/cart/").json()["lines"][0]["id"]
    error(api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 25}), 409, "line_limit")
    assert api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 20}).status_code == 200
    assert CartLine.objects.get().quantity == 20
    assert stock(sauce) == 100


def test_more_than_the_line_limit_is_refused_in_the_html_cart(client, shelf):
    sauce = shelf[0]
    response = client.post("/en/cart/add/", {"product_id": sauce.pk, "quantity": "25"}, follow=True)
    assert "You can order at most 24 of Sauce 1 per order." in html_messages(response)
    assert not CartLine.objects.exists()

    client.post("/en/cart/add/", {"product_id": sauce.pk, "quantity": "10"})
    line = CartLine.objects.get()
    response = client.post(f"/en/cart/lines/{line.pk}/", {"quantity": "30"}, follow=True)
    assert "You can order at most 24 of Sauce 1 per order." in html_messages(response)
    assert CartLine.objects.get().quantity == 10
    assert 'max="24"' in client.get("/en/cart/").content.decode()


def test_more_than_the_order_limit_is_refused_in_the_cart(api, client, shelf):
    for sauce in shelf[:2]:
        assert api.add(sauce, 24).status_code == 200
    refused = error(api.add(shelf[2], 1), 409, "order_limit")
    assert refused["message"] == (
        "One order can hold at most 48 items. Your cart would hold 49; please lower a quantity."
    )
    line_id = api.get("/api/cart/").json()["lines"][0]["id"]
    api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 20})
    assert api.add(shelf[2], 4).status_code == 200
    error(api.add(shelf[3], 1), 409, "order_limit")

    client.post("/en/cart/add/", {"product_id": shelf[0].pk, "quantity": "24"})
    client.post("/en/cart/add/", {"product_id": shelf[1].pk, "quantity": "24"})
    response = client.post(
        "/en/cart/add/", {"product_id": shelf[2].pk, "quantity": "1"}, follow=True
    )
    assert any("at most 48 items" in message for message in html_messages(response))


def test_the_audit_hoard_cannot_be_placed(api, shelf):
    """The audit: one guest reserved up to 99 of six products in one checkout."""
    added = [api.add(sauce, 99).status_code for sauce in shelf]
    assert 200 not in added
    total = 0
    for sauce in shelf:
        if api.add(sauce, 24).status_code == 200:
            total += 24
    assert total == 48
    response = api.post("/api/checkout/", CHECKOUT_BODY)
    assert response.status_code == 201, response.content
    assert sum(line.quantity for line in Order.objects.get().lines.all()) == 48
    assert sum(100 - stock(sauce) for sauce in shelf) == 48


def test_limits_lowered_after_the_cart_was_filled_are_enforced_at_placement(api, shop, shelf):
    for sauce in shelf[:2]:
        api.add(sauce, 20)
    set_limits(shop, max_line_quantity=15, max_order_items=25)
    refused = error(api.post("/api/checkout/", CHECKOUT_BODY), 409, "line_limit")
    assert refused["message"] == "You can order at most 15 of Sauce 1 per order."
    assert list(refused["fields"]) == [f"line_{CartLine.objects.first().pk}"]

    line_ids = [line["id"] for line in api.get("/api/cart/").json()["lines"]]
    cart = api.get("/api/cart/").json()
    assert all("At most 15 per order" in line["problem"] for line in cart["lines"])
    for line_id in line_ids:  # lowering is always allowed, even while above the limit
        assert api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 16}).status_code == 200
        assert api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 15}).status_code == 200
    refused = error(api.post("/api/checkout/", CHECKOUT_BODY), 409, "order_limit")
    assert refused["message"] == (
        "One order can hold at most 25 items. Your cart would hold 30; please lower a quantity."
    )
    assert not Order.objects.exists()
    assert [stock(sauce) for sauce in shelf[:2]] == [100, 100]

    api.send("patch", f"/api/cart/lines/{line_ids[0]}/", {"quantity": 10})
    assert api.post("/api/checkout/", CHECKOUT_BODY).status_code == 201


def test_the_html_checkout_stops_at_the_cart_when_the_cart_is_above_a_limit(client, shop, shelf):
    for sauce in shelf[:3]:
        client.post("/en/cart/add/", {"product_id": sauce.pk, "quantity": "12"})
    assert CartLine.objects.count() == 3
    set_limits(shop, max_line_quantity=12, max_order_items=30)
    page = client.get("/en/cart/").content.decode()
    assert "One order can hold at most 30 items. Your cart would hold 36" in page
    assert "Check out</a>" not in page
    response = client.post("/en/checkout/", CHECKOUT_BODY)
    assert response["Location"] == "/en/cart/"
    assert not Order.objects.exists()


def test_limits_follow_shop_settings_changes(api, client, shop, shelf):
    set_limits(shop, max_line_quantity=5, max_order_items=8)
    error(api.add(shelf[0], 6), 409, "line_limit")
    assert api.add(shelf[0], 5).status_code == 200
    error(api.add(shelf[1], 4), 409, "order_limit")
    response = client.post(
        "/en/cart/add/", {"product_id": shelf[0].pk, "quantity": "6"}, follow=True
    )
    assert "You can order at most 5 of Sauce 1 per order." in html_messages(response)

    set_limits(shop, max_line_quantity=60, max_order_items=100)
    assert api.add(shelf[1], 60).status_code == 200
    assert (
        client.post("/en/cart/add/", {"product_id": shelf[0].pk, "quantity": "60"}).status_code
        == 302
    )
    assert CartLine.objects.filter(quantity=60).count() == 2


def test_merging_a_guest_cart_at_login_keeps_within_the_limits(api, shelf):
    user = get_user_model().objects.create_user("dara", "dara@example.com", "pw-123456")
    account_cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=account_cart, product=shelf[0], quantity=20)
    CartLine.objects.create(cart=account_cart, product=shelf[1], quantity=20)
    api.add(shelf[0], 10)
    api.add(shelf[2], 8)
    api.client.force_login(user)  # logging in by any form sends the same signal
    assert not Cart.objects.filter(user__isnull=True).exists()
    lines = {line.product_id: line.quantity for line in account_cart.lines.all()}
    # 20 + 10 capped at 24 of one item; then 4 more fill the order's 48.
    assert lines == {shelf[0].pk: 24, shelf[1].pk: 20, shelf[2].pk: 4}


# --- payment windows --------------------------------------------------------------------------


def place(api, product, quantity):
    assert api.add(product, quantity).status_code == 200
    response = api.post("/api/checkout/", CHECKOUT_BODY)
    assert response.status_code == 201, response.content
    return Order.objects.get(number=response.json()["order"]["number"])


def close_window(order, after):
    """Let the order's current payment window close unpaid, as the sweeper does once Bakong
    says "not found" past the expiry and the grace period: run it ``after`` the window."""
    now = order.payments.order_by("-pk").first().expires_at + after
    sweep_payments(now=now)
    expire_unpaid_orders(now=now)
    order.refresh_from_db()
    assert order.status == "expired"
    return now


def test_new_payment_codes_are_capped_and_the_stock_then_goes_back_for_good(
    api, shelf, bakong, client
):
    sauce = shelf[0]
    order = place(api, sauce, 10)
    assert stock(sauce) == 90
    now = close_window(order, timedelta(hours=1))
    assert stock(sauce) == 100

    for _renewal in range(2):  # the first code plus two renewals
        new_payment_attempt(order.pk, now=now)
        assert stock(sauce) == 90
        now = close_window(order, timedelta(hours=1))
        assert stock(sauce) == 100

    with pytest.raises(PaymentCodesUsedUp) as refused:
        new_payment_attempt(order.pk, now=now + timedelta(hours=1))
    assert refused.value.status == 409
    assert "used all its payment codes" in refused.value.message
    order.refresh_from_db()
    assert (order.status, order.payments.count(), stock(sauce)) == ("expired", 3, 100)
    # The stock was held for three windows in all, never longer.
    held = sum(
        (payment.expires_at - payment.created_at for payment in order.payments.all()), timedelta()
    )
    assert held == 3 * WINDOW

    # The order page (HTML) says so and offers no new code; asking anyway is refused.
    page = api.client.get(order.get_absolute_url()).content.decode()
    assert "used all its payment codes" in page and "Get a new payment code" not in page
    response = api.client.post(
        f"/en/orders/{order.token}/new-payment/", {"csrfmiddlewaretoken": api.token}, follow=True
    )
    assert any("used all its payment codes" in m for m in html_messages(response))
    assert (Order.objects.get().status, Payment.objects.count(), stock(sauce)) == (
        "expired",
        3,
        100,
    )
    assert sweep_payments(now=now + timedelta(hours=2)) == {"unchanged": 3}
    assert stock(sauce) == 100


def test_the_payment_code_cap_follows_shop_settings(api, shop, shelf, bakong):
    set_limits(shop, max_payment_windows=1)
    order = place(api, shelf[0], 2)
    now = close_window(order, timedelta(hours=1))
    with pytest.raises(PaymentCodesUsedUp):
        new_payment_attempt(order.pk, now=now)
    set_limits(shop, max_payment_windows=2)
    assert new_payment_attempt(order.pk, now=now).status == "pending"
    assert stock(shelf[0]) == 98


def test_a_burst_of_new_payment_requests_is_rate_limited(api, shelf, bakong):
    order = place(api, shelf[0], 2)
    now = close_window(order, timedelta(hours=1))
    first = new_payment_attempt(order.pk, now=now)
    for _second in range(4):  # a double click or a reload: answered with the same code
        assert new_payment_attempt(order.pk, now=now).pk == first.pk
    with pytest.raises(TooManyRequests) as refused:
        new_payment_attempt(order.pk, now=now)
    assert refused.value.status == 429
    assert "wait a minute" in refused.value.message
    # Another order is not held back by this one, and a minute later this one may ask again.
    assert new_payment_attempt(order.pk, now=now + timedelta(minutes=1)).pk == first.pk


def test_a_burst_on_the_order_page_is_rate_limited(api, shop, shelf, bakong):
    set_limits(shop, new_payment_requests_per_minute=2)
    order = place(api, shelf[0], 2)
    close_window(order, timedelta(hours=1))
    url = f"/en/orders/{order.token}/new-payment/"
    form = {"csrfmiddlewaretoken": api.token}
    flashed = [html_messages(api.client.post(url, form, follow=True)) for _ in range(3)]
    assert "Here is a new payment code." in flashed[0]
    assert any("too often" in message for message in flashed[2])
    assert Payment.objects.filter(order=order).count() <= 2


# --- orders with nothing to pay ---------------------------------------------------------------


@pytest.fixture
def freebie(shop):
    DeliveryMethod.objects.create(code="pickup", label="Pick up at the shop", fee=Decimal("0"))
    return make_product(make_category(), title="Free sample", price="0.00", stock=5)


@pytest.mark.parametrize("currency", ["USD", "KHR"])
def test_a_free_order_is_confirmed_without_a_payment(api, freebie, smtp, currency):
    api.add(freebie, 2)
    response = api.post(
        "/api/checkout/", CHECKOUT_BODY | {"delivery_method": "pickup", "currency": currency}
    )
    assert response.status_code == 201, response.content
    assert response.json()["payment"] is None
    order = Order.objects.get()
    assert (order.status, order.total, order.paid_at is not None) == ("paid", 0, True)
    assert not Payment.objects.exists()
    assert stock(freebie) == 3
    assert list(order.status_changes.values_list("to_status", flat=True)) == [
        "awaiting_payment",
        "paid",
    ]
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"payment_received", "owner_order_paid"} <= kinds
    assert "order_placed" not in kinds  # nothing is waiting for payment
    deliver_notifications()
    subjects = [message["Subject"] for message in smtp.messages]
    assert any(f"receipt for order {order.number}" in subject for subject in subjects)
    assert any(f"new paid order {order.number}" in subject for subject in subjects)
    receipt = next(m for m in smtp.messages if f"receipt for order {order.number}" in m["Subject"])
    text = receipt.get_body(("plain",)).get_content()
    assert "Nothing to pay" in text and "KHQR" not in text

    page = api.client.get(order.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is nothing to pay" in html
    assert "khqr-image" not in html and "new-payment" not in html
    # Never expired, whatever the clock says.
    assert expire_unpaid_orders(now=timezone.now() + timedelta(days=2)) == 0


def test_a_free_order_through_the_html_checkout(client, freebie):
    client.post("/en/cart/add/", {"product_id": freebie.pk, "quantity": "1"})
    client.post("/en/checkout/", CHECKOUT_BODY | {"delivery_method": "pickup"})
    review = client.get("/en/checkout/review/").content.decode()
    assert "nothing to pay" in review
    response = client.post("/en/checkout/review/", follow=True)
    assert response.status_code == 200
    order = Order.objects.get()
    assert order.status == "paid" and not order.payments.exists()
    assert "There is nothing to pay" in response.content.decode()


def test_an_amount_a_khqr_cannot_carry_is_refused_not_a_server_error(api, shop, delivery):
    # Tag 54 holds 13 characters: $10,000,000,001.52 does not fit.
    whale = make_product(make_category(), title="Villa", price="5000000000.01", stock=3)
    api.add(whale, 2)
    refused = error(api.post("/api/checkout/", CHECKOUT_BODY), 409, "khqr_unavailable")
    assert "contact the shop" in refused["message"]
    assert not Order.objects.exists() and stock(whale) == 3
