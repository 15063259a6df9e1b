from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The shop's admin views (orders, payments, delivery methods, inventory under "Shop"),
    its dashboard and sales reports."""

    name = "backoffice"
    verbose_name = _("Back office")
    default_auto_field = "django.db.models.BigAutoField"
