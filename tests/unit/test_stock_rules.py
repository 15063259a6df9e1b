"""Stock rules: what a page shows about stock, when pages must be told it changed, all-or-
nothing reservations, and hand adjustments that never overwrite what orders took."""

import pytest
from django.contrib.auth.models import AnonymousUser

from catalog.events import stock_adjusted, stock_display_changed
from catalog.inventory import (
    OutOfStock,
    _shown_stock,
    adjust_stock,
    release_stock,
    reserve_stock,
    set_stock,
)
from catalog.models import PRODUCT_ITSELF, StockAdjustment, StockRecord
from kernel.errors import ShopError
from tests.factories import make_category, make_product

pytestmark = pytest.mark.unit

PLENTY = "plenty"

# --- what a product page shows (pure) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "shown"),
    [
        pytest.param([(0, 10, 3)], PLENTY, id="well above the threshold"),
        pytest.param([(0, 4, 3)], PLENTY, id="one above the threshold"),
        pytest.param([(0, 3, 3)], ((0, 3),), id="at the threshold: only 3 left"),
        pytest.param([(0, 1, 3)], ((0, 1),), id="below the threshold"),
        pytest.param([(0, 0, 3)], ((0, 0),), id="sold out"),
        pytest.param([(0, 1, 0)], PLENTY, id="threshold 0: any unit is plenty"),
        pytest.param([(0, 0, 0)], ((0, 0),), id="threshold 0, sold out"),
        pytest.param([(7, 10, 3), (5, 9, 3)], PLENTY, id="every variant plenty"),
        pytest.param(
            [(7, 10, 3), (5, 2, 3)], ((5, 2), (7, 10)), id="one variant low: every quantity shown"
        ),
        pytest.param(
            [(7, 0, 3), (5, 20, 3)], ((5, 20), (7, 0)), id="one variant sold out, sorted by key"
        ),
        pytest.param([(7, 5, 10), (5, 20, 3)], ((5, 20), (7, 5)), id="each its own threshold"),
    ],
)
def test_shown_stock(rows, shown):
    assert _shown_stock(rows) == shown
    assert _shown_stock(list(reversed(rows))) == shown  # the records' order does not matter


# --- what reserving and releasing announce ----------------------------------------------------


@pytest.fixture
def category(db):
    return make_category()


def product_with(category, quantity, threshold=3):
    product = make_product(category, stock=None)
    set_stock(product, quantity, low_stock_threshold=threshold)
    return product


def key(product, variant_key=PRODUCT_ITSELF):
    return (product.pk, variant_key)


def level(product, variant_key=PRODUCT_ITSELF):
    return StockRecord.objects.get(product=product, variant_key=variant_key).quantity


def announced(events):
    return [(sorted(e["product_ids"]), e["listings"]) for e in events]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("operation", "before", "units", "after", "page", "listings"),
    [
        pytest.param("reserve", 10, 2, 8, False, False, id="sale with plenty left: nothing"),
        pytest.param("reserve", 10, 6, 4, False, False, id="sale down to one above: nothing"),
        pytest.param("reserve", 10, 7, 3, True, False, id="sale down to the threshold"),
        pytest.param("reserve", 3, 1, 2, True, False, id="sale while low: a new 'only N'"),
        pytest.param("reserve", 10, 10, 0, True, True, id="sale of the last units"),
        pytest.param("reserve", 1, 1, 0, True, True, id="sale of the last unit while low"),
        pytest.param("release", 8, 2, 10, False, False, id="back to plenty from plenty"),
        pytest.param("release", 3, 1, 4, True, False, id="back above the threshold"),
        pytest.param("release", 1, 1, 2, True, False, id="still low, another number"),
        pytest.param("release", 0, 2, 2, True, True, id="back in stock"),
    ],
)
def test_stock_display_changed_from_one_product(
    operation, before, units, after, page, listings, category, record
):
    product = product_with(category, before)
    events = record(stock_display_changed)
    (reserve_stock if operation == "reserve" else release_stock)({key(product): units})
    assert level(product) == after
    expected = [([product.pk], listings)] if (page or listings) else []
    assert announced(events) == expected
    assert all(e["sender"] is StockRecord for e in events)


@pytest.mark.django_db
def test_only_the_products_whose_shown_stock_changed_are_named(category, record):
    sells_out = product_with(category, 2)
    plenty = product_with(category, 50)
    goes_low = product_with(category, 5)
    events = record(stock_display_changed)

    reserve_stock({key(sells_out): 2, key(plenty): 5, key(goes_low): 2})

    assert announced(events) == [(sorted([sells_out.pk, goes_low.pk]), True)]


@pytest.mark.django_db
def test_a_sale_of_a_plentiful_variant_shows_when_another_variant_is_low(category, record):
    product = make_product(category, variants=[("S", None, 10), ("M", None, 2)])
    small, medium = product.variants.order_by("sort_order")
    events = record(stock_display_changed)

    reserve_stock({key(product, small.pk): 1})  # the page lists every quantity: 10 → 9 shows
    assert announced(events) == [([product.pk], False)]

    events.clear()
    reserve_stock({key(product, medium.pk): 2})  # M sells out: the cards change too
    assert announced(events) == [([product.pk], True)]


@pytest.mark.django_db
def test_nothing_is_announced_for_nothing_reserved_or_released(category, record):
    product = product_with(category, 5)
    events = record(stock_display_changed)
    reserve_stock({key(product): 0})
    release_stock({})
    assert (events, level(product)) == ([], 5)


# --- reserving: all or nothing ------------------------------------------------------------------


@pytest.mark.django_db
def test_reserve_stock_takes_everything_or_nothing(category, record):
    enough = product_with(category, 5)
    short = product_with(category, 2)
    missing_key = (short.pk, 999_999)  # a variant with no stock record
    events = record(stock_display_changed)

    with pytest.raises(OutOfStock) as refused:
        reserve_stock({key(enough): 5, key(short): 3, missing_key: 1})

    assert refused.value.shortages == {key(short): 2, missing_key: 0}
    assert (level(enough), level(short)) == (5, 2)
    assert events == []


@pytest.mark.django_db
def test_reserve_stock_takes_exactly_what_was_asked(category):
    first = product_with(category, 5)
    second = product_with(category, 2)
    reserve_stock({key(first): 5, key(second): 1})
    assert (level(first), level(second)) == (0, 1)
    with pytest.raises(OutOfStock) as refused:
        reserve_stock({key(first): 1})
    assert refused.value.shortages == {key(first): 0}


@pytest.mark.django_db
def test_release_stock_ignores_items_whose_records_are_gone(category):
    product = product_with(category, 1)
    release_stock({key(product): 2, (product.pk, 999_999): 4})
    assert level(product) == 3
    assert not StockRecord.objects.filter(product=product, variant_key=999_999).exists()


# --- adjusting by hand --------------------------------------------------------------------------


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("stock", "stock@example.com", "pw")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "sold_meanwhile", "seen", "wanted", "result"),
    [
        pytest.param(10, 0, None, 4, 4, id="no level seen: set as given"),
        pytest.param(10, 3, None, 12, 12, id="no level seen: overwrites the sale"),
        pytest.param(10, 0, 10, 12, 12, id="nothing sold meanwhile"),
        pytest.param(10, 3, 10, 12, 9, id="sales meanwhile are kept: +2 from 7"),
        pytest.param(10, 3, 10, 10, 7, id="unchanged level: the sales stay"),
        pytest.param(10, 3, 10, 6, 3, id="-4 from 7"),
        pytest.param(10, 8, 10, 5, 0, id="never below zero: -5 from 2"),
        pytest.param(10, 10, 10, 0, 0, id="zero stays zero"),
    ],
)
def test_adjust_stock_applies_the_change_from_what_was_seen(
    start, sold_meanwhile, seen, wanted, result, category, staff, record
):
    product = product_with(category, start)
    record_ = StockRecord.objects.get(product=product)
    reserve_stock({key(product): sold_meanwhile})  # an order placed while the form was open
    adjustments_before = StockAdjustment.objects.filter(record=record_).count()
    adjusted = record(stock_adjusted)

    returned = adjust_stock(
        record_.pk, wanted, "  Counted the shelf  ", by=staff, seen_quantity=seen
    )

    assert returned.quantity == result
    assert level(product) == result
    rows = list(StockAdjustment.objects.filter(record=record_).order_by("pk"))
    assert len(rows) == adjustments_before + 1
    row = rows[-1]
    assert (row.user, row.quantity_before, row.quantity_after, row.reason) == (
        staff,
        start - sold_meanwhile,
        result,
        "Counted the shelf",
    )
    assert [(e["record"].pk, e["adjustment"].pk) for e in adjusted] == [(record_.pk, row.pk)]


@pytest.mark.django_db
def test_adjust_stock_by_nobody_in_particular(category):
    product = product_with(category, 5)
    record_ = StockRecord.objects.get(product=product)
    adjust_stock(record_.pk, 6, "Import", by=AnonymousUser(), low_stock_threshold=1)
    adjust_stock(record_.pk, 7, "Import", by=None)
    record_.refresh_from_db()
    assert (record_.quantity, record_.low_stock_threshold) == (7, 1)
    users = StockAdjustment.objects.filter(record=record_).order_by("-pk")[:2]
    assert [row.user for row in users] == [None, None]


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_adjust_stock_refuses_an_empty_reason(reason, category, staff, record):
    product = product_with(category, 5)
    record_ = StockRecord.objects.get(product=product)
    adjustments_before = StockAdjustment.objects.count()
    adjusted = record(stock_adjusted)

    with pytest.raises(ShopError) as refused:
        adjust_stock(record_.pk, 9, reason, by=staff)

    assert "reason" in refused.value.fields
    assert level(product) == 5
    assert StockAdjustment.objects.count() == adjustments_before
    assert adjusted == []


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [-1, None])
def test_adjust_stock_refuses_a_level_below_zero(quantity, category, staff):
    product = product_with(category, 5)
    record_ = StockRecord.objects.get(product=product)
    adjustments_before = StockAdjustment.objects.count()
    with pytest.raises(ShopError) as refused:
        adjust_stock(record_.pk, quantity, "Recount", by=staff)
    assert "quantity" in refused.value.fields
    assert level(product) == 5
    assert StockAdjustment.objects.count() == adjustments_before
