"""Storefront views that are not pages: search results."""

from django.core.paginator import Paginator
from django.shortcuts import render

from catalog.search import clean_query, search_products
from kernel.cache_tags import LISTINGS, depend_on
from kernel.page_cache import mark_cacheable


def search(request):
    """Search results: the same for every anonymous visitor, so cached like catalog pages
    (per query string) and made stale by the same changes."""
    depend_on(request, LISTINGS)
    query = clean_query(request.GET.get("q"))
    results = search_products(query)
    page = Paginator(results, 24).get_page(request.GET.get("page"))
    # Search results are page objects without card data: the cards are made from the ids, and
    # only products whose card is not in the card cache are read again (catalog/cards.py).
    ids = [product.pk for product in page.object_list]
    response = render(
        request,
        "catalog/search_results.html",
        {
            "query": query,
            "results_page": page,
            "product_ids": ids,
            "result_count": page.paginator.count,
        },
    )
    return mark_cacheable(response)
