"""Messages follow events: each receiver queues what an event says (``messages``) in the
event's own transaction, and asks the worker to send once that transaction commits.
Connected in ``NotificationsConfig.ready``."""

from django.db import transaction

from catalog import events as catalog_events
from checkout import events
from checkout.models import Status
from notifications import contact, messages
from notifications.tasks import wake_worker


def _then_send():
    transaction.on_commit(wake_worker)


def on_order_placed(sender, order, **kwargs):
    messages.order_placed(order)
    _then_send()


def on_status_changed(sender, order, new_status, **kwargs):
    if new_status == Status.PAID:
        messages.order_paid(order)
    else:
        messages.order_status_changed(order, new_status)
    _then_send()


def on_refund_recorded(sender, order, refund, **kwargs):
    messages.refund_recorded(order, refund)
    _then_send()


def on_cash_recorded(sender, order, **kwargs):
    messages.cash_recorded(order)
    _then_send()


def on_payment_needs_attention(sender, payment, **kwargs):
    messages.late_payment(payment)
    _then_send()


def on_stock_ran_low(sender, order, records, **kwargs):
    for record in records:
        messages.low_stock(record, order=order)
    _then_send()


def on_resend_requested(sender, order, kind, **kwargs):
    messages.resend(order, kind)
    _then_send()


def connect():
    events.order_placed.connect(on_order_placed, dispatch_uid="notifications.placed")
    events.order_status_changed.connect(on_status_changed, dispatch_uid="notifications.status")
    events.cash_recorded.connect(on_cash_recorded, dispatch_uid="notifications.cash")
    events.refund_recorded.connect(on_refund_recorded, dispatch_uid="notifications.refund")
    events.payment_needs_attention.connect(
        on_payment_needs_attention, dispatch_uid="notifications.attention"
    )
    events.stock_ran_low.connect(on_stock_ran_low, dispatch_uid="notifications.low_stock")
    events.message_resend_requested.connect(
        on_resend_requested, dispatch_uid="notifications.resend"
    )
    catalog_events.contact_message_received.connect(
        on_contact_message, dispatch_uid="notifications.contact"
    )


def on_contact_message(sender, page, submission, **kwargs):
    """A shopper's message from a contact page: the owner's e-mail, sent by the worker."""
    contact.queue_owner_email(page, submission, messages.owner_email())
    _then_send()
