"""Delivery zones: which methods deliver to a province, at what fee, and free delivery from a
threshold, as the checkout page, the review page, the API and placing an order all see it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from catalog.models import StockRecord
from checkout.delivery import DeliveryRules
from checkout.models import PROVINCES, DeliveryMethod, DeliveryRate, DeliveryZone
from checkout.orders import CheckoutDetails, place_order
from kernel.errors import ShopError
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import default_shop, make_cart, make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def zones(shop):
    """The demo's set-up: riders in Phnom Penh (free from $30), couriers elsewhere, pick-up
    with no zone fees (so from anywhere)."""
    rider = DeliveryMethod.objects.create(code="phnom-penh", label="Phnom Penh", fee=Decimal("2"))
    courier = DeliveryMethod.objects.create(code="province", label="Courier", fee=Decimal("5"))
    pickup = DeliveryMethod.objects.create(code="pickup", label="Pick up", fee=Decimal("0"))
    capital = DeliveryZone.objects.create(name="Phnom Penh", provinces=["Phnom Penh"])
    others = DeliveryZone.objects.create(
        name="Provinces", provinces=[name for name in PROVINCES if name != "Phnom Penh"]
    )
    DeliveryRate.objects.create(zone=capital, method=rider, fee=Decimal("1.50"), free_from=30)
    DeliveryRate.objects.create(zone=others, method=courier, fee=Decimal("3.00"))
    return {"rider": rider, "courier": courier, "pickup": pickup}


def details_for(method, province="Phnom Penh", **extra):
    return CheckoutDetails(
        email="dara@example.com",
        name="Sok Dara",
        phone="+85512345678",
        address="No. 1, Street 240",
        province=province,
        delivery_method=method,
        currency="USD",
        **extra,
    )


def codes(options):
    return [(option.code, option.fee, option.free_from) for option in options]


def test_without_zones_every_method_delivers_everywhere_at_its_standard_fee(shop):
    DeliveryMethod.objects.create(code="a", label="A", fee=Decimal("2.00"), free_from=50)
    DeliveryMethod.objects.create(code="b", label="B", fee=Decimal("0"), is_active=False)
    rules = DeliveryRules()
    for province in ("Phnom Penh", "Ratanakiri"):
        assert codes(rules.options(province)) == [("a", Decimal("2.00"), Decimal("50"))]


def test_zone_fees_decide_which_methods_deliver_where(zones):
    rules = DeliveryRules()
    assert codes(rules.options("Phnom Penh")) == [
        ("phnom-penh", Decimal("1.50"), Decimal("30")),
        ("pickup", Decimal("0"), None),
    ]
    assert codes(rules.options("Battambang")) == [
        ("province", Decimal("3.00"), None),
        ("pickup", Decimal("0"), None),
    ]
    with pytest.raises(ShopError) as refused:
        rules.option("Battambang", "phnom-penh")
    assert refused.value.code == "delivery_unavailable"
    assert "Battambang" in refused.value.message


def test_a_province_in_no_zone_gets_only_the_methods_without_zone_fees(zones):
    DeliveryZone.objects.filter(name="Provinces").update(provinces=["Kandal"])
    assert codes(DeliveryRules().options("Kep")) == [("pickup", Decimal("0"), None)]


def test_a_province_belongs_to_one_zone_only(zones):
    zone = DeliveryZone(name="Coast", provinces=["Kep", "Kampot"])
    with pytest.raises(ValidationError) as clash:
        zone.full_clean()
    assert "Kep is already in the zone “Provinces”" in str(clash.value)
    with pytest.raises(ValidationError):
        DeliveryZone(name="Nowhere", provinces=["Atlantis"]).full_clean()


@pytest.mark.parametrize(
    ("price", "quantity", "fee"),
    [("28.00", 2, Decimal("0.00")), ("9.99", 3, Decimal("1.50")), ("10.00", 3, Decimal("0.00"))],
)
def test_placing_an_order_charges_the_zone_fee_free_from_the_threshold(zones, price, quantity, fee):
    product = make_product(make_category(), price=price, stock=10)
    order, _created = place_order(
        make_cart((product, quantity)), details_for(zones["rider"]), default_shop()
    )
    assert order.delivery_fee == fee
    assert order.total == order.subtotal + fee


def test_placing_an_order_refuses_a_method_that_does_not_deliver_there(zones):
    product = make_product(make_category(), price="5.00", stock=10)
    cart = make_cart((product, 1))
    with pytest.raises(ShopError) as refused:
        place_order(cart, details_for(zones["rider"], province="Battambang"), default_shop())
    assert refused.value.code == "delivery_unavailable"
    assert StockRecord.objects.get(product=product).quantity == 10  # nothing reserved
    order, _ = place_order(
        cart, details_for(zones["courier"], province="Battambang"), default_shop()
    )
    assert order.delivery_fee == Decimal("3.00")


FORM = {
    "name": "Sok Dara",
    "email": "dara@example.com",
    "phone": "012 345 678",
    "address": "No. 1, Street 240",
    "currency": "USD",
    "note": "",
}


def test_the_checkout_page_refuses_a_method_for_another_province_and_keeps_the_details(zones):
    product = make_product(make_category(), price="12.00", stock=10)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/en/cart/add/", {"product_id": product.pk, "quantity": 1})
    response = client.post(
        "/en/checkout/", FORM | {"province": "Battambang", "delivery_method": "phnom-penh"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This delivery method does not deliver to Battambang" in page
    assert 'value="No. 1, Street 240"' in page or "No. 1, Street 240" in page
    # The page's script gets each province's methods and fees.
    table = response.context["delivery_table"]
    assert set(table["Battambang"]) == {"province", "pickup"}
    assert table["Phnom Penh"]["phnom-penh"]["fee"] == "$1.50"

    response = client.post(
        "/en/checkout/", FORM | {"province": "Battambang", "delivery_method": "province"}
    )
    assert response.status_code == 302
    review = client.get("/en/checkout/review/")
    assert review.context["fee"] == Decimal("3.00")
    assert review.context["total"] == Decimal("15.00")


def test_the_review_page_shows_free_delivery_above_the_threshold(zones):
    product = make_product(make_category(), price="28.00", stock=10)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/en/cart/add/", {"product_id": product.pk, "quantity": 2})
    client.post("/en/checkout/", FORM | {"province": "Phnom Penh", "delivery_method": "phnom-penh"})
    review = client.get("/en/checkout/review/")
    assert review.context["fee"] == Decimal("0")
    assert review.context["total"] == Decimal("56.00")
    assert "Free delivery on this order" in review.content.decode()


def test_the_api_lists_the_methods_and_fees_of_a_province(zones):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    body = client.get("/api/checkout/options/?province=Battambang").json()
    assert [(m["code"], m["fee"], m["free_from"]) for m in body["delivery_methods"]] == [
        ("province", "3.00", None),
        ("pickup", "0.00", None),
    ]
    body = client.get("/api/checkout/options/?province=Phnom%20Penh").json()
    assert body["delivery_methods"][0]["free_from"] == "30.00"
    wrong = client.get("/api/checkout/options/?province=Atlantis")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"]["province"]


def test_the_api_refuses_checkout_with_a_method_that_does_not_deliver_there(zones):
    product = make_product(make_category(), price="5.00", stock=10)
    api = ApiClient()
    api.add(product)
    response = api.post(
        "/api/checkout/", CHECKOUT_BODY | {"province": "Kampot", "delivery_method": "phnom-penh"}
    )
    assert response.status_code == 400
    assert "delivery_method" in response.json()["error"]["fields"]
    assert StockRecord.objects.get(product=product).quantity == 10
