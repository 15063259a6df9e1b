"""Orders: placing one from a cart in a single atomic step, and its status state machine.

An order copies everything it sold (titles, SKUs, unit prices, currency, exchange rate) so
later catalog edits never rewrite it. Its stock is reserved when it is placed and comes
back exactly once if it expires unpaid or is cancelled.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.inventory import PRODUCT_ITSELF, OutOfStock, release_stock, reserve_stock
from checkout.errors import Conflict, ShopError
from website import money

ORDER_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
REPLAY_WINDOW = timedelta(minutes=30)


class Status(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    PROCESSING = "processing", "Processing"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    REFUNDED = "refunded", "Refunded"


TRANSITIONS = {
    Status.AWAITING_PAYMENT: {Status.PAID, Status.CANCELLED, Status.EXPIRED},
    Status.PAID: {Status.PROCESSING, Status.SHIPPED, Status.CANCELLED, Status.REFUNDED},
    Status.PROCESSING: {Status.SHIPPED, Status.CANCELLED, Status.REFUNDED},
    Status.SHIPPED: {Status.DELIVERED, Status.REFUNDED},
    Status.DELIVERED: {Status.REFUNDED},
    # A new payment code for an expired order, or money that arrived after it closed: both
    # take the stock again first (and fail if it is gone).
    Status.EXPIRED: {Status.AWAITING_PAYMENT, Status.PAID},
    Status.CANCELLED: {Status.PAID},
    Status.REFUNDED: set(),
}
# Leaving these states gives the reserved stock back (the goods never left the shop).
RELEASES_STOCK = {
    (Status.AWAITING_PAYMENT, Status.CANCELLED),
    (Status.AWAITING_PAYMENT, Status.EXPIRED),
    (Status.PAID, Status.CANCELLED),
    (Status.PROCESSING, Status.CANCELLED),
}


class InvalidTransition(ShopError):
    status = 409
    code = "invalid_transition"


def new_order_number():
    """Like ``261124-7K3QD``: the date, then five characters that are easy to read aloud."""
    suffix = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(5))
    return f"{timezone.localdate():%y%m%d}-{suffix}"


def new_order_token():
    return secrets.token_urlsafe(24)


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True, editable=False)
    # The unguessable key of the order's page for guests; never shown in lists.
    token = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT, db_index=True
    )

    email = models.EmailField()
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)
    address = models.TextField()
    province = models.CharField(max_length=40)
    note = models.TextField(blank=True)

    delivery_method = models.CharField(max_length=40)
    delivery_label = models.CharField(max_length=80)

    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    base_currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    khr_per_usd = models.DecimalField(max_digits=10, decimal_places=2)
    khr_rounding_step = models.PositiveIntegerField(default=1)
    subtotal = models.DecimalField(max_digits=14, decimal_places=2)
    delivery_fee = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    stock_released = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"Order {self.number}"

    def get_absolute_url(self):
        return reverse("checkout:order", args=[self.token])

    @property
    def total_display(self):
        return money.format_money(self.total, self.currency)

    @property
    def is_awaiting_payment(self):
        return self.status == Status.AWAITING_PAYMENT

    @property
    def can_be_cancelled_by_shopper(self):
        return self.status == Status.AWAITING_PAYMENT

    def reserved_items(self):
        items = {}
        for line in self.lines.all():
            if line.product_id is None:
                continue
            key = (line.product_id, line.variant_key)
            items[key] = items.get(key, 0) + line.quantity
        return items


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.ProductPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant_key = models.PositiveBigIntegerField(default=PRODUCT_ITSELF)
    title = models.CharField(max_length=255)
    variant_name = models.CharField(max_length=80, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    base_unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    line_total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.title}"


class OrderStatusChange(models.Model):
    """The audit trail: every status change, who made it, when and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"


# --- the state machine ----------------------------------------------------------------------


def set_status(order, new_status, by=None, reason=""):
    """Move a locked order to ``new_status`` if the machine allows it, and record the change.

    The caller holds the order's row lock (``select_for_update``) inside a transaction, so
    two processes noticing the same event cannot both apply it.
    """
    new_status = Status(new_status)
    old_status = Status(order.status)
    if new_status not in TRANSITIONS[old_status]:
        raise InvalidTransition(
            f"An order that is {old_status.label.lower()} cannot become {new_status.label.lower()}."
        )
    order.status = new_status
    fields = ["status"]
    if new_status == Status.PAID and order.paid_at is None:
        order.paid_at = timezone.now()
        fields.append("paid_at")
    if (old_status, new_status) in RELEASES_STOCK and not order.stock_released:
        release_stock(order.reserved_items())
        order.stock_released = True
        fields.append("stock_released")
    elif order.stock_released and new_status in (Status.AWAITING_PAYMENT, Status.PAID):
        try:
            reserve_stock(order.reserved_items())
        except OutOfStock as shortage:
            raise Conflict(
                "The items of this order are no longer in stock.", code="insufficient_stock"
            ) from shortage
        order.stock_released = False
        fields.append("stock_released")
    order.save(update_fields=fields)
    OrderStatusChange.objects.create(
        order=order,
        from_status=old_status,
        to_status=new_status,
        changed_by=by if by is not None and by.is_authenticated else None,
        reason=reason[:255],
    )
    _notify_status_change(order, new_status)
    return order


def _notify_status_change(order, new_status):
    """Queue the messages this change causes, in the caller's transaction (the outbox)."""
    from checkout import notifications

    if new_status == Status.PAID:
        notifications.order_paid(order, payment=order.payments.filter(status="paid").first())
    else:
        notifications.order_status_changed(order, new_status)


def change_status(order_id, new_status, by=None, reason="", only_from=None):
    """Lock the order and change its status; ``only_from`` skips orders no longer in it.

    Returns the order if it changed, ``None`` if it was skipped.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if only_from is not None and order.status not in only_from:
            return None
        return set_status(order, new_status, by=by, reason=reason)


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
        raise Conflict("This order can no longer be cancelled.", code="cannot_cancel")
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


def payment_window():
    return timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES)


def price_in(amount, currency, shop):
    return money.convert(
        amount, shop.base_currency, currency, shop.khr_per_usd, shop.khr_rounding_step
    )


def place_order(cart, details, shop, user=None):
    """Turn the cart into an order awaiting payment, reserving its stock; all or nothing.

    Returns ``(order, created)``. A second call for the same cart (a double click, a retried
    request) finds the cart empty and answers with the order the first call made.
    Raises ``Conflict`` for an empty cart, missing stock, or a cart above the shop's limits
    (checked again here: the cart may have been filled before a limit was lowered).

    An order with nothing to pay (free items, free delivery) gets no KHQR and no payment
    window: it is confirmed (paid) at once, and the shopper and owner are told as for a
    paid order.
    """
    from checkout.cart import Cart, cart_contents, line_limit_error, order_limit_error

    if details.currency not in (money.USD, money.KHR):
        raise ShopError("Choose to pay in USD or KHR.", fields={"currency": ["USD or KHR."]})
    with transaction.atomic():
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        contents = cart_contents(cart, shop=shop)
        if contents.is_empty:
            recent = cart.last_order
            if recent is not None and recent.created_at > timezone.now() - REPLAY_WINDOW:
                return recent, False
            raise Conflict("Your cart is empty.", code="cart_empty")
        for item in contents.items:
            if item.quantity > shop.max_line_quantity:
                error = line_limit_error(shop.max_line_quantity, item.title)
                error.fields = {f"line_{item.id}": error.fields["quantity"]}
                raise error
        if contents.item_count > shop.max_order_items:
            raise order_limit_error(shop.max_order_items, contents.item_count)

        wanted = {}
        for item in contents.items:
            wanted[item.line.item_key] = wanted.get(item.line.item_key, 0) + item.quantity
        try:
            reserve_stock(wanted)
        except OutOfStock as shortage:
            titles = {item.line.item_key: item.title for item in contents.items}
            problems = {
                f"line_{item.id}": [f"Only {shortage.shortages[item.line.item_key]} left."]
                for item in contents.items
                if item.line.item_key in shortage.shortages
            }
            names = ", ".join(titles[key] for key in shortage.shortages if key in titles)
            raise Conflict(
                f"Not enough stock left for: {names}. Please update your cart.",
                code="insufficient_stock",
                fields=problems,
            ) from shortage

        currency = details.currency
        lines = []
        for item in contents.items:
            unit = price_in(item.unit_price, currency, shop)
            lines.append(
                OrderLine(
                    product_id=item.product.pk,
                    variant_key=item.line.variant_key,
                    title=item.title,
                    variant_name=item.variant_name,
                    sku=item.sku,
                    quantity=item.quantity,
                    base_unit_price=item.unit_price,
                    unit_price=unit,
                    line_total=unit * item.quantity,
                )
            )
        subtotal = sum((line.line_total for line in lines), Decimal("0"))
        fee = price_in(details.delivery_method.fee, currency, shop)
        free = subtotal + fee <= 0
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
            delivery_method=details.delivery_method.code,
            delivery_label=details.delivery_method.label,
            currency=currency,
            base_currency=shop.base_currency,
            khr_per_usd=shop.khr_per_usd,
            khr_rounding_step=shop.khr_rounding_step,
            subtotal=subtotal,
            delivery_fee=fee,
            total=subtotal + fee,
            created_at=now,
            expires_at=now if free else now + payment_window(),
        )
        _save_with_unique_number(order)
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        OrderStatusChange.objects.create(
            order=order, to_status=Status.AWAITING_PAYMENT, reason="Order placed"
        )
        from checkout import notifications
        from checkout.payments import create_payment

        if free:
            # Nothing to pay: no KHQR (it cannot carry a zero amount) and no payment window.
            # Becoming paid queues the receipt and the owner's new-order message.
            set_status(order, Status.PAID, reason="Nothing to pay: confirmed without payment")
        else:
            create_payment(order, now=now)
            notifications.order_placed(order)
        _warn_low_stock(wanted, order)
        cart.lines.all().delete()
        cart.last_order = order
        cart.save(update_fields=["last_order", "updated_at"])
    return order, True


def _warn_low_stock(sold, order):
    """Tell the owner about items this sale brought down to their low-stock threshold."""
    from catalog.inventory import StockRecord
    from checkout import notifications

    product_ids = {product_id for product_id, _ in sold}
    for record in StockRecord.objects.filter(product_id__in=product_ids).select_related("product"):
        quantity = sold.get((record.product_id, record.variant_key), 0)
        if quantity and record.quantity <= record.low_stock_threshold < record.quantity + quantity:
            notifications.low_stock(record, order=order)


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


class OrderNote(models.Model):
    """A note staff leave on an order (a phone call, a delivery problem...)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:50]


def mark_paid_by_hand(order_id, by, reason):
    """Staff record a payment made outside KHQR (cash at the counter, a bank transfer)."""
    if not reason or not reason.strip():
        raise ShopError("Say how the order was paid.", fields={"reason": ["Required."]})
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
