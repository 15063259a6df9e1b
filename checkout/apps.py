from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckoutConfig(AppConfig):
    """Commerce: carts, pricing, orders and KHQR payments. Its services announce what
    happened through ``checkout.events``; messages and other side effects subscribe."""

    name = "checkout"
    verbose_name = _("Checkout")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from checkout import receivers

        receivers.connect()
