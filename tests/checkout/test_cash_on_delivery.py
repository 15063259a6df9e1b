"""Cash on delivery: offered where and up to what the owner says, holding stock only until
staff confirm it (or a deadline), capped per phone number, the owner told of every one, the
cash recorded when the courier brings it, and findable by phone and order number."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from backoffice.reports import cash_on_delivery_outstanding, daily_sales
from catalog.models import StockRecord
from checkout.models import DeliveryRate, DeliveryZone, Order, PaymentMethod, Status
from checkout.orders import (
    CheckoutDetails,
    cancel_by_shopper,
    expire_unpaid_orders,
    place_order,
    record_cash,
)
from checkout.staff import RECORD_CASH, available_actions, perform_staff_action
from checkout.status import change_status
from kernel.errors import Conflict, ShopError
from notifications.messages import render
from notifications.models import Notification
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import make_cart, make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def cod_shop(shop):
    shop.email = "owner@example.com"
    shop.cash_on_delivery = True
    shop.cod_max_order_value = Decimal("100")
    shop.cod_open_orders_per_phone = 2
    shop.cod_confirm_hours = 24
    shop.save()
    return shop


@pytest.fixture
def krama(cod_shop):
    return make_product(make_category(), title="Krama", price="6.50", stock=10)


def stock(product):
    return StockRecord.objects.get(product=product).quantity


def cash_details(delivery, phone="+85512345678", email="", province="Phnom Penh"):
    return CheckoutDetails(
        email=email,
        name="Sok Dara",
        phone=phone,
        address="Village 3, Battambang town",
        province=province,
        delivery_method=delivery,
        currency="USD",
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
    )


def cash_order(krama, delivery, shop, quantity=1, **details):
    order, _created = place_order(
        make_cart((krama, quantity)), cash_details(delivery, **details), shop
    )
    return order


def test_a_cash_order_needs_no_email_holds_its_stock_and_waits_for_confirmation(
    krama, delivery, cod_shop
):
    before = timezone.now()
    order = cash_order(krama, delivery, cod_shop, quantity=2)

    assert order.status == Status.AWAITING_CONFIRMATION
    assert order.payment_method == PaymentMethod.CASH_ON_DELIVERY
    assert order.email == ""
    assert not order.payments.exists()  # no KHQR
    assert not order.is_paid
    assert stock(krama) == 8
    assert before + timedelta(hours=24) <= order.expires_at <= timezone.now() + timedelta(hours=24)
    # The owner hears of it (shoppers without e-mail get nothing by e-mail).
    owner = Notification.objects.get(kind="owner_cod_order")
    assert owner.recipient == "owner@example.com"
    assert not Notification.objects.filter(kind="cod_order_placed").exists()
    subject, text, _html = render(owner)
    assert order.number in subject
    assert "+85512345678" in text
    assert "Cash to collect: 14.50 USD" in text


def test_a_shopper_with_email_is_told_we_will_phone_to_confirm(krama, delivery, cod_shop):
    order = cash_order(krama, delivery, cod_shop, email="dara@example.com")
    message = Notification.objects.get(kind="cod_order_placed")
    assert message.recipient == "dara@example.com"
    _subject, text, _html = render(message)
    assert "We will phone you at +85512345678" in text
    assert "Pay the courier 8.00 USD in cash." in text
    assert order.number in text


def test_cash_on_delivery_is_refused_when_the_shop_does_not_take_it(krama, delivery, cod_shop):
    cod_shop.cash_on_delivery = False
    cod_shop.save()
    with pytest.raises(ShopError) as refused:
        cash_order(krama, delivery, cod_shop)
    assert refused.value.code == "cash_on_delivery_unavailable"
    assert stock(krama) == 10
    assert not Order.objects.exists()


def test_cash_on_delivery_is_refused_above_the_owners_order_value(krama, delivery, cod_shop):
    cod_shop.cod_max_order_value = Decimal("20")
    cod_shop.save()
    cash_order(krama, delivery, cod_shop, quantity=2)  # 13.00 + 1.50 fits
    with pytest.raises(ShopError) as refused:
        cash_order(krama, delivery, cod_shop, quantity=3, phone="+85587654321")  # 21.00
    assert "up to $20.00" in refused.value.message
    assert stock(krama) == 8


def test_cash_on_delivery_only_in_zones_that_allow_it(krama, delivery, cod_shop):
    DeliveryZone.objects.create(name="Capital", provinces=["Phnom Penh"])
    far = DeliveryZone.objects.create(name="Far", provinces=["Ratanakiri"], cash_on_delivery=False)
    DeliveryRate.objects.create(zone=far, method=delivery, fee=Decimal("4"))
    DeliveryRate.objects.create(
        zone=DeliveryZone.objects.get(name="Capital"), method=delivery, fee=Decimal("1.50")
    )
    with pytest.raises(ShopError) as refused:
        cash_order(krama, delivery, cod_shop, province="Ratanakiri")
    assert "not available in Ratanakiri" in refused.value.message
    assert cash_order(krama, delivery, cod_shop).status == Status.AWAITING_CONFIRMATION


def test_one_phone_number_has_at_most_the_owners_number_of_open_cash_orders(
    krama, delivery, cod_shop
):
    first = cash_order(krama, delivery, cod_shop, phone="+85512345678")
    cash_order(krama, delivery, cod_shop, phone="+85512345678")
    with pytest.raises(Conflict) as refused:
        cash_order(krama, delivery, cod_shop, phone="+85512345678")
    assert refused.value.code == "cash_on_delivery_limit"
    assert "already has 2 cash on delivery orders waiting" in refused.value.message
    assert stock(krama) == 8
    # Another number is not affected; a finished order frees a place.
    cash_order(krama, delivery, cod_shop, phone="+85599888777")
    cancel_by_shopper(first)
    assert cash_order(krama, delivery, cod_shop, phone="+85512345678").pk


def test_an_order_not_confirmed_by_the_deadline_expires_and_gives_its_stock_back(
    krama, delivery, cod_shop
):
    order = cash_order(krama, delivery, cod_shop, quantity=3, email="dara@example.com")
    assert expire_unpaid_orders(now=timezone.now() + timedelta(hours=23)) == 0
    assert stock(krama) == 7
    assert expire_unpaid_orders(now=timezone.now() + timedelta(hours=24, minutes=1)) == 1
    order.refresh_from_db()
    assert order.status == Status.EXPIRED
    assert stock(krama) == 10
    assert order.status_changes.last().reason == "Not confirmed in time"
    _subject, text, _html = render(Notification.objects.get(kind="order_expired"))
    assert "We could not confirm order" in text
    assert "payment time" not in text


def test_staff_confirm_ship_and_record_the_cash(krama, delivery, cod_shop, admin_user):
    order = cash_order(krama, delivery, cod_shop, quantity=2, email="dara@example.com")
    actions = [key for key, _label, _needs in available_actions(order)]
    assert actions[0] == "confirm"
    assert RECORD_CASH not in actions  # not before it is confirmed
    assert "refund" not in actions

    perform_staff_action(order.pk, "confirm", admin_user)
    order.refresh_from_db()
    assert order.status == Status.PROCESSING
    assert not order.is_paid
    assert stock(krama) == 8
    assert cash_on_delivery_outstanding() == {
        "orders": 1,
        "usd_equivalent": Decimal("14.50"),
        "to_confirm": 0,
    }

    perform_staff_action(order.pk, "shipped", admin_user)
    order.refresh_from_db()
    actions = [key for key, _label, _needs in available_actions(order)]
    assert RECORD_CASH in actions
    assert "returned" in actions and "refund" not in actions
    today = timezone.localdate()
    assert daily_sales(today, today)[today]["orders"] == 0  # no money yet

    perform_staff_action(order.pk, RECORD_CASH, admin_user)
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert order.is_paid and order.paid_at is not None
    assert cash_on_delivery_outstanding()["orders"] == 0
    assert daily_sales(today, today)[today]["usd_equivalent"] == Decimal("14.50")
    receipt = Notification.objects.get(kind="payment_received")
    assert "Paid in cash on delivery" in render(receipt)[1]
    with pytest.raises(Conflict):
        record_cash(order.pk, admin_user)  # twice: nothing changes
    actions = [key for key, _label, _needs in available_actions(order)]
    assert "refund" in actions and "returned" not in actions


def test_a_parcel_refused_at_the_door_comes_back_and_restocks(krama, delivery, cod_shop):
    order = cash_order(krama, delivery, cod_shop, quantity=4)
    change_status(order.pk, Status.PROCESSING)
    change_status(order.pk, Status.SHIPPED)
    assert stock(krama) == 6
    change_status(order.pk, Status.RETURNED, reason="Refused at the door")
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    assert stock(krama) == 10
    assert not order.is_paid


def test_a_shopper_can_cancel_before_confirmation(krama, delivery, cod_shop):
    order = cash_order(krama, delivery, cod_shop, quantity=2)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/en/orders/{order.token}/").content.decode()
    assert "We will phone you at +85512345678" in page
    assert "Get a new payment code" not in page
    response = client.post(f"/en/orders/{order.token}/cancel/")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert stock(krama) == 10


def test_anyone_finds_an_order_by_its_number_and_phone(krama, delivery, cod_shop):
    order = cash_order(krama, delivery, cod_shop)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/en/orders/find/").status_code == 200
    wrong = client.post("/en/orders/find/", {"number": order.number, "phone": "011 111 111"})
    assert wrong.status_code == 200
    assert "We found no order with this number and phone number" in wrong.content.decode()
    bad = client.post("/en/orders/find/", {"number": "", "phone": "not a phone\x00"})
    assert bad.status_code == 200
    found = client.post(
        "/en/orders/find/", {"number": f" {order.number.lower()} ", "phone": "012 345 678"}
    )
    assert found.status_code == 302
    assert found["Location"].endswith(f"/orders/{order.token}/")


def test_finding_orders_is_throttled_per_client(krama, delivery, cod_shop):
    order = cash_order(krama, delivery, cod_shop)
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        client.post("/en/orders/find/", {"number": "260101-AAAAA", "phone": "012 345 678"})
    blocked = client.post("/en/orders/find/", {"number": order.number, "phone": "012 345 678"})
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.content.decode()
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.10")
    assert (
        other.post("/en/orders/find/", {"number": order.number, "phone": "012 345 678"}).status_code
        == 302
    )


def test_the_checkout_page_offers_cash_on_delivery_and_needs_no_email(krama, delivery, cod_shop):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/en/cart/add/", {"product_id": krama.pk, "quantity": 1})
    page = client.get("/en/checkout/").content.decode()
    assert 'name="payment_method" value="cod"' in page
    form = {
        "name": "Sok Dara",
        "email": "",
        "phone": "012 345 678",
        "province": "Phnom Penh",
        "address": "Street 240",
        "delivery_method": delivery.code,
        "currency": "USD",
        "payment_method": "khqr",
    }
    refused = client.post("/en/checkout/", form)
    assert "Enter your e-mail for the receipt, or choose cash on delivery." in (
        refused.content.decode()
    )
    assert client.post("/en/checkout/", form | {"payment_method": "cod"}).status_code == 302
    review = client.get("/en/checkout/review/").content.decode()
    assert "Total to pay the courier" in review
    placed = client.post("/en/checkout/review/")
    order = Order.objects.get()
    assert placed["Location"].endswith(f"/orders/{order.token}/")
    assert order.status == Status.AWAITING_CONFIRMATION


def test_the_api_places_a_cash_order_and_explains_a_refusal(krama, delivery, cod_shop):
    api = ApiClient()
    api.add(krama)
    body = CHECKOUT_BODY | {"email": "", "payment_method": "cod"}
    response = api.post("/api/checkout/", body)
    assert response.status_code == 201, response.content
    assert response.json()["order"]["status"] == "to_confirm"
    assert response.json()["payment"] is None

    cod_shop.cash_on_delivery = False
    cod_shop.save()
    api.add(krama)
    refused = api.post("/api/checkout/", body)
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["payment_method"]
    options = api.get("/api/checkout/options/").json()
    assert options["payment_methods"] == ["khqr"]
