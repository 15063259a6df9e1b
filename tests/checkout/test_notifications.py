"""E-mail through a real SMTP server and Telegram through a Bot API stand-in: each event's
message goes out once, and a dead server delays messages without failing a checkout."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkout.models import Payment
from checkout.payments import sweep_payments
from notifications.models import Notification
from notifications.sending import deliver_notifications
from tests.checkout.conftest import CHECKOUT_BODY
from tests.checkout.test_bakong_client import control
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop, delivery):
    return make_product(make_category(), title="Kampot Black Pepper", price="8.90", stock=10)


def place(api, product, quantity=2):
    api.add(product, quantity)
    response = api.post("/api/checkout/", CHECKOUT_BODY)
    assert response.status_code == 201
    return response.json()


def pay(bakong, md5):
    control(bakong, "/sandbox/pay/", {"qr": Payment.objects.get(md5=md5).qr_string})
    assert sweep_payments() == {"paid": 1}


def later(minutes=120):
    return timezone.now() + timedelta(minutes=minutes)


def by_subject(messages, text):
    found = [m for m in messages if text in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in messages]
    return found[0]


def test_order_placed_and_receipt_emails(api, product, bakong, smtp):
    body = place(api, product)
    assert deliver_notifications() == {"sent": 1, "failed": 0}
    placed = by_subject(smtp.messages, "is waiting for payment")
    assert placed["To"] == "dara@example.com"
    assert placed["From"] == "Angkor Market <shop@angkormarket.test>"
    text = placed.get_body(("plain",)).get_content()
    html = placed.get_body(("html",)).get_content()
    assert body["order"]["url"].replace("http://testserver", "") in text
    assert "Pay for your order" in html and "17.80 USD" in html

    pay(bakong, body["payment"]["md5"])
    assert deliver_notifications() == {"sent": 2, "failed": 0}
    receipt = by_subject(smtp.messages, "receipt for order")
    text = receipt.get_body(("plain",)).get_content()
    payment = Payment.objects.get()
    assert "2 × Kampot Black Pepper" in text
    assert "Total: 19.30 USD" in text  # 2 × 8.90 + 1.50 delivery
    assert payment.external_ref in text and payment.external_ref.startswith("100FT")
    owner = by_subject(smtp.messages, "new paid order")
    assert owner["To"] == "owner@angkormarket.test"
    assert "Sok Dara" in owner.get_body(("plain",)).get_content()


def test_with_the_smtp_server_down_the_order_is_placed_and_mailed_once_later(api, product, smtp):
    smtp.stop()
    place(api, product)  # the checkout does not touch SMTP at all
    assert deliver_notifications() == {"sent": 0, "failed": 1}
    notification = Notification.objects.get()
    assert notification.state == "pending" and notification.last_error
    assert deliver_notifications() == {"sent": 0, "failed": 0}  # waiting for the retry

    smtp.start()
    assert deliver_notifications(now=later()) == {"sent": 1, "failed": 0}
    assert deliver_notifications(now=later(240)) == {"sent": 0, "failed": 0}
    assert len(smtp.messages) == 1
    assert Notification.objects.get().attempts == 2


def test_a_worker_that_crashed_mid_send_is_retried_once_its_claim_lapses(api, product, smtp):
    place(api, product)
    notification = Notification.objects.get()
    # A worker claimed it and died before recording the outcome.
    Notification.objects.filter(pk=notification.pk).update(
        state="sending", attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert deliver_notifications() == {"sent": 0, "failed": 0}
    assert deliver_notifications(now=later(6)) == {"sent": 1, "failed": 0}
    assert deliver_notifications(now=later(60)) == {"sent": 0, "failed": 0}
    assert len(smtp.messages) == 1


def test_telegram_gets_exactly_one_message_per_paid_order_across_retries(
    api, product, bakong, smtp, telegram
):
    body = place(api, product)
    telegram.fail_next = 2  # the Bot API is down for the first two tries
    pay(bakong, body["payment"]["md5"])
    # The same payment noticed again by the page and the sweeper: no new messages.
    Payment.objects.update(last_checked_at=None)
    sweep_payments()

    for minutes in (0, 5, 15, 60, 180):
        deliver_notifications(now=later(minutes))
    assert len(telegram.messages) == 1
    text = telegram.messages[0]["text"]
    assert "Paid order" in text and "2 × Kampot Black Pepper" in text
    assert "$19.30" in text and "Sok Dara" in text and "Phnom Penh" in text
    assert telegram.messages[0]["chat_id"] == "-1001"
    assert Notification.objects.get(channel="telegram").attempts == 3


def test_late_payments_reach_the_owner(api, product, bakong, smtp, telegram):
    body = place(api, product)
    payment = Payment.objects.get()
    Payment.objects.update(expires_at=payment.expires_at - timedelta(hours=1))
    sweep_payments()  # not found, long past expiry: expired
    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    sweep_payments()  # the money arrives anyway: late
    deliver_notifications()
    by_subject(smtp.messages, "needs attention")
    assert any("Payment needs attention" in m["text"] for m in telegram.messages)
    assert body


def test_low_stock_reaches_telegram_once_when_an_item_falls_to_its_threshold(
    api, shop, delivery, telegram
):
    product = make_product(make_category(), title="Indigo Krama", stock=5)
    product.stock_records.update(low_stock_threshold=3)
    place(api, product, quantity=1)  # 5 → 4: not low yet
    place(api, product, quantity=1)  # 4 → 3: falls to the threshold
    place(api, product, quantity=1)  # 3 → 2: already low, no new message
    deliver_notifications()
    low = [m for m in telegram.messages if "Low stock" in m["text"]]
    assert len(low) == 1 and "Indigo Krama" in low[0]["text"] and "3 left" in low[0]["text"]


def test_without_telegram_settings_nothing_is_queued_for_it(api, product, bakong):
    body = place(api, product)
    pay(bakong, body["payment"]["md5"])
    assert not Notification.objects.filter(channel="telegram").exists()
