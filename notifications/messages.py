"""What each event says, to whom: the outbox rows an event queues, and how a row becomes the
words that are sent.

Queuing happens in the event's transaction (receivers of ``checkout.events``), so a message
exists exactly when its event does; each (event, channel, recipient) is one row. A row is
queued with what it is about (the order, a payment, a stock level) and rendered by the
worker when it is sent (``render``), outside the transaction that caused it: an order's
placement never waits on templates while it holds stock rows.

Each message is rendered in its reader's language: the shopper's in the language they
ordered in (``Order.language``), the shop's own (new paid orders, late payments, low stock,
every Telegram message) in the owner's (``ShopSettings.owner_language``). Links point at the
order's page in that language.
"""

import html

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from checkout.models import Payment, Refund
from kernel import money
from kernel.i18n import url_in_language
from kernel.models import ShopSettings
from notifications import contact, telegram
from notifications.models import EMAIL, TELEGRAM, Notification

# The e-mail subjects by kind (after "<shop name>: ").
SUBJECTS = {
    "order_placed": lambda order: (
        _("order %(number)s is waiting for payment") % {"number": order.number}
    ),
    "payment_received": lambda order: _("receipt for order %(number)s") % {"number": order.number},
    "owner_order_paid": lambda order: _("new paid order %(number)s") % {"number": order.number},
    "order_shipped": lambda order: _("order %(number)s is on its way") % {"number": order.number},
    "order_processing": lambda order: (
        _("order %(number)s is confirmed and being prepared") % {"number": order.number}
    ),
    "order_delivered": lambda order: _("order %(number)s was delivered") % {"number": order.number},
    "order_cancelled": lambda order: _("order %(number)s is cancelled") % {"number": order.number},
    "order_expired": lambda order: _("order %(number)s expired unpaid") % {"number": order.number},
    "order_refunded": lambda order: _("order %(number)s was refunded") % {"number": order.number},
    "refund_recorded": lambda order: _("a refund for order %(number)s") % {"number": order.number},
    "cod_order_placed": lambda order: (
        _("order %(number)s is received: we will call you to confirm it") % {"number": order.number}
    ),
    "owner_cod_order": lambda order: (
        _("new cash on delivery order %(number)s to confirm") % {"number": order.number}
    ),
    "owner_late_payment": lambda order: (
        _("payment for order %(number)s needs attention") % {"number": order.number}
    ),
}
# Messages for the shop rather than the shopper: in the owner's language.
OWNER_KINDS = {"owner_order_paid", "owner_late_payment", "owner_low_stock", "owner_cod_order"}
# Statuses whose change the shopper is told about, by e-mail of this kind.
STATUS_EMAILS = {
    "processing": "order_processing",
    "shipped": "order_shipped",
    "delivered": "order_delivered",
    "cancelled": "order_cancelled",
    "expired": "order_expired",
    # "refunded" is told by the refund's own message (``refund_recorded``), with its amount.
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


def email(order, kind, event_key, recipient=None, payment=None, data=None):
    data = _payment_data(payment) | (data or {})
    return _queue(event_key, EMAIL, recipient or order.email, kind, order, data)


def telegram_message(event_key, kind, order=None, data=None):
    if telegram.telegram_enabled():
        _queue(event_key, TELEGRAM, str(settings.TELEGRAM_CHAT_ID), kind, order, data)


# --- what each event queues -----------------------------------------------------------------


def order_placed(order):
    key = f"order:{order.pk}:placed"
    if order.is_cash_on_delivery:
        # The owner hears of every one: each holds stock until staff confirm it.
        email(order, "cod_order_placed", key)
        email(order, "owner_cod_order", key, recipient=owner_email())
        telegram_message(key, "owner_cod_order", order=order)
    else:
        email(order, "order_placed", key)


def refund_recorded(order, refund):
    in_full = order.refunded_total >= order.total  # this refund included: told as it was then
    email(
        order,
        "refund_recorded",
        f"refund:{refund.pk}",
        data={"refund_id": refund.pk, "in_full": in_full},
    )


def cash_recorded(order):
    """The receipt of a cash on delivery order, once staff recorded its cash."""
    email(order, "payment_received", f"order:{order.pk}:paid")


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
    """The order's page in the message's language (the active one): the shopper's own
    messages link to it in the language they ordered in, the owner's in the owner's."""
    path = url_in_language(order.get_absolute_url(), translation.get_language())
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _payment(notification):
    payment_id = notification.data.get("payment_id")
    return Payment.objects.filter(pk=payment_id).first() if payment_id else None


def message_language(notification, shop):
    """The language a message is written in: the owner's for the shop's own messages, else
    the language the shopper ordered in."""
    if notification.channel == TELEGRAM or notification.kind in OWNER_KINDS:
        language = shop.owner_language
    else:
        language = getattr(notification.order, "language", "")
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def render(notification):
    """``(subject, text, html)`` of a queued message, in its reader's language. Rows queued
    before messages were rendered at send time already carry their words and are sent as
    they are."""
    if notification.kind == contact.KIND and not notification.body_text:
        # A shopper's message from a contact page: about no order, to the owner.
        return contact.render(notification, shop_settings())
    if notification.body_text:
        return notification.subject, notification.body_text, notification.body_html
    shop = shop_settings()
    with translation.override(message_language(notification, shop)):
        return _render(notification, shop)


def amount_text(value, currency):
    """An amount's digits as the shop writes them in every language, with the currency's own
    decimals so that amounts in one column line up: "12.00" and "9.50" dollars, "51,300" riel
    (whatever separators the language's number format would use)."""
    return f"{value:,.0f}" if currency == money.KHR else f"{value:,.2f}"


def _render(notification, shop):
    order = notification.order
    if notification.channel == TELEGRAM:
        return "", _telegram_text(notification, order), ""
    lines = list(order.lines.all())
    for line in lines:
        line.total_text = amount_text(line.line_total, order.currency)
    payment = _payment(notification)
    refund_id = notification.data.get("refund_id")
    refund = Refund.objects.filter(pk=refund_id).first() if refund_id else None
    context = {
        "order": order,
        "lines": lines,
        "amounts": {
            "subtotal": amount_text(order.subtotal, order.currency),
            "delivery_fee": amount_text(order.delivery_fee, order.currency),
            "discount": amount_text(order.discount_amount, order.currency),
            "total": amount_text(order.total, order.currency),
            "paid": amount_text(payment.paid_amount, order.currency)
            if payment is not None and payment.paid_amount is not None
            else "",
        },
        "shop": shop,
        "order_url": _order_url(order),
        "kind": notification.kind,
        "fmt": lambda amount: money.format_money(amount, order.currency),
        "payment": payment,
        "refund": refund,
        "refund_amount": amount_text(refund.amount, refund.currency) if refund else "",
        "refunded_in_full": bool(notification.data.get("in_full")),
    }
    text = render_to_string(f"checkout/email/{notification.kind}.txt", context)
    body_html = render_to_string(f"checkout/email/{notification.kind}.html", context)
    subject = f"{shop.shown_name}: {SUBJECTS[notification.kind](order)}"
    return subject, text, body_html


def _amount(value, currency):
    if currency in (money.USD, money.KHR) and value is not None:
        return money.format_money(value, currency)
    return str(value)


def _telegram_text(notification, order):
    if notification.kind in ("owner_order_paid", "owner_cod_order"):
        items = "\n".join(
            f"• {line.quantity} × {html.escape(line.shown_title)}"
            + (f" ({html.escape(line.shown_variant_name)})" if line.variant_name else "")
            for line in order.lines.all()
        )
        return "\n".join(
            [
                "💰 " + _("<b>Paid order %(number)s</b>") % {"number": order.number}
                if notification.kind == "owner_order_paid"
                else "📞 "
                + _("<b>Cash on delivery order %(number)s</b>: confirm it by %(deadline)s")
                % {
                    "number": order.number,
                    "deadline": formats.date_format(
                        timezone.localtime(order.expires_at), "DATETIME_FORMAT"
                    ),
                },
                items,
                _("Total: %(amount)s")
                % {"amount": f"<b>{money.format_money(order.total, order.currency)}</b>"},
                _("Customer: %(name)s, %(phone)s")
                % {"name": html.escape(order.name), "phone": html.escape(order.phone)},
                _("Delivery: %(method)s, %(province)s")
                % {
                    "method": html.escape(order.in_language("delivery_label")),
                    "province": html.escape(str(order.province_label)),
                },
                _order_url(order),
            ]
        )
    if notification.kind == "owner_late_payment":
        payment = _payment(notification)
        return "\n".join(
            [
                "⚠️ "
                + _("<b>Payment needs attention</b>: order %(number)s") % {"number": order.number},
                html.escape(payment.attention_summary),
                _("Received %(amount)s from %(payer)s.")
                % {
                    "amount": _amount(payment.paid_amount, payment.paid_currency),
                    "payer": html.escape(payment.payer_account),
                },
            ]
        )
    data = notification.data
    return "📦 " + _("<b>Low stock</b>: %(item)s (%(sku)s) has %(left)s left.") % {
        "item": html.escape(data["item"]),
        "sku": html.escape(data["sku"]),
        "left": data["left"],
    }
