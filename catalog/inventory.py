"""Stock services: reserving and releasing units for orders, and staff adjustments.

Stock never goes below zero whatever runs at the same time: rows are locked in primary-key
order and every decrement is conditional. Every change made by hand goes through
``adjust_stock``, which writes the audit row (``StockAdjustment``). Changes to what pages show
are announced with ``catalog.events.stock_display_changed``; the page cache listens.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from catalog.events import stock_adjusted, stock_display_changed
from catalog.models import PRODUCT_ITSELF, StockAdjustment, StockRecord
from kernel import metrics
from kernel.errors import ShopError


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


def adjust_stock(
    record_id, quantity, reason, by=None, seen_quantity=None, low_stock_threshold=None
):
    """Set a stock level by hand, with its audit row: the only way stock changes other than
    orders reserving and releasing it.

    ``seen_quantity`` is the level the person saw when they decided (a form opened a while
    ago): the change is then applied as a difference, so units orders reserved meanwhile are
    not overwritten. Returns the record.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ShopError(_("Say why the stock level changes."), fields={"reason": [_("Required.")]})
    if quantity is None or quantity < 0:
        raise ShopError(
            _("A stock level is a whole number, 0 or more."),
            fields={"quantity": [_("0 or more.")]},
        )
    with transaction.atomic():
        record = StockRecord.objects.select_for_update().get(pk=record_id)
        before = record.quantity
        wanted = quantity if seen_quantity is None else before + quantity - seen_quantity
        record.quantity = max(0, wanted)
        fields = ["quantity", "updated_at"]
        if low_stock_threshold is not None:
            record.low_stock_threshold = low_stock_threshold
            fields.append("low_stock_threshold")
        record.save(update_fields=fields)
        if before > 0 and record.quantity == 0:
            metrics.inc_on_commit(metrics.STOCKOUTS, cause="adjustment")
        adjustment = StockAdjustment.objects.create(
            record=record,
            user=by if by is not None and by.is_authenticated else None,
            quantity_before=before,
            quantity_after=record.quantity,
            reason=reason[:255],
        )
        stock_adjusted.send(sender=StockRecord, record=record, adjustment=adjustment)
    return record


def set_stock(
    product, quantity, variant=None, low_stock_threshold=None, reason="Set by hand", by=None
):
    """Set an item's stock level, creating its record if needed (the demo loader, imports):
    ``adjust_stock``, so the change has its audit row."""
    record, _created = StockRecord.objects.get_or_create(
        product=product, variant_key=variant.pk if variant else PRODUCT_ITSELF
    )
    return adjust_stock(record.pk, quantity, reason, by=by, low_stock_threshold=low_stock_threshold)


def _shown_stock(rows):
    """What a product page can show about stock, given ``(variant_key, quantity, threshold)``
    for all the product's records: nothing when every item has more than its low-stock
    threshold ("In stock"), otherwise the exact quantities (sold out, "only N left")."""
    rows = sorted(rows)
    if all(quantity > threshold for _, quantity, threshold in rows):
        return "plenty"
    return tuple((key, quantity) for key, quantity, _ in rows)


def _stock_display_changed(records, deltas):
    """Announce what ``deltas`` (``{record pk: change}``) alter on pages: the stock shown on a
    product's page, and, when an item sells out or comes back, every product card. ``records`` are all the products' records, with
    their quantities before the change. A sale of an item with plenty left changes nothing."""
    changed_products = set()
    listings = False
    by_product = {}
    for record in records:
        by_product.setdefault(record.product_id, []).append(record)
    for product_id, rows in by_product.items():
        before = [(r.variant_key, r.quantity, r.low_stock_threshold) for r in rows]
        after = [
            (r.variant_key, r.quantity + deltas.get(r.pk, 0), r.low_stock_threshold) for r in rows
        ]
        if _shown_stock(before) != _shown_stock(after):
            changed_products.add(product_id)
        if any((b[1] > 0) != (a[1] > 0) for b, a in zip(before, after, strict=True)):
            listings = True
    if changed_products or listings:
        stock_display_changed.send(
            sender=StockRecord, product_ids=sorted(changed_products), listings=listings
        )


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
        if record.quantity == quantity:
            metrics.inc_on_commit(metrics.STOCKOUTS, cause="sale")
    _stock_display_changed(records, {by_key[key].pk: -quantity for key, quantity in wanted.items()})


def release_stock(items):
    """Put ``{(product_id, variant_key): quantity}`` units back (an order expired or was
    cancelled). The caller makes sure this happens once per order."""
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
