"""What each event says, to whom: the outbox rows an event queues, and how a row becomes the
words that are sent.

Queuing happens in the event's transaction (receivers of ``checkout.events``), so a message
exists exactly when its event does; each (event, channel, recipient) is one row. A row is
queued with what it is about (the order, a payment, a stock level) and rendered by the
worker when it is sent (``render``), outside the transaction that caused it: an order's
placement never waits on templates while it holds stock rows.
"""

import html

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from checkout.models import Payment
from kernel import money
from kernel.models import ShopSettings
from notifications import telegram
from notifications.models import EMAIL, TELEGRAM, Notification

# The e-mail subjects by kind (after "<shop name>: ").
SUBJECTS = {
    "order_placed": lambda order: (
        _("order %(number)s is waiting for payment") % {"number": order.number}
    ),
    "payment_received": lambda order: _("receipt for order %(number)s") % {"number": order.number},
    "owner_order_paid": lambda order: _("new paid order %(number)s") % {"number": order.number},
    "order_shipped": lambda order: _("order %(number)s is on its way") % {"number": order.number},
    "order_cancelled": lambda order: _("order %(number)s is cancelled") % {"number": order.number},
    "order_expired": lambda order: _("order %(number)s expired unpaid") % {"number": order.number},
    "order_refunded": lambda order: _("order %(number)s was refunded") % {"number": order.number},
    "owner_late_payment": lambda order: (
        _("payment for order %(number)s needs attention") % {"number": order.number}
    ),
}
# Statuses whose change the shopper is told about, by e-mail of this kind.
STATUS_EMAILS = {
    "shipped": "order_shipped",
    "cancelled": "order_cancelled",
    "expired": "order_expired",
    "refunded": "order_refunded",
}


def _queue(event_key, channel, recipient, kind, order=None, data=None):
    if not recipient:
        return None
    notification, _created = Notification.objects.get_or_create(
        event_key=event_key[:120],
        channel=channel,
        recipient=recipient[:254],
        defaults={"kind": kind, "order": order, "data": data or {}, "body_text": ""},
    )
    return notification


def shop_settings():
    site = Site.objects.filter(is_default_site=True).first()
    return ShopSettings.for_site(site) if site else ShopSettings()


def owner_email():
    return settings.SHOP_OWNER_EMAIL or shop_settings().email


def _payment_data(payment):
    return {"payment_id": payment.pk} if payment is not None else {}


def email(order, kind, event_key, recipient=None, payment=None):
    return _queue(event_key, EMAIL, recipient or order.email, kind, order, _payment_data(payment))


def telegram_message(event_key, kind, order=None, data=None):
    if telegram.telegram_enabled():
        _queue(event_key, TELEGRAM, str(settings.TELEGRAM_CHAT_ID), kind, order, data)


# --- what each event queues -----------------------------------------------------------------


def order_placed(order):
    email(order, "order_placed", f"order:{order.pk}:placed")


def order_paid(order):
    key = f"order:{order.pk}:paid"
    payment = order.paid_payment
    email(order, "payment_received", key, payment=payment)
    email(order, "owner_order_paid", key, recipient=owner_email(), payment=payment)
    telegram_message(key, "owner_order_paid", order=order)


def order_status_changed(order, status):
    if status in STATUS_EMAILS:
        email(order, STATUS_EMAILS[status], f"order:{order.pk}:{status}")


def late_payment(payment):
    order = payment.order
    key = f"payment:{payment.pk}:needs-attention"
    email(order, "owner_late_payment", key, recipient=owner_email(), payment=payment)
    telegram_message(key, "owner_late_payment", order=order, data=_payment_data(payment))


def low_stock(record, order=None):
    """An item fell to its low-stock threshold (``order`` is the sale that caused it)."""
    when = f"order:{order.pk}" if order else timezone.now().strftime("%Y%m%d%H%M")
    telegram_message(
        f"stock:{record.pk}:low:{when}",
        "owner_low_stock",
        order=order,
        data={"item": record.item_title, "sku": record.item_sku, "left": record.quantity},
    )


def resend(order, kind):
    """Queue an order's payment request or receipt again, as a new event (so it is sent even
    if the first one was)."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    if kind == "payment_request":
        email(order, "order_placed", f"order:{order.pk}:placed:resent:{stamp}")
    else:
        email(
            order,
            "payment_received",
            f"order:{order.pk}:paid:resent:{stamp}",
            payment=order.paid_payment,
        )


# --- rendering, when a message is sent ------------------------------------------------------


def _order_url(order):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + order.get_absolute_url()


def _payment(notification):
    payment_id = notification.data.get("payment_id")
    return Payment.objects.filter(pk=payment_id).first() if payment_id else None


def render(notification):
    """``(subject, text, html)`` of a queued message. Rows queued before messages were
    rendered at send time already carry their words and are sent as they are."""
    if notification.body_text:
        return notification.subject, notification.body_text, notification.body_html
    order = notification.order
    if notification.channel == TELEGRAM:
        return "", _telegram_text(notification, order), ""
    shop = shop_settings()
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "shop": shop,
        "order_url": _order_url(order),
        "kind": notification.kind,
        "fmt": lambda amount: money.format_money(amount, order.currency),
        "payment": _payment(notification),
    }
    text = render_to_string(f"checkout/email/{notification.kind}.txt", context)
    body_html = render_to_string(f"checkout/email/{notification.kind}.html", context)
    subject = f"{shop.shop_name}: {SUBJECTS[notification.kind](order)}"
    return subject, text, body_html


def _amount(value, currency):
    if currency in (money.USD, money.KHR) and value is not None:
        return money.format_money(value, currency)
    return str(value)


def _telegram_text(notification, order):
    if notification.kind == "owner_order_paid":
        items = "\n".join(
            f"• {line.quantity} × {html.escape(line.title)}"
            + (f" ({html.escape(line.variant_name)})" if line.variant_name else "")
            for line in order.lines.all()
        )
        return (
            f"💰 <b>Paid order {order.number}</b>\n{items}\n"
            f"Total: <b>{money.format_money(order.total, order.currency)}</b>\n"
            f"Customer: {html.escape(order.name)}, {html.escape(order.phone)}\n"
            f"Delivery: {html.escape(order.delivery_label)}, {html.escape(order.province)}\n"
            f"{_order_url(order)}"
        )
    if notification.kind == "owner_late_payment":
        payment = _payment(notification)
        return (
            f"⚠️ <b>Payment needs attention</b>: order {order.number}\n"
            f"{html.escape(payment.attention_reason)}\n"
            f"Received {_amount(payment.paid_amount, payment.paid_currency)} "
            f"from {html.escape(payment.payer_account)}."
        )
    data = notification.data
    return (
        f"📦 <b>Low stock</b>: {html.escape(data['item'])} ({html.escape(data['sku'])}) has "
        f"{data['left']} left."
    )
