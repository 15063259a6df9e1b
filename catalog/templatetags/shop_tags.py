"""Template tags for prices and page meta, and the words the storefront's script shows."""

import json

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.cards import render_cards, render_cards_by_id
from kernel import money
from kernel.models import ShopSettings

register = template.Library()

#: English words the page and block models store as defaults until an editor writes their
#: own (``HomePage.hero_title``, ``PromoBlock.link_text``, ``ProductPage.variant_label``...):
#: shown in the page's language. Words an editor wrote are shown as written.
STORED_DEFAULTS = {
    "Made in Cambodia": gettext_lazy("Made in Cambodia"),
    "Shop now": gettext_lazy("Shop now"),
    "Shop by category": gettext_lazy("Shop by category"),
    "Featured products": gettext_lazy("Featured products"),
    "Option": gettext_lazy("Option"),
}


def _shop_settings(context):
    request = context.get("request")
    if request is None:
        return None
    return ShopSettings.for_request(request)


@register.filter
def in_language(obj, field):
    """``{{ page|in_language:"intro" }}``: a field in the page's language (its Khmer twin on
    Khmer pages, when written; see ``kernel.bilingual``). Objects without twins give the field."""
    if obj is None or obj == "":
        return ""
    reader = getattr(obj, "in_language", None)
    return reader(field) if reader else getattr(obj, field, "")


@register.filter
def shown_default(text, default=""):
    """``{{ value.link_text|shown_default:"Shop now" }}``: ``text`` (or ``default`` when it is
    empty), in the page's language when it is one of the models' stored English defaults."""
    text = text or default
    return STORED_DEFAULTS.get(text, text)


@register.simple_tag
def shop_script_words():
    """The words ``static/js/shop.js`` shows, in the active language, and the links it makes
    (``{{ words|json_script:"shop-i18n" }}`` in ``base.html``): the script has no gettext.
    Cached pages are stored per URL and the URL carries the language, so every page carries
    the words of its own language."""
    return {
        "added": _("Item added to cart."),
        "viewCart": _("View cart →"),
        "cartUrl": reverse("checkout:cart"),
        "addFailed": _("Could not add this item."),
        "networkProblem": _("Network problem: please try again."),
        # Translators: %(time)s is the minutes and seconds left, such as 4:59.
        "expiresIn": _("Expires in %(time)s"),
        "expired": _("This code has expired. We are checking with the bank one last time…"),
        "paid": _("Payment received!"),
    }


def shown_money(amount, currency):
    """An amount for a page: in the page's language, with Khmer digits on Khmer pages when
    the shop wants them, and the riel sign in a span that lets it be drawn as tall as the
    digits (the Khmer fonts draw it at half their height)."""
    text = money.format_money(amount, currency, khmer_digits=ShopSettings.current().khmer_digits)
    return mark_safe(escape(text).replace("៛", '<span class="riel-sign">៛</span>'))  # noqa: S308


@register.filter
def format_money(amount, currency="USD"):
    """``{{ line.total|format_money:"KHR" }}``"""
    if amount in (None, ""):
        return ""
    return shown_money(amount, currency)


@register.inclusion_tag("includes/price.html", takes_context=True)
def price(context, amount, compare_at=None, size=""):
    """A base-currency price shown as the shop's settings say: base first, the other currency
    after it, and a struck-through former price when there is one."""
    shop = _shop_settings(context)
    if amount is None or shop is None:
        return {"prices": []}
    prices = [
        {"text": shown_money(value, currency), "currency": currency}
        for value, currency in shop.display_prices(amount)
    ]
    former = None
    if compare_at is not None and compare_at > amount:
        former = shown_money(compare_at, shop.base_currency)
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
