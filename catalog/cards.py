"""Product cards rendered once and kept in the shared cache.

A card (picture, title, Khmer name, price, "Sold out" or "Sale") is the same wherever it
appears: category pages in every sort and filter, search results, the home page's featured
products and a product page's related products. Rendering one costs far more than fetching
it (renditions, prices in two currencies, URLs), so cards are cached by product, under the
versions of what they show: the ``site`` tag (publishing, settings) and the ``listings`` tag
(an item sold out or came back). Those versions are the ones the page recorded before it read
its data (``website.page_cache.depend_on``), so a card can never be stored under a version
newer than its data. Pages rendered outside the page cache (logged-in editors, previews)
render their cards fresh.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from website.page_cache import LISTINGS, SITE, TAG_PREFIX

CARD_TEMPLATE = "includes/product_card.html"


def _versions(request):
    deps = getattr(request, "_page_cache_deps", None) or {}
    site, listings = deps.get(TAG_PREFIX + SITE), deps.get(TAG_PREFIX + LISTINGS)
    if site is None or listings is None:
        return None
    return f"{site}.{listings}"


def render_cards(context, products):
    """The cards of ``products`` as one HTML string, in one cache round trip for those
    already made (and one more to store the rest)."""
    products = list(products)
    if not products:
        return ""
    template = get_template(CARD_TEMPLATE).template
    request = context.get("request")
    versions = _versions(request) if request is not None else None
    keys = {p.pk: f"card:{p.pk}:{versions}" for p in products} if versions else {}
    found = cache.get_many(list(keys.values())) if keys else {}
    parts, made = [], {}
    for product in products:
        html = found.get(keys.get(product.pk))
        if html is None:
            # What {% include %} does: the page's context, with this product in it.
            with (
                context.render_context.push_state(template, isolated_context=False),
                context.push(product=product),
            ):
                html = template.render(context)
            if keys:
                made[keys[product.pk]] = html
        parts.append(html)
    if made:
        cache.set_many(made, settings.SHOP_PAGE_CACHE_SECONDS)
    return mark_safe("".join(parts))  # noqa: S308  (rendered by our own template)
