"""What ``apply_outcome`` decides from Bakong's word about a payment, as a table. Bakong's
answers are built directly from ``checkout.khqr.client``'s outcome classes: no HTTP."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from catalog.models import StockRecord
from checkout.events import order_status_changed, payment_needs_attention
from checkout.khqr.builder import read_khqr
from checkout.khqr.client import Failed, NotFound, Paid, StaticQR
from checkout.models import Order, OrderStatusChange, Payment, PaymentStatus, Status
from checkout.payments import apply_outcome, new_payment_attempt, receiving_account
from tests.factories import (
    bakong_transaction,
    make_category,
    make_order,
    make_product,
    payment_window_ms,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

QUANTITY = 2
OTHER_ACCOUNT = "someone.else@wing"


@pytest.fixture
def product(shop, delivery):
    return make_product(make_category(), title="Krama", price="8.00", stock=10)


def stock(product):
    return StockRecord.objects.get(product=product).quantity


def grace():
    return timedelta(seconds=django_settings.BAKONG_EXPIRY_GRACE_SECONDS)


def order_in(status, product, shop, delivery):
    """An order in ``status`` with its first KHQR payment. An expired one got there as the
    sweeper expires it: Bakong said "not found" after the QR's expiry and the grace."""
    if status != Status.EXPIRED:
        return make_order(status, items=[(product, QUANTITY)], shop=shop, delivery=delivery)
    order = make_order(
        Status.AWAITING_PAYMENT, items=[(product, QUANTITY)], shop=shop, delivery=delivery
    )
    payment = order.payments.get()
    assert apply_outcome(payment.pk, NotFound(), now=payment.expires_at + grace()) == "expired"
    order.refresh_from_db()
    assert order.status == Status.EXPIRED
    return order


def ms_to_datetime(value):
    return datetime.fromtimestamp(value / 1000, tz=UTC)


# --- Paid: what a transaction for the payment's QR decides --------------------------------


@dataclass(frozen=True)
class Row:
    order: Status  # the order's status when the money is reported
    change: dict  # how the transaction differs from the one the QR asks for
    result: str
    order_after: Status
    payment_after: PaymentStatus
    attention: bool  # a payment_needs_attention event (a person must look)
    reason: str = ""  # in the payment's attention_reason
    newer_code: bool = False  # the QR was expired unpaid while a newer one waits

    @property
    def stored(self):
        """Whether the transaction is recorded on the payment."""
        return self.result in ("paid", "late", "mismatch")


AWAITING, PAID = Status.AWAITING_PAYMENT, Status.PAID
PAID_ROWS = {
    "paid in time": Row(AWAITING, {}, "paid", PAID, PaymentStatus.PAID, False),
    "paid in the QR's last millisecond": Row(
        AWAITING, {"created_ms": "expires"}, "paid", PAID, PaymentStatus.PAID, False
    ),
    "paid without a time from Bakong": Row(
        AWAITING, {"created_ms": None}, "paid", PAID, PaymentStatus.PAID, False
    ),
    "paid a millisecond after the QR expired": Row(
        AWAITING,
        {"created_ms": "expires+1"},
        "late",
        AWAITING,
        PaymentStatus.LATE,
        True,
        "Paid after the code expired.",
    ),
    "paid an hour after the QR expired": Row(
        AWAITING,
        {"created_ms": "expires+3600000"},
        "late",
        AWAITING,
        PaymentStatus.LATE,
        True,
        "Paid after the code expired.",
    ),
    "paid in time for a cancelled order": Row(
        Status.CANCELLED,
        {},
        "late",
        Status.CANCELLED,
        PaymentStatus.LATE,
        True,
        "Paid while the order was cancelled.",
    ),
    "paid in time for an expired order": Row(
        Status.EXPIRED,
        {},
        "late",
        Status.EXPIRED,
        PaymentStatus.LATE,
        True,
        "Paid while the order was expired.",
    ),
    "paid by KHQR after staff marked it paid by hand": Row(
        PAID, {}, "late", PAID, PaymentStatus.LATE, True, "Paid while the order was paid."
    ),
    "paid in time for a code given up while a newer one waits": Row(
        AWAITING,
        {},
        "late",
        AWAITING,
        PaymentStatus.LATE,
        True,
        "Paid while the order was awaiting payment.",
        newer_code=True,
    ),
    "a cent too little": Row(
        AWAITING,
        {"amount": Decimal("-0.01")},
        "mismatch",
        AWAITING,
        PaymentStatus.MISMATCH,
        True,
        "Received $17.49 instead of $17.50.",
    ),
    "a dollar too much": Row(
        AWAITING,
        {"amount": Decimal("1.00")},
        "mismatch",
        AWAITING,
        PaymentStatus.MISMATCH,
        True,
        "Received $18.50 instead of $17.50.",
    ),
    "the same value in riel": Row(
        AWAITING,
        {"currency": "KHR", "amount": Decimal("71750")},
        "mismatch",
        AWAITING,
        PaymentStatus.MISMATCH,
        True,
        "Received 71,750 ៛ instead of $17.50.",
    ),
    "the right number in another currency": Row(
        AWAITING,
        {"currency": "KHR"},
        "mismatch",
        AWAITING,
        PaymentStatus.MISMATCH,
        True,
        "Received 18 ៛ instead of $17.50.",
    ),
    "a wrong amount for a cancelled order": Row(
        Status.CANCELLED,
        {"amount": Decimal("-0.01")},
        "mismatch",
        Status.CANCELLED,
        PaymentStatus.MISMATCH,
        True,
    ),
    "money to another account": Row(
        AWAITING, {"to_account": OTHER_ACCOUNT}, "ignored", AWAITING, PaymentStatus.PENDING, False
    ),
    "money to another account for a cancelled order": Row(
        Status.CANCELLED,
        {"to_account": OTHER_ACCOUNT},
        "ignored",
        Status.CANCELLED,
        PaymentStatus.PENDING,
        False,
    ),
}


def transaction_for(payment, change):
    """The transaction the QR asks for, changed as a table row says."""
    _created_ms, expires_ms = payment_window_ms(payment)
    overrides = {}
    for name, value in change.items():
        if name == "amount" and "currency" not in change:
            overrides["amount"] = payment.amount + value  # a difference
        elif name == "created_ms" and isinstance(value, str):
            overrides["created_ms"] = expires_ms + int(value.partition("+")[2] or 0)
        else:
            overrides[name] = value
    return bakong_transaction(payment, **overrides)


@pytest.mark.parametrize("row", PAID_ROWS.values(), ids=PAID_ROWS.keys())
def test_a_transaction_for_the_qr(row, product, shop, delivery, record):
    order = order_in(row.order, product, shop, delivery)
    payment = order.payments.get()
    if row.newer_code:
        # The shopper asked for a new code after this one ran out; then Bakong said "not
        # found" for this one: it is given up, and the order waits for the new one.
        later = payment.expires_at + timedelta(seconds=1)
        assert new_payment_attempt(order.pk, now=later, shop=shop).pk != payment.pk
        assert apply_outcome(payment.pk, NotFound(), now=payment.expires_at + grace()) == (
            "expired"
        )
    assert (payment.amount, payment.currency) == (Decimal("17.50"), "USD")
    stock_before = stock(product)
    changes_before = OrderStatusChange.objects.filter(order=order).count()
    attention = record(payment_needs_attention)
    status_events = record(order_status_changed)
    tx = transaction_for(payment, row.change)
    now = datetime.now(tz=UTC)

    assert apply_outcome(payment.pk, Paid(tx), now=now) == row.result

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == row.order_after
    assert payment.status == row.payment_after
    assert (payment.last_checked_at, payment.last_result) == (now, "Paid")
    assert [e["payment"].pk for e in attention] == ([payment.pk] if row.attention else [])
    assert payment.needs_attention is row.attention
    if row.reason:
        assert payment.attention_reason == row.reason
    if row.stored:
        assert payment.bakong_hash == tx.hash
        assert (payment.paid_amount, payment.paid_currency) == (tx.amount, tx.currency)
        assert (payment.payer_account, payment.receiving_account) == (
            tx.from_account,
            tx.to_account,
        )
        expected_time = ms_to_datetime(tx.created_ms) if tx.created_ms is not None else None
        assert payment.transaction_created_at == expected_time
        assert payment.raw_reply["hash"] == tx.hash
    else:
        assert payment.bakong_hash is None
        assert payment.paid_amount is None
    if row.result == "paid":
        assert [(e["old_status"], e["new_status"]) for e in status_events] == [(AWAITING, PAID)]
        assert OrderStatusChange.objects.filter(order=order).count() == changes_before + 1
        assert order.paid_payment == payment
    else:
        assert status_events == []
        assert OrderStatusChange.objects.filter(order=order).count() == changes_before
    assert stock(product) == stock_before  # credited or not, money never moves stock here


def test_the_same_transaction_reported_again_changes_nothing(product, shop, delivery, record):
    order = order_in(AWAITING, product, shop, delivery)
    payment = order.payments.get()
    tx = bakong_transaction(payment)
    assert apply_outcome(payment.pk, Paid(tx)) == "paid"
    status_events = record(order_status_changed)
    attention = record(payment_needs_attention)

    assert apply_outcome(payment.pk, Paid(tx)) == "already_paid"
    assert apply_outcome(payment.pk, Paid(tx)) == "already_paid"

    payment.refresh_from_db()
    assert (payment.status, payment.bakong_hash) == (PaymentStatus.PAID, tx.hash)
    assert OrderStatusChange.objects.filter(order=order, to_status=PAID).count() == 1
    assert (status_events, attention) == ([], [])


@pytest.mark.parametrize("first", ["paid", "late", "mismatch"])
def test_another_transaction_for_a_payment_that_holds_one_is_ignored(
    first, product, shop, delivery
):
    order = order_in(AWAITING, product, shop, delivery)
    payment = order.payments.get()
    change = {"paid": {}, "late": {"created_ms": "expires+1"}, "mismatch": {"amount": 1}}[first]
    held = transaction_for(payment, change)
    assert apply_outcome(payment.pk, Paid(held)) == first

    assert apply_outcome(payment.pk, Paid(bakong_transaction(payment))) == "ignored"

    payment.refresh_from_db()
    assert payment.bakong_hash == held.hash
    assert payment.status == first


def test_a_transaction_already_credited_to_another_payment_is_ignored(
    product, shop, delivery, record
):
    first = order_in(AWAITING, product, shop, delivery).payments.get()
    second_order = order_in(AWAITING, product, shop, delivery)
    second = second_order.payments.get()
    tx = bakong_transaction(first)
    assert apply_outcome(first.pk, Paid(tx)) == "paid"
    status_events = record(order_status_changed)

    # Bakong (wrongly) reports the same transaction for the second QR.
    again = bakong_transaction(second, hash=tx.hash)
    assert apply_outcome(second.pk, Paid(again)) == "ignored"

    second.refresh_from_db()
    second_order.refresh_from_db()
    assert (second.status, second.bakong_hash) == (PaymentStatus.PENDING, None)
    assert second_order.status == AWAITING
    assert status_events == []


# --- the shop's Bakong account changes --------------------------------------------------------


def test_the_receiving_account_is_the_one_in_the_qr(product, shop, delivery, settings):
    payment = order_in(AWAITING, product, shop, delivery).payments.get()
    assert receiving_account(payment) == settings.BAKONG_ACCOUNT_ID
    assert read_khqr(payment.qr_string)["account_id"] == settings.BAKONG_ACCOUNT_ID
    settings.BAKONG_ACCOUNT_ID = "new.account@aclb"  # the owner moves to another account
    assert receiving_account(payment) != settings.BAKONG_ACCOUNT_ID
    assert receiving_account(payment) == read_khqr(payment.qr_string)["account_id"]


@pytest.mark.parametrize(
    ("paid_to", "result", "order_after"),
    [
        ("the QR's account", "paid", PAID),
        ("today's account", "ignored", AWAITING),
    ],
)
def test_after_the_shop_changes_account_a_qr_is_credited_only_to_its_own_account(
    paid_to, result, order_after, product, shop, delivery, settings
):
    order = order_in(AWAITING, product, shop, delivery)
    payment = order.payments.get()
    qr_account = settings.BAKONG_ACCOUNT_ID
    settings.BAKONG_ACCOUNT_ID = "new.account@aclb"  # the owner moves to another account
    to_account = qr_account if paid_to == "the QR's account" else settings.BAKONG_ACCOUNT_ID
    tx = bakong_transaction(payment, to_account=to_account)

    assert apply_outcome(payment.pk, Paid(tx)) == result

    order.refresh_from_db()
    assert order.status == order_after
    assert (Payment.objects.get(pk=payment.pk).bakong_hash == tx.hash) is (result == "paid")


# --- no money: "not found", failures -----------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "result", "payment_after", "order_after", "stock_back"),
    [
        ("a minute before the expiry", "unchanged", PaymentStatus.PENDING, AWAITING, False),
        ("at the expiry", "unchanged", PaymentStatus.PENDING, AWAITING, False),
        ("a second before the grace ends", "unchanged", PaymentStatus.PENDING, AWAITING, False),
        ("when the grace ends", "expired", PaymentStatus.EXPIRED, Status.EXPIRED, True),
        ("an hour later", "expired", PaymentStatus.EXPIRED, Status.EXPIRED, True),
    ],
)
def test_not_found_expires_only_after_the_expiry_and_the_grace(
    moment, result, payment_after, order_after, stock_back, product, shop, delivery, record
):
    order = order_in(AWAITING, product, shop, delivery)
    payment = order.payments.get()
    now = (
        payment.expires_at
        + {
            "a minute before the expiry": -timedelta(minutes=1),
            "at the expiry": timedelta(0),
            "a second before the grace ends": grace() - timedelta(seconds=1),
            "when the grace ends": grace(),
            "an hour later": grace() + timedelta(hours=1),
        }[moment]
    )
    status_events = record(order_status_changed)

    assert apply_outcome(payment.pk, NotFound(), now=now) == result

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (payment.status, order.status) == (payment_after, order_after)
    assert (payment.last_checked_at, payment.last_result) == (now, "NotFound")
    assert stock(product) == (10 if stock_back else 10 - QUANTITY)
    expected_events = [(AWAITING, Status.EXPIRED)] if result == "expired" else []
    assert [(e["old_status"], e["new_status"]) for e in status_events] == expected_events


def test_not_found_keeps_the_order_while_a_newer_code_still_waits(product, shop, delivery):
    order = order_in(AWAITING, product, shop, delivery)
    first = order.payments.get()
    # The shopper asked for a new code after the first one ran out, before Bakong was asked.
    second = new_payment_attempt(order.pk, now=first.expires_at + timedelta(seconds=1), shop=shop)
    assert second.pk != first.pk

    assert apply_outcome(first.pk, NotFound(), now=first.expires_at + grace()) == "expired"

    order.refresh_from_db()
    assert Payment.objects.get(pk=first.pk).status == PaymentStatus.EXPIRED
    assert Payment.objects.get(pk=second.pk).status == PaymentStatus.PENDING
    assert order.status == AWAITING
    assert stock(product) == 10 - QUANTITY


@pytest.mark.parametrize("first", ["paid", "expired"])
def test_not_found_for_a_payment_no_longer_pending_changes_nothing(first, product, shop, delivery):
    order = order_in(AWAITING, product, shop, delivery)
    payment = order.payments.get()
    later = payment.expires_at + grace() + timedelta(hours=1)
    if first == "paid":
        assert apply_outcome(payment.pk, Paid(bakong_transaction(payment))) == "paid"
    else:
        assert apply_outcome(payment.pk, NotFound(), now=later) == "expired"
    order.refresh_from_db()
    status_before = order.status

    assert apply_outcome(payment.pk, NotFound(), now=later) == "unchanged"

    order.refresh_from_db()
    assert (Payment.objects.get(pk=payment.pk).status, order.status) == (first, status_before)


@pytest.mark.parametrize("outcome", [Failed("Transaction failed"), StaticQR()], ids=repr)
@pytest.mark.parametrize("when", ["before the expiry", "long after the grace"])
def test_failed_and_static_qr_answers_change_nothing(outcome, when, product, shop, delivery):
    order = order_in(AWAITING, product, shop, delivery)
    payment = order.payments.get()
    now = payment.expires_at + (
        timedelta(minutes=-5) if when == "before the expiry" else grace() + timedelta(hours=2)
    )

    assert apply_outcome(payment.pk, outcome, now=now) == "unchanged"

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.PENDING, AWAITING)
    assert (payment.last_checked_at, payment.last_result) == (now, type(outcome).__name__)
    assert payment.bakong_hash is None
    assert stock(product) == 10 - QUANTITY


def test_bakong_transaction_matches_what_the_qr_asks_for(product, shop, delivery):
    """The factory's default transaction is the one the QR asks for (the table's baseline)."""
    payment = order_in(AWAITING, product, shop, delivery).payments.get()
    code = read_khqr(payment.qr_string)
    tx = bakong_transaction(payment)
    assert (tx.amount, tx.currency, tx.to_account) == (
        code["amount"],
        code["currency"],
        code["account_id"],
    )
    assert code["created_ms"] < tx.created_ms < code["expires_ms"]
    assert ms_to_datetime(code["expires_ms"]) == payment.expires_at
    assert Order.objects.get(pk=payment.order_id).expires_at == payment.expires_at
