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
from django.utils.translation import ngettext

from catalog.inventory import OutOfStock, reserve_stock
from catalog.models import StockRecord
from checkout import events
from checkout.cart import cart_contents, line_limit_error, order_limit_error
from checkout.delivery import DeliveryRules
from checkout.discounts import discount_for, lock_and_check, record_use
from checkout.models import (
    COD_OPEN_STATES,
    REPLAY_WINDOW,
    Cart,
    CustomerKey,
    Order,
    OrderLine,
    OrderStatusChange,
    PaymentMethod,
    Status,
    new_order_number,
    new_order_token,
    province_label,
)
from checkout.payments import create_payment
from checkout.pricing import base_total, quote
from checkout.status import change_status, set_status
from kernel import metrics, money
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
        only_from={Status.AWAITING_PAYMENT, Status.AWAITING_CONFIRMATION},
    )
    if changed is None:
        raise Conflict(_("This order can no longer be cancelled."), code="cannot_cancel")
    return changed


def expire_unpaid_orders(now=None):
    """Expire orders whose payment window has closed and that have no payment still waiting
    for Bakong's word, and cash on delivery orders staff did not confirm by their deadline;
    each one exactly once, giving its stock back.

    Orders with a pending KHQR are expired by the payment sweeper instead, and only after
    Bakong has said "not found" (see ``checkout.payments``). Safe to run in several
    processes at once: each order is re-checked under its row lock. Returns how many
    orders this call expired.
    """
    now = now or timezone.now()
    waiting = (Status.AWAITING_PAYMENT, Status.AWAITING_CONFIRMATION)
    due = (
        Order.objects.filter(status__in=waiting, expires_at__lte=now)
        .exclude(payments__status="pending")
        .values_list("pk", flat=True)
    )
    expired = 0
    for order_id in list(due[:500]):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if (
                order.status not in waiting
                or order.expires_at > now
                or order.payments.filter(status="pending").exists()
            ):
                continue
            reason = (
                "Not confirmed in time"
                if order.status == Status.AWAITING_CONFIRMATION
                else "Payment window closed"
            )
            set_status(order, Status.EXPIRED, reason=reason)
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
    delivery: object = None  # its DeliveryOption for the province, when the form found it
    payment_method: str = PaymentMethod.KHQR

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
    window: it is confirmed (paid) at once. A cash on delivery order gets no KHQR either: it
    waits for staff to confirm it (``AWAITING_CONFIRMATION``) until the shop's deadline, its
    stock held, within the shop's limits (order value, open orders per phone number).

    ``language`` is the language the shopper ordered in (the active one when not given): the
    order's e-mails and pages speak it.
    """
    if details.currency not in (money.USD, money.KHR):
        raise ShopError(_("Choose to pay in USD or KHR."), fields={"currency": [_("USD or KHR.")]})
    if details.payment_method == PaymentMethod.CASH_ON_DELIVERY:
        ensure_customer_key(customer_key("phone", details.phone))
    with transaction.atomic():
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        contents = cart_contents(cart, shop=shop)
        if contents.is_empty:
            recent = cart.last_order
            if recent is not None and recent.created_at > timezone.now() - REPLAY_WINDOW:
                return recent, False
            raise Conflict(_("Your cart is empty."), code="cart_empty")
        check_order_limits(contents, shop)
        # Where and how it is delivered, and how it is paid, decided again here from today's
        # rules: the page the shopper saw may be older than an editor's change.
        rules = DeliveryRules()
        delivery = rules.option(details.province, details.delivery_method.code)
        applied = discount_for(contents.items, shop, code=cart.discount_code, delivery=delivery)
        if applied is not None:
            lock_and_check(applied, details.phone, details.email)
        prices = quote(contents.items, delivery, details.currency, shop, discount=applied)
        cash = details.payment_method == PaymentMethod.CASH_ON_DELIVERY and not prices.is_free
        if cash:
            check_cash_on_delivery(
                rules, shop, details, base_total(contents.items, delivery, applied)
            )
        elif not details.email:
            raise ShopError(
                _("Enter your e-mail for the receipt, or choose cash on delivery."),
                fields={"email": [_("Required.")]},
            )
        wanted = reserve(contents)
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
            payment_method=PaymentMethod.CASH_ON_DELIVERY if cash else PaymentMethod.KHQR,
            delivery_method=details.delivery_method.code,
            delivery_label=details.delivery_method.label,
            delivery_label_km=details.delivery_method.label_km,
            currency=prices.currency,
            base_currency=shop.base_currency,
            khr_per_usd=shop.khr_per_usd,
            khr_rounding_step=shop.khr_rounding_step,
            subtotal=prices.subtotal,
            discount_name=applied.discount.name if applied else "",
            discount_name_km=applied.discount.name_km if applied else "",
            discount_code=(applied.discount.code or "") if applied else "",
            discount_amount=prices.discount,
            delivery_fee=prices.delivery_fee,
            total=prices.total,
            created_at=now,
            expires_at=now if prices.is_free else now + payment_window(),
        )
        if cash:
            order.status = Status.AWAITING_CONFIRMATION
            order.expires_at = now + timedelta(hours=shop.cod_confirm_hours)
        _save_with_unique_number(order)
        if applied is not None:
            record_use(applied, order)
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
            order=order,
            to_status=order.status,
            reason="Order placed, cash on delivery" if cash else "Order placed",
        )
        if cash:
            events.order_placed.send(sender=Order, order=order, payment=None)
        elif prices.is_free:
            # Nothing to pay: no KHQR (it cannot carry a zero amount) and no payment window.
            set_status(order, Status.PAID, reason="Nothing to pay: confirmed without payment")
        else:
            payment = create_payment(order, now=now)
            events.order_placed.send(sender=Order, order=order, payment=payment)
        _announce_low_stock(wanted, order)
        metrics.inc_on_commit(metrics.ORDERS_PLACED, payment_method=order.payment_method)
        cart.lines.all().delete()
        cart.last_order = order
        cart.discount_code = ""
        cart.save(update_fields=["last_order", "discount_code", "updated_at"])
    return order, True


def customer_key(kind, value):
    """The text of one customer key: ``phone:+855…`` or ``email:…``."""
    return f"{kind}:{value.strip().lower()}"[:280]


def ensure_customer_key(key):
    """Create the row for ``key`` if it is missing, in a transaction of its own: inserting it
    inside the order's transaction would make concurrent checkouts for one new customer
    deadlock on the unique index's gap locks."""
    if CustomerKey.objects.filter(key=key).exists():
        return
    try:
        with transaction.atomic():
            CustomerKey.objects.create(key=key)
    except IntegrityError:  # another checkout created it first
        pass


def lock_customer(key):
    """Hold the row lock of ``key`` until the caller's transaction ends."""
    return CustomerKey.objects.select_for_update().get(key=key)


def check_cash_on_delivery(rules, shop, details, order_total):
    """Refuse cash on delivery where the shop does not offer it, above its order value
    (``order_total``: base currency, delivery included), or for a phone number that already
    has the most open cash on delivery orders. The phone number's row lock makes the count
    hold when two checkouts for one number run at once."""
    refusal = rules.cash_on_delivery_refusal(shop, details.province, order_total)
    if refusal:
        raise ShopError(
            refusal, code="cash_on_delivery_unavailable", fields={"payment_method": [refusal]}
        )
    lock_customer(customer_key("phone", details.phone))
    message = open_cash_orders_refusal(shop, details.phone)
    if message:
        raise Conflict(message, code="cash_on_delivery_limit", fields={"payment_method": [message]})


def open_cash_orders_refusal(shop, phone):
    """Why ``phone`` cannot place another cash on delivery order now (it has the most open
    ones the shop allows), or ``None``. Placing an order asks again under the phone's lock."""
    open_orders = Order.objects.filter(
        phone=phone,
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        status__in=COD_OPEN_STATES,
        paid_at__isnull=True,
    ).count()
    if open_orders < shop.cod_open_orders_per_phone:
        return None
    return ngettext(
        "This phone number already has %(count)d cash on delivery order waiting. Please pay "
        "this one by KHQR, or wait until that one is delivered.",
        "This phone number already has %(count)d cash on delivery orders waiting. Please pay "
        "this one by KHQR, or wait until those are delivered.",
        open_orders,
    ) % {"count": open_orders}


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


def record_cash(order_id, by, amount=None):
    """Staff record the cash of a cash on delivery order, brought back by the courier (or paid
    at the counter on pick-up). The order is paid from now on; one on its way is delivered.

    ``amount`` (when given) must be the order's total: a different sum is a conversation with
    the courier, not something to record as this order's payment."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not order.cash_due or order.status == Status.AWAITING_CONFIRMATION:
            raise Conflict(
                _("This order has no cash to record now; nothing was changed."),
                code="no_cash_due",
            )
        if amount is not None and amount != order.total:
            raise ShopError(
                _("The cash for this order is %(total)s.") % {"total": order.total_display},
                fields={"amount": [_("Must be the order's total.")]},
            )
        order.paid_at = timezone.now()
        order.save(update_fields=["paid_at"])
        by_user = by if by is not None and by.is_authenticated else None
        if order.status == Status.SHIPPED:
            set_status(order, Status.DELIVERED, by=by_user, reason="Cash received from the courier")
        else:
            OrderStatusChange.objects.create(
                order=order,
                from_status=order.status,
                to_status=order.status,
                changed_by=by_user,
                reason="Cash received",
            )
        events.cash_recorded.send(sender=Order, order=order, by=by_user)
    return order


def ship_order(order_id, by, courier=None, tracking_number=""):
    """Staff hand the order to ``courier`` (a ``Courier``, or None for the shop's own riders
    or a pick-up), with its tracking number if it has one; the shopper is told, with the
    tracking link."""
    tracking_number = " ".join((tracking_number or "").split())[:80]
    if tracking_number and courier is None:
        raise ShopError(
            _("Choose the courier the tracking number belongs to."),
            fields={"courier": [_("Required with a tracking number.")]},
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not order.can_become(Status.SHIPPED):
            raise Conflict(
                _("The order changed meanwhile; nothing was changed. Look at it again."),
                code="order_changed",
            )
        if courier is not None:
            order.courier_name = courier.name
            order.courier_name_km = courier.name_km
            order.tracking_number = tracking_number
            order.tracking_url = courier.tracking_link(tracking_number)[:400]
            order.save(
                update_fields=["courier_name", "courier_name_km", "tracking_number", "tracking_url"]
            )
        reason = "Shipped"
        if courier is not None:
            reason = f"Shipped with {courier.name}" + (
                f", tracking {tracking_number}" if tracking_number else ""
            )
        set_status(order, Status.SHIPPED, by=by, reason=reason)
    return order


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
