"""Stock is state, not content: it lives outside pages and their revisions."""

import pytest
from django.urls import reverse

from catalog.inventory import set_stock
from catalog.models import (
    PRODUCT_ITSELF,
    ProductPage,
    ProductVariant,
    StockRecord,
    annotate_in_stock,
)
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def test_publishing_an_older_revision_leaves_stock_unchanged():
    product = make_product(make_category(), price="10.00", stock=7)
    first_revision = product.get_latest_revision()
    product.price = "12.00"
    product.save_revision().publish()
    set_stock(product, 2)

    first_revision.publish()

    product = ProductPage.objects.get(pk=product.pk)
    assert str(product.price) == "10.00"
    assert StockRecord.objects.get(product=product, variant_key=PRODUCT_ITSELF).quantity == 2


def test_variant_removed_and_restored_by_revision_finds_its_stock_again():
    product = make_product(make_category(), variants=[("S", None, 4), ("M", None, 9)])
    with_both = product.get_latest_revision()
    medium = product.variants.get(name="M")
    product.variants.remove(medium)
    product.save_revision().publish()
    product = ProductPage.objects.get(pk=product.pk)
    assert list(product.variants.values_list("name", flat=True)) == ["S"]

    with_both.publish()

    restored = ProductVariant.objects.get(product=product, name="M")
    assert restored.pk == medium.pk
    assert StockRecord.objects.get(product=product, variant_key=medium.pk).quantity == 9


def test_publishing_creates_empty_stock_records_for_each_sellable_item():
    product = make_product(make_category(), variants=[("Red", None, 0), ("Blue", None, 0)])
    keys = set(product.stock_records.values_list("variant_key", flat=True))
    assert keys == set(product.variants.values_list("pk", flat=True))


def test_in_stock_counts_only_current_items():
    category = make_category()
    simple = make_product(category, stock=3)
    sold_out = make_product(category, stock=0)
    variants = make_product(category, variants=[("S", None, 0), ("M", None, 1)])
    variants_sold_out = make_product(category, variants=[("S", None, 0)])
    # A leftover product-level record must not make a product with variants look available.
    set_stock(variants_sold_out, 50)

    flags = dict(annotate_in_stock(ProductPage.objects.all()).values_list("pk", "in_stock"))
    assert flags[simple.pk]
    assert not flags[sold_out.pk]
    assert flags[variants.pk]
    assert not flags[variants_sold_out.pk]


def test_stock_cannot_go_negative_in_the_database():
    from django.db import DataError, IntegrityError, OperationalError, transaction
    from django.db.models import F

    product = make_product(make_category(), stock=1)
    with pytest.raises((IntegrityError, DataError, OperationalError)), transaction.atomic():
        StockRecord.objects.filter(product=product).update(quantity=F("quantity") - 2)
    assert StockRecord.objects.get(product=product).quantity == 1


def test_staff_see_and_filter_low_stock_in_the_admin(admin_client):
    category = make_category()
    low = make_product(category, title="Nearly Gone Pepper", stock=2)
    make_product(category, title="Plenty Of Soap", stock=40)
    make_product(category, title="Sold Out Box", stock=0)

    response = admin_client.get(reverse("inventory:index"), {"state": "low"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nearly Gone Pepper" in content
    assert "Plenty Of Soap" not in content
    assert "Sold Out Box" not in content

    record = StockRecord.objects.get(product=low)
    response = admin_client.post(
        reverse("inventory:edit", args=[record.pk]),
        {"quantity": "25", "low_stock_threshold": "3", "seen_quantity": "2"},
    )
    assert response.status_code == 200  # a reason is required
    assert StockRecord.objects.get(pk=record.pk).quantity == 2
    response = admin_client.post(
        reverse("inventory:edit", args=[record.pk]),
        {
            "quantity": "25",
            "low_stock_threshold": "3",
            "seen_quantity": "2",
            "reason": "Delivery from Takeo",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.quantity == 25
    # The product's stock was set up through set_stock, which also leaves an audit row.
    adjustment = record.adjustments.exclude(user=None).get()
    assert (adjustment.quantity_before, adjustment.quantity_after) == (2, 25)
    assert adjustment.reason == "Delivery from Takeo" and adjustment.user.is_superuser


def test_a_stock_edit_does_not_overwrite_units_sold_while_the_form_was_open(admin_client):
    product = make_product(make_category(), stock=10)
    record = StockRecord.objects.get(product=product)
    form = admin_client.get(reverse("inventory:edit", args=[record.pk])).content.decode()
    assert 'name="seen_quantity" value="10"' in form
    StockRecord.objects.filter(pk=record.pk).update(quantity=7)  # 3 sold meanwhile
    admin_client.post(
        reverse("inventory:edit", args=[record.pk]),
        {"quantity": "15", "low_stock_threshold": "3", "seen_quantity": "10", "reason": "+5"},
    )
    record.refresh_from_db()
    assert record.quantity == 12  # 10 → 15 applied as +5 to the 7 left


def test_staff_cannot_add_or_delete_stock_records_by_hand(admin_client):
    record = StockRecord.objects.get(product=make_product(make_category(), stock=1))
    assert admin_client.get(reverse("inventory:add")).status_code in (302, 403)
    assert admin_client.post(reverse("inventory:delete", args=[record.pk])).status_code in (
        302,
        403,
    )
    assert StockRecord.objects.filter(pk=record.pk).exists()


def test_sku_must_be_unique_across_products_and_variants():
    from django.core.exceptions import ValidationError

    category = make_category()
    make_product(category, sku="AM-1")
    make_product(category, variants=[("S", None, 1)])
    variant_sku = ProductVariant.objects.get().sku
    clash = ProductPage(title="Clash", slug="clash", sku="AM-1", price="1", summary="x")
    with pytest.raises(ValidationError):
        clash.full_clean()
    clash.sku = variant_sku
    with pytest.raises(ValidationError):
        clash.clean()


def test_the_stock_edit_page_names_the_item(admin_client):
    product = make_product(
        make_category(), title="Golden Silk Scarf", variants=[("Gold", None, 4), ("Ivory", None, 7)]
    )
    ivory = product.variants.get(name="Ivory")
    record = StockRecord.objects.get(product=product, variant_key=ivory.pk)
    assert str(record) == "Golden Silk Scarf – Ivory"
    response = admin_client.get(reverse("inventory:edit", args=[record.pk]))
    title = response.content.decode().split("<title>")[1].split("</title>")[0]
    assert "Golden Silk Scarf – Ivory" in title, title
