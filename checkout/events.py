"""What checkout tells the rest of the shop. Services send these inside the transaction that
made the change; receivers (``notifications`` queues messages in the same transaction, the
outbox) subscribe in their ``AppConfig.ready``. Checkout never calls its side effects itself.
"""

from django.dispatch import Signal

#: An order was placed and waits for its payment (``payment``: the first KHQR), or, paid cash
#: on delivery, for staff to confirm it (``payment`` is None). ``order``, ``payment``.
order_placed = Signal()

#: Staff recorded the cash of a cash on delivery order. ``order``, ``by``.
cash_recorded = Signal()

#: Staff recorded a refund (full or part). ``order``, ``refund``.
refund_recorded = Signal()

#: An order's status changed. ``order``, ``old_status``, ``new_status``, ``by`` (a user or
#: None), ``reason``. A change to PAID is sent after the paying payment (if any) is saved.
order_status_changed = Signal()

#: Money arrived that a person must look at (late, or the wrong amount). ``payment``.
payment_needs_attention = Signal()

#: A sale brought items down to their low-stock threshold. ``order``, ``records`` (stock
#: records, quantities after the sale).
stock_ran_low = Signal()

#: Staff asked for a message about an order to be sent again. ``order``, ``kind``
#: ("payment_request" or "receipt"), ``by``.
message_resend_requested = Signal()
