"""Which discount a cart gets, and how much it takes off: one set of rules for the cart page,
the review page, the JSON API and placing the order.

- A code the shopper entered is checked every time the cart is priced (it may have expired
  or been used up meanwhile); without a code, the best automatic promotion that fits applies.
  One discount per order.
- A discount covers the items it names (products, or products in its categories; everything
  when it names none). Its minimum spend is on those items; a percentage is of those items;
  a fixed amount is at most what they come to. Amounts are in the shop's base currency and
  rounded as the base currency is.
- Free delivery from a threshold is judged on the items after the discount.
- Limits (uses in all, uses per customer by phone number or e-mail) count the orders that
  used the discount, except those cancelled, expired or returned. Placing an order counts
  under the discount's row lock (``lock_and_check``), so concurrent checkouts cannot pass
  a limit together.
- Wrong codes are counted per client (``kernel.throttle``) so that codes cannot be guessed.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from checkout.models import Discount, DiscountKind, DiscountUse, Status, normalize_code
from kernel import money
from kernel.errors import ShopError

# Orders in these states gave their discount use back.
RELEASED = (Status.CANCELLED, Status.EXPIRED, Status.RETURNED)
CODE_TRIES = 10  # codes one client may try in a window: plenty for typos, too few to guess
CODE_WINDOW = 10 * 60


class DiscountRefused(ShopError):
    status = 409
    code = "discount_refused"

    def __init__(self, message):
        super().__init__(message, fields={"code": [message]})


@dataclass(frozen=True)
class AppliedDiscount:
    discount: Discount
    amount: Decimal  # off the items, in the base currency
    free_delivery: bool

    @property
    def name(self):
        return self.discount.in_language("name")


def _covered(discount, items):
    product_ids = {product.pk for product in discount.products.all()}
    paths = [category.path for category in discount.categories.all()]
    if not product_ids and not paths:
        return list(items)
    return [
        item
        for item in items
        if item.product.pk in product_ids or any(item.product.path.startswith(p) for p in paths)
    ]


def _format(amount, shop):
    return money.format_money(amount, shop.base_currency)


def evaluate(discount, items, shop, now=None):
    """What ``discount`` takes off ``items`` now: an ``AppliedDiscount``, or
    ``DiscountRefused`` saying why it does not apply (dates, scope, minimum spend). The
    usage limits are not counted here (``uses_refusal``)."""
    now = now or timezone.now()
    if not discount.is_active or (discount.starts_at and discount.starts_at > now):
        raise DiscountRefused(_("This code is not valid yet."))
    if discount.ends_at and discount.ends_at <= now:
        raise DiscountRefused(_("This code has expired."))
    covered = _covered(discount, items)
    if not covered:
        raise DiscountRefused(_("This code does not apply to anything in your cart."))
    base = sum((item.unit_price * item.quantity for item in covered), Decimal("0"))
    if discount.min_spend and base < discount.min_spend:
        raise DiscountRefused(
            _("This code needs at least %(needed)s of the items it covers (you have %(have)s).")
            % {"needed": _format(discount.min_spend, shop), "have": _format(base, shop)}
        )
    if discount.kind == DiscountKind.PERCENT:
        amount = money.round_amount(base * discount.value / 100, shop.base_currency)
    else:
        amount = discount.value
    amount = min(amount, base)
    return AppliedDiscount(discount=discount, amount=amount, free_delivery=discount.free_delivery)


def _uses(discount):
    return DiscountUse.objects.filter(discount=discount).exclude(order__status__in=RELEASED)


def uses_refusal(discount, phone="", email=""):
    """Why ``discount`` cannot be used (again) by this customer, or ``None``."""
    if discount.usage_limit is not None and _uses(discount).count() >= discount.usage_limit:
        return _("This code has been used up.")
    if discount.per_customer_limit is not None and (phone or email):
        who = Q(pk__in=[])
        if phone:
            who |= Q(phone=phone)
        if email:
            who |= Q(email=email.strip().lower())
        if _uses(discount).filter(who).count() >= discount.per_customer_limit:
            return _("You have already used this code.")
    return None


def find_code(code):
    """The discount of a typed code (``DiscountRefused`` when there is none)."""
    code = normalize_code(code)
    discount = (
        Discount.objects.filter(code=code).prefetch_related("products", "categories").first()
        if code
        else None
    )
    if discount is None:
        raise DiscountRefused(_("There is no discount with this code. Check the spelling."))
    return discount


def _automatic():
    return list(
        Discount.objects.filter(is_active=True, code__isnull=True).prefetch_related(
            "products", "categories"
        )
    )


def _value(applied, items, delivery):
    fee = Decimal("0")
    if applied.free_delivery and delivery is not None:
        subtotal = sum((item.unit_price * item.quantity for item in items), Decimal("0"))
        fee = delivery.fee_for(subtotal - applied.amount)
    return applied.amount + fee


def discount_for(items, shop, code="", delivery=None, now=None):
    """The discount ``items`` get: the entered ``code`` if it applies (``DiscountRefused``
    if not), else the best automatic promotion that does (worth the most with ``delivery``'s
    fee), else ``None``. Usage limits are counted too, without a customer's details."""
    if not items:
        return None
    if code:
        discount = find_code(code)
        applied = evaluate(discount, items, shop, now=now)
        refusal = uses_refusal(discount)
        if refusal:
            raise DiscountRefused(refusal)
        return applied
    best = None
    for discount in _automatic():
        try:
            applied = evaluate(discount, items, shop, now=now)
        except DiscountRefused:
            continue
        if uses_refusal(discount):
            continue
        if best is None or _value(applied, items, delivery) > _value(best, items, delivery):
            best = applied
    return best


def lock_and_check(applied, phone, email):
    """Inside the order's transaction: lock the discount's row and count its uses again,
    with this customer's phone number and e-mail. ``DiscountRefused`` when a limit is
    reached; the caller then records the use (``record_use``) before the lock is let go."""
    Discount.objects.select_for_update().filter(pk=applied.discount.pk).first()
    refusal = uses_refusal(applied.discount, phone=phone, email=email)
    if refusal:
        raise DiscountRefused(refusal)


def record_use(applied, order):
    DiscountUse.objects.create(
        discount=applied.discount,
        order=order,
        phone=order.phone,
        email=(order.email or "").strip().lower(),
    )
