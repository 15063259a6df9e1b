"""The shop's own figures move where their events happen, once per event, only when the
transaction that made the event commits: orders placed and paid, KHQR outcomes, sweeps,
Bakong calls, stock-outs, messages sent."""

import pytest
from django.core.cache import cache
from django.db import transaction
from prometheus_client import REGISTRY

from checkout.khqr.client import BakongClient
from checkout.models import Order, Payment
from checkout.payments import apply_outcome, sweep_payments
from checkout.tasks import BACKOFF_KEY, sweep_payments_task
from notifications.models import Notification
from notifications.sending import deliver_notifications
from tests.checkout.conftest import CHECKOUT_BODY
from tests.checkout.test_bakong_client import control
from tests.checkout.test_payments import age, checkout, status
from tests.factories import make_category, make_product

# Counters move when transactions commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Figures:
    """Samples before and after: ``figures.moved(name, **labels)`` is the difference."""

    def __init__(self, *samples):
        self.samples = samples
        self.before = {sample: value(sample[0], **dict(sample[1:])) for sample in samples}

    def moved(self, name, **labels):
        sample = (name, *sorted(labels.items()))
        return value(name, **labels) - self.before[sample]


def sample(name, **labels):
    return (name, *sorted(labels.items()))


PLACED = sample("shop_orders_placed_total", payment_method="khqr")
PAID = sample("shop_orders_paid_total", payment_method="khqr")
KHQR_PAID = sample("shop_khqr_payments_total", outcome="paid")
LATE = sample("shop_khqr_payments_total", outcome="late")
MISMATCH = sample("shop_khqr_payments_total", outcome="mismatch")
EXPIRED = sample("shop_khqr_payments_total", outcome="expired")
CHECKS = sample("shop_bakong_request_duration_seconds_count", endpoint="check_transaction_by_md5")
SWEEP_OK = sample("shop_payment_sweeps_total", result="ok")
SWEEP_FAILED = sample("shop_payment_sweeps_total", result="failed")
BAKONG_DOWN = sample(
    "shop_bakong_errors_total", endpoint="check_transaction_by_md5_list", kind="unavailable"
)
STOCKOUT = sample("shop_stockouts_total", cause="sale")
EMAILS = sample("shop_notifications_sent_total", channel="email", result="sent")
ALL = (
    PLACED,
    PAID,
    KHQR_PAID,
    LATE,
    MISMATCH,
    EXPIRED,
    CHECKS,
    SWEEP_OK,
    SWEEP_FAILED,
    BAKONG_DOWN,
    STOCKOUT,
    EMAILS,
)


@pytest.fixture
def product(shop, delivery):
    return make_product(make_category(), title="Krama", price="6.50", stock=10)


@pytest.fixture
def figures():
    return Figures(*ALL)


def test_placing_and_paying_an_order_counts_each_once(api, product, bakong, figures):
    md5 = checkout(api, product)["payment"]["md5"]
    assert figures.moved("shop_orders_placed_total", payment_method="khqr") == 1
    control(bakong, "/sandbox/pay/", {"qr": Payment.objects.get(md5=md5).qr_string})
    Payment.objects.update(last_checked_at=None)
    assert status(api, md5)["status"] == "paid"

    # Noticed again by the sweeper and by the page: the same money, nothing new to count.
    Payment.objects.update(last_checked_at=None)
    sweep_payments()
    status(api, md5)

    assert figures.moved("shop_orders_paid_total", payment_method="khqr") == 1
    assert figures.moved("shop_khqr_payments_total", outcome="paid") == 1
    assert figures.moved("shop_orders_placed_total", payment_method="khqr") == 1
    checks = "shop_bakong_request_duration_seconds_count"
    assert figures.moved(checks, endpoint="check_transaction_by_md5") >= 1
    assert figures.moved("shop_payment_sweeps_total", result="ok") == 0  # not the task


def test_a_wrong_amount_is_counted_as_a_mismatch(api, product, bakong, figures):
    md5 = checkout(api, product)["payment"]["md5"]
    control(
        bakong, "/sandbox/pay/", {"qr": Payment.objects.get(md5=md5).qr_string} | {"amount": "7.99"}
    )
    assert status(api, md5)["status"] == "mismatch"
    sweep_payments()  # still watched: unchanged, not counted again
    assert figures.moved("shop_khqr_payments_total", outcome="mismatch") == 1
    assert figures.moved("shop_orders_paid_total", payment_method="khqr") == 0


def test_expiry_and_late_money_are_counted(api, product, bakong, figures):
    md5 = checkout(api, product)["payment"]["md5"]
    payment = age(Payment.objects.get(md5=md5), 3600)
    sweep_payments()
    assert Order.objects.get().status == "expired"
    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    assert sweep_payments() == {"late": 1}
    sweep_payments()
    assert figures.moved("shop_khqr_payments_total", outcome="expired") == 1
    assert figures.moved("shop_khqr_payments_total", outcome="late") == 1
    assert figures.moved("shop_orders_paid_total", payment_method="khqr") == 0


def test_a_rolled_back_payment_counts_nothing(api, product, bakong, figures):
    md5 = checkout(api, product)["payment"]["md5"]
    payment = Payment.objects.get(md5=md5)
    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    outcome = BakongClient().check_md5(md5)

    class Retry(Exception):
        pass

    with pytest.raises(Retry), transaction.atomic():
        assert apply_outcome(payment.pk, outcome) == "paid"
        raise Retry  # a deadlock, say: the transaction is retried
    assert figures.moved("shop_khqr_payments_total", outcome="paid") == 0
    assert figures.moved("shop_orders_paid_total", payment_method="khqr") == 0

    assert apply_outcome(payment.pk, outcome) == "paid"  # the retry commits: counted once
    assert apply_outcome(payment.pk, outcome) == "already_paid"  # the same money again
    assert figures.moved("shop_khqr_payments_total", outcome="paid") == 1
    assert figures.moved("shop_orders_paid_total", payment_method="khqr") == 1


def test_sweep_failures_and_bakong_errors_are_counted(api, product, bakong, figures):
    checkout(api, product)
    control(bakong, "/sandbox/mode/", {"mode": "500"})
    assert sweep_payments_task.call()["retry_in"] == 10
    assert sweep_payments_task.call() == {"skipped": "backing off"}  # not a run
    assert figures.moved("shop_payment_sweeps_total", result="failed") == 1
    errors = "shop_bakong_errors_total"
    assert figures.moved(errors, endpoint="check_transaction_by_md5_list", kind="unavailable") == 1

    control(bakong, "/sandbox/mode/", {"mode": "normal"})
    cache.delete(BACKOFF_KEY)  # the wait has passed
    sweep_payments_task.call()
    assert figures.moved("shop_payment_sweeps_total", result="ok") == 1


def test_selling_the_last_unit_is_a_stockout(api, shop, delivery, bakong, figures):
    last = make_product(make_category(), title="Silk scarf", price="20", stock=2)
    checkout(api, last, 1)
    assert figures.moved("shop_stockouts_total", cause="sale") == 0
    api.add(last, 1)
    response = api.post("/api/checkout/", CHECKOUT_BODY)
    assert response.status_code == 201
    assert figures.moved("shop_stockouts_total", cause="sale") == 1


def test_sent_messages_are_counted(api, product, bakong, figures):
    checkout(api, product)  # the order's e-mail is sent when the order commits
    deliver_notifications()
    sent = Notification.objects.filter(channel="email", state="sent").count()
    assert sent >= 1
    assert figures.moved("shop_notifications_sent_total", channel="email", result="sent") == sent
