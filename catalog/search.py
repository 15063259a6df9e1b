"""Catalog search in English and Khmer.

The native full-text backend (MySQL FULLTEXT, SQLite FTS5) ranks by relevance but finds
nothing for Khmer words (MySQL's tokenizer splits them at vowel signs) or words under three
characters. When it finds nothing, the substring backend answers instead.
"""

from catalog.models import ProductPage, for_shoppers

MAX_QUERY_LENGTH = 100


def clean_query(raw):
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def search_products(query):
    """Live products matching ``query``: a lazily evaluated, sliceable list of ProductPages."""
    query = clean_query(query)
    products = for_shoppers(ProductPage.objects.all())
    if not query:
        return products.none()
    results = products.search(query, operator="and", backend="default")
    if results.count():
        return results
    return products.order_by("title", "id").search(
        query, operator="and", backend="substring", order_by_relevance=False
    )
