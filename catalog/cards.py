"""Product cards rendered once and kept in the shared cache.

A card (picture, title, Khmer name, price, "Sold out" or "Sale") is the same wherever it
appears: category pages in every sort and filter, search results, the home page's featured
products and a product page's related products. Rendering one costs far more than fetching
it (renditions, prices in two currencies, URLs), so cards are cached by product, under the
versions of what they show: the ``site`` tag (publishing, settings) and the ``listings`` tag
(an item sold out or came back). Those versions are the ones the page recorded before it read
its data (``kernel.cache_tags.depend_on``), so a card can never be stored under a version
newer than its data. Pages rendered outside the page cache (logged-in editors, previews)
render their cards fresh.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from catalog.models import product_cards_by_id
from kernel.cache_tags import LISTINGS, SITE, TAG_PREFIX

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
    keys, found = _cached(context, [p.pk for p in products])
    return _render(context, products, keys, found)


def render_cards_by_id(context, ids):
    """The cards of the products with these ids, in this order: those in the cache without
    touching the database; only the others are fetched (``product_cards_by_id``)."""
    ids = list(ids)
    keys, found = _cached(context, ids)
    missing = [pk for pk in ids if found.get(keys.get(pk)) is None]
    fetched = {p.pk: p for p in product_cards_by_id(missing)} if missing else {}
    products = [fetched.get(pk) or _Known(pk) for pk in ids if pk in fetched or pk not in missing]
    return _render(context, products, keys, found)


class _Known:
    """A product whose card is in the cache: only its id is needed."""

    def __init__(self, pk):
        self.pk = pk


def _cached(context, ids):
    request = context.get("request")
    versions = _versions(request) if request is not None else None
    if not versions:
        return {}, {}
    language = translation.get_language()  # a card holds words and URLs of one language
    keys = {pk: f"card:{language}:{pk}:{versions}" for pk in ids}
    return keys, cache.get_many(list(keys.values()))


def _render(context, products, keys, found):
    template = get_template(CARD_TEMPLATE).template
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
