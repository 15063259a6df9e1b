"""Refunds: money given back for an order, full or part, with how it was paid back and which
items went back on the shelf. A refund is a record of something that happened: once saved it
is never changed or deleted (a mistake is corrected by talking to the shopper, not by
rewriting the books). Recording one is ``checkout.refunds.record_refund``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkout.models.orders import Order, OrderLine
from kernel import money
from kernel.errors import ShopError


class RefundMethod(models.TextChoices):
    BANK_TRANSFER = "bank", _("Bank or KHQR transfer to the shopper")
    CASH = "cash", _("Cash")
    STORE_CREDIT = "credit", _("Store credit")
    OTHER = "other", _("Other")


class ImmutableRecord(ShopError):
    status = 409
    code = "immutable_record"


class Refund(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**money.AMOUNT_FIELD)
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    method = models.CharField(max_length=10, choices=RefundMethod.choices)
    reference = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order_id}: {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecord("A refund is never changed once recorded.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("A refund is never deleted.")

    @property
    def amount_display(self):
        return money.format_money(self.amount, self.currency)


class RefundLine(models.Model):
    """Units of one order line that came back on the shelf with a refund."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    restocked = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.restocked} × line {self.order_line_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecord("A refund is never changed once recorded.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("A refund is never deleted.")
