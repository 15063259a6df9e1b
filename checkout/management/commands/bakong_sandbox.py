"""Run the local Bakong stand-in: python manage.py bakong_sandbox --port 8001"""

from django.conf import settings
from django.core.management.base import BaseCommand

from checkout.khqr.sandbox import DEFAULT_REGISTERED_EMAIL, make_server


class Command(BaseCommand):
    help = "Run a local server that speaks the Bakong Open API, with a page to pay QR codes."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--token",
            default=settings.BAKONG_API_TOKEN or "sandbox-token",
            help="The bearer token the sandbox accepts (default: BAKONG_API_TOKEN).",
        )
        parser.add_argument(
            "--email",
            default=DEFAULT_REGISTERED_EMAIL,
            help="The e-mail registered with the sandbox: /v1/renew_token answers a token "
            f"for it only (default: {DEFAULT_REGISTERED_EMAIL}).",
        )

    def handle(self, *args, host, port, token, email, **options):
        server = make_server(host, port, token, verbose=options["verbosity"] > 1, email=email)
        self.stdout.write(f"Bakong sandbox on http://{host}:{port}/ (pay QR codes at /sandbox/)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
