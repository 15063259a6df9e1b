"""Payments end to end against the Bakong stand-in: paid once, never lost, never guessed."""

import subprocess
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from catalog.models import StockRecord
from checkout.khqr.client import BakongError
from checkout.models import Order, OrderStatusChange, Payment
from checkout.payments import (
    check_payment,
    new_payment_attempt,
    reinstate_late_payment,
    sweep_payments,
)
from kernel.errors import Conflict
from notifications.sending import deliver_notifications
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.checkout.test_bakong_client import control
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop, delivery):
    return make_product(make_category(), title="Krama", price="6.50", stock=10)


def stock(product):
    return StockRecord.objects.get(product=product).quantity


def checkout(api, product, quantity=1, currency="USD"):
    api.add(product, quantity)
    response = api.post("/api/checkout/", CHECKOUT_BODY | {"currency": currency})
    assert response.status_code == 201, response.content
    return response.json()


def status(api, md5):
    response = api.get(f"/api/payments/{md5}/")
    assert response.status_code == 200, response.content
    return response.json()


def age(payment, seconds):
    """Move a payment (and its order) ``seconds`` into the past."""
    shift = timedelta(seconds=seconds)
    Payment.objects.filter(pk=payment.pk).update(
        created_at=payment.created_at - shift,
        expires_at=payment.expires_at - shift,
        last_checked_at=None,
    )
    Order.objects.filter(pk=payment.order_id).update(expires_at=payment.expires_at - shift)
    return Payment.objects.get(pk=payment.pk)


def test_checkout_answers_the_first_payment_and_its_png_encodes_the_exact_string(
    api, product, bakong
):
    body = checkout(api, product, 2)
    payment = body["payment"]
    stored = Payment.objects.get(md5=payment["md5"])
    assert payment["qr"] == stored.qr_string
    assert (payment["amount"], payment["currency"]) == ("14.50", "USD")
    assert payment["image_url"].endswith(f"/media/qrcodes/{payment['md5']}.png")
    path = default_storage.path(f"qrcodes/{payment['md5']}.png")
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", path], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == stored.qr_string
    assert stored.expires_at == Order.objects.get().expires_at


def test_paying_the_qr_turns_the_order_paid_once(api, product, bakong):
    md5 = checkout(api, product)["payment"]["md5"]
    assert status(api, md5)["status"] == "pending"
    control(bakong, "/sandbox/pay/", {"qr": Payment.objects.get(md5=md5).qr_string})
    Payment.objects.update(last_checked_at=None)  # the 3-second throttle has passed

    answer = status(api, md5)
    assert (answer["status"], answer["order_status"]) == ("paid", "paid")
    payment = Payment.objects.get(md5=md5)
    assert payment.bakong_hash and payment.payer_account == "sandbox_payer@abaa"
    assert (
        payment.paid_amount == Decimal("8.00") and payment.raw_reply["hash"] == payment.bakong_hash
    )
    Payment.objects.update(last_checked_at=None)
    sweep_payments()  # noticing it again changes nothing
    assert OrderStatusChange.objects.filter(to_status="paid").count() == 1
    assert stock(product) == 9


def test_status_endpoint_asks_bakong_at_most_once_per_interval(api, product, bakong):
    md5 = checkout(api, product)["payment"]["md5"]
    for _ in range(5):
        status(api, md5)
    calls = [name for name, _ in bakong.state.calls if name == "check_transaction_by_md5"]
    assert len(calls) == 1


def test_only_the_orders_owner_can_read_its_payment(api, other_api, product, bakong, client):
    body = checkout(api, product)
    md5 = body["payment"]["md5"]
    token = body["order"]["url"].rstrip("/").rsplit("/", 1)[1]
    assert other_api.get(f"/api/payments/{md5}/").status_code == 404
    assert other_api.get(f"/api/payments/{md5}/?token=wrong").status_code == 404
    assert other_api.get(f"/api/payments/{md5}/?token={token}").status_code == 200
    assert ApiClient().get("/api/payments/" + "0" * 32 + "/").status_code == 404


@pytest.mark.parametrize(
    ("override", "why"),
    [
        ({"amount": "7.99"}, "amount"),
        ({"currency": "KHR", "amount": "32800"}, "currency"),
    ],
)
def test_wrong_amount_or_currency_is_not_marked_paid(api, product, bakong, override, why):
    md5 = checkout(api, product)["payment"]["md5"]
    control(bakong, "/sandbox/pay/", {"qr": Payment.objects.get(md5=md5).qr_string} | override)
    assert status(api, md5)["status"] == "mismatch"
    payment = Payment.objects.get(md5=md5)
    assert payment.order.status == "awaiting_payment"
    assert payment.needs_attention and "instead of $8.00" in payment.attention_reason
    assert not OrderStatusChange.objects.filter(to_status="paid").exists()


def test_money_sent_to_another_account_is_not_marked_paid(api, product, bakong):
    md5 = checkout(api, product)["payment"]["md5"]
    qr = Payment.objects.get(md5=md5).qr_string
    control(bakong, "/sandbox/pay/", {"qr": qr, "to_account": "someone.else@wing"})
    assert status(api, md5)["status"] == "pending"
    assert Order.objects.get().status == "awaiting_payment"


def test_codes_handed_out_before_the_account_changed_are_still_credited(
    api, product, bakong, settings
):
    md5 = checkout(api, product)["payment"]["md5"]
    old_account = settings.BAKONG_ACCOUNT_ID
    settings.BAKONG_ACCOUNT_ID = "new.account@aclb"  # the owner moves to another account
    control(bakong, "/sandbox/pay/", {"qr": Payment.objects.get(md5=md5).qr_string})
    assert status(api, md5)["status"] == "paid"
    assert Order.objects.get().status == "paid"
    # Money to the new account for a code that named the old one is still not this payment's.
    second = checkout(api, product)["payment"]["md5"]
    settings.BAKONG_ACCOUNT_ID = old_account
    qr = Payment.objects.get(md5=second).qr_string
    control(bakong, "/sandbox/pay/", {"qr": qr, "to_account": old_account})
    assert status(api, second)["status"] == "pending"


def test_a_transaction_hash_is_never_credited_twice(api, product, bakong):
    first = checkout(api, product)["payment"]["md5"]
    second = checkout(api, product)["payment"]["md5"]
    control(bakong, "/sandbox/pay/", {"qr": Payment.objects.get(md5=first).qr_string})
    status(api, first)
    # Bakong (wrongly) reports the same transaction for the second QR.
    bakong.state.transactions[second] = bakong.state.transactions[first]
    status(api, second)
    assert Payment.objects.get(md5=second).status == "pending"
    assert Order.objects.filter(status="paid").count() == 1


@pytest.mark.parametrize("mode", ["500", "429", "401", "garbage", "slow"])
def test_with_bakong_down_past_the_expiry_nothing_is_expired(api, product, bakong, settings, mode):
    settings.BAKONG_READ_TIMEOUT = 0.5
    md5 = checkout(api, product, 3)["payment"]["md5"]
    age(Payment.objects.get(md5=md5), 3600)
    control(bakong, "/sandbox/mode/", {"mode": mode, "delay": 2})

    assert status(api, md5)["status"] == "pending"
    with pytest.raises(BakongError):
        sweep_payments()
    order = Order.objects.get()
    assert (order.status, Payment.objects.get(md5=md5).status) == ("awaiting_payment", "pending")
    assert stock(product) == 7


def test_not_found_only_expires_after_the_grace_period(api, product, bakong, settings):
    settings.BAKONG_EXPIRY_GRACE_SECONDS = 120
    md5 = checkout(api, product, 3)["payment"]["md5"]
    payment = age(Payment.objects.get(md5=md5), 15 * 60 + 60)  # a minute past expiry
    assert sweep_payments() == {"unchanged": 1}
    assert Payment.objects.get(pk=payment.pk).status == "pending"

    age(payment, 120)  # now three minutes past expiry: past the grace
    assert sweep_payments() == {"expired": 1}
    assert Order.objects.get().status == "expired"
    assert stock(product) == 10
    assert sweep_payments() == {"unchanged": 1}  # still watched for a day, for late money
    assert stock(product) == 10


def test_a_late_payment_is_flagged_and_can_be_reinstated(api, product, bakong):
    md5 = checkout(api, product, 2)["payment"]["md5"]
    payment = age(Payment.objects.get(md5=md5), 3600)
    sweep_payments()
    assert Order.objects.get().status == "expired"

    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    assert sweep_payments() == {"late": 1}
    payment.refresh_from_db()
    assert payment.status == "late" and payment.needs_attention
    assert payment.bakong_hash and "after the code expired" in payment.attention_reason
    assert Order.objects.get().status == "expired"

    order = reinstate_late_payment(payment.pk)
    assert order.status == "paid"
    assert stock(product) == 8
    payment.refresh_from_db()
    assert (payment.status, payment.resolution) == ("paid", "Order reinstated")

    # The receipt names the KHQR payment and its Bakong reference.
    mail.outbox.clear()
    deliver_notifications()
    receipt = next(m for m in mail.outbox if "receipt" in m.subject.lower())
    assert "Paid by KHQR" in receipt.body
    assert payment.external_ref and payment.external_ref in receipt.body


def test_a_late_payment_without_stock_needs_a_refund(api, product, bakong):
    md5 = checkout(api, product, 2)["payment"]["md5"]
    payment = age(Payment.objects.get(md5=md5), 3600)
    sweep_payments()
    StockRecord.objects.filter(product=product).update(quantity=1)
    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    sweep_payments()
    with pytest.raises(Conflict):
        reinstate_late_payment(payment.pk)
    payment.refresh_from_db()
    assert payment.status == "late" and payment.needs_attention
    assert Order.objects.get().status == "expired"
    assert stock(product) == 1


def test_money_for_a_cancelled_order_is_recorded_as_late(api, product, bakong, client):
    body = checkout(api, product)
    payment = Payment.objects.get(md5=body["payment"]["md5"])
    cancel_url = body["order"]["url"].replace("http://testserver", "") + "cancel/"
    api.client.post(cancel_url, {"csrfmiddlewaretoken": api.token})
    assert Order.objects.get().status == "cancelled"
    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    sweep_payments()
    payment.refresh_from_db()
    assert payment.status == "late" and "cancelled" in payment.attention_reason


def test_a_new_code_after_expiry_reserves_the_stock_again(api, product, bakong):
    md5 = checkout(api, product, 4)["payment"]["md5"]
    age(Payment.objects.get(md5=md5), 3600)
    sweep_payments()
    assert stock(product) == 10

    fresh = new_payment_attempt(Order.objects.get().pk)
    assert fresh.md5 != md5 and fresh.status == "pending"
    order = Order.objects.get()
    assert order.status == "awaiting_payment"
    assert order.expires_at == fresh.expires_at > timezone.now()
    assert stock(product) == 6

    age(fresh, 3600)
    sweep_payments()
    StockRecord.objects.filter(product=product).update(quantity=3)
    with pytest.raises(Conflict):
        new_payment_attempt(order.pk)
    assert Order.objects.get().status == "expired"


@pytest.mark.django_db(transaction=True)
def test_status_endpoint_and_sweeper_confirming_at_once_make_one_transition(
    mysql_only, shop, delivery, bakong
):
    product = make_product(make_category(), stock=5)
    api = ApiClient()
    md5 = checkout(api, product)["payment"]["md5"]
    payment = Payment.objects.get(md5=md5)
    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    Payment.objects.update(last_checked_at=None)

    barrier = threading.Barrier(2)
    results = []

    def noticer(which):
        try:
            barrier.wait(timeout=10)
            if which == "poll":
                results.append(check_payment(Payment.objects.get(pk=payment.pk)))
            else:
                results.append(sweep_payments())
        finally:
            connection.close()

    threads = [threading.Thread(target=noticer, args=(w,)) for w in ("poll", "sweep")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Order.objects.get().status == "paid"
    assert OrderStatusChange.objects.filter(to_status="paid").count() == 1
    flattened = [r if isinstance(r, str) else next(iter(r), "") for r in results]
    assert flattened.count("paid") == 1, results


def test_the_sweeper_backs_off_while_bakong_is_down_and_resumes(api, product, bakong):
    from django.core.cache import cache

    from checkout.tasks import BACKOFF_KEY, sweep_payments_task

    cache.delete(BACKOFF_KEY)
    checkout(api, product)
    control(bakong, "/sandbox/mode/", {"mode": "500"})
    first = sweep_payments_task.call()
    assert first["retry_in"] == 10
    assert sweep_payments_task.call() == {"skipped": "backing off"}
    calls = [name for name, _ in bakong.state.calls]
    assert calls.count("check_transaction_by_md5_list") == 1

    control(bakong, "/sandbox/mode/", {"mode": "normal"})
    cache.delete(BACKOFF_KEY)  # the wait has passed
    assert sweep_payments_task.call() == {"unchanged": 1}
    assert cache.get(BACKOFF_KEY) is None


def test_with_bakong_slow_the_status_endpoint_still_answers_pending_quickly(api, product, bakong):
    import time

    md5 = checkout(api, product)["payment"]["md5"]
    control(bakong, "/sandbox/mode/", {"mode": "slow", "delay": 10})
    started = time.monotonic()
    answer = status(api, md5)
    elapsed = time.monotonic() - started
    assert answer["status"] == "pending"
    assert elapsed < 2.5, elapsed
    # The cart and checkout pages never call Bakong at all.
    started = time.monotonic()
    assert api.client.get("/en/cart/").status_code == 200
    assert time.monotonic() - started < 1.5
