"""The cart: add, change, remove, stock limits, and merging a guest's cart on login."""

import pytest
from django.contrib.auth import get_user_model

from catalog.inventory import set_stock
from checkout.models import Cart, CartLine
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    category = make_category()
    return {
        "krama": make_product(category, title="Krama", price="6.50", stock=10),
        "pepper": make_product(category, title="Pepper", price="8.90", stock=3),
        "shirt": make_product(
            category, title="Shirt", variants=[("S", None, 2), ("M", "14.00", 5)]
        ),
        "gone": make_product(category, title="Gone", stock=0),
    }


def test_adding_twice_joins_the_line_and_totals_in_both_currencies(api, products):
    api.add(products["krama"], 2)
    response = api.add(products["krama"], 1)
    assert response.status_code == 200
    cart = response.json()["cart"]
    assert len(cart["lines"]) == 1
    assert cart["lines"][0]["quantity"] == 3
    assert cart["item_count"] == 3
    assert cart["subtotal"] == "19.50"
    assert cart["currency"] == "USD"
    assert cart["subtotal_other"] == {"amount": "80000.00", "currency": "KHR"}  # 79,950 → 80,000


def test_variant_price_and_sku_are_used(api, products):
    shirt = products["shirt"]
    medium = shirt.variants.get(name="M")
    line = api.add(shirt, 1, variant=medium).json()["cart"]["lines"][0]
    assert (line["variant_id"], line["sku"], line["unit_price"]) == (medium.pk, medium.sku, "14.00")


def test_quantity_beyond_stock_is_refused_with_a_clear_message(api, products):
    response = api.add(products["pepper"], 4)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert response.json()["error"]["message"] == "Only 3 of Pepper left."
    api.add(products["pepper"], 3)
    assert api.add(products["pepper"], 1).status_code == 409


def test_sold_out_and_unknown_products_are_refused(api, products):
    assert api.add(products["gone"]).json()["error"]["code"] == "out_of_stock"
    response = api.post("/api/cart/add/", {"product_id": 999999})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "product_not_found")


def test_product_with_variants_needs_a_variant(api, products):
    response = api.add(products["shirt"])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "variant_required"


def test_change_and_remove_lines(api, products):
    line_id = api.add(products["krama"], 1).json()["cart"]["lines"][0]["id"]
    response = api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 5})
    assert response.json()["lines"][0]["quantity"] == 5
    response = api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 11})
    assert response.status_code == 409
    response = api.send("delete", f"/api/cart/lines/{line_id}/")
    assert response.status_code == 200
    assert response.json()["lines"] == []


def test_one_shopper_cannot_touch_another_shoppers_cart(api, other_api, products):
    line_id = api.add(products["krama"], 1).json()["cart"]["lines"][0]["id"]
    assert other_api.get("/api/cart/").json()["lines"] == []
    response = other_api.send("patch", f"/api/cart/lines/{line_id}/", {"quantity": 2})
    assert response.status_code == 404
    assert other_api.send("delete", f"/api/cart/lines/{line_id}/").status_code == 404
    assert CartLine.objects.get(pk=line_id).quantity == 1


def test_guest_cart_merges_into_the_account_cart_on_login_capped_by_stock(api, products):
    user = get_user_model().objects.create_user(
        "dara", "dara@example.com", "pw-123456", is_staff=True, is_superuser=True
    )
    account_cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=account_cart, product=products["pepper"], quantity=2)
    api.add(products["pepper"], 3)
    api.add(products["krama"], 4)
    guest_cart_id = api.client.session["cart_id"]

    response = api.client.post(
        "/admin/login/",
        {"username": "dara", "password": "pw-123456", "csrfmiddlewaretoken": api.token},
    )
    assert response.status_code == 302

    lines = {line.product_id: line.quantity for line in account_cart.lines.all()}
    assert lines == {products["pepper"].pk: 3, products["krama"].pk: 4}  # 2 + 3, capped at 3
    assert not Cart.objects.filter(pk=guest_cart_id).exists()
    assert api.get("/api/cart/").json()["item_count"] == 7


def test_login_through_the_login_view_merges_the_cart(client, shop, products):
    from checkout.cart import SESSION_KEY

    user = get_user_model().objects.create_user("sokha", "sokha@example.com", "pw-123456")
    user.is_staff = user.is_superuser = True  # the admin login lets in admin accounts only
    user.save()
    client.get("/api/cart/")
    token = client.cookies["csrftoken"].value
    client.post(
        "/api/cart/add/",
        {"product_id": products["krama"].pk, "quantity": 2},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert SESSION_KEY in client.session
    response = client.post("/admin/login/", {"username": "sokha", "password": "pw-123456"})
    assert response.status_code == 302
    assert Cart.objects.get(user=user).lines.get().quantity == 2
    assert client.get("/api/cart/").json()["item_count"] == 2


def test_lines_of_products_no_longer_for_sale_drop_out(api, products):
    api.add(products["krama"], 1)
    products["krama"].unpublish()
    assert api.get("/api/cart/").json()["lines"] == []


def test_stock_that_changed_after_adding_is_flagged(api, products):
    api.add(products["krama"], 5)
    set_stock(products["krama"], 2)
    line = api.get("/api/cart/").json()["lines"][0]
    assert line["available"] == 2
    assert "Only 2 left" in line["problem"]


def test_cart_page_without_javascript(client, shop, products):
    response = client.get("/en/cart/add/", {"product_id": products["krama"].pk, "quantity": "2"})
    assert response.status_code == 200
    assert b"Add to your cart?" in response.content
    response = client.post("/en/cart/add/", {"product_id": products["krama"].pk, "quantity": "2"})
    assert response.status_code == 302
    page = client.get("/en/cart/").content.decode()
    assert "Krama" in page and "$13.00" in page
    line = CartLine.objects.get()
    client.post(f"/en/cart/lines/{line.pk}/", {"quantity": "3"})
    assert CartLine.objects.get().quantity == 3
    response = client.post(f"/en/cart/lines/{line.pk}/", {"quantity": "50"}, follow=True)
    assert "Only 10 of Krama left." in response.content.decode()
    client.post(f"/en/cart/lines/{line.pk}/remove/")
    assert not CartLine.objects.exists()


def test_catalog_pages_hold_nothing_per_shopper(client, shop, products):
    response = client.get(products["krama"].url)
    assert "csrftoken" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert b"csrfmiddlewaretoken" not in response.content


def test_the_cart_reply_is_exactly_what_the_schema_serializer_makes(api, products, shop):
    from checkout.cart import cart_contents
    from checkout.serializers import CartSerializer, cart_payload
    from kernel import money

    shirt = products["shirt"]
    api.add(products["krama"], 3)
    api.add(shirt, 2, variant=shirt.variants.get(name="S"))
    api.add(shirt, 1, variant=shirt.variants.get(name="M"))
    set_stock(products["krama"], 1)  # a line with a problem
    reply = api.get("/api/cart/").json()
    assert len(reply["lines"]) == 3 and reply["lines"][0]["problem"]

    contents = cart_contents(Cart.objects.get())
    expected = CartSerializer(
        {
            "id": contents.cart.pk,
            "lines": [
                item.__dict__ | {"url": item.product.url, **_line_props(item)}
                for item in contents.items
            ],
            "item_count": contents.item_count,
            "subtotal": contents.subtotal,
            "currency": shop.base_currency,
            "subtotal_other": {
                "amount": shop.convert(contents.subtotal, money.KHR),
                "currency": money.KHR,
            },
        }
    ).data
    assert reply == expected
    assert cart_payload(contents, shop) == expected


def _line_props(item):
    names = ("id", "quantity", "title", "variant_name", "sku", "line_total", "problem")
    return {name: getattr(item, name) for name in names} | {
        "product": item.product,
        "variant": item.variant,
    }


def test_products_in_a_private_section_cannot_be_bought_until_it_opens(api, products):
    from wagtail.models import PageViewRestriction

    category = products["krama"].get_parent()
    assert api.add(products["krama"]).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=category, restriction_type=PageViewRestriction.PASSWORD, password="staff"
    )
    response = api.add(products["pepper"])
    assert (response.status_code, response.json()["error"]["code"]) == (404, "product_not_found")
    assert api.get("/api/cart/").json()["lines"] == []  # the krama line dropped out
    restriction.delete()
    assert api.add(products["pepper"]).status_code == 200
