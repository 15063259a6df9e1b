from decimal import Decimal

import pytest

from kernel import money
from kernel.models import ShopSettings


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1234.5"), "USD", "$1,234.50"),
        (Decimal("0.005"), "USD", "$0.01"),
        (Decimal("8.9"), "USD", "$8.90"),
        (Decimal("-3"), "USD", "-$3.00"),
        (Decimal("36490"), "KHR", "36,490 ៛"),
        (Decimal("1000000"), "KHR", "1,000,000 ៛"),
        ("12.5", "KHR", "13 ៛"),
    ],
)
def test_format_money(amount, currency, expected):
    assert money.format_money(amount, currency) == expected


@pytest.mark.parametrize(
    ("usd", "step", "khr"),
    [
        ("8.90", 1, Decimal("36490")),
        ("8.90", 100, Decimal("36500")),
        ("6.50", 100, Decimal("26700")),  # 26,650 rounds half up to 26,700
        ("0.01", 100, Decimal("100")),  # never rounded away to nothing: at least one step
        ("0.02", 1, Decimal("82")),
        ("120.00", 1000, Decimal("492000")),
    ],
)
def test_usd_to_khr_rounds_to_the_riel_step(usd, step, khr):
    assert money.convert(usd, "USD", "KHR", Decimal("4100"), step) == khr


@pytest.mark.parametrize(
    ("usd", "step", "khr"),
    [
        ("0.10", 1000, Decimal("1000")),  # 410 riel: a 1,000-riel step would charge nothing
        ("0.05", 500, Decimal("500")),  # 205 riel
        ("0.01", 100, Decimal("100")),  # 41 riel
        ("0.10", 100, Decimal("400")),  # rounds as usual when it does not vanish
        ("0", 1000, Decimal("0")),  # free stays free
    ],
)
def test_a_priced_item_never_becomes_free_in_riel(usd, step, khr):
    assert money.convert(usd, "USD", "KHR", Decimal("4100"), step) == khr


def test_riel_entered_in_riel_is_charged_as_entered_not_rounded_to_the_step():
    # The step is for riel converted from dollars; a riel price is what the editor typed.
    assert money.convert("26650", "KHR", "KHR", Decimal("4100"), 100) == Decimal("26650")


def test_khr_to_usd_rounds_to_cents_half_up():
    assert money.convert("41000", "KHR", "USD", Decimal("4100")) == Decimal("10.00")
    assert money.convert("10", "KHR", "USD", Decimal("4000")) == Decimal("0.00")
    assert money.convert("20", "KHR", "USD", Decimal("4000")) == Decimal("0.01")  # 0.005 -> 0.01


def test_money_refuses_floats_and_nonsense():
    with pytest.raises(money.MoneyError):
        money.round_amount(1.1, "USD")
    with pytest.raises(money.MoneyError):
        money.round_amount("abc", "USD")
    with pytest.raises(money.MoneyError):
        money.round_amount("NaN", "USD")
    with pytest.raises(money.MoneyError):
        money.round_amount("1", "EUR")
    with pytest.raises(money.MoneyError):
        money.convert("1", "USD", "KHR", Decimal("0"))


@pytest.mark.django_db
def test_shop_settings_show_base_price_first_then_the_other_currency():
    shop = ShopSettings(base_currency="USD", khr_per_usd=Decimal("4100"), khr_rounding_step=100)
    assert shop.display_prices(Decimal("8.90")) == [
        (Decimal("8.90"), "USD"),
        (Decimal("36500"), "KHR"),
    ]
    shop.show_other_currency = False
    assert shop.display_prices(Decimal("8.90")) == [(Decimal("8.90"), "USD")]


@pytest.mark.django_db
def test_shop_settings_with_riel_as_base_currency():
    shop = ShopSettings(base_currency="KHR", khr_per_usd=Decimal("4000"), khr_rounding_step=100)
    assert shop.display_prices(Decimal("40000")) == [
        (Decimal("40000"), "KHR"),
        (Decimal("10.00"), "USD"),
    ]
    # What a product page shows in riel is what the order charges in riel.
    shown = shop.display_prices(Decimal("26650"))[0][0]
    assert shop.convert(Decimal("26650"), "KHR") == shown == Decimal("26650")
