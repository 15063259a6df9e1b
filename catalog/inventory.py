"""Stock: how many of each sellable item (a product without variants, or a variant) are left.

Stock is transactional state, not content: it lives here, outside Wagtail pages and their
revisions, so publishing or reverting a product page never changes it. A record is keyed
by the product and ``variant_key`` (the variant's id, or 0 for the product itself); the key
is a plain integer rather than a foreign key so that a variant removed in one revision and
restored by publishing an older one finds its stock again.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

PRODUCT_ITSELF = 0


class StockRecord(models.Model):
    product = models.ForeignKey(
        "catalog.ProductPage", on_delete=models.CASCADE, related_name="stock_records"
    )
    variant_key = models.PositiveBigIntegerField(
        default=PRODUCT_ITSELF,
        help_text="The variant's id, or 0 for a product without variants.",
    )
    quantity = models.PositiveIntegerField(default=0, help_text="Units available to sell.")
    low_stock_threshold = models.PositiveIntegerField(
        default=3,
        help_text="At or below this many units the item counts as low on stock.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "stock record"
        constraints = [
            models.UniqueConstraint(fields=["product", "variant_key"], name="unique_stock_item"),
        ]
        indexes = [models.Index(fields=["quantity"])]

    def __str__(self):
        return f"{self.product_id}/{self.variant_key}: {self.quantity}"

    @property
    def item_title(self):
        """Product title, with the variant's name when the admin listing annotated it."""
        name = getattr(self, "variant_name", None)
        return f"{self.product.title} – {name}" if name else self.product.title

    @property
    def item_sku(self):
        return getattr(self, "variant_sku", None) or self.product.sku

    @property
    def is_low(self):
        return 0 < self.quantity <= self.low_stock_threshold

    @property
    def is_sold_out(self):
        return self.quantity <= 0


def current_stock_records():
    """Stock records of items that can be sold now: the variants a product has, or the
    product itself when it has none. Records of removed variants are kept but not counted."""
    from catalog.models import ProductVariant

    has_variants = ProductVariant.objects.filter(product_id=OuterRef("product_id"))
    is_current_variant = ProductVariant.objects.filter(
        pk=OuterRef("variant_key"), product_id=OuterRef("product_id")
    )
    return StockRecord.objects.alias(
        has_variants=Exists(has_variants), is_current_variant=Exists(is_current_variant)
    ).filter(Q(variant_key=PRODUCT_ITSELF, has_variants=False) | Q(is_current_variant=True))


def annotate_in_stock(products):
    """Add ``in_stock`` (bool) to a ProductPage queryset in the same SQL query."""
    available = current_stock_records().filter(product_id=OuterRef("pk"), quantity__gt=0)
    return products.annotate(in_stock=Exists(available))


def stock_for_product(product):
    """``{variant_key: StockRecord}`` for one product, in one query."""
    return {record.variant_key: record for record in product.stock_records.all()}


def ensure_stock_records(product):
    """Create the (empty) stock records a product's sellable items need; never change one."""
    keys = [variant.pk for variant in product.variants.all()] or [PRODUCT_ITSELF]
    existing = set(
        StockRecord.objects.filter(product=product, variant_key__in=keys).values_list(
            "variant_key", flat=True
        )
    )
    StockRecord.objects.bulk_create(
        [StockRecord(product=product, variant_key=key) for key in keys if key not in existing],
        ignore_conflicts=True,
    )


def set_stock(product, quantity, variant=None, low_stock_threshold=None):
    """Set an item's stock level (used by the demo loader and staff tools)."""
    defaults = {"quantity": quantity}
    if low_stock_threshold is not None:
        defaults["low_stock_threshold"] = low_stock_threshold
    record, _ = StockRecord.objects.update_or_create(
        product=product,
        variant_key=variant.pk if variant else PRODUCT_ITSELF,
        defaults=defaults,
    )
    return record
