"""The order status machine as a use case: move a locked order to a new status if
``TRANSITIONS`` allows it, give back or take again its stock, write the audit row, and
announce the change (``checkout.events.order_status_changed``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.inventory import OutOfStock, release_stock, reserve_stock
from checkout import events
from checkout.models import (
    RELEASES_STOCK,
    TRANSITIONS,
    InvalidTransition,
    Order,
    OrderStatusChange,
    Status,
)
from kernel.errors import Conflict


def set_status(order, new_status, by=None, reason=""):
    """Move a locked order to ``new_status`` if the machine allows it, and record the change.

    The caller holds the order's row lock (``select_for_update``) inside a transaction, so
    two processes noticing the same event cannot both apply it.
    """
    new_status = Status(new_status)
    old_status = Status(order.status)
    if new_status not in TRANSITIONS[old_status]:
        raise InvalidTransition(
            _("An order that is %(old)s cannot become %(new)s.")
            % {"old": old_status.label.lower(), "new": new_status.label.lower()}
        )
    # Stock first: when it is gone, nothing about the order changes, in memory either.
    fields = ["status"]
    if (old_status, new_status) in RELEASES_STOCK and not order.stock_released:
        release_stock(order.reserved_items())
        order.stock_released = True
        fields.append("stock_released")
    elif order.stock_released and new_status in (Status.AWAITING_PAYMENT, Status.PAID):
        try:
            reserve_stock(order.reserved_items())
        except OutOfStock as shortage:
            raise Conflict(
                _("The items of this order are no longer in stock."), code="insufficient_stock"
            ) from shortage
        order.stock_released = False
        fields.append("stock_released")
    order.status = new_status
    if new_status == Status.PAID and order.paid_at is None:
        order.paid_at = timezone.now()
        fields.append("paid_at")
    if new_status == Status.SHIPPED and order.shipped_at is None:
        order.shipped_at = timezone.now()
        fields.append("shipped_at")
    if new_status == Status.DELIVERED and order.delivered_at is None:
        order.delivered_at = timezone.now()
        fields.append("delivered_at")
    order.save(update_fields=fields)
    OrderStatusChange.objects.create(
        order=order,
        from_status=old_status,
        to_status=new_status,
        changed_by=by if by is not None and by.is_authenticated else None,
        reason=reason[:255],
    )
    events.order_status_changed.send(
        sender=Order,
        order=order,
        old_status=old_status,
        new_status=new_status,
        by=by if by is not None and by.is_authenticated else None,
        reason=reason,
    )
    return order


def change_status(order_id, new_status, by=None, reason="", only_from=None):
    """Lock the order and change its status; ``only_from`` skips orders no longer in it.

    Returns the order if it changed, ``None`` if it was skipped.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if only_from is not None and order.status not in only_from:
            return None
        return set_status(order, new_status, by=by, reason=reason)
