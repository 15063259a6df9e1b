from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The shop's admin views (orders, payments, delivery methods, inventory under "Shop"),
    its dashboard and sales reports."""

    name = "backoffice"
    verbose_name = "Back office"
    default_auto_field = "django.db.models.BigAutoField"
