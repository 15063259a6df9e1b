"""The storefront page cache: fast for anonymous visitors, never stale, never personal."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.inventory import set_stock
from checkout.cart import Cart, CartLine
from checkout.orders import place_order
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop):
    return make_product(
        make_category(title="Pepper"), title="Kampot Pepper", price="8.90", stock=10
    )


def test_anonymous_visitors_get_cached_pages_without_touching_the_database(client, product):
    first = client.get(product.url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(product.url)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content


def test_publishing_makes_cached_pages_stale(client, product):
    client.get(product.url)
    product.title = "Kampot Red Pepper"
    product.save_revision().publish()
    response = client.get(product.url)
    assert response["X-Page-Cache"] == "miss"
    assert b"Kampot Red Pepper" in response.content


def test_a_sale_shows_at_once(client, product, details, shop, delivery):
    set_stock(product, 3)
    assert b"Only 3 left" in client.get(product.url).content
    assert client.get(product.url)["X-Page-Cache"] == "hit"
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=3)
    place_order(cart, details, shop)
    page = client.get(product.url)
    assert page["X-Page-Cache"] == "miss"
    assert b"Sold out" in page.content


def test_shoppers_with_a_cart_share_cached_pages_which_hold_nothing_of_theirs(product):
    shopper = Client()
    shopper.post("/cart/add/", {"product_id": product.pk, "quantity": "1"})
    shopper.get("/cart/")  # reads and clears the "added" message
    assert "sessionid" in shopper.cookies
    first = shopper.get(product.url)
    assert first["X-Page-Cache"] == "miss"
    assert b"csrfmiddlewaretoken" not in first.content
    visitor = Client()
    shared = visitor.get(product.url)
    assert shared["X-Page-Cache"] == "hit"
    assert b"Item added" not in shared.content


def test_logged_in_users_always_get_fresh_pages_with_the_userbar(product, admin_user):
    editor = Client()
    response = editor.post(
        "/admin/login/", {"username": admin_user.username, "password": "password"}
    )
    assert response.status_code == 302
    assert editor.cookies["shop_auth"].value == "1"
    page = editor.get(product.url)
    assert "X-Page-Cache" not in page
    assert b"wagtail-userbar" in page.content
    editor.post("/admin/logout/")
    assert editor.cookies["shop_auth"].value == ""  # cleared at logout


def test_cached_pages_hold_nothing_personal(client, product):
    html = client.get(product.url).content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "data-cart-count-value>0<" in html  # the badge is filled by /api/cart/ in the browser
    assert client.get(product.url)["X-Page-Cache"] == "hit"


def test_visitors_with_messages_bypass_the_cache(client, product):
    client.cookies["messages"] = "something"
    assert "X-Page-Cache" not in client.get(product.url)


def test_editors_previews_are_never_served_to_visitors(admin_client, client, product):
    client.get(product.url)
    product.title = "Secret draft title"
    product.save_revision()  # a draft, not published
    preview = admin_client.get(f"/admin/pages/{product.pk}/edit/preview/")
    assert preview.status_code in (200, 405)
    page = client.get(product.url)
    assert b"Secret draft title" not in page.content


def test_not_found_pages_and_search_are_not_cached(client, product):
    assert "X-Page-Cache" not in client.get("/no-such-page/")
    assert "X-Page-Cache" not in client.get("/search/", {"q": "pepper"})


def test_odd_long_query_strings_are_served_fresh_not_stored(client, product):
    url = product.url + "?sort=" + "x" * 400
    assert client.get(url).status_code == 200
    assert "X-Page-Cache" not in client.get(url)
