"""The worker killed in the middle of sending: after a restart every message goes out, each
once. A real worker process, a real SMTP server, MariaDB."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection

from checkout.models import Cart, CartLine
from checkout.orders import place_order
from notifications.models import Notification
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db(transaction=True)


class HoldingSMTP:
    """aiosmtpd that holds the first connection at EHLO until released."""

    def __init__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.accepted = []
        self.held = threading.Event()
        self.release = threading.Event()
        self.connections = 0

    def start(self):
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_EHLO(self, smtp, session, envelope, hostname, responses):
                server.connections += 1
                if server.connections == 1:
                    server.held.set()
                    while not server.release.is_set():
                        await asyncio.sleep(0.05)
                session.host_name = hostname
                return responses

            async def handle_DATA(self, smtp, session, envelope):
                server.accepted.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.release.set()
        self.controller.stop()


def start_worker(smtp_port):
    database = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "SECRET_KEY": "worker-crash-test-secret-key-0123456789-abcdefghijkl",
        "ALLOWED_HOSTS": "localhost",
        "DB_NAME": database["NAME"],
        "DB_USER": database["USER"],
        "DB_PASSWORD": database["PASSWORD"],
        "DB_HOST": database["HOST"] or "127.0.0.1",
        "DB_PORT": str(database["PORT"] or 3306),
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "False",
        "EMAIL_TIMEOUT": "30",
        "NOTIFICATION_LEASE_SECONDS": "2",
        "SCHEDULER_INTERVAL_SECONDS": "1",
        "BAKONG_API_BASE_URL": "http://127.0.0.1:9",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "shop_worker", "--no-startup-delay", "-v", "0"],
        cwd=django_settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_worker_killed_mid_send_loses_and_repeats_nothing(mysql_only, shop, details, settings):
    # Only the worker process below sends: no immediate sending inside this test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    product = make_product(make_category(), stock=10)
    for _ in range(3):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        place_order(cart, details, shop)
    assert Notification.objects.filter(state="pending").count() == 3

    smtp = HoldingSMTP()
    smtp.start()
    worker = start_worker(smtp.port)
    try:
        assert smtp.held.wait(30), "the worker never started sending"
        os.killpg(worker.pid, signal.SIGKILL)  # dies with a message claimed and unsent
        worker.wait(10)
        connection.close()
        assert Notification.objects.filter(state="sending").count() == 1
        smtp.release.set()

        worker = start_worker(smtp.port)
        wait(lambda: Notification.objects.filter(state="sent").count() == 3)
        time.sleep(3)  # longer than the lease: nothing is sent a second time
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        smtp.stop()

    assert len(smtp.accepted) == 3
    subjects = sorted(message["Subject"] for message in smtp.accepted)
    assert len(set(subjects)) == 3
    assert sorted(Notification.objects.values_list("attempts", flat=True)) == [1, 1, 2]
