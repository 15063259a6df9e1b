"""Cart endpoints cost the same number of queries however many lines the cart has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_category, make_image, make_product

pytestmark = pytest.mark.django_db


def queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        response = callable_()
    assert response.status_code < 400, response.content[:300]
    return len(captured)


@pytest.fixture
def many_products(shop):
    images = [make_image(f"img {n}") for n in range(3)]
    category = make_category()
    products = [
        make_product(category, images=[images[n % 3]], stock=50, publish=False) for n in range(12)
    ]
    products += [
        make_product(category, variants=[("S", None, 9), ("M", "3.00", 9)], publish=False)
        for _ in range(4)
    ]
    return products


def fill(api, products, count):
    for product in products[:count]:
        variant = product.variants.first()
        api.add(product, 1, variant=variant)


def measure(api, products, count, language="en"):
    fill(api, products, count)
    api.client.get(f"/{language}/cart/")  # make the renditions once
    extra = products[count]
    return {
        "add": queries(lambda: api.add(extra, 1, variant=extra.variants.first())),
        "cart_api": queries(lambda: api.get("/api/cart/")),
        "cart_page": queries(lambda: api.client.get(f"/{language}/cart/")),
    }


def test_cart_costs_do_not_grow_with_lines(many_products):
    from tests.checkout.conftest import ApiClient

    small = measure(ApiClient(), many_products[:2] + many_products[-2:], 2)
    large = measure(ApiClient(), many_products, 14)
    assert small == large, (small, large)
    # Budgets (the test client's session is in the database; two of add's are savepoints; the
    # cart page asks once for automatic promotions, whatever the cart holds).
    assert large["add"] <= 11 and large["cart_api"] <= 6 and large["cart_page"] <= 10, large
    print(f"queries: {large}")


def test_a_khmer_cart_costs_what_an_english_one_does(many_products):
    """Khmer names come with the rows the cart reads anyway: no query per line for them."""
    from tests.checkout.conftest import ApiClient

    for product in many_products:
        product.khmer_name = f"ផលិតផល {product.pk}"
        product.save(update_fields=["khmer_name"])
    english = measure(ApiClient("en"), many_products, 14)
    khmer = measure(ApiClient("km"), many_products, 14, language="km")
    assert khmer == english, (khmer, english)
