"""What an order costs: one pricing path for the review page, the API and placing the order.

``quote`` turns cart items (unit prices in the shop's base currency), a delivery option (a
method as it applies to the shopper's province: ``checkout.delivery``) and the currency the
shopper pays in into the amounts an order records, each converted and
rounded by the shop's rules (``kernel.money``). Pure arithmetic on what it is given: no
database, no request.
"""

from dataclasses import dataclass
from decimal import Decimal

from kernel import money


def price_in(amount, currency, shop):
    """A base-currency ``amount`` in ``currency``, converted and rounded as the shop says."""
    return money.convert(
        amount, shop.base_currency, currency, shop.khr_per_usd, shop.khr_rounding_step
    )


@dataclass(frozen=True)
class QuoteLine:
    item: object  # a checkout.cart.CartItem (title, quantity, unit_price in the base currency)
    unit_price: Decimal
    total: Decimal


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: tuple
    subtotal: Decimal
    delivery_fee: Decimal

    @property
    def total(self):
        return self.subtotal + self.delivery_fee

    @property
    def is_free(self):
        return self.total <= 0


def items_total(items):
    """What ``items`` come to in the base currency: what free-delivery thresholds and the
    cash on delivery limit are compared with."""
    return sum((item.unit_price * item.quantity for item in items), Decimal("0"))


def quote(items, delivery, currency, shop):
    """The prices of ``items`` delivered as ``delivery`` (a ``DeliveryOption``) says, paid in
    ``currency``.

    Each unit price is converted (and rounded) once, then multiplied: a line total is always
    its quantity times the unit price the shopper sees. The delivery fee is decided in the
    base currency (free from a threshold) and then converted.
    """
    lines = []
    for item in items:
        unit = price_in(item.unit_price, currency, shop)
        lines.append(QuoteLine(item=item, unit_price=unit, total=unit * item.quantity))
    subtotal = sum((line.total for line in lines), Decimal("0"))
    fee = price_in(delivery.fee_for(items_total(items)), currency, shop)
    return Quote(currency=currency, lines=tuple(lines), subtotal=subtotal, delivery_fee=fee)
