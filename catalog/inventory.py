"""Stock: how many of each sellable item (a product without variants, or a variant) are left.

Stock is transactional state, not content: it lives here, outside Wagtail pages and their
revisions, so publishing or reverting a product page never changes it. A record is keyed
by the product and ``variant_key`` (the variant's id, or 0 for the product itself); the key
is a plain integer rather than a foreign key so that a variant removed in one revision and
restored by publishing an older one finds its stock again.
"""

from django.conf import settings
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


class StockAdjustment(models.Model):
    """A change staff made to a stock level by hand: who, when, from what, to what, and why."""

    record = models.ForeignKey(StockRecord, on_delete=models.CASCADE, related_name="adjustments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    quantity_before = models.PositiveIntegerField()
    quantity_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.quantity_before} → {self.quantity_after}: {self.reason}"


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


def _shown_stock(rows):
    """What a product page can show about stock, given ``(variant_key, quantity, threshold)``
    for all the product's records: nothing when every item has more than its low-stock
    threshold ("In stock"), otherwise the exact quantities (sold out, "only N left")."""
    rows = sorted(rows)
    if all(quantity > threshold for _, quantity, threshold in rows):
        return "plenty"
    return tuple((key, quantity) for key, quantity, _ in rows)


def _stock_display_changed(records, deltas):
    """Make stale the cached pages whose stock display ``deltas`` (``{record pk: change}``)
    alter: the page of a product whose shown stock changes, and every page with product cards
    when an item sells out or comes back. ``records`` are all the products' records, with
    their quantities before the change. A sale of an item with plenty left changes nothing."""
    from website.page_cache import LISTINGS, bump, product_tag

    tags = set()
    by_product = {}
    for record in records:
        by_product.setdefault(record.product_id, []).append(record)
    for product_id, rows in by_product.items():
        before = [(r.variant_key, r.quantity, r.low_stock_threshold) for r in rows]
        after = [
            (r.variant_key, r.quantity + deltas.get(r.pk, 0), r.low_stock_threshold) for r in rows
        ]
        if _shown_stock(before) != _shown_stock(after):
            tags.add(product_tag(product_id))
        if any((b[1] > 0) != (a[1] > 0) for b, a in zip(before, after, strict=True)):
            tags.add(LISTINGS)
    if tags:
        bump(*sorted(tags))


class OutOfStock(Exception):
    """Some items cannot be reserved; ``shortages`` maps (product_id, variant_key) to units left."""

    def __init__(self, shortages):
        self.shortages = shortages
        super().__init__(f"Not enough stock for {len(shortages)} item(s).")


def available_quantities(items):
    """``{(product_id, variant_key): units available}`` for the given keys, in one query."""
    keys = set(items)
    if not keys:
        return {}
    product_ids = {product_id for product_id, _ in keys}
    records = StockRecord.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "variant_key", "quantity"
    )
    found = {(p, v): q for p, v, q in records}
    return {key: found.get(key, 0) for key in keys}


def reserve_stock(items):
    """Take ``{(product_id, variant_key): quantity}`` units out of stock, all or nothing.

    Must run inside a transaction. Rows are locked in primary-key order (so concurrent
    reservations cannot deadlock) and each decrement is conditional (``quantity >= n``), so
    stock never goes below zero whatever runs at the same time. Raises ``OutOfStock``.
    """
    from django.db.models import F

    wanted = {key: qty for key, qty in items.items() if qty > 0}
    if not wanted:
        return
    product_ids = {product_id for product_id, _ in wanted}
    records = list(
        StockRecord.objects.select_for_update()
        .filter(product_id__in=product_ids)
        .order_by("pk")
        .only("pk", "product_id", "variant_key", "quantity", "low_stock_threshold")
    )
    by_key = {(r.product_id, r.variant_key): r for r in records}
    shortages = {
        key: (by_key[key].quantity if key in by_key else 0)
        for key, qty in wanted.items()
        if key not in by_key or by_key[key].quantity < qty
    }
    if shortages:
        raise OutOfStock(shortages)
    for record in sorted((by_key[key] for key in wanted), key=lambda r: r.pk):
        quantity = wanted[(record.product_id, record.variant_key)]
        updated = StockRecord.objects.filter(pk=record.pk, quantity__gte=quantity).update(
            quantity=F("quantity") - quantity
        )
        if updated != 1:  # cannot happen under the row lock; kept as the last line of defence
            raise OutOfStock({(record.product_id, record.variant_key): record.quantity})
    _stock_display_changed(records, {by_key[key].pk: -quantity for key, quantity in wanted.items()})


def release_stock(items):
    """Put ``{(product_id, variant_key): quantity}`` units back (an order expired or was
    cancelled). The caller makes sure this happens once per order."""
    from django.db.models import F

    wanted = {key: qty for key, qty in items.items() if qty > 0}
    if not wanted:
        return
    records = list(
        StockRecord.objects.select_for_update()
        .filter(product_id__in={product_id for product_id, _ in wanted})
        .order_by("pk")  # the same lock order as reserve_stock
        .only("pk", "product_id", "variant_key", "quantity", "low_stock_threshold")
    )
    # A product deleted since the order was placed took its stock rows with it; its units
    # have nowhere to go back to and are simply not returned.
    deltas = {}
    for record in records:
        key = (record.product_id, record.variant_key)
        if key in wanted:
            StockRecord.objects.filter(pk=record.pk).update(quantity=F("quantity") + wanted[key])
            deltas[record.pk] = wanted[key]
    _stock_display_changed(records, deltas)
