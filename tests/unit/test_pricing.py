"""``quote`` is pure arithmetic: stand-in items, a delivery option and shop settings built in
memory, no database."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from checkout.delivery import DeliveryOption
from checkout.pricing import items_total, price_in, quote
from kernel.models import ShopSettings
from kernel.money import MoneyError

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Item:
    unit_price: Decimal
    quantity: int


def Delivery(fee, free_from=None):  # noqa: N802 (reads like the record it stands for)
    """The real delivery option (its fee rule is what is tested), with no method or zone."""
    return DeliveryOption(method=None, fee=fee, free_from=free_from, zone=None)


def usd_shop(step=100, rate="4100"):
    return ShopSettings(base_currency="USD", khr_per_usd=Decimal(rate), khr_rounding_step=step)


def items(*pairs):
    return [Item(Decimal(price), quantity) for price, quantity in pairs]


def amounts(q):
    return {
        "units": [line.unit_price for line in q.lines],
        "lines": [line.total for line in q.lines],
        "subtotal": q.subtotal,
        "fee": q.delivery_fee,
        "total": q.total,
    }


def assert_all_decimal(q):
    values = [q.subtotal, q.delivery_fee, q.total]
    for line in q.lines:
        values += [line.unit_price, line.total]
    for value in values:
        assert type(value) is Decimal, f"{value!r} is a {type(value).__name__}"


def test_quote_in_the_base_currency_keeps_the_prices():
    q = quote(items(("6.50", 3), ("14.00", 1)), Delivery(Decimal("1.50")), "USD", usd_shop())
    assert q.currency == "USD"
    assert amounts(q) == {
        "units": [Decimal("6.50"), Decimal("14.00")],
        "lines": [Decimal("19.50"), Decimal("14.00")],
        "subtotal": Decimal("33.50"),
        "fee": Decimal("1.50"),
        "total": Decimal("35.00"),
    }
    # Dollars carry cents: the amounts are written with two places.
    assert [str(v) for v in (q.subtotal, q.delivery_fee, q.total)] == ["33.50", "1.50", "35.00"]
    assert_all_decimal(q)
    assert not q.is_free


def test_quote_in_riel_converts_each_unit_and_the_fee_with_the_step():
    q = quote(items(("6.50", 3)), Delivery(Decimal("1.50")), "KHR", usd_shop(step=100))
    # 6.50 × 4,100 = 26,650 → 26,700 riel; the fee 1.50 × 4,100 = 6,150 → 6,200.
    assert q.currency == "KHR"
    assert amounts(q) == {
        "units": [Decimal("26700")],
        "lines": [Decimal("80100")],
        "subtotal": Decimal("80100"),
        "fee": Decimal("6200"),
        "total": Decimal("86300"),
    }
    # Riel are whole: no decimal places.
    assert [str(v) for v in (q.subtotal, q.delivery_fee, q.total)] == ["80100", "6200", "86300"]
    assert_all_decimal(q)


@pytest.mark.parametrize(
    ("step", "unit", "fee"),
    [
        # 6.50 → 26,650 riel; 2.37 → 9,717 riel (the fee).
        (1, Decimal("26650"), Decimal("9717")),
        (100, Decimal("26700"), Decimal("9700")),  # half a step rounds up
        (500, Decimal("26500"), Decimal("9500")),
        (1000, Decimal("27000"), Decimal("10000")),
    ],
)
def test_riel_rounding_steps(step, unit, fee):
    q = quote(items(("6.50", 2)), Delivery(Decimal("2.37")), "KHR", usd_shop(step=step))
    assert (q.lines[0].unit_price, q.lines[0].total) == (unit, unit * 2)
    assert q.delivery_fee == fee
    assert q.total == unit * 2 + fee
    assert q.total % step == 0
    assert_all_decimal(q)


@pytest.mark.parametrize(
    ("currency", "step", "price", "quantity", "unit", "line"),
    [
        # 1.99 × 4,100 = 8,159 → 8,200 a unit; 7 of them are 57,400 (not 13.93 × 4,100 =
        # 57,113 → 57,100, which is what rounding the converted line total would give).
        ("KHR", 100, "1.99", 7, Decimal("8200"), Decimal("57400")),
        ("KHR", 1000, "0.35", 10, Decimal("1000"), Decimal("10000")),  # 1,435 → 1,000 a unit
        ("KHR", 1, "0.01", 3, Decimal("41"), Decimal("123")),
        # A unit price with more than cents (from a rate, an import) is rounded to the cent
        # first: 0.125 → 0.13, so 8 cost 1.04, not 1.00.
        ("USD", 100, "0.125", 8, Decimal("0.13"), Decimal("1.04")),
    ],
)
def test_each_unit_is_rounded_before_it_is_multiplied(currency, step, price, quantity, unit, line):
    q = quote(items((price, quantity)), Delivery(Decimal("0")), currency, usd_shop(step=step))
    assert (q.lines[0].unit_price, q.lines[0].total) == (unit, line)
    assert q.subtotal == line


@pytest.mark.parametrize("currency", ["USD", "KHR"])
@pytest.mark.parametrize("step", [1, 100, 500, 1000])
def test_a_line_total_is_always_its_quantity_times_the_unit_price_shown(currency, step):
    shop = usd_shop(step=step, rate="4012.50")
    prices = [Decimal(cents) / 100 for cents in range(1, 2500, 37)]
    cart = [Item(price, quantity) for price in prices for quantity in (1, 2, 3, 7, 24)]
    q = quote(cart, Delivery(Decimal("2.25")), currency, shop)
    assert len(q.lines) == len(cart)
    for item, line in zip(cart, q.lines, strict=True):
        assert line.item is item
        assert line.unit_price == price_in(item.unit_price, currency, shop)
        assert line.total == line.unit_price * item.quantity
    assert q.subtotal == sum(line.total for line in q.lines)
    assert q.total == q.subtotal + q.delivery_fee
    assert_all_decimal(q)


@pytest.mark.parametrize("currency", ["USD", "KHR"])
def test_zero_prices_and_free_delivery_make_a_free_order(currency):
    q = quote(items(("0", 2), ("0.00", 1)), Delivery(Decimal("0")), currency, usd_shop())
    assert q.total == 0
    assert q.is_free
    assert_all_decimal(q)


@pytest.mark.parametrize("currency", ["USD", "KHR"])
def test_free_items_with_a_delivery_fee_are_not_free(currency):
    q = quote(items(("0", 2)), Delivery(Decimal("1.00")), currency, usd_shop())
    assert q.subtotal == 0
    assert not q.is_free


def test_an_empty_quote_costs_only_the_delivery():
    q = quote([], Delivery(Decimal("1.50")), "USD", usd_shop())
    assert (q.lines, q.subtotal, q.total) == ((), Decimal("0"), Decimal("1.50"))
    assert_all_decimal(q)


def test_float_prices_are_refused():
    with pytest.raises(MoneyError):
        quote([Item(6.5, 1)], Delivery(Decimal("0")), "USD", usd_shop())
    with pytest.raises(MoneyError):
        quote(items(("6.50", 1)), Delivery(1.5), "USD", usd_shop())


def test_an_unknown_currency_is_refused():
    with pytest.raises(MoneyError):
        quote(items(("6.50", 1)), Delivery(Decimal("0")), "EUR", usd_shop())


def test_a_riel_shop_paid_in_dollars():
    shop = ShopSettings(base_currency="KHR", khr_per_usd=Decimal("4100"), khr_rounding_step=100)
    q = quote(items(("26700", 3), ("4100", 2)), Delivery(Decimal("6000")), "USD", shop)
    # 26,700 / 4,100 = 6.5121… → $6.51 a unit; 4,100 riel → $1.00; 6,000 → 1.4634… → $1.46.
    assert amounts(q) == {
        "units": [Decimal("6.51"), Decimal("1.00")],
        "lines": [Decimal("19.53"), Decimal("2.00")],
        "subtotal": Decimal("21.53"),
        "fee": Decimal("1.46"),
        "total": Decimal("22.99"),
    }
    assert str(q.total) == "22.99"
    assert_all_decimal(q)


def test_a_riel_shop_paid_in_riel_charges_its_riel_prices():
    shop = ShopSettings(base_currency="KHR", khr_per_usd=Decimal("4100"), khr_rounding_step=100)
    q = quote(items(("26700", 3)), Delivery(Decimal("6000")), "KHR", shop)
    assert amounts(q) == {
        "units": [Decimal("26700")],
        "lines": [Decimal("80100")],
        "subtotal": Decimal("80100"),
        "fee": Decimal("6000"),
        "total": Decimal("86100"),
    }
    assert_all_decimal(q)


def test_the_quote_follows_the_shops_rate():
    cheap_riel = quote(items(("10.00", 1)), Delivery(Decimal("0")), "KHR", usd_shop(rate="4000"))
    dear_riel = quote(items(("10.00", 1)), Delivery(Decimal("0")), "KHR", usd_shop(rate="4200"))
    assert (cheap_riel.total, dear_riel.total) == (Decimal("40000"), Decimal("42000"))


# --- free delivery from a threshold ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "fee"),
    [
        ((("10.00", 2), ("9.99", 1)), Decimal("1.50")),  # 29.99: one cent short
        ((("10.00", 3),), Decimal("0")),  # exactly 30: free
        ((("28.00", 2),), Decimal("0")),  # 56 (the order the issue was charged $1.50 for)
    ],
)
def test_delivery_is_free_from_the_threshold_on_the_items_total(lines, fee):
    q = quote(items(*lines), Delivery(Decimal("1.50"), Decimal("30")), "USD", usd_shop())
    assert q.delivery_fee == fee
    assert q.total == q.subtotal + fee


def test_the_threshold_is_compared_in_the_base_currency_before_conversion():
    # $30 of items paid in riel: free, although the riel subtotal is not "30".
    q = quote(items(("15.00", 2)), Delivery(Decimal("1.50"), Decimal("30")), "KHR", usd_shop())
    assert q.delivery_fee == Decimal("0")
    assert q.subtotal == Decimal("123000")
    short = quote(items(("14.99", 2)), Delivery(Decimal("1.50"), Decimal("30")), "KHR", usd_shop())
    assert short.delivery_fee == Decimal("6200")  # 1.50 × 4100 = 6150, rounded up to 100


def test_items_total_is_the_base_currency_sum():
    assert items_total(items(("6.50", 3), ("14.00", 1))) == Decimal("33.50")
    assert items_total([]) == Decimal("0")
