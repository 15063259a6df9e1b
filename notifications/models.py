"""The outbox: one row per message an event causes (event, channel, recipient), written in the
transaction of the event itself, rendered and sent afterwards by the worker."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

EMAIL = "email"
TELEGRAM = "telegram"


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("outbox message", "Waiting to be sent")
        SENDING = "sending", pgettext_lazy("outbox message", "Being sent")
        SENT = "sent", pgettext_lazy("outbox message", "Sent")

    event_key = models.CharField(max_length=120)
    channel = models.CharField(
        max_length=10, choices=[(EMAIL, _("E-mail")), (TELEGRAM, "Telegram")]
    )
    recipient = models.CharField(max_length=254)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    order = models.ForeignKey(
        "checkout.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    # What the message is about beyond the order (a payment, a stock level), for rendering it
    # when it is sent: ``{"payment_id": 5}``, ``{"item": "...", "sku": "...", "left": 2}``.
    data = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Created as checkout.Notification; the table kept its name when the model moved here.
        db_table = "checkout_notification"
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "channel", "recipient"], name="one_message_per_event"
            )
        ]
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.channel} {self.kind} to {self.recipient}"
