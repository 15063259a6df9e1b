"""Catalog search in English and Khmer.

The native full-text backend (MySQL FULLTEXT, SQLite FTS5) ranks by relevance but finds
nothing for Khmer words (MySQL's tokenizer splits them at vowel signs) or words under three
characters. When it finds nothing, the substring backend answers instead.

Products that can be bought come first, each group in its own order: a sold-out product
never tops the list above one the shopper can add to the cart.
"""

from catalog.models import ProductPage, current_stock_records, for_shoppers

MAX_QUERY_LENGTH = 100


def clean_query(raw):
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


class InStockFirst:
    """Two search results read as one sliceable, countable list (what ``Paginator`` needs):
    the products in stock, then the sold-out ones."""

    def __init__(self, in_stock, sold_out):
        self.parts = (in_stock, sold_out)
        self.backend = in_stock.backend
        self._counts = None

    def counts(self):
        if self._counts is None:
            self._counts = tuple(part.count() for part in self.parts)
        return self._counts

    def count(self):
        return sum(self.counts())

    def __len__(self):
        return self.count()

    def __iter__(self):
        for part in self.parts:
            yield from part

    def __getitem__(self, key):
        if not isinstance(key, slice):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        in_stock, sold_out = self.parts
        first = self.counts()[0]
        items = list(in_stock[start:stop]) if start < first else []
        if stop > first:
            items += list(sold_out[max(start - first, 0) : stop - first])
        return items


def search_products(query):
    """Live products matching ``query``, in-stock ones first: a lazily evaluated, sliceable
    list of ProductPages."""
    query = clean_query(query)
    products = for_shoppers(ProductPage.objects.all())
    if not query:
        return products.none()
    stocked = current_stock_records().filter(quantity__gt=0).values("product_id")
    groups = (products.filter(pk__in=stocked), products.exclude(pk__in=stocked))
    results = InStockFirst(*(group.search(query, operator="and") for group in groups))
    if results.count():
        return results
    return InStockFirst(
        *(
            group.order_by("title", "id").search(
                query, operator="and", backend="substring", order_by_relevance=False
            )
            for group in groups
        )
    )
