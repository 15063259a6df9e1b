"""Every storefront and account page, rendered in Khmer, shows no English the shop wrote.

The content (shop name, categories, products, delivery methods, the shopper's own details)
is written in Khmer here, as a Khmer shop's editors would write it, so any run of Latin
letters left on a page is the shop's own interface text: a string nobody marked, or one the
Khmer catalogue lacks. Names that stay the same in Khmer (KHQR, Bakong, USD...) are allowed,
and so is what is marked as being in another language (``lang="en"``: the switcher's
"English").
"""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from checkout.models import DeliveryMethod, Order, Status
from tests.factories import make_category, make_order, make_product

# Names that stay as they are in Khmer: the payment network, banks and currencies.
ALLOWED = {"KHQR", "Bakong", "USD", "KHR", "ABA", "ACLEDA", "Wing", "Telegram", "Facebook"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")

CHECKOUT_KM = {
    "email": "dara@example.com",
    "name": "សុខ តារា",
    "phone": "012 345 678",
    "address": "ផ្ទះលេខ ១ ផ្លូវ ២៤០",
    "province": "Phnom Penh",
    "delivery_method": "phnom-penh",
    "currency": "USD",
    "note": "",
}


def english_left(html, allowed=()):
    """The Latin words a Khmer reader would meet on the page."""
    document = BeautifulSoup(html, "html.parser")
    for element in document(["script", "style", "template"]):
        element.decompose()
    for element in document.select("[lang]"):
        if not element["lang"].startswith("km"):
            element.decompose()
    texts = list(document.stripped_strings)
    for element in document.find_all(True):
        texts += [element[name] for name in ATTRIBUTES if element.get(name)]
        if element.name == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value", ""))
    found = set()
    for text in texts:
        text = EMAIL.sub("", text)
        for word in LATIN_WORD.findall(text):
            if word not in ALLOWED and word not in allowed:
                found.add(word)
    return sorted(found)


SHOPPER_KM = {k: CHECKOUT_KM[k] for k in ("email", "name", "phone", "address", "province")}


def number_words(order):
    """The Latin letters of an order number (``261201-CBH7K``): a code, not English."""
    return set(LATIN_WORD.findall(order.number))


def km_url(name, *args):
    with translation.override("km"):
        return reverse(name, args=args)


@pytest.fixture
def khmer_shop(shop):
    shop.shop_name = "ផ្សារអង្គរ"
    shop.tagline = "ក្រមា និងម្ហូបខ្មែរ"
    shop.address = "ភ្នំពេញ"
    shop.opening_hours = "ម៉ោង ៨ ព្រឹក ដល់ ៥ ល្ងាច"
    shop.save()
    delivery = DeliveryMethod.objects.create(
        code="phnom-penh", label="ដឹកក្នុងភ្នំពេញ", fee=Decimal("1.50")
    )
    category = make_category(title="ក្រមា")
    krama = make_product(
        category, title="ក្រមាក្រហម", sku="KR-1", price="6.50", stock=8, summary="ក្រមាត្បាញដៃ។"
    )
    scarf = make_product(
        category,
        title="ក្រមាសូត្រ",
        sku="KR-2",
        price="12.00",
        summary="ក្រមាសូត្រពីតាកែវ។",
        variants=[("ក្រហម", None, 3), ("ខៀវ", "13.00", 0)],
    )
    sold_out = make_product(
        category, title="ក្រមាខៀវ", sku="KR-3", price="5.00", stock=0, summary="ក្រមាពណ៌ខៀវ។"
    )
    return {
        "category": category,
        "krama": krama,
        "scarf": scarf,
        "sold_out": sold_out,
        "delivery": delivery,
    }


def page_path(page):
    with translation.override("km"):
        return page.url


def assert_khmer(response, allowed=()):
    assert response.status_code in (200, 400, 404), response.status_code
    html = response.content.decode()
    assert '<html lang="km"' in html
    left = english_left(html, allowed)
    assert not left, f"English on {response.request['PATH_INFO']}: {left}"


def shopper_with_cart(products):
    client = Client(HTTP_ACCEPT_LANGUAGE="km")
    for product in products:
        response = client.post(
            km_url("checkout:cart_add"), {"product_id": product.pk, "quantity": 1}
        )
        assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_catalog_pages_in_khmer(khmer_shop):
    client = Client()
    for path in [
        "/km/",
        page_path(khmer_shop["category"]),
        page_path(khmer_shop["category"]) + "?sort=price",
        page_path(khmer_shop["krama"]),
        page_path(khmer_shop["scarf"]),
        page_path(khmer_shop["sold_out"]),
        km_url("search") + "?q=ក្រមា",
        km_url("search") + "?q=គ្មាន",
        km_url("search"),
        "/km/no-such-page/",
    ]:
        assert_khmer(client.get(path))


@pytest.mark.django_db
def test_cart_and_checkout_in_khmer(khmer_shop):
    client = Client()
    assert_khmer(client.get(km_url("checkout:cart")))  # empty
    # Without JavaScript, "Add to cart" asks to confirm first.
    assert_khmer(client.get(km_url("checkout:cart_add"), {"product_id": khmer_shop["krama"].pk}))
    client = shopper_with_cart([khmer_shop["krama"]])
    assert_khmer(client.get(km_url("checkout:cart")))
    assert_khmer(client.get(km_url("checkout:details")))
    # A form sent back with errors: the errors are Khmer too.
    assert_khmer(
        client.post(km_url("checkout:details"), CHECKOUT_KM | {"phone": "12", "email": "x"})
    )
    response = client.post(km_url("checkout:details"), CHECKOUT_KM)
    assert response.status_code == 302
    assert_khmer(client.get(km_url("checkout:review")))
    response = client.post(km_url("checkout:review"))
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.language == "km"
    assert_khmer(client.get(response["Location"]), allowed=number_words(order))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [Status.AWAITING_PAYMENT, Status.PAID, Status.SHIPPED, Status.CANCELLED, Status.EXPIRED],
)
def test_order_pages_in_khmer(khmer_shop, status):
    with translation.override("km"):
        order = make_order(
            status,
            items=[(khmer_shop["krama"], 2)],
            delivery=khmer_shop["delivery"],
            shopper=SHOPPER_KM,
        )
    assert order.language == "km"
    response = Client().get(km_url("checkout:order", order.token))
    assert_khmer(response, allowed=number_words(order))


@pytest.mark.django_db
def test_account_pages_in_khmer(khmer_shop):
    client = Client()
    for name in [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
    ]:
        assert_khmer(client.get(km_url(name)))
    # A failed login says why, in Khmer.
    assert_khmer(
        client.post(km_url("account_login"), {"login": "nobody@example.com", "password": "x"})
    )

    user = get_user_model().objects.create_user(
        "dara", "dara@example.com", "a long pass phrase", first_name="តារា"
    )
    client.force_login(user)
    with translation.override("km"):
        order = make_order(
            Status.PAID,
            items=[(khmer_shop["krama"], 1)],
            delivery=khmer_shop["delivery"],
            shopper=SHOPPER_KM,
            user=user,
        )
    for path in [
        km_url("accounts:account"),
        km_url("accounts:account_addresses"),
        km_url("accounts:account_order", order.number),
        km_url("account_logout"),
        km_url("account_email"),
        km_url("account_change_password"),
    ]:
        assert_khmer(client.get(path), allowed=number_words(order) | {"dara"})


@pytest.mark.django_db
def test_api_answers_in_the_page_language(khmer_shop):
    client = Client(HTTP_ACCEPT_LANGUAGE="km")
    client.get("/api/cart/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/cart/add/",
        {"product_id": khmer_shop["sold_out"].pk, "quantity": 1},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 409
    message = response.json()["error"]["message"]
    assert re.search("[\u1780-\u17ff]", message) and not LATIN_WORD.search(message), message


def test_the_checker_finds_english():
    """The check above can fail: it reports English text and attributes, not Khmer or names."""
    html = (
        '<html lang="km"><body><p>ដាក់ចូលកន្ត្រក</p><button aria-label="Close">x</button>'
        '<p>Add to cart</p><a lang="en" href="/en/">English</a><p>KHQR USD</p>'
        "<script>var a = 'Hello';</script></body></html>"
    )
    assert english_left(html) == ["Add", "Close", "cart", "to"]
