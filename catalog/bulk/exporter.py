"""The catalog as rows of the product spreadsheet (``catalog.bulk.columns``), for staff to
edit and import back.

A product without variants is one row; a product with variants is one row per variant, with
the product's own columns repeated on each (so the rows still make sense after sorting or
filtering in a spreadsheet). Values are what the published pages show: a draft someone is
still editing is not exported. The picture column holds the address of the product's main
picture; importing that same address back changes nothing.
"""

from django.conf import settings
from django.db.models import Prefetch
from wagtail.images import get_image_model

from catalog.bulk import columns as c
from catalog.models import PRODUCT_ITSELF, CategoryPage, ProductImage, ProductPage, StockRecord


def image_reference(image):
    """How the spreadsheet names a picture the shop already has: its file's web address,
    made absolute with the admin's base URL when the storage gives a path."""
    if image is None:
        return ""
    url = image.file.url
    if url.startswith("/"):
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url


def category_path(category, home):
    """``clothing/scarves``: the slugs from under ``home`` down to ``category``."""
    ancestors = CategoryPage.objects.ancestor_of(category, inclusive=True).filter(
        depth__gt=home.depth
    )
    return "/".join(page.slug for page in ancestors.order_by("depth"))


def export_rows(home, include_stock=True):
    """``(headers, rows)`` for every product under ``home``, in the page tree's order."""
    headers = [key for key in c.KEYS if include_stock or key != c.STOCK]
    images = get_image_model().objects.all()
    gallery = ProductImage.objects.order_by("sort_order").prefetch_related(
        Prefetch("image", queryset=images)
    )
    products = (
        ProductPage.objects.descendant_of(home)
        .order_by("path")
        .prefetch_related("variants", Prefetch("gallery_images", queryset=gallery))
    )
    categories = {
        category.path: category
        for category in CategoryPage.objects.descendant_of(home).order_by("path")
    }
    paths = {}
    for path, category in categories.items():
        parent_path = path[: -CategoryPage.steplen]
        parent = paths.get(parent_path)
        paths[path] = f"{parent}/{category.slug}" if parent else category.slug
    stock = {}
    if include_stock:
        stock = {
            (product_id, key): quantity
            for product_id, key, quantity in StockRecord.objects.values_list(
                "product_id", "variant_key", "quantity"
            )
        }
    rows = []
    for product in products:
        first_image = next(iter(product.gallery_images.all()), None)
        shared = {
            c.SKU: product.sku,
            c.CATEGORY_COLUMN: paths.get(product.path[: -ProductPage.steplen], ""),
            c.TITLE: product.title,
            c.KHMER_NAME: product.khmer_name,
            c.SUMMARY: product.summary,
            c.SUMMARY_KM: product.summary_km,
            c.PRICE: product.price,
            c.COMPARE_AT_PRICE: product.compare_at_price,
            c.IMAGE: image_reference(first_image.image if first_image else None),
        }
        variants = sorted(product.variants.all(), key=lambda variant: variant.sort_order or 0)
        if not variants:
            row = shared | {c.STOCK: stock.get((product.pk, PRODUCT_ITSELF))}
            rows.append([row.get(key) for key in headers])
        for variant in variants:
            row = shared | {
                c.VARIANT: variant.name,
                c.VARIANT_KM: variant.name_km,
                c.VARIANT_SKU: variant.sku,
                c.VARIANT_PRICE: variant.price,
                c.STOCK: stock.get((product.pk, variant.pk)),
            }
            rows.append([row.get(key) for key in headers])
    return headers, rows
