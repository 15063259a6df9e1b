from django.apps import AppConfig
from django.db.backends.signals import connection_created


class KernelConfig(AppConfig):
    """The shared kernel: money, errors, the API base, permissions, caching, health and the
    shop's site-wide settings. It imports no shop app."""

    name = "kernel"
    verbose_name = "Shop kernel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kernel import checks, receivers, storage  # noqa: F401 (storage registers its check)

        connection_created.connect(
            checks.refuse_unencrypted_connection, dispatch_uid="kernel.refuse_unencrypted"
        )
        receivers.connect()
