"""What staff do to an order from the admin, as use cases: the moves the status machine
allows (``Order.staff_moves``, from ``TRANSITIONS``), notes, and asking for a message again.
The admin's views only translate a button press into ``perform_staff_action``."""

from django.utils import translation
from django.utils.translation import gettext as _

from checkout import events
from checkout.models import STAFF_MOVES, Courier, Order, OrderNote, RefundMethod, Status
from checkout.orders import mark_paid_by_hand, record_cash, ship_order
from checkout.refunds import record_refund
from checkout.status import change_status
from kernel.errors import Conflict, ShopError

RESEND_PAYMENT_REQUEST = "resend_payment"
RESEND_RECEIPT = "resend_receipt"
RECORD_CASH = "record_cash"
NOTE = "note"


def available_actions(order):
    """``[(action, label, needs a reason)]`` for the order's page: the status moves the
    machine allows now, then the messages it can resend."""
    actions = []
    if order.cash_due and order.status != Status.AWAITING_CONFIRMATION:
        actions.append(
            (
                RECORD_CASH,
                _("Cash received: %(total)s") % {"total": order.total_display},
                False,
            )
        )
    actions += [(action, label, needs) for _target, action, label, needs in order.staff_moves()]
    if order.status == Status.AWAITING_PAYMENT:
        actions.append((RESEND_PAYMENT_REQUEST, _("Resend the payment e-mail"), False))
    if order.is_paid:
        actions.append((RESEND_RECEIPT, _("Resend the receipt"), False))
    return actions


def perform_staff_action(order_id, action, by, reason="", refund=None, shipment=None):
    """Do ``action`` (from ``available_actions``, or ``note``) to the order. Returns a short
    message for staff; raises ``ShopError`` (missing reason, unknown action) or ``Conflict``
    (the order moved on meanwhile: nothing was changed).

    ``refund`` holds the refund form's other fields for the "refund" action: ``amount`` (empty:
    all that is left), ``method``, ``reference`` and ``restock`` (``{line id: units}``);
    ``shipment`` the "shipped" action's: ``courier`` (a ``Courier`` id or "") and
    ``tracking_number``."""
    reason = (reason or "").strip()[:200]
    order = Order.objects.get(pk=order_id)
    if action == NOTE:
        if not reason:
            raise ShopError(_("Write the note first."), fields={"reason": [_("Required.")]})
        OrderNote.objects.create(order=order, author=by, text=reason)
        return _("Note added.")
    if action == RECORD_CASH:
        record_cash(order.pk, by)
        return _("Cash recorded: the order is paid.")
    if action in (RESEND_PAYMENT_REQUEST, RESEND_RECEIPT):
        offered = {key for key, _label, _needs in available_actions(order)}
        if action not in offered:
            raise Conflict(_("This message does not fit the order's status any more."))
        kind = "payment_request" if action == RESEND_PAYMENT_REQUEST else "receipt"
        events.message_resend_requested.send(sender=Order, order=order, kind=kind, by=by)
        return _("The e-mail is queued to be sent again.")
    moves = {key: (target, label, needs) for target, key, label, needs in order.staff_moves()}
    if action not in moves:
        known = {key: target for target, (key, _label, _needs) in STAFF_MOVES.items()}
        if known.get(action) == Status.PAID:
            raise Conflict(
                _("This order is no longer waiting for a payment; nothing was changed."),
                code="not_awaiting_payment",
            )
        if action in known:
            raise Conflict(
                _("This order can no longer be moved there; nothing was changed."),
                code="invalid_transition",
            )
        raise ShopError(_("Unknown action."))
    target, label, needs_reason = moves[action]
    if needs_reason and not reason:
        raise ShopError(
            _("%(action)s: please give a reason.") % {"action": label},
            fields={"reason": [_("Required.")]},
        )
    if target == Status.PAID:
        mark_paid_by_hand(order.pk, by, reason)
    elif target == Status.SHIPPED:
        shipment = shipment or {}
        courier = None
        if shipment.get("courier"):
            courier = Courier.objects.filter(pk=shipment["courier"], is_active=True).first()
            if courier is None:
                raise ShopError(_("Unknown courier."), fields={"courier": [_("Unknown courier.")]})
        ship_order(order.pk, by, courier=courier, tracking_number=shipment.get("tracking_number"))
    elif target == Status.REFUNDED:
        refund = refund or {}
        done = record_refund(
            order.pk,
            by,
            amount=refund.get("amount") or None,
            reason=reason,
            method=refund.get("method") or RefundMethod.OTHER,
            reference=refund.get("reference", ""),
            restock=refund.get("restock"),
        )
        return _("Refund of %(amount)s recorded.") % {"amount": done.amount_display}
    else:
        if not reason:
            # The audit trail's own words are stored in English, whoever pressed the button.
            with translation.override(None):
                reason = str(label)
        changed = change_status(
            order.pk, target, by=by, reason=reason, only_from={Status(order.status)}
        )
        if changed is None:  # moved on since the page was shown (another click, a colleague)
            raise Conflict(
                _("The order changed meanwhile; nothing was changed. Look at it again."),
                code="order_changed",
            )
    return _("Done: %(action)s.") % {"action": label}
