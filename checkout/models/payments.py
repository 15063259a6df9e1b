"""KHQR payments: one record per payment attempt, with the exact QR string and what Bakong
said about it. How a payment changes state is ``checkout.payments``."""

from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from checkout.models.orders import Order
from kernel import money


class PaymentStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for payment")
    PAID = "paid", pgettext_lazy("payment status", "Paid")
    EXPIRED = "expired", gettext_lazy("Expired unpaid")
    LATE = "late", gettext_lazy("Late payment: needs attention")
    MISMATCH = "mismatch", gettext_lazy("Wrong amount or currency: needs attention")


NEEDS_ATTENTION = (PaymentStatus.LATE, PaymentStatus.MISMATCH)


class Payment(models.Model):
    """One KHQR payment attempt for an order: the exact QR string and what Bakong said."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    md5 = models.CharField(max_length=32, unique=True)
    qr_string = models.TextField()
    amount = models.DecimalField(**money.AMOUNT_FIELD)
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING, db_index=True
    )
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=255, blank=True)
    deeplink = models.URLField(max_length=500, blank=True)
    deeplink_requested = models.BooleanField(default=False)

    # The Bakong transaction, once money arrived.
    bakong_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    payer_account = models.CharField(max_length=64, blank=True)
    receiving_account = models.CharField(max_length=64, blank=True)
    paid_amount = models.DecimalField(**money.AMOUNT_FIELD, null=True, blank=True)
    paid_currency = models.CharField(max_length=3, blank=True)
    transaction_created_at = models.DateTimeField(null=True, blank=True)
    transaction_acknowledged_at = models.DateTimeField(null=True, blank=True)
    external_ref = models.CharField(max_length=64, blank=True)
    raw_reply = models.JSONField(null=True, blank=True)
    attention_reason = models.CharField(max_length=255, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"KHQR {self.md5[:8]} for order {self.order_id}"

    @property
    def is_pending(self):
        return self.status == PaymentStatus.PENDING

    @property
    def needs_attention(self):
        return self.status in NEEDS_ATTENTION and self.resolved_at is None

    @property
    def short_md5(self):
        return self.md5[:12]

    @property
    def amount_display(self):
        return money.format_money(self.amount, self.currency)

    @property
    def status_label(self):
        return self.get_status_display()

    @property
    def what_to_do(self):
        """The next step for staff, in words."""
        if not self.needs_attention:
            return self.resolution
        if self.status == PaymentStatus.LATE:
            return _("Late money: reinstate the order if stock allows, otherwise refund")
        return _("Wrong amount: contact the customer, then refund or collect the difference")

    @property
    def attention_summary(self):
        """Why this payment needs a person, in the active language: for the owner's messages
        and the admin. (``attention_reason`` is the English line kept for the audit trail.)"""
        if self.status == PaymentStatus.MISMATCH and self.paid_amount is not None:
            if self.paid_currency in (money.USD, money.KHR):
                paid = money.format_money(self.paid_amount, self.paid_currency)
            else:
                paid = f"{self.paid_amount} {self.paid_currency}"
            return _("%(paid)s arrived instead of %(asked)s.") % {
                "paid": paid,
                "asked": self.amount_display,
            }
        if self.status == PaymentStatus.LATE:
            if self.transaction_created_at and self.transaction_created_at > self.expires_at:
                return _("Paid after the payment code had expired.")
            return _("Paid after the order had stopped waiting for payment.")
        return self.attention_reason

    @property
    def image_name(self):
        return f"qrcodes/{self.md5}.png"

    @property
    def image_url(self):
        return default_storage.url(self.image_name)
