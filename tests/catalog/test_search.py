"""Search finds English and Khmer names on every database.

These tests commit their data (transactional_db): MySQL's full-text index only sees
committed rows, so a test inside a rolled-back transaction would never exercise it.
"""

import pytest

from catalog.search import search_products
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog():
    category = make_category(title="Pantry")
    return {
        "pepper": make_product(category, title="Kampot Black Pepper", khmer_name="ម្រេចខ្មៅកំពត"),
        "krama": make_product(category, title="Classic Red Krama", khmer_name="ក្រមាក្រហម"),
        "sugar": make_product(category, title="Palm Sugar", khmer_name="ស្ករត្នោត", sku="AM-PS"),
    }


def titles(query):
    return {product.title for product in search_products(query)}


def test_english_words_are_found(catalog):
    assert titles("pepper") == {"Kampot Black Pepper"}
    assert titles("Krama") == {"Classic Red Krama"}
    assert titles("kampot black") == {"Kampot Black Pepper"}


def test_khmer_words_are_found(catalog):
    assert titles("ម្រេច") == {"Kampot Black Pepper"}
    assert titles("ក្រមា") == {"Classic Red Krama"}
    assert titles("ស្ករត្នោត") == {"Palm Sugar"}


def test_short_words_and_skus_are_found(catalog):
    assert titles("AM-PS") == {"Palm Sugar"}
    assert "Classic Red Krama" in titles("red")


def test_unpublished_products_are_not_found(catalog):
    catalog["pepper"].unpublish()
    assert titles("pepper") == set()


def test_nothing_matches_nonsense(catalog):
    assert titles("zzyzx") == set()
    assert titles("") == set()


def test_search_page_shows_results(client, catalog):
    response = client.get("/en/search/", {"q": "ក្រមា"})
    assert response.status_code == 200
    assert "Classic Red Krama" in response.content.decode()
    assert "1 product found" in response.content.decode()


def test_english_search_is_answered_by_the_full_text_backend(catalog):
    from modelsearch.backends.database.fallback import DatabaseSearchBackend

    results = search_products("pepper")
    assert [p.title for p in results] == ["Kampot Black Pepper"]
    assert not isinstance(results.backend, DatabaseSearchBackend)


def test_products_in_stock_come_before_sold_out_ones():
    category = make_category(title="Pantry")
    make_product(category, title="Pepper Pepper Grinder", stock=0)
    make_product(category, title="Kampot Pepper", stock=4)
    make_product(category, title="Pepper Sampler", stock=0)
    make_product(category, title="Pepper Sauce", stock=1)
    for query in ("pepper", "Pep"):  # the full-text backend, then the substring one
        results = search_products(query)
        names = [product.title for product in results]
        assert set(names[:2]) == {"Kampot Pepper", "Pepper Sauce"}, (query, names)
        assert set(names[2:]) == {"Pepper Pepper Grinder", "Pepper Sampler"}, (query, names)
        # Pages across the boundary read the same list.
        assert [p.title for p in results[1:3]] == names[1:3]
        assert results.count() == 4 and results[3].title == names[3]
