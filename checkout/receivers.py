"""Checkout's own reactions to the rest of the site, connected in ``CheckoutConfig.ready``:
a guest's cart joins the customer's cart when they log in."""

from django.contrib.auth.signals import user_logged_in

from checkout.cart import merge_guest_cart_into_user_cart


def merge_cart_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_guest_cart_into_user_cart(request, user)


def connect():
    user_logged_in.connect(merge_cart_on_login, dispatch_uid="checkout.merge_cart_on_login")
