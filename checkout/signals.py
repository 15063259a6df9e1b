"""A guest's cart joins the customer's cart when they log in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from checkout.cart import merge_guest_cart_into_user_cart


@receiver(user_logged_in)
def merge_cart_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_guest_cart_into_user_cart(request, user)
