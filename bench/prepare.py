"""Fixtures for the load test, made directly in the database (fast): shopper sessions with
carts, and pending payments to poll. Prints a JSON description for bench/run.py.

Run with the benchmark's environment:  python bench/prepare.py <sessions> <payments>
"""

import json
import os
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from wagtail.models import Site  # noqa: E402

from catalog.models import ProductPage  # noqa: E402
from checkout.cart import SESSION_KEY
from checkout.models import (
    Cart,
    CartLine,
    DeliveryMethod,  # noqa: E402
)
from checkout.orders import CheckoutDetails, place_order  # noqa: E402
from kernel.models import ShopSettings  # noqa: E402


def session_with_cart(products, index):
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=products[index % len(products)], quantity=1)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = cart.pk
    session.create()
    return session.session_key


def _biggest_category():
    from catalog.models import CategoryPage

    return max(
        CategoryPage.objects.live(),
        key=lambda category: ProductPage.objects.live().descendant_of(category).count(),
    )


def main():
    sessions, payments = int(sys.argv[1]), int(sys.argv[2])
    products = list(
        ProductPage.objects.live().filter(sku__startswith="GEN-", variants__isnull=True)[:500]
    ) or list(ProductPage.objects.live().filter(variants__isnull=True)[:20])
    from catalog.models import StockRecord

    StockRecord.objects.filter(product__in=products).update(quantity=100000)
    csrf = _get_new_csrf_string()
    shop = ShopSettings.for_site(Site.objects.get(is_default_site=True))
    # A load test adds to each cart far more than a shopper would: the highest limits the
    # settings allow, so adds measure the shop's work, not its refusals.
    shop.max_line_quantity, shop.max_order_items = 99, 999
    shop.save(update_fields=["max_line_quantity", "max_order_items"])
    method = DeliveryMethod.active().first()
    polled = []
    for index in range(payments):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=products[index % len(products)], quantity=1)
        details = CheckoutDetails(
            "bench@example.com",
            "Bench Shopper",
            "+85512345678",
            "No. 1",
            "Phnom Penh",
            method,
            "USD",
        )
        order, _ = place_order(cart, details, shop)
        polled.append({"md5": order.payments.get().md5, "token": order.token})
    description = {
        "csrf": csrf,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "cart_sessions": [session_with_cart(products, i) for i in range(sessions)],
        "checkout_sessions": [session_with_cart(products, i) for i in range(sessions)],
        "product_ids": [p.pk for p in products],
        "product_url": products[0].url,
        "category_url": _biggest_category().url,
        "payments": polled,
    }
    print(json.dumps(description))


if __name__ == "__main__":
    main()
