from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Customers' account pages (orders, saved addresses) and login security."""

    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"
