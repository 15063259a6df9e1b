"""Template tags for prices and page meta."""

import json

from django import template
from django.utils.safestring import mark_safe

from catalog.cards import render_cards, render_cards_by_id
from kernel import money
from kernel.models import ShopSettings

register = template.Library()


def _shop_settings(context):
    request = context.get("request")
    if request is None:
        return None
    return ShopSettings.for_request(request)


@register.filter
def format_money(amount, currency="USD"):
    """``{{ line.total|format_money:"KHR" }}``"""
    if amount in (None, ""):
        return ""
    return money.format_money(amount, currency)


@register.inclusion_tag("includes/price.html", takes_context=True)
def price(context, amount, compare_at=None, size=""):
    """A base-currency price shown as the shop's settings say: base first, the other currency
    after it, and a struck-through former price when there is one."""
    shop = _shop_settings(context)
    if amount is None or shop is None:
        return {"prices": []}
    prices = [
        {"text": money.format_money(value, currency), "currency": currency}
        for value, currency in shop.display_prices(amount)
    ]
    former = None
    if compare_at is not None and compare_at > amount:
        former = money.format_money(compare_at, shop.base_currency)
    return {"prices": prices, "former": former, "size": size}


@register.simple_tag(takes_context=True)
def product_cards(context, products):
    """``{% product_cards products %}``: the products' cards, from the card cache when they
    are in it (``catalog.cards``)."""
    return render_cards(context, products)


@register.simple_tag(takes_context=True)
def product_cards_by_id(context, ids):
    """``{% product_cards_by_id ids %}``: cards by product id; only products whose card is
    not cached are read from the database."""
    return render_cards_by_id(context, ids)


@register.simple_tag
def json_ld(data):
    """A ``<script type="application/ld+json">`` block, safe against ``</script>`` in content."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Safe: the JSON is escaped above so content cannot close the script element.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
