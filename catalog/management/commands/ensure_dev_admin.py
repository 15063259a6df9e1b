"""Create the development admin user if it does not exist, and print how to log in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin"  # noqa: S105  (development only; refused when DEBUG is off)


class Command(BaseCommand):
    help = "Create the development superuser admin/admin (only with DEBUG on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a development admin with DEBUG off.")
        User = get_user_model()
        if User.objects.filter(username=USERNAME).exists():
            note = "already existed; its password is whatever it was last set to"
        else:
            User.objects.create_superuser(USERNAME, "admin@example.com", PASSWORD)
            note = "created"
        self.stdout.write(
            self.style.SUCCESS(
                f"Development admin: username {USERNAME!r}, password {PASSWORD!r} ({note}). "
                "Log in at /admin/ (leave the two-factor code empty the first time); the admin "
                "then asks you to set up two-factor authentication with an authenticator app "
                "(confirm the password, scan the QR code, type a code) and shows recovery codes. "
                "From then on the admin login asks for the app's current code."
            )
        )
