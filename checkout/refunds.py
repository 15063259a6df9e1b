"""Giving money back: ``record_refund`` writes an unchangeable refund (full or part of what
was paid, with its method and reason), puts back on the shelf the units staff choose, and
moves the order to REFUNDED once everything paid has been given back.

Staff pay the money back themselves (a bank transfer, cash): the shop records what they did,
and tells the shopper exactly that, in their language (``checkout.events.refund_recorded``).
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.inventory import release_stock
from checkout import events
from checkout.models import Order, Refund, RefundLine, RefundMethod, Status
from checkout.status import set_status
from kernel import money
from kernel.errors import Conflict, ShopError


def restocked_so_far(order):
    """``{order line id: units already put back}`` by earlier refunds."""
    done = {}
    for line_id, units in RefundLine.objects.filter(refund__order=order).values_list(
        "order_line_id", "restocked"
    ):
        done[line_id] = done.get(line_id, 0) + units
    return done


def parse_amount(raw, currency):
    """Staff's amount as a Decimal of the currency's precision, or ``ShopError``."""
    try:
        amount = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ShopError(
            _("Enter the amount as a number, like 12.50."), fields={"amount": [_("Not a number.")]}
        ) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise ShopError(_("Enter a real amount."), fields={"amount": [_("Not an amount.")]})
    if amount != money.round_amount(amount, currency):
        raise ShopError(
            _("Enter the amount with at most the currency's decimals."),
            fields={"amount": [_("Too many decimals.")]},
        )
    return amount


def record_refund(order_id, by, amount, reason, method, reference="", restock=None):
    """Record a refund of ``amount`` (the order's currency; ``None``: all that is left) and
    put ``restock`` (``{order line id: units}``) back in stock, all or nothing.

    Refused (``ShopError``) without a reason, with an unknown method, for an amount that is
    not positive or more than what is left to refund, for more units than a line sold (less
    what earlier refunds put back), and for an order the shop has no money for.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ShopError(_("Say why the money is given back."), fields={"reason": [_("Required.")]})
    if method not in RefundMethod.values:
        raise ShopError(
            _("Choose how the money was given back."), fields={"method": [_("Required.")]}
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.paid_at is None or order.status not in (
            Status.PAID,
            Status.PROCESSING,
            Status.SHIPPED,
            Status.DELIVERED,
        ):
            raise Conflict(
                _("This order has no payment to refund; nothing was changed."),
                code="nothing_to_refund",
            )
        left = order.total - order.refunded_total
        if amount is None:
            amount = left
        amount = parse_amount(amount, order.currency)
        if amount <= 0:
            raise ShopError(
                _("The amount must be more than zero."), fields={"amount": [_("Too small.")]}
            )
        if amount > left:
            raise ShopError(
                _("At most %(left)s is left to refund on this order.")
                % {"left": money.format_money(left, order.currency)},
                fields={"amount": [_("Too large.")]},
            )
        lines = {line.pk: line for line in order.lines.all()}
        done = restocked_so_far(order)
        units = {}
        for line_id, quantity in (restock or {}).items():
            if not quantity:
                continue
            line = lines.get(line_id)
            if line is None or quantity < 0:
                raise ShopError(_("Unknown item."), fields={"restock": [_("Unknown item.")]})
            if quantity > line.quantity - done.get(line_id, 0):
                raise ShopError(
                    _("%(item)s: at most %(count)d can go back on the shelf.")
                    % {"item": line.shown_title, "count": line.quantity - done.get(line_id, 0)},
                    fields={f"restock_{line_id}": [_("Too many.")]},
                )
            units[line_id] = quantity
        refund = Refund.objects.create(
            order=order,
            amount=amount,
            currency=order.currency,
            method=method,
            reference=(reference or "").strip()[:120],
            reason=reason[:255],
            created_by=by if by is not None and by.is_authenticated else None,
        )
        RefundLine.objects.bulk_create(
            [
                RefundLine(refund=refund, order_line=lines[line_id], restocked=quantity)
                for line_id, quantity in units.items()
            ]
        )
        back = {}
        for line_id, quantity in units.items():
            line = lines[line_id]
            if line.product_id is not None:
                key = (line.product_id, line.variant_key)
                back[key] = back.get(key, 0) + quantity
        release_stock(back)
        if amount == left:
            set_status(order, Status.REFUNDED, by=by, reason=f"Refunded in full: {reason}")
        events.refund_recorded.send(sender=Order, order=order, refund=refund)
    return refund
