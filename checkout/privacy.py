"""Personal data in checkout's records: gathering a customer's orders and saved addresses for
a download, and anonymising orders.

An order is an accounting record as well as a delivery slip. The books need what was sold, at
which prices, when, and what happened to it (lines, amounts, dates, statuses, payments,
refunds); only the delivery needs who and where (name, phone, e-mail, address, note). So an
order is never deleted for privacy: its personal fields are overwritten (``anonymise_orders``)
and the rest stays. An order the shop still has to deliver, collect cash for, or settle a
payment of is *open* (``open_orders``) and keeps its details until it closes; callers refuse
to erase it meanwhile (``OrdersStillOpen``).

The accounts app (a customer deleting their account) and the back office (staff erasing a
guest's data, the retention job) call this module; it imports neither. Messages in the outbox
about these orders belong to the notifications app, which checkout cannot see: the back office
clears them (``backoffice.privacy``).
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from checkout.models import (
    NEEDS_ATTENTION,
    Address,
    CustomerKey,
    DiscountUse,
    Order,
    OrderNote,
    OrderStatusChange,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Status,
    new_order_token,
)
from checkout.orders import customer_key
from checkout.payments import LATE_CHECK_WINDOW
from kernel.errors import Conflict

# What an anonymised order says instead of the customer's details. Stored data, like the
# English audit lines elsewhere, so it is not translated. The phone number doubles as the
# mark of an anonymised order: a real one is always "+855…" (the checkout normalises it).
ERASED_NAME = "Deleted customer"
ERASED = "-"
# What a staff note on an anonymised order is replaced with (notes may hold a phone number or
# directions); who wrote it and when stay.
ERASED_NOTE = "(Removed with the customer's personal data.)"

# Statuses in which the shop still needs to reach the customer.
OPEN_STATUSES = (
    Status.AWAITING_PAYMENT,
    Status.AWAITING_CONFIRMATION,
    Status.PAID,
    Status.PROCESSING,
    Status.SHIPPED,
)
FINISHED_STATUSES = (
    Status.DELIVERED,
    Status.CANCELLED,
    Status.EXPIRED,
    Status.REFUNDED,
    Status.RETURNED,
)
# What a KHQR payment's stored Bakong reply keeps once the order is anonymised: the
# transaction itself, without the payer's account or anything they typed.
KEPT_BAKONG_FIELDS = (
    "hash",
    "amount",
    "currency",
    "toAccountId",
    "createdDateMs",
    "acknowledgedDateMs",
    "externalRef",
)


class OrdersStillOpen(Conflict):
    """Personal data that the shop still needs for open orders cannot be erased yet."""

    code = "orders_still_open"

    def __init__(self, numbers):
        self.numbers = list(numbers)
        message = ngettext(
            "Order %(numbers)s is not finished yet: the shop still needs its delivery details. "
            "Try again once it is delivered, cancelled or refunded.",
            "Orders %(numbers)s are not finished yet: the shop still needs their delivery "
            "details. Try again once they are delivered, cancelled or refunded.",
            len(self.numbers),
        ) % {"numbers": ", ".join(self.numbers)}
        super().__init__(message)


def _still_open(now):
    """The condition of an open order: one in an open status, a cash on delivery order whose
    cash is not in yet, or one with a payment that is pending, needs attention, or expired so
    recently that late money may still arrive (the sweep watches those for a day)."""
    payments = Payment.objects.filter(order=OuterRef("pk"))
    return (
        Q(status__in=OPEN_STATUSES)
        | Q(
            payment_method=PaymentMethod.CASH_ON_DELIVERY,
            paid_at__isnull=True,
            status=Status.DELIVERED,
        )
        | Exists(payments.filter(status=PaymentStatus.PENDING))
        | Exists(payments.filter(status__in=NEEDS_ATTENTION, resolved_at__isnull=True))
        | Exists(
            payments.filter(status=PaymentStatus.EXPIRED, expires_at__gte=now - LATE_CHECK_WINDOW)
        )
    )


def open_orders(orders, now=None):
    """The open orders among ``orders`` (a queryset)."""
    return orders.filter(_still_open(now or timezone.now()))


def anonymised():
    """The condition of an order whose personal fields are already gone."""
    return Q(phone=ERASED)


def finished_before(cutoff, now=None):
    """Finished orders, not anonymised yet, whose last status change (or placing, if they
    never changed) is older than ``cutoff``: what the retention setting lets go."""
    last_change = OrderStatusChange.objects.filter(order=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return (
        Order.objects.filter(status__in=FINISHED_STATUSES)
        .exclude(anonymised())
        .exclude(_still_open(now or timezone.now()))
        .annotate(
            finished_at=Coalesce(Subquery(last_change.values("created_at")[:1]), "created_at")
        )
        .filter(finished_at__lt=cutoff)
    )


# --- the download -----------------------------------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def _amount(value):
    return str(value) if value is not None else None


def export_addresses(user):
    """A customer's saved addresses, as plain data."""
    return [
        {
            "name": address.name,
            "phone": address.phone,
            "address": address.address,
            "province": address.province,
            "default": address.is_default,
            "saved_at": _when(address.created_at),
        }
        for address in Address.objects.filter(user=user)
    ]


def export_orders(orders, staff_notes=False):
    """``orders`` (a queryset) as plain data: what was bought, for how much, where it went,
    what happened to it, and the payments' public references (never the order's secret
    link, the KHQR string or who else paid).

    Staff notes are working notes: they may name staff, couriers or other people, so the
    customer's own download leaves them out. Staff answering a formal request get them
    (``staff_notes=True``) to review before passing anything on."""
    orders = orders.prefetch_related("lines", "status_changes", "payments", "refunds", "notes")
    exported = []
    for order in orders:
        entry = {
            "number": order.number,
            "placed_at": _when(order.created_at),
            "status": order.status,
            "status_label": str(order.get_status_display()),
            "language": order.language,
            "payment_method": order.payment_method,
            "currency": order.currency,
            "subtotal": _amount(order.subtotal),
            "discount": _amount(order.discount_amount),
            "discount_code": order.discount_code,
            "delivery_fee": _amount(order.delivery_fee),
            "total": _amount(order.total),
            "khr_per_usd": _amount(order.khr_per_usd),
            "paid_at": _when(order.paid_at),
            "delivery": {
                "name": order.name,
                "phone": order.phone,
                "email": order.email,
                "address": order.address,
                "province": order.province,
                "note": order.note,
                "method": order.delivery_label,
                "courier": order.courier_name,
                "tracking_number": order.tracking_number,
                "tracking_url": order.tracking_url,
                "shipped_at": _when(order.shipped_at),
                "delivered_at": _when(order.delivered_at),
            },
            "lines": [
                {
                    "title": line.title,
                    "variant": line.variant_name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "unit_price": _amount(line.unit_price),
                    "line_total": _amount(line.line_total),
                }
                for line in order.lines.all()
            ],
            "status_history": [
                {"status": change.to_status, "at": _when(change.created_at)}
                for change in order.status_changes.all()
            ],
            "payments": [
                {
                    "status": payment.status,
                    "amount": _amount(payment.amount),
                    "currency": payment.currency,
                    "created_at": _when(payment.created_at),
                    "bakong_reference": payment.external_ref,
                    "bakong_hash": payment.bakong_hash or "",
                }
                for payment in order.payments.all()
            ],
            "refunds": [
                {
                    "amount": _amount(refund.amount),
                    "currency": refund.currency,
                    "method": refund.method,
                    "reference": refund.reference,
                    "at": _when(refund.created_at),
                }
                for refund in order.refunds.all()
            ],
        }
        if staff_notes:
            entry["staff_notes"] = [
                {"text": note.text, "at": _when(note.created_at)} for note in order.notes.all()
            ]
        exported.append(entry)
    return exported


# --- anonymising ------------------------------------------------------------------------------


def _scrubbed_reply(reply):
    if not isinstance(reply, dict):
        return None
    return {key: reply[key] for key in KEPT_BAKONG_FIELDS if key in reply}


def anonymise_orders(order_ids, by=None, note="", now=None):
    """Overwrite the personal fields of the orders ``order_ids``, all or none; the numbers of
    the orders changed.

    Kept: lines, amounts, dates, statuses and their history, payments and refunds, the
    province (it counts in the sales figures and names nobody). Gone: name, phone, e-mail,
    address, delivery note, the tracking number and link (the courier's page shows the
    address), the payer's Bakong account, the text of staff notes, the phone and e-mail a
    discount use counted, and the customer's checkout lock rows once no order names them.
    Each order gets a new secret link, so links in old e-mails stop showing it, and
    ``note`` (when given) as a staff note by ``by``: the audit trail on the order itself.

    Raises ``OrdersStillOpen`` (and changes nothing) when any of them is open; the orders
    are locked first, so one that reopens meanwhile (late money) is seen."""
    now = now or timezone.now()
    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update().filter(pk__in=list(order_ids)).order_by("pk")
        )
        ids = [order.pk for order in orders]
        still_open = open_orders(Order.objects.filter(pk__in=ids), now)
        numbers = list(still_open.order_by("pk").values_list("number", flat=True))
        if numbers:
            raise OrdersStillOpen(numbers)
        to_do = [order for order in orders if order.phone != ERASED]
        phones = {order.phone for order in to_do}
        emails = {order.email for order in to_do if order.email}
        for order in to_do:
            order.name = ERASED_NAME
            order.email = ""
            order.phone = ERASED
            order.address = ERASED
            order.note = ""
            order.tracking_number = ""
            order.tracking_url = ""
            order.token = new_order_token()
            order.save(
                update_fields=[
                    "name",
                    "email",
                    "phone",
                    "address",
                    "note",
                    "tracking_number",
                    "tracking_url",
                    "token",
                ]
            )
        changed = [order.pk for order in to_do]
        for payment in Payment.objects.filter(order_id__in=changed).select_for_update():
            payment.payer_account = ""
            payment.raw_reply = _scrubbed_reply(payment.raw_reply)
            payment.save(update_fields=["payer_account", "raw_reply"])
        OrderNote.objects.filter(order_id__in=changed).update(text=ERASED_NOTE)
        DiscountUse.objects.filter(order_id__in=changed).update(phone=ERASED, email="")
        _forget_customer_keys(phones, emails)
        if note and changed:
            OrderNote.objects.bulk_create(
                [OrderNote(order_id=pk, author=by, text=note, created_at=now) for pk in changed]
            )
    return [order.number for order in to_do]


def _forget_customer_keys(phones, emails):
    """Delete the checkout's lock rows (``phone:+855…``, ``email:…``) of these phone numbers
    and e-mail addresses unless another order still names them. A checkout for the same
    number recreates its row when it needs one."""
    keys = {customer_key("phone", phone) for phone in phones}
    keys |= {customer_key("email", email) for email in emails}
    still_named = set()
    others = Order.objects.exclude(anonymised()).filter(Q(phone__in=phones) | Q(email__in=emails))
    for phone, email in others.values_list("phone", "email"):
        still_named.add(customer_key("phone", phone))
        if email:
            still_named.add(customer_key("email", email))
    CustomerKey.objects.filter(key__in=keys - still_named).delete()


def delete_addresses(user):
    """Delete a customer's saved addresses; how many there were."""
    deleted, _per_model = Address.objects.filter(user=user).delete()
    return deleted
