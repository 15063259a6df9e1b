"""Run the local Bakong stand-in: python manage.py bakong_sandbox --port 8001

Only under the dev and test settings, which install ``devtools``; elsewhere run
``python -m devtools.bakong_sandbox``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from devtools.bakong_sandbox import add_arguments, serve


class Command(BaseCommand):
    help = "Run a local server that speaks the Bakong Open API, with a page to pay QR codes."

    def add_arguments(self, parser):
        add_arguments(parser, settings.BAKONG_API_TOKEN or "sandbox-token")

    def handle(self, *args, host, port, token, email, **options):
        serve(
            host,
            port,
            token,
            email=email,
            verbose=options["verbosity"] > 1,
            write=lambda line: self.stdout.write(line),
        )
