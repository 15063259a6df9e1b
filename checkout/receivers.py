"""Checkout's own reactions to the rest of the site, connected in ``CheckoutConfig.ready``:
a guest's cart joins the customer's cart when they log in; paid orders are counted."""

from django.contrib.auth.signals import user_logged_in

from checkout import events
from checkout.cart import merge_guest_cart_into_user_cart
from checkout.models import Status
from kernel import metrics


def merge_cart_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_guest_cart_into_user_cart(request, user)


def count_paid_order(sender, order, old_status, new_status, **kwargs):
    """Every way an order becomes paid (KHQR confirmed, nothing to pay, a late payment
    accepted, by hand) is one status change, counted once its transaction commits."""
    if new_status == Status.PAID and old_status != Status.PAID:
        metrics.inc_on_commit(metrics.ORDERS_PAID, payment_method=order.payment_method)


def count_cash_order(sender, order, **kwargs):
    """A cash on delivery order is paid when staff record its cash (its status says where
    the parcel is)."""
    metrics.inc_on_commit(metrics.ORDERS_PAID, payment_method=order.payment_method)


def connect():
    user_logged_in.connect(merge_cart_on_login, dispatch_uid="checkout.merge_cart_on_login")
    events.order_status_changed.connect(count_paid_order, dispatch_uid="checkout.count_paid")
    events.cash_recorded.connect(count_cash_order, dispatch_uid="checkout.count_cash")
