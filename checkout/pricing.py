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
    discount: Decimal = Decimal("0")  # off the items, in ``currency``
    applied: object = None  # the ``AppliedDiscount`` it comes from

    @property
    def total(self):
        return self.subtotal - self.discount + self.delivery_fee

    @property
    def is_free(self):
        return self.total <= 0


def items_total(items):
    """What ``items`` come to in the base currency: what free-delivery thresholds and the
    cash on delivery limit are compared with."""
    return sum((item.unit_price * item.quantity for item in items), Decimal("0"))


def base_delivery_fee(items, delivery, discount=None):
    """The delivery fee in the base currency: none with a free-delivery discount, else the
    delivery option's fee for the items after the discount."""
    if discount is not None and discount.free_delivery:
        return Decimal("0")
    off = discount.amount if discount is not None else Decimal("0")
    return delivery.fee_for(items_total(items) - off)


def base_total(items, delivery, discount=None):
    """What the order comes to in the base currency, delivery included: what the cash on
    delivery limit is compared with."""
    off = discount.amount if discount is not None else Decimal("0")
    return items_total(items) - off + base_delivery_fee(items, delivery, discount)


def quote(items, delivery, currency, shop, discount=None):
    """The prices of ``items`` delivered as ``delivery`` (a ``DeliveryOption``) says, paid in
    ``currency``.

    Each unit price is converted (and rounded) once, then multiplied: a line total is always
    its quantity times the unit price the shopper sees. The delivery fee is decided in the
    base currency (free from a threshold, judged after the discount) and then converted.
    ``discount`` (an ``AppliedDiscount``: an amount in the base currency, maybe free
    delivery) is converted once, and never takes off more than the items come to.
    """
    lines = []
    for item in items:
        unit = price_in(item.unit_price, currency, shop)
        lines.append(QuoteLine(item=item, unit_price=unit, total=unit * item.quantity))
    subtotal = sum((line.total for line in lines), Decimal("0"))
    off_base = discount.amount if discount is not None else Decimal("0")
    off = min(price_in(off_base, currency, shop), subtotal) if off_base else Decimal("0")
    fee = price_in(base_delivery_fee(items, delivery, discount), currency, shop)
    return Quote(
        currency=currency,
        lines=tuple(lines),
        subtotal=subtotal,
        delivery_fee=fee,
        discount=off,
        applied=discount,
    )
