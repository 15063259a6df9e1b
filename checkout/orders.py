"""Order use cases: placing one from a cart in a single atomic step (``quote`` the prices,
``reserve`` the stock, write the order), and moving it through its status machine.

Its stock is reserved when it is placed and comes back exactly once if it expires unpaid or
is cancelled. What follows (messages, the owner's alerts) is announced with
``checkout.events``; this module sends nothing itself.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.inventory import OutOfStock, reserve_stock
from catalog.models import StockRecord
from checkout import events
from checkout.cart import cart_contents, line_limit_error, order_limit_error
from checkout.models import (
    REPLAY_WINDOW,
    Cart,
    Order,
    OrderLine,
    OrderStatusChange,
    Status,
    new_order_number,
    new_order_token,
    province_label,
)
from checkout.payments import create_payment
from checkout.pricing import quote
from checkout.status import change_status, set_status
from kernel import money
from kernel.errors import Conflict, ShopError
from kernel.i18n import shop_language

# --- the state machine ----------------------------------------------------------------------


def cancel_by_shopper(order, user=None):
    """A shopper cancels their unpaid order; its stock comes back."""
    changed = change_status(
        order.pk,
        Status.CANCELLED,
        by=user,
        reason="Cancelled by the shopper",
        only_from={Status.AWAITING_PAYMENT},
    )
    if changed is None:
        raise Conflict(_("This order can no longer be cancelled."), code="cannot_cancel")
    return changed


def expire_unpaid_orders(now=None):
    """Expire orders whose payment window has closed and that have no payment still waiting
    for Bakong's word; each one exactly once.

    Orders with a pending KHQR are expired by the payment sweeper instead, and only after
    Bakong has said "not found" (see ``checkout.payments``). Safe to run in several
    processes at once: each order is re-checked under its row lock. Returns how many
    orders this call expired.
    """
    now = now or timezone.now()
    due = (
        Order.objects.filter(status=Status.AWAITING_PAYMENT, expires_at__lte=now)
        .exclude(payments__status="pending")
        .values_list("pk", flat=True)
    )
    expired = 0
    for order_id in list(due[:500]):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if (
                order.status != Status.AWAITING_PAYMENT
                or order.payments.filter(status="pending").exists()
            ):
                continue
            set_status(order, Status.EXPIRED, reason="Payment window closed")
            expired += 1
    return expired


# --- placing an order -----------------------------------------------------------------------


@dataclass
class CheckoutDetails:
    email: str
    name: str
    phone: str
    address: str
    province: str
    delivery_method: object  # a DeliveryMethod
    currency: str
    note: str = ""

    @property
    def province_label(self):
        """The province as the shopper reads it, in the active language."""
        return province_label(self.province)


def payment_window():
    return timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES)


def place_order(cart, details, shop, user=None, language=None):
    """Turn the cart into an order awaiting payment, reserving its stock; all or nothing.

    Built from the same steps the review page shows: the cart's contents within the shop's
    limits, ``quote`` for every amount, ``reserve_stock`` for the items. Returns
    ``(order, created)``. A second call for the same cart (a double click, a retried request)
    finds the cart empty and answers with the order the first call made. Raises ``Conflict``
    for an empty cart, missing stock, or a cart above the shop's limits (checked again here:
    the cart may have been filled before a limit was lowered).

    An order with nothing to pay (free items, free delivery) gets no KHQR and no payment
    window: it is confirmed (paid) at once.

    ``language`` is the language the shopper ordered in (the active one when not given): the
    order's e-mails and pages speak it.
    """
    if details.currency not in (money.USD, money.KHR):
        raise ShopError(_("Choose to pay in USD or KHR."), fields={"currency": [_("USD or KHR.")]})
    with transaction.atomic():
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        contents = cart_contents(cart, shop=shop)
        if contents.is_empty:
            recent = cart.last_order
            if recent is not None and recent.created_at > timezone.now() - REPLAY_WINDOW:
                return recent, False
            raise Conflict(_("Your cart is empty."), code="cart_empty")
        check_order_limits(contents, shop)
        wanted = reserve(contents)
        prices = quote(contents.items, details.delivery_method, details.currency, shop)
        now = timezone.now()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # KHQR times are in ms
        order = Order(
            token=new_order_token(),
            user=user if user is not None and user.is_authenticated else None,
            email=details.email,
            name=details.name,
            phone=details.phone,
            address=details.address,
            province=details.province,
            note=details.note,
            language=shop_language(language or translation.get_language()),
            delivery_method=details.delivery_method.code,
            delivery_label=details.delivery_method.label,
            delivery_label_km=details.delivery_method.label_km,
            currency=prices.currency,
            base_currency=shop.base_currency,
            khr_per_usd=shop.khr_per_usd,
            khr_rounding_step=shop.khr_rounding_step,
            subtotal=prices.subtotal,
            delivery_fee=prices.delivery_fee,
            total=prices.total,
            created_at=now,
            expires_at=now if prices.is_free else now + payment_window(),
        )
        _save_with_unique_number(order)
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    product_id=line.item.product.pk,
                    variant_key=line.item.line.variant_key,
                    title=line.item.product.title,
                    title_km=line.item.product.khmer_name,
                    variant_name=line.item.variant.name if line.item.variant else "",
                    variant_name_km=line.item.variant.name_km if line.item.variant else "",
                    sku=line.item.sku,
                    quantity=line.item.quantity,
                    base_unit_price=line.item.unit_price,
                    unit_price=line.unit_price,
                    line_total=line.total,
                )
                for line in prices.lines
            ]
        )
        OrderStatusChange.objects.create(
            order=order, to_status=Status.AWAITING_PAYMENT, reason="Order placed"
        )
        if prices.is_free:
            # Nothing to pay: no KHQR (it cannot carry a zero amount) and no payment window.
            set_status(order, Status.PAID, reason="Nothing to pay: confirmed without payment")
        else:
            payment = create_payment(order, now=now)
            events.order_placed.send(sender=Order, order=order, payment=payment)
        _announce_low_stock(wanted, order)
        cart.lines.all().delete()
        cart.last_order = order
        cart.save(update_fields=["last_order", "updated_at"])
    return order, True


def check_order_limits(contents, shop):
    """Refuse a cart above the shop's per-item or per-order limits (``ShopError``)."""
    for item in contents.items:
        if item.quantity > shop.max_line_quantity:
            error = line_limit_error(shop.max_line_quantity, item.title)
            error.fields = {f"line_{item.id}": error.fields["quantity"]}
            raise error
    if contents.item_count > shop.max_order_items:
        raise order_limit_error(shop.max_order_items, contents.item_count)


def reserve(contents):
    """Reserve the stock of every line of ``contents`` (inside the caller's transaction);
    ``Conflict`` naming the items short. Returns ``{item key: units}`` reserved."""
    wanted = {}
    for item in contents.items:
        wanted[item.line.item_key] = wanted.get(item.line.item_key, 0) + item.quantity
    try:
        reserve_stock(wanted)
    except OutOfStock as shortage:
        titles = {item.line.item_key: item.title for item in contents.items}
        problems = {
            f"line_{item.id}": [
                _("Only %(count)d left.") % {"count": shortage.shortages[item.line.item_key]}
            ]
            for item in contents.items
            if item.line.item_key in shortage.shortages
        }
        names = ", ".join(titles[key] for key in shortage.shortages if key in titles)
        raise Conflict(
            _("Not enough stock left for: %(names)s. Please update your cart.") % {"names": names},
            code="insufficient_stock",
            fields=problems,
        ) from shortage
    return wanted


def _announce_low_stock(sold, order):
    """Items this sale brought down to their low-stock threshold (``stock_ran_low``)."""
    product_ids = {product_id for product_id, _ in sold}
    records = [
        record
        for record in StockRecord.objects.filter(product_id__in=product_ids).select_related(
            "product"
        )
        if (quantity := sold.get((record.product_id, record.variant_key), 0))
        and record.quantity <= record.low_stock_threshold < record.quantity + quantity
    ]
    if records:
        events.stock_ran_low.send(sender=Order, order=order, records=records)


def _save_with_unique_number(order, attempts=5):
    for attempt in range(attempts):
        order.number = new_order_number()
        try:
            with transaction.atomic():
                order.save()
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def mark_paid_by_hand(order_id, by, reason):
    """Staff record a payment made outside KHQR (cash at the counter, a bank transfer)."""
    if not reason or not reason.strip():
        raise ShopError(_("Say how the order was paid."), fields={"reason": [_("Required.")]})
    changed = change_status(
        order_id,
        Status.PAID,
        by=by,
        reason=f"Marked paid by hand: {reason.strip()}",
        only_from={Status.AWAITING_PAYMENT, Status.EXPIRED, Status.CANCELLED},
    )
    if changed is None:  # paid or moved on meanwhile (a second click, another staff member)
        raise Conflict(
            _("This order is no longer waiting for a payment; nothing was changed."),
            code="not_awaiting_payment",
        )
    return changed
