"""The bulk stock editor's service: many stock levels set at once, each on its own.

Staff open a page of stock levels, type new numbers (a stock count, a delivery) and save.
Meanwhile orders reserve units and other staff edit levels. The single-record editor applies
a change as a difference from what the form showed (``adjust_stock(seen_quantity=...)``);
with a whole page of numbers typed from a count, that could quietly land on a number nobody
typed, so here a row whose level changed since the page showed it is refused instead, and
staff see the new level and decide again. The other rows are saved: one stale row does not
undo a whole count.

Each row is its own short transaction: the record is locked, compared with the level the
page showed, and changed through ``adjust_stock`` (with its audit row) under the same lock,
so nothing can slip in between the comparison and the change. Rows are taken in
primary-key order, like every stock lock in the shop.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from catalog.inventory import adjust_stock
from catalog.models import ProductVariant, StockRecord, current_stock_records

SAVED = "saved"
STALE = "stale"
GONE = "gone"


@dataclass(frozen=True)
class LevelChange:
    record_id: int
    quantity: int
    seen: int  # the level the page showed


@dataclass(frozen=True)
class Outcome:
    status: str  # SAVED, STALE (someone changed it first) or GONE (the record was deleted)
    quantity: int | None  # the level now


def stock_rows(search=""):
    """Stock records of what can be sold now, with their variant's name and SKU, by product
    title; ``search`` matches product titles (English or Khmer) and SKUs."""
    variants = ProductVariant.objects.filter(
        pk=OuterRef("variant_key"), product=OuterRef("product")
    )
    records = (
        current_stock_records()
        .select_related("product")
        .annotate(
            variant_name=Subquery(variants.values("name")[:1]),
            variant_sku=Subquery(variants.values("sku")[:1]),
            variant_order=Subquery(variants.values("sort_order")[:1]),
        )
    )
    search = (search or "").strip()
    if search:
        records = records.filter(
            Q(product__title__icontains=search)
            | Q(product__khmer_name__icontains=search)
            | Q(product__sku__icontains=search)
            | Q(variant_sku__icontains=search)
        )
    return records.order_by("product__title", "product_id", "variant_order", "pk")


def set_levels(changes, reason, by):
    """Apply each ``LevelChange`` unless its record changed since it was seen; returns
    ``{record_id: Outcome}``."""
    outcomes = {}
    for change in sorted(changes, key=lambda change: change.record_id):
        with transaction.atomic():
            record = (
                StockRecord.objects.select_for_update()
                .filter(pk=change.record_id)
                .only("pk", "quantity")
                .first()
            )
            if record is None:
                outcomes[change.record_id] = Outcome(GONE, None)
            elif record.quantity != change.seen:
                outcomes[change.record_id] = Outcome(STALE, record.quantity)
            else:
                record = adjust_stock(
                    record.pk, change.quantity, reason, by=by, seen_quantity=change.seen
                )
                outcomes[change.record_id] = Outcome(SAVED, record.quantity)
    return outcomes
