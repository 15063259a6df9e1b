"""Query budgets: listing pages cost the same however many products they hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductSpecification
from tests.factories import make_category, make_image, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """These budgets are about rendering a page, not about serving it from the page cache."""
    settings.SHOP_PAGE_CACHE_SECONDS = 0


# Wagtail routing costs one query per URL segment; everything else is a fixed set.
PRODUCT_PAGE_BUDGET = 17


def count_queries(client, url):
    # Count a warm page: the first view makes image renditions (and here the shop's settings
    # row, which makes the process re-read what it keeps in memory on the next view).
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def fill(category, count, images):
    for number in range(count):
        make_product(
            category,
            title=f"Item {number}",
            images=[images[number % len(images)]],
            publish=False,
            variants=[("S", None, 1), ("M", None, 0)] if number % 3 == 0 else (),
        )


def test_category_page_costs_the_same_with_24_and_500_products(client):
    images = [make_image(f"image {n}") for n in range(4)]
    small, large = make_category(title="Small"), make_category(title="Large")
    fill(small, 24, images)
    fill(large, 500, images)
    for query in ("", "?sort=price-desc&in_stock=1"):
        small_count = count_queries(client, small.url + query)
        large_count = count_queries(client, large.url + query)
        assert small_count == large_count, (small_count, large_count)
    print(f"category page: {large_count} queries")


def test_product_page_costs_a_small_constant_number_of_queries(client):
    images = [make_image(f"image {n}") for n in range(6)]
    category = make_category()
    simple = make_product(category, images=images[:1])
    rich = make_product(
        category,
        images=images,
        variants=[(f"Size {n}", None, n) for n in range(8)],
    )
    for n in range(10):
        ProductSpecification.objects.create(product=rich, name=f"Spec {n}", value="x")
    for _ in range(6):
        make_product(category, images=images[:2])
    simple_count = count_queries(client, simple.url)
    rich_count = count_queries(client, rich.url)
    assert simple_count == rich_count, (simple_count, rich_count)
    assert rich_count <= PRODUCT_PAGE_BUDGET
    print(f"product page: {rich_count} queries")


def test_home_page_query_count_does_not_grow_with_featured_products(client):
    from catalog.models import HomePage

    images = [make_image(f"image {n}") for n in range(3)]
    category = make_category()
    products = [make_product(category, images=[images[n % 3]]) for n in range(12)]
    home = HomePage.objects.get()

    def feature(count):
        home.body = [("featured_products", {"title": "Best", "products": products[:count]})]
        home.save_revision().publish()
        return count_queries(client, "/en/")

    assert feature(2) == feature(12)
