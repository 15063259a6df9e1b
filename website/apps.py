from django.apps import AppConfig
from django.db.backends.signals import connection_created


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Website"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from website import checks, signals  # noqa: F401

        connection_created.connect(
            checks.refuse_unencrypted_connection, dispatch_uid="website.refuse_unencrypted"
        )
