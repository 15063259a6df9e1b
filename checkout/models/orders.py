"""Orders: what was sold, to whom, at what prices, and the status machine's states and allowed
transitions. An order copies everything it sold (titles, SKUs, unit prices, currency,
exchange rate) so later catalog edits never rewrite it. Changing a status is a service
(``checkout.orders``); this module says which changes exist."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import PRODUCT_ITSELF
from checkout.models.delivery import province_label
from kernel import money
from kernel.bilingual import Bilingual
from kernel.errors import ShopError

ORDER_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
REPLAY_WINDOW = timedelta(minutes=30)


class PaymentMethod(models.TextChoices):
    KHQR = "khqr", _("KHQR")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")


class Status(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    # Cash on delivery: placed, holding its stock until staff confirm it (or the deadline).
    AWAITING_CONFIRMATION = "to_confirm", _("Awaiting confirmation")
    PAID = "paid", pgettext_lazy("order status", "Paid")
    PROCESSING = "processing", _("Processing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", pgettext_lazy("order status", "Expired")
    REFUNDED = "refunded", _("Refunded")
    # Cash on delivery refused at the door or not collected: the goods came back unpaid.
    RETURNED = "returned", _("Returned")


TRANSITIONS = {
    Status.AWAITING_PAYMENT: {Status.PAID, Status.CANCELLED, Status.EXPIRED},
    # Cash on delivery: confirmed (to processing), cancelled, or not confirmed in time.
    Status.AWAITING_CONFIRMATION: {Status.PROCESSING, Status.CANCELLED, Status.EXPIRED},
    Status.PAID: {Status.PROCESSING, Status.SHIPPED, Status.CANCELLED, Status.REFUNDED},
    Status.PROCESSING: {Status.SHIPPED, Status.CANCELLED, Status.REFUNDED},
    Status.SHIPPED: {Status.DELIVERED, Status.REFUNDED, Status.RETURNED},
    Status.DELIVERED: {Status.REFUNDED},
    # A new payment code for an expired order, or money that arrived after it closed: both
    # take the stock again first (and fail if it is gone).
    Status.EXPIRED: {Status.AWAITING_PAYMENT, Status.PAID},
    Status.CANCELLED: {Status.PAID},
    Status.REFUNDED: set(),
    Status.RETURNED: set(),
}
# The states an order whose money the shop has can be in (counted as sales, shown a receipt).
# A cash on delivery order passes through them before the cash is in: it is paid once
# ``paid_at`` is set too (``Order.is_paid``).
PAID_STATES = (Status.PAID, Status.PROCESSING, Status.SHIPPED, Status.DELIVERED)
# Cash on delivery orders still out there: their cash is not in yet and their stock is held.
COD_OPEN_STATES = (
    Status.AWAITING_CONFIRMATION,
    Status.PROCESSING,
    Status.SHIPPED,
    Status.DELIVERED,
)
# What staff may move an order to by hand: the action's name (in the admin's URLs), the
# words on the button and whether they must say why. Which of these an order offers is ``TRANSITIONS[order.status]``: the machine
# decides, this only names the moves. PAID by hand covers cash or a transfer outside KHQR.
STAFF_MOVES = {
    Status.PROCESSING: ("processing", _("Mark processing"), False),
    Status.SHIPPED: ("shipped", _("Mark shipped"), False),
    Status.DELIVERED: ("delivered", _("Mark delivered"), False),
    Status.CANCELLED: ("cancel", _("Cancel (gives stock back)"), True),
    Status.REFUNDED: ("refund", _("Record a refund"), True),  # full or part: checkout.refunds
    Status.RETURNED: ("returned", _("Returned unpaid (gives stock back)"), True),
    Status.PAID: ("mark_paid", _("Mark paid by hand"), True),
}
# Leaving these states gives the reserved stock back (the goods never left the shop).
RELEASES_STOCK = {
    (Status.AWAITING_PAYMENT, Status.CANCELLED),
    (Status.AWAITING_PAYMENT, Status.EXPIRED),
    (Status.PAID, Status.CANCELLED),
    (Status.PROCESSING, Status.CANCELLED),
    (Status.AWAITING_CONFIRMATION, Status.CANCELLED),
    (Status.AWAITING_CONFIRMATION, Status.EXPIRED),
    (Status.SHIPPED, Status.RETURNED),
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


class Order(Bilingual, models.Model):
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

    # A cash on delivery shopper may give only a phone number.
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20, db_index=True)
    address = models.TextField()
    province = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    # The language the shopper ordered in: their e-mails and order pages use it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")

    payment_method = models.CharField(
        max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.KHQR
    )
    delivery_method = models.CharField(max_length=40)
    delivery_label = models.CharField(max_length=80)
    delivery_label_km = models.CharField(max_length=80, blank=True)

    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    base_currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    khr_per_usd = models.DecimalField(max_digits=10, decimal_places=2)
    khr_rounding_step = models.PositiveIntegerField(default=1)
    subtotal = models.DecimalField(**money.AMOUNT_FIELD)
    # The discount it got, copied (the discount may change or go later): name, code, amount.
    discount_name = models.CharField(max_length=80, blank=True)
    discount_name_km = models.CharField(max_length=80, blank=True)
    discount_code = models.CharField(max_length=40, blank=True)
    discount_amount = models.DecimalField(**money.AMOUNT_FIELD, default=0)
    delivery_fee = models.DecimalField(**money.AMOUNT_FIELD)
    total = models.DecimalField(**money.AMOUNT_FIELD)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Fulfilment: who carries it and how to follow it (copied when it is shipped).
    courier_name = models.CharField(max_length=80, blank=True)
    courier_name_km = models.CharField(max_length=80, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    tracking_url = models.URLField(max_length=400, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    stock_released = models.BooleanField(default=False)

    khmer_fields = {
        "delivery_label": "delivery_label_km",
        "courier_name": "courier_name_km",
        "discount_name": "discount_name_km",
    }

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"Order {self.number}"

    def get_absolute_url(self):
        """The order's page in the language the shopper ordered in (the links in its e-mails)."""
        with translation.override(self.language or None):
            return reverse("checkout:order", args=[self.token])

    @property
    def province_label(self):
        """The province as a shopper reads it, in the active language."""
        return province_label(self.province)

    @property
    def total_display(self):
        return money.format_money(self.total, self.currency)

    @property
    def is_paid(self):
        """The shop has this order's money (paid, or further along; for cash on delivery,
        once staff recorded the cash)."""
        return self.status in PAID_STATES and self.paid_at is not None

    @property
    def refunded_total(self):
        """What was given back so far (in the order's currency)."""
        total = self.refunds.aggregate(total=models.Sum("amount"))["total"]
        return total or money.round_amount(0, self.currency)

    @property
    def is_cash_on_delivery(self):
        return self.payment_method == PaymentMethod.CASH_ON_DELIVERY

    @property
    def cash_due(self):
        """A cash on delivery order whose cash is still to come (it is on its way or
        delivered, not cancelled or returned)."""
        return self.is_cash_on_delivery and self.paid_at is None and self.status in COD_OPEN_STATES

    @property
    def paid_payment(self):
        """The KHQR payment that paid this order, if a KHQR paid it (not staff by hand, not a
        free order)."""
        return self.payments.filter(status="paid").first()

    def can_become(self, status):
        return Status(status) in TRANSITIONS[Status(self.status)]

    def staff_moves(self):
        """``[(target status, action, label, needs a reason)]`` staff can make now, in the
        order of ``STAFF_MOVES``."""
        allowed = set(TRANSITIONS[Status(self.status)])
        if self.paid_at is None:
            allowed.discard(Status.REFUNDED)  # no money in: cancel or "returned" instead
        else:
            allowed.discard(Status.RETURNED)  # money in: a return is a refund
        moves = []
        for target, (action, label, needs_reason) in STAFF_MOVES.items():
            if target not in allowed:
                continue
            if self.status == Status.AWAITING_CONFIRMATION and target == Status.PROCESSING:
                action, label = "confirm", _("Confirm the order (stock stays reserved)")
            moves.append((target, action, label, needs_reason))
        return moves

    @property
    def is_awaiting_payment(self):
        return self.status == Status.AWAITING_PAYMENT

    @property
    def can_be_cancelled_by_shopper(self):
        return self.status in (Status.AWAITING_PAYMENT, Status.AWAITING_CONFIRMATION)

    def reserved_items(self):
        items = {}
        for line in self.lines.all():
            if line.product_id is None:
                continue
            key = (line.product_id, line.variant_key)
            items[key] = items.get(key, 0) + line.quantity
        return items


class OrderLine(Bilingual, models.Model):
    """What was sold, copied from the product when the order was placed, in both languages:
    the shopper's pages and e-mails show it in the order's language, the owner's in theirs."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.ProductPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant_key = models.PositiveBigIntegerField(default=PRODUCT_ITSELF)
    title = models.CharField(max_length=255)
    variant_name = models.CharField(max_length=80, blank=True)
    title_km = models.CharField(max_length=255, blank=True)
    variant_name_km = models.CharField(max_length=80, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    base_unit_price = models.DecimalField(**money.AMOUNT_FIELD)
    unit_price = models.DecimalField(**money.AMOUNT_FIELD)
    line_total = models.DecimalField(**money.AMOUNT_FIELD)

    khmer_fields = {"title": "title_km", "variant_name": "variant_name_km"}

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.title}"

    @property
    def shown_variant_name(self):
        return self.in_language("variant_name")


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


class CustomerKey(models.Model):
    """One row per customer key (``phone:+855…`` or ``email:…``), locked while an order is
    placed, so that per-customer limits (open cash on delivery orders per phone number) hold
    when two checkouts for the same customer run at once."""

    key = models.CharField(max_length=280, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.key
