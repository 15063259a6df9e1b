from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Messages to shoppers and the owner (e-mail, Telegram) through an outbox, queued by
    receivers of checkout's domain events."""

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from notifications import receivers

        receivers.connect()
