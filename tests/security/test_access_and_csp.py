"""Hostile use: every endpoint that touches a cart, an order or a payment, tried from a second
session and a second account; and storefront pages that run no inline script, so the content
security policy nginx sends (script-src 'self') holds."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client

from checkout.models import Payment
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import make_category, make_image, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_with_order(shop, delivery):
    product = make_product(make_category(), stock=10)
    owner = ApiClient()
    owner.add(product, 2)
    line_id = owner.get("/api/cart/").json()["lines"][0]["id"]
    owner.add(make_product(make_category(), stock=10), 1)
    body = owner.post("/api/checkout/", CHECKOUT_BODY).json()
    owner.add(product, 1)  # a new cart line after the checkout
    new_line = owner.get("/api/cart/").json()["lines"][0]["id"]
    token = body["order"]["url"].rstrip("/").rsplit("/", 1)[1]
    return {
        "owner": owner,
        "line": new_line,
        "old_line": line_id,
        "token": token,
        "md5": body["payment"]["md5"],
        "number": body["order"]["number"],
    }


def strangers():
    guest = ApiClient()
    user = User.objects.create_user("intruder", "intruder@example.com", "pw-intruder-1")
    member = ApiClient()
    member.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    member.token = (
        member.client.get("/api/cart/").cookies.get("csrftoken", None)
        and member.client.cookies["csrftoken"].value
    )
    return {"second session": guest, "second user": member}


def test_nobody_else_can_touch_a_shoppers_cart_order_or_payment(owner_with_order):
    data = owner_with_order
    for who, stranger in strangers().items():
        assert stranger.get("/api/cart/").json()["lines"] == [], who
        for line in (data["line"], data["old_line"]):
            assert (
                stranger.send("patch", f"/api/cart/lines/{line}/", {"quantity": 5}).status_code
                == 404
            ), who
            assert stranger.send("delete", f"/api/cart/lines/{line}/").status_code == 404, who
        assert stranger.get(f"/api/payments/{data['md5']}/").status_code == 404, who
        assert stranger.post("/api/checkout/", CHECKOUT_BODY).status_code == 409, (
            who
        )  # their own, empty cart
        assert stranger.client.get(f"/en/account/orders/{data['number']}/").status_code in (
            302,
            404,
        ), who
        assert stranger.client.get(f"/en/orders/{data['number']}/").status_code == 404, who
        wrong_token = data["token"][:-4] + "AAAA"
        assert stranger.client.get(f"/en/orders/{wrong_token}/").status_code == 404, who
        assert (
            stranger.client.post(
                f"/en/orders/{wrong_token}/cancel/", {"csrfmiddlewaretoken": stranger.token}
            ).status_code
            == 404
        ), who
        assert (
            stranger.client.post(
                f"/en/cart/lines/{data['line']}/remove/", {"csrfmiddlewaretoken": stranger.token}
            ).status_code
            == 302
        )
    owner = data["owner"]
    assert owner.get("/api/cart/").json()["item_count"] == 1  # the owner's line is untouched
    assert owner.get(f"/api/payments/{data['md5']}/").status_code == 200
    assert Payment.objects.get(md5=data["md5"]).order.status == "awaiting_payment"


INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


@pytest.fixture
def storefront_pages(shop, delivery):
    category = make_category(title="Pepper", show_in_menus=True)
    product = make_product(
        category, title="Kampot Pepper", images=[make_image()], variants=[("S", None, 3)]
    )
    client = Client()
    client.post(
        "/en/cart/add/", {"product_id": product.pk, "variant_id": product.variants.get().pk}
    )
    pages = [
        "/en/",
        category.url,
        product.url,
        "/en/search/?q=pepper",
        "/en/cart/",
        "/en/checkout/",
        "/en/nope/",
        "/en/accounts/login/",
        "/en/accounts/signup/",
        f"/en/cart/add/?product_id={product.pk}&variant_id={product.variants.get().pk}",
    ]
    client.post("/en/checkout/", CHECKOUT_BODY)
    pages.append("/en/checkout/review/")
    return client, pages


def test_storefront_pages_run_no_inline_script(storefront_pages):
    client, pages = storefront_pages
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        html = response.content.decode()
        soup = BeautifulSoup(html, "html.parser")
        for script in soup.find_all("script"):
            if script.get("src"):
                assert script["src"].startswith("/static/"), (path, script["src"])
            else:
                assert script.get("type") in DATA_SCRIPT_TYPES, (path, str(script)[:120])
        assert not INLINE_HANDLER.search(html), path
        assert not soup.find_all(style=True), path  # style-src 'self': no style attributes
        assert not soup.find_all("style"), path
