"""Messages to customers and the owner, through an outbox.

A message is written to the outbox in the same transaction as the event that causes it (an
order placed, paid, shipped...), so it exists exactly when the event does. The worker sends
due messages, with retries and growing pauses; each (event, channel, recipient) is one row,
claimed with a conditional update before it is sent, so an event produces each message
once even when several workers run or one crashes and retries. A dead SMTP server or
Telegram API only delays messages: nothing here runs inside a checkout's request.
"""

import html
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from checkout import telegram
from website import money
from website.redact import describe_error

logger = logging.getLogger(__name__)

EMAIL = "email"
TELEGRAM = "telegram"
RETRY_PAUSES = (30, 60, 120, 300, 600, 1800, 3600)  # seconds, then every hour


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"

    event_key = models.CharField(max_length=120)
    channel = models.CharField(max_length=10, choices=[(EMAIL, "E-mail"), (TELEGRAM, "Telegram")])
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
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "channel", "recipient"], name="one_message_per_event"
            )
        ]
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.channel} {self.kind} to {self.recipient}"


def _queue(event_key, channel, recipient, kind, text, subject="", body_html="", order=None):
    if not recipient:
        return None
    notification, _created = Notification.objects.get_or_create(
        event_key=event_key[:120],
        channel=channel,
        recipient=recipient[:254],
        defaults={
            "kind": kind,
            "subject": subject[:255],
            "body_text": text,
            "body_html": body_html,
            "order": order,
        },
    )
    transaction.on_commit(_wake_worker)
    return notification


def _wake_worker():
    """Ask the worker to send now rather than at its next periodic run."""
    from checkout.tasks import deliver_notifications_task

    try:
        deliver_notifications_task.enqueue()
    except Exception:  # noqa: BLE001  (the periodic run will pick the message up)
        logger.warning("Could not enqueue message delivery", exc_info=True)


# --- what each event says -------------------------------------------------------------------


def _shop():
    from wagtail.models import Site

    from website.models import ShopSettings

    site = Site.objects.filter(is_default_site=True).first()
    return ShopSettings.for_site(site) if site else ShopSettings()


def _order_url(order):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + order.get_absolute_url()


def _email(order, kind, subject, event_key, recipient=None, extra=None):
    shop = _shop()
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "shop": shop,
        "order_url": _order_url(order),
        "kind": kind,
        "fmt": lambda amount: money.format_money(amount, order.currency),
    } | (extra or {})
    text = render_to_string(f"checkout/email/{kind}.txt", context)
    body_html = render_to_string(f"checkout/email/{kind}.html", context)
    return _queue(
        event_key,
        EMAIL,
        recipient or order.email,
        kind,
        text,
        subject=f"{shop.shop_name}: {subject}",
        body_html=body_html,
        order=order,
    )


def _telegram(event_key, kind, text, order=None):
    if telegram.telegram_enabled():
        _queue(event_key, TELEGRAM, str(settings.TELEGRAM_CHAT_ID), kind, text, order=order)


def _owner_email():
    return settings.SHOP_OWNER_EMAIL or _shop().email


def order_placed(order):
    _email(
        order,
        "order_placed",
        _("order %(number)s is waiting for payment") % {"number": order.number},
        f"order:{order.pk}:placed",
    )


def order_paid(order, payment=None):
    key = f"order:{order.pk}:paid"
    extra = {"payment": payment}
    _email(
        order,
        "payment_received",
        _("receipt for order %(number)s") % {"number": order.number},
        key,
        extra=extra,
    )
    _email(
        order,
        "owner_order_paid",
        _("new paid order %(number)s") % {"number": order.number},
        key,
        recipient=_owner_email(),
        extra=extra,
    )
    items = "\n".join(
        f"• {line.quantity} × {html.escape(line.title)}"
        + (f" ({html.escape(line.variant_name)})" if line.variant_name else "")
        for line in order.lines.all()
    )
    _telegram(
        key,
        "owner_order_paid",
        f"💰 <b>Paid order {order.number}</b>\n{items}\n"
        f"Total: <b>{money.format_money(order.total, order.currency)}</b>\n"
        f"Customer: {html.escape(order.name)}, {html.escape(order.phone)}\n"
        f"Delivery: {html.escape(order.delivery_label)}, {html.escape(order.province)}\n"
        f"{_order_url(order)}",
        order=order,
    )


def order_status_changed(order, status):
    subjects = {
        "shipped": _("order %(number)s is on its way"),
        "cancelled": _("order %(number)s is cancelled"),
        "expired": _("order %(number)s expired unpaid"),
        "refunded": _("order %(number)s was refunded"),
    }
    if status in subjects:
        _email(
            order,
            f"order_{status}",
            subjects[status] % {"number": order.number},
            f"order:{order.pk}:{status}",
        )


def late_payment(payment):
    order = payment.order
    key = f"payment:{payment.pk}:needs-attention"
    extra = {"payment": payment}
    _email(
        order,
        "owner_late_payment",
        _("payment for order %(number)s needs attention") % {"number": order.number},
        key,
        recipient=_owner_email(),
        extra=extra,
    )
    amount = (
        money.format_money(payment.paid_amount, payment.paid_currency)
        if payment.paid_currency in (money.USD, money.KHR)
        else payment.paid_amount
    )
    _telegram(
        key,
        "owner_late_payment",
        f"⚠️ <b>Payment needs attention</b>: order {order.number}\n"
        f"{html.escape(payment.attention_reason)}\nReceived {amount} from {html.escape(payment.payer_account)}.",
        order=order,
    )


def low_stock(record, order=None):
    """An item fell to its low-stock threshold (``order`` is the sale that caused it)."""
    when = f"order:{order.pk}" if order else timezone.now().strftime("%Y%m%d%H%M")
    _telegram(
        f"stock:{record.pk}:low:{when}",
        "owner_low_stock",
        f"📦 <b>Low stock</b>: {html.escape(record.item_title)} ({html.escape(record.item_sku)}) has "
        f"{record.quantity} left.",
        order=order,
    )


# --- sending --------------------------------------------------------------------------------


def _claim(notification_id, now):
    """Take a due message for this worker; ``False`` if another worker has it."""
    due = models.Q(state=Notification.State.PENDING, next_attempt_at__lte=now) | models.Q(
        state=Notification.State.SENDING, next_attempt_at__lte=now
    )
    return bool(
        Notification.objects.filter(due, pk=notification_id).update(
            state=Notification.State.SENDING,
            attempts=models.F("attempts") + 1,
            # A claim older than this belongs to a worker that crashed mid-send.
            next_attempt_at=now + timedelta(seconds=settings.SHOP_NOTIFICATION_LEASE_SECONDS),
        )
    )


def _send(notification):
    if notification.channel == EMAIL:
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
            headers={"Message-ID": f"<notification-{notification.pk}@{settings.SHOP_MAIL_DOMAIN}>"},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send(fail_silently=False)
    else:
        telegram.send_message(notification.body_text, chat_id=notification.recipient)


def deliver_notifications(now=None, limit=100):
    """Send every due message once; failures wait longer each time. Returns counts."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        state__in=[Notification.State.PENDING, Notification.State.SENDING], next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:limit]
    counts = {"sent": 0, "failed": 0}
    for notification_id in list(due):
        if not _claim(notification_id, now):
            continue
        notification = Notification.objects.get(pk=notification_id)
        try:
            _send(notification)
        except Exception as error:  # noqa: BLE001  (any failure: try again later)
            pause = RETRY_PAUSES[min(notification.attempts, len(RETRY_PAUSES)) - 1]
            # Error texts can quote URLs, headers or server replies holding a token or the
            # SMTP password: only a redacted description is stored and logged.
            reason = describe_error(error)
            Notification.objects.filter(pk=notification.pk).update(
                state=Notification.State.PENDING,
                next_attempt_at=timezone.now() + timedelta(seconds=pause),
                last_error=reason[:500],
            )
            logger.warning(
                "Could not send %s (attempt %s): %s", notification, notification.attempts, reason
            )
            counts["failed"] += 1
            continue
        Notification.objects.filter(pk=notification.pk).update(
            state=Notification.State.SENT, sent_at=timezone.now(), last_error=""
        )
        counts["sent"] += 1
    return counts
