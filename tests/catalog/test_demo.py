"""The demo loader builds a realistic catalog, and running it again changes nothing."""

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Revision

from catalog.models import (
    CategoryPage,
    HomePage,
    ProductPage,
    ProductVariant,
    StockRecord,
    current_stock_records,
)
from checkout.models import DeliveryMethod

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "products": ProductPage.objects.count(),
        "categories": CategoryPage.objects.count(),
        "variants": ProductVariant.objects.count(),
        "images": get_image_model().objects.count(),
        "revisions": Revision.objects.count(),
        "delivery": sorted(DeliveryMethod.objects.values_list("code", "fee")),
        "stock": sorted(StockRecord.objects.values_list("product_id", "variant_key", "quantity")),
    }


def test_demo_catalog_is_realistic_and_idempotent():
    call_command("load_demo", verbosity=0)
    first = snapshot()

    top = CategoryPage.objects.filter(depth=3)
    assert top.count() >= 3
    assert all(CategoryPage.objects.child_of(c).exists() for c in top)
    assert first["products"] >= 40
    assert first["variants"] > 0
    assert ProductPage.objects.exclude(khmer_name="").count() >= 3
    quantities = [r.quantity for r in current_stock_records().select_related("product")]
    assert 0 in quantities
    assert any(0 < r.quantity <= r.low_stock_threshold for r in current_stock_records())
    assert all(p.gallery_images.exists() for p in ProductPage.objects.all())
    assert HomePage.objects.get().body.raw_data

    call_command("load_demo", verbosity=0)
    assert snapshot() == first


def test_generated_products_for_benchmarks():
    call_command("load_demo", products=25, verbosity=0)
    generated = ProductPage.objects.filter(sku__startswith="GEN-")
    assert generated.count() == 25
    assert StockRecord.objects.filter(product__in=generated).count() == 25
    call_command("load_demo", products=25, verbosity=0)
    assert generated.count() == 25
    category = CategoryPage.objects.get(slug="market-finds")
    assert category.get_children().count() == 25
    assert category.get_products().count() == 25
