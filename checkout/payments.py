"""KHQR payments: one record per payment attempt, and every way a payment changes state.

A payment moves ``pending → paid`` exactly once, under the order's and the payment's row
locks, whoever notices first (the shopper's page polling, the sweeper, staff). Bakong is
always asked *before* any lock is taken, never inside a transaction. Errors from Bakong
change nothing; only a successful "not found" after the expiry (plus a grace period)
expires a payment. Money that arrives late, for the wrong amount or for a closed order is
recorded for the owner, never dropped.
"""

import base64
import io
import json
import logging
from datetime import UTC, datetime, timedelta

import qrcode
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checkout import events
from checkout.khqr.builder import KHQRError, build_khqr, read_khqr
from checkout.khqr.client import (
    BakongClient,
    BakongError,
    Failed,
    NotFound,
    Paid,
    StaticQR,
)
from checkout.models import Order, OrderNote, Payment, PaymentStatus, Status
from checkout.status import set_status
from kernel import metrics, money
from kernel.errors import Conflict, ShopError
from kernel.models import ShopSettings
from kernel.redact import describe_error

logger = logging.getLogger(__name__)

LATE_CHECK_WINDOW = timedelta(hours=24)


# --- creating payments ----------------------------------------------------------------------


class CannotPayByKHQR(ShopError):
    """The order's amount (or the shop's KHQR set-up) is one a KHQR code cannot carry."""

    status = 409
    code = "khqr_unavailable"


class PaymentCodesUsedUp(ShopError):
    status = 409
    code = "payment_codes_used_up"


class TooManyRequests(ShopError):
    status = 429
    code = "too_many_requests"


def create_payment(order, now=None):
    """A new KHQR for the order's total; the order's payment window follows the QR's expiry.

    Runs inside the caller's transaction; builds the code locally (no network). Raises
    ``CannotPayByKHQR`` (a ``ShopError``, so the transaction is rolled back and the shopper
    told why) when the code cannot be built.
    """
    now = now or timezone.now()
    minutes = settings.SHOP_PAYMENT_WINDOW_MINUTES
    try:
        code = build_khqr(
            amount=order.total,
            currency=order.currency,
            bill_number=order.number,
            account_id=settings.BAKONG_ACCOUNT_ID,
            merchant_name=settings.BAKONG_MERCHANT_NAME,
            merchant_city=settings.BAKONG_MERCHANT_CITY,
            expires_in_minutes=minutes,
            now_ms=int(now.timestamp() * 1000),
        )
    except KHQRError as error:
        logger.error(
            "No KHQR for order %s (%s %s): %s", order.number, order.total, order.currency, error
        )
        raise CannotPayByKHQR(
            _("We could not make a KHQR payment code for this order. Please contact the shop.")
        ) from error
    expires_at = datetime.fromtimestamp(code.expires_ms / 1000, tz=UTC)
    payment = Payment.objects.create(
        order=order,
        md5=code.md5,
        qr_string=code.payload,
        amount=order.total,
        currency=order.currency,
        created_at=now,
        expires_at=expires_at,
    )
    if order.expires_at != expires_at:
        order.expires_at = expires_at
        order.save(update_fields=["expires_at"])
    return payment


def _qr_code(payment):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(payment.qr_string)
    code.make(fit=True)
    return code


def qr_svg(payment):
    """The payment's QR as an SVG data URI, with its size in modules (quiet zone included).

    The payment page shows this rather than the PNG: drawn at a whole number of CSS pixels
    per module (``--qr-modules`` in shop.css), every module is the same size on any screen,
    where a PNG scaled to fit its box gets modules of uneven widths."""
    matrix = _qr_code(payment).get_matrix()
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    size = len(matrix)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(), size


# What the media storage raises when it cannot be reached or refuses a file: a bucket's
# errors (MEDIA_STORAGE=s3), a full or read-only disk (local files).
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)


def _qr_png(payment):
    buffer = io.BytesIO()
    _qr_code(payment).make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def ensure_qr_image(payment):
    """Save ``media/qrcodes/<md5>.png`` (encoding exactly the stored string) if missing, and
    return its URL: the picture the order page offers to save, and the API's ``image_url``.

    When the media storage cannot be reached (a bucket down or slow, a full disk), the order
    page and the checkout API still answer: the PNG is returned inline, as a ``data:`` URL
    (a link with ``download`` saves it all the same), the failure is logged, and the next
    request tries the storage again."""
    try:
        if not default_storage.exists(payment.image_name):
            default_storage.save(payment.image_name, ContentFile(_qr_png(payment)))
        return payment.image_url
    except STORAGE_ERRORS as error:
        logger.warning(
            "The QR picture of payment %s could not be stored (%s): it is sent inline",
            payment.pk,
            describe_error(error),
        )
    return "data:image/png;base64," + base64.b64encode(_qr_png(payment)).decode()


def ensure_deeplink(payment, callback_url, icon_url, client=None):
    """Ask Bakong once for an "open in wallet" link; a failure just means no link."""
    if payment.deeplink_requested:
        return payment.deeplink
    Payment.objects.filter(pk=payment.pk).update(deeplink_requested=True)
    payment.deeplink_requested = True
    try:
        link = (client or BakongClient(timeout=(1.0, 2.0))).deeplink(
            payment.qr_string, settings.BAKONG_APP_NAME, icon_url, callback_url
        )
    except BakongError as error:
        logger.warning("No Bakong deep link for payment %s: %s", payment.pk, error)
        return ""
    if link:
        Payment.objects.filter(pk=payment.pk).update(deeplink=link[:500])
        payment.deeplink = link[:500]
    return payment.deeplink


def _throttle_new_payment(order_id, now, per_minute):
    """Refuse more than ``per_minute`` requests for a new code for one order in a minute,
    whoever sends them: a counter in the shared cache, checked before any database work."""
    minute = int(now.timestamp()) // 60
    key = f"checkout:new-payment:{order_id}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between the two calls: count this one as the first
        cache.add(key, 1, timeout=120)
        count = 1
    if count > per_minute:
        raise TooManyRequests(
            _(
                "This order's page asked for new payment codes too often. Please wait a "
                "minute and try again."
            )
        )


def new_payment_attempt(order_id, now=None, shop=None):
    """A fresh QR after the last one expired, if the order's stock can still be reserved.

    Within the shop's limits (``shop``: its settings; the default site's when not given): at
    most ``max_payment_windows`` codes per order in all (so an order holds stock for at most
    that many payment windows), and at most ``new_payment_requests_per_minute`` requests for
    one order a minute. Refusals are ``ShopError``s.
    """
    now = now or timezone.now()
    shop = shop or ShopSettings.current()
    _throttle_new_payment(order_id, now, shop.new_payment_requests_per_minute)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.payments.filter(status=PaymentStatus.PENDING, expires_at__gt=now).exists():
            return order.payments.filter(status=PaymentStatus.PENDING).first()
        if order.status not in (Status.EXPIRED, Status.AWAITING_PAYMENT):
            raise Conflict(
                _("This order is not waiting for a payment."), code="not_awaiting_payment"
            )
        if order.payments.count() >= shop.max_payment_windows:
            raise PaymentCodesUsedUp(
                _(
                    "This order has used all its payment codes, so its items go back on sale. "
                    "Please place a new order if you still want them."
                )
            )
        if order.status == Status.EXPIRED:
            # Re-reserves the stock; raises Conflict when it is gone.
            set_status(order, Status.AWAITING_PAYMENT, reason="New payment code requested")
        order.expires_at = now + timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES)
        return create_payment(order, now=now)


# --- what Bakong says -----------------------------------------------------------------------


def _datetime_from_ms(value):
    return datetime.fromtimestamp(value / 1000, tz=UTC) if value else None


def _store_transaction(payment, tx, status, reason=""):
    payment.status = status
    payment.bakong_hash = tx.hash
    payment.payer_account = tx.from_account[:64]
    payment.receiving_account = tx.to_account[:64]
    payment.paid_amount = tx.amount
    payment.paid_currency = tx.currency[:3]
    payment.transaction_created_at = _datetime_from_ms(tx.created_ms)
    payment.transaction_acknowledged_at = _datetime_from_ms(tx.acknowledged_ms)
    payment.external_ref = tx.external_ref[:64]
    payment.raw_reply = _jsonable(tx.raw)
    payment.attention_reason = reason[:255]
    payment.save()


def _jsonable(data):
    return json.loads(json.dumps(data, default=str))


def apply_outcome(payment_id, outcome, now=None, by=None):
    """Apply what Bakong said about a payment, under row locks (order first, then payment).

    Returns a short word for what happened: ``paid``, ``already_paid``, ``late``,
    ``mismatch``, ``ignored``, ``expired`` or ``unchanged``.
    """
    with transaction.atomic():
        result = _apply_outcome(payment_id, outcome, now=now or timezone.now(), by=by)
        if result in COUNTED_OUTCOMES:
            metrics.inc_on_commit(metrics.KHQR_PAYMENTS, outcome=result)
    return result


# What changed a payment, for the metrics; repeats (``already_paid``) and no-ops are not counted.
COUNTED_OUTCOMES = {"paid", "late", "mismatch", "expired"}


def _apply_outcome(payment_id, outcome, now, by):
    order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).get()
    order = Order.objects.select_for_update().get(pk=order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payment.last_checked_at = now
    payment.last_result = type(outcome).__name__
    payment.save(update_fields=["last_checked_at", "last_result"])

    if isinstance(outcome, Paid):
        return _record_paid(order, payment, outcome.transaction, by=by)
    if isinstance(outcome, NotFound) and payment.status == PaymentStatus.PENDING:
        grace = timedelta(seconds=settings.BAKONG_EXPIRY_GRACE_SECONDS)
        if now >= payment.expires_at + grace:
            payment.status = PaymentStatus.EXPIRED
            payment.save(update_fields=["status"])
            still_pending = order.payments.filter(status=PaymentStatus.PENDING).exists()
            if order.status == Status.AWAITING_PAYMENT and not still_pending:
                set_status(order, Status.EXPIRED, reason="KHQR expired unpaid (Bakong: not found)")
            return "expired"
    if isinstance(outcome, Failed | StaticQR):
        logger.warning("Bakong says payment %s %s", payment.pk, type(outcome).__name__)
    return "unchanged"


def receiving_account(payment):
    """The Bakong account this payment's QR sends the money to: the one in the QR itself, so
    a shop that changes BAKONG_ACCOUNT_ID still credits the codes it handed out before."""
    try:
        account = read_khqr(payment.qr_string)["account_id"]
    except KHQRError:
        account = None
    return account or settings.BAKONG_ACCOUNT_ID


def _record_paid(order, payment, tx, by=None):
    if payment.bakong_hash == tx.hash:
        return "already_paid"  # a repeat notice of the same money: already processed
    if payment.bakong_hash:
        logger.error("Payment %s already holds transaction %s", payment.pk, payment.bakong_hash)
        return "ignored"
    if tx.to_account != receiving_account(payment):
        logger.error("Transaction %s went to %s, not the shop's account", tx.hash, tx.to_account)
        return "ignored"  # not the shop's money: nothing to credit or refund
    if Payment.objects.filter(bakong_hash=tx.hash).exclude(pk=payment.pk).exists():
        logger.error("Transaction %s is already credited to another payment", tx.hash)
        return "ignored"
    if tx.currency != payment.currency or tx.amount != payment.amount:
        with translation.override("en"):  # stored text, written in English like every reason
            received = (
                money.format_money(tx.amount, tx.currency)
                if tx.currency in (money.USD, money.KHR)
                else tx.amount
            )
            reason = f"Received {received} instead of {money.format_money(payment.amount, payment.currency)}."
        _store_transaction(payment, tx, PaymentStatus.MISMATCH, reason=reason)
        events.payment_needs_attention.send(sender=Payment, payment=payment)
        return "mismatch"
    paid_in_time = tx.created_ms is None or tx.created_ms <= payment.expires_at.timestamp() * 1000
    if (
        not paid_in_time
        or order.status != Status.AWAITING_PAYMENT
        or payment.status != PaymentStatus.PENDING
    ):
        # Stored for staff in English, like the rest of the audit trail (whichever shopper's
        # language this request speaks).
        with translation.override(None):
            status_words = str(Status(order.status).label).lower()
        when = (
            "after the code expired" if not paid_in_time else f"while the order was {status_words}"
        )
        _store_transaction(payment, tx, PaymentStatus.LATE, reason=f"Paid {when}.")
        events.payment_needs_attention.send(sender=Payment, payment=payment)
        return "late"
    _store_transaction(payment, tx, PaymentStatus.PAID)
    set_status(order, Status.PAID, by=by, reason=f"KHQR paid (Bakong {tx.hash[:12]})")
    return "paid"


def reinstate_late_payment(payment_id, by=None):
    """Money arrived for an order that had closed: reopen it as paid if its stock can still be
    reserved. Raises ``Conflict`` (the order then needs a refund) when it cannot."""
    with transaction.atomic():
        order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).get()
        order = Order.objects.select_for_update().get(pk=order_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.LATE or payment.resolved_at:
            raise Conflict(_("Only an unresolved late payment can be reinstated."), code="not_late")
        # The payment is marked paid first: the receipt queued by set_status reads it (its
        # Bakong reference). If the stock is gone, set_status raises and nothing is saved.
        payment.status = PaymentStatus.PAID
        payment.resolved_at = timezone.now()
        payment.resolution = "Order reinstated"
        payment.save(update_fields=["status", "resolved_at", "resolution"])
        set_status(order, Status.PAID, by=by, reason="Late KHQR payment accepted")
        return order


def resolve_payment(payment_id, by, note):
    """Staff settled a payment that needed attention outside the shop (refunded it, collected
    the difference): the payment records how, under its row lock, and the order keeps a note
    of who did it. ``Conflict`` when it no longer needs attention."""
    note = (note or "").strip()[:200]
    if not note:
        raise ShopError(
            _("Say how it was resolved (for example: refunded by ABA transfer)."),
            fields={"reason": [_("Required.")]},
        )
    with transaction.atomic():
        order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).get()
        Order.objects.select_for_update().get(pk=order_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if not payment.needs_attention:
            raise Conflict(
                _("This payment no longer needs attention; nothing was changed."),
                code="not_needing_attention",
            )
        payment.resolved_at = timezone.now()
        payment.resolution = note
        payment.save(update_fields=["resolved_at", "resolution"])
        OrderNote.objects.create(
            order_id=order_id,
            author=by if by is not None and by.is_authenticated else None,
            text=f"Payment {payment.short_md5} resolved: {note}",
        )
    return payment


# --- asking Bakong --------------------------------------------------------------------------


def claim_check(payment, now=None):
    """Claim the right to ask Bakong about this payment now. One claim per interval across
    every worker and server (a conditional update on the row)."""
    now = now or timezone.now()
    interval = timedelta(seconds=settings.BAKONG_CHECK_INTERVAL_SECONDS)
    claimed = (
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING)
        .filter(
            models.Q(last_checked_at__isnull=True) | models.Q(last_checked_at__lte=now - interval)
        )
        .update(last_checked_at=now)
    )
    return claimed == 1


def check_payment(payment, client=None, now=None):
    """The status endpoint's check: ask Bakong (at most once per interval) and apply the answer.

    Bakong errors are logged and change nothing: the payment stays as it was.
    """
    if not claim_check(payment, now=now):
        return "throttled"
    # A shopper's page is waiting on this answer: a slow Bakong must not hold it (or a
    # gunicorn worker) for long. The sweeper asks again with the normal timeouts.
    quick = (settings.BAKONG_CONNECT_TIMEOUT, settings.BAKONG_STATUS_READ_TIMEOUT)
    try:
        outcome = (client or BakongClient(timeout=quick)).check_md5(payment.md5)
    except BakongError as error:
        logger.warning("Could not check payment %s with Bakong: %s", payment.pk, error)
        return "unavailable"
    return apply_outcome(payment.pk, outcome, now=now)


def payments_to_sweep(now=None):
    now = now or timezone.now()
    return Payment.objects.filter(
        models.Q(status=PaymentStatus.PENDING)
        | models.Q(status=PaymentStatus.EXPIRED, expires_at__gte=now - LATE_CHECK_WINDOW)
    ).order_by("pk")


def sweep_payments(client=None, now=None):
    """Batch-check every pending payment (and those expired within a day, to catch late
    money) and apply the answers. Raises ``BakongError`` when Bakong cannot be asked, so
    the task is retried later; nothing is changed in that case."""
    now = now or timezone.now()
    payments = list(payments_to_sweep(now).values_list("pk", "md5"))
    if not payments:
        return {}
    outcomes = (client or BakongClient()).check_md5_list([md5 for _, md5 in payments])
    results = {}
    for payment_id, md5 in payments:
        if md5 in outcomes:
            result = apply_outcome(payment_id, outcomes[md5], now=now)
            results[result] = results.get(result, 0) + 1
    return results
