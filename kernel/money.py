"""Money: Decimal amounts in USD (cents) or KHR (whole riel), conversion and formatting.

Every amount carries a currency. USD keeps 2 decimals; KHR is whole riel, and the shop
may round converted riel prices to a step (100 riel is common in Cambodian shops).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext_lazy as _

USD = "USD"
KHR = "KHR"
CURRENCY_CHOICES = [(USD, _("US dollar (USD)")), (KHR, _("Cambodian riel (KHR)"))]
CURRENCY_SYMBOLS = {USD: "$", KHR: "៛"}

CENT = Decimal("0.01")
RIEL = Decimal("1")

# Every stored amount (prices, fees, order and payment amounts, in either currency) has this
# precision: 14 digits, 2 after the point. Riel need the room: 12 whole digits hold
# 999,999,999,999 ៛ (about $244 million), so any price times any quantity the shop allows, in
# riel, fits; and one precision everywhere means an amount copied from one record to another
# (a price onto an order line, a total onto a payment) always fits. Two places carry cents.
# Exchange rates are not amounts and keep their own field (10 digits, 2 places).
AMOUNT_DIGITS = 14
AMOUNT_PLACES = 2
AMOUNT_FIELD = {"max_digits": AMOUNT_DIGITS, "decimal_places": AMOUNT_PLACES}
MAX_AMOUNT = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES) - CENT


class MoneyError(ValueError):
    """An amount or currency that money code refuses to work with."""


def to_decimal(value) -> Decimal:
    """Turn an int, str or Decimal into a Decimal; floats are refused (they round)."""
    if isinstance(value, float):
        raise MoneyError("Money amounts must not be floats; pass a Decimal or a string.")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value))
        except InvalidOperation as exc:
            raise MoneyError(f"{value!r} is not an amount.") from exc
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount.")
    return result


def round_amount(amount, currency: str, khr_step: int = 1) -> Decimal:
    """Round to what the currency can carry: cents for USD, a whole riel step for KHR (a
    positive amount is never rounded down to zero riel)."""
    amount = to_decimal(amount)
    if currency == USD:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if currency == KHR:
        step = Decimal(int(khr_step or 1))
        rounded = ((amount / step).quantize(RIEL, rounding=ROUND_HALF_UP) * step).quantize(RIEL)
        if amount > 0 and rounded == 0:
            # A price is never rounded away to nothing: at least one step.
            rounded = step.quantize(RIEL)
        return rounded
    raise MoneyError(f"Unknown currency {currency!r}.")


def convert(amount, from_currency: str, to_currency: str, khr_per_usd, khr_step: int = 1):
    """Convert between USD and KHR at ``khr_per_usd`` riel to the dollar, rounded."""
    amount = to_decimal(amount)
    rate = to_decimal(khr_per_usd)
    if rate <= 0:
        raise MoneyError("The exchange rate must be positive.")
    if from_currency == to_currency:
        # Not converted: the amount as entered (whole riel), not rounded to the step, which
        # is for riel converted from dollars. What a page shows is what is charged.
        return round_amount(amount, to_currency)
    if from_currency == USD and to_currency == KHR:
        return round_amount(amount * rate, KHR, khr_step)
    if from_currency == KHR and to_currency == USD:
        return round_amount(amount / rate, USD)
    raise MoneyError(f"Cannot convert {from_currency!r} to {to_currency!r}.")


KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
RIEL_WORD = "រៀល"


def format_money(amount, currency: str, *, khmer_digits=False) -> str:
    """Format for people, in the active language: ``$1,234.50``; riel as ``51,300 ៛`` on
    English pages and ``51,300 រៀល`` on Khmer ones, as Cambodian shops write it (the sign is
    hard to read at small sizes). ``khmer_digits`` writes Khmer digits on Khmer pages: for
    display only, never for a QR payload, JSON, a form value or an export."""
    amount = round_amount(amount, currency)
    sign = "-" if amount < 0 else ""
    khmer = (translation.get_language() or "").startswith("km")
    if currency == USD:
        text = f"{sign}${abs(amount):,.2f}"
    else:
        text = f"{sign}{abs(amount):,.0f} {RIEL_WORD if khmer else '៛'}"
    return text.translate(KHMER_DIGITS) if khmer and khmer_digits else text
