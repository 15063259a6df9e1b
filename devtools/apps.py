from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development stand-ins (the Bakong sandbox and its ``bakong_sandbox`` command, the
    Telegram stand-in). Installed by the dev and test settings only: production settings do
    not list this app, so its command does not exist there."""

    name = "devtools"
    verbose_name = "Development stand-ins"
    default_auto_field = "django.db.models.BigAutoField"
