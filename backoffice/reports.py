"""Sales figures for the admin dashboard and the sales report, and spreadsheet-safe cells."""

import re
from collections import OrderedDict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import dateformat, timezone

from catalog.models import current_stock_records
from checkout.models import (
    COD_OPEN_STATES,
    NEEDS_ATTENTION,
    PAID_STATES,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    Status,
)
from kernel import money


def _usd_equivalent(amount, currency, rate):
    return amount if currency == money.USD else (amount / rate).quantize(money.CENT)


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def daily_sales(start, end):
    """``OrderedDict`` of local date → {"orders", "usd", "khr", "refunds", "usd_equivalent"}:
    paid orders and their sales by the day they were paid, refunds by the day they were
    given, and ``usd_equivalent`` the day's net (sales less refunds, in dollars), every day
    from ``start`` to ``end`` inclusive.

    Days are cut in Python, not with the database's date functions: MySQL and MariaDB convert
    time zones only when their time-zone tables are loaded, which many servers lack.
    """
    days = OrderedDict()
    day = start
    while day <= end:
        days[day] = {
            "orders": 0,
            "usd": Decimal("0"),
            "khr": Decimal("0"),
            "discounts": Decimal("0"),  # given on the day's paid orders, in dollars
            "refunds": Decimal("0"),  # in dollars, at each order's rate
            "usd_equivalent": Decimal("0"),  # sales less refunds, in dollars
        }
        day += timedelta(days=1)
    # Every order that was paid counts on the day it was paid, refunded ones included; the
    # money given back counts against the day it was given back.
    paid = Order.objects.filter(
        status__in=(*PAID_STATES, Status.REFUNDED),
        paid_at__gte=_local_midnight(start),
        paid_at__lt=_local_midnight(end + timedelta(days=1)),
    ).values_list("paid_at", "currency", "khr_per_usd", "total", "discount_amount")
    for paid_at, currency, rate, total, discount in paid.iterator():
        entry = days.get(timezone.localtime(paid_at).date())
        if entry is None:
            continue
        entry["orders"] += 1
        entry["usd" if currency == money.USD else "khr"] += total
        entry["usd_equivalent"] += _usd_equivalent(total, currency, rate)
        entry["discounts"] += _usd_equivalent(discount, currency, rate)
    refunds = Refund.objects.filter(
        created_at__gte=_local_midnight(start),
        created_at__lt=_local_midnight(end + timedelta(days=1)),
    ).values_list("created_at", "currency", "order__khr_per_usd", "amount")
    for created_at, currency, rate, amount in refunds.iterator():
        entry = days.get(timezone.localtime(created_at).date())
        if entry is None:
            continue
        back = _usd_equivalent(amount, currency, rate)
        entry["refunds"] += back
        entry["usd_equivalent"] -= back
    return days


def cash_on_delivery_outstanding():
    """Cash on delivery money not in yet: ``{"orders", "usd_equivalent", "to_confirm"}`` for
    confirmed orders (being prepared, on their way or delivered) whose cash staff have not
    recorded, and the count of orders still waiting for staff to confirm them."""
    due = Order.objects.filter(
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        status__in=[status for status in COD_OPEN_STATES if status != Status.AWAITING_CONFIRMATION],
        paid_at__isnull=True,
    ).values_list("currency", "khr_per_usd", "total")
    figures = {"orders": 0, "usd_equivalent": Decimal("0")}
    for currency, rate, total in due.iterator():
        figures["orders"] += 1
        figures["usd_equivalent"] += _usd_equivalent(total, currency, rate)
    figures["to_confirm"] = Order.objects.filter(status=Status.AWAITING_CONFIRMATION).count()
    return figures


def dashboard_figures():
    today = timezone.localdate()
    series = daily_sales(today - timedelta(days=29), today)
    return {
        "today": series[today],
        "awaiting_payment": Order.objects.filter(status=Status.AWAITING_PAYMENT).count(),
        "cash_on_delivery": cash_on_delivery_outstanding(),
        "payments_pending": Payment.objects.filter(status=PaymentStatus.PENDING).count(),
        "low_stock": current_stock_records().filter(quantity__lte=F("low_stock_threshold")).count(),
        "needs_attention": Payment.objects.filter(
            status__in=NEEDS_ATTENTION, resolved_at__isnull=True
        ).count(),
        "chart": {
            # "01 Dec", with the month's name in the active language.
            "labels": [dateformat.format(day, "d M") for day in series],
            "revenue": [float(entry["usd_equivalent"]) for entry in series.values()],
            "orders": [entry["orders"] for entry in series.values()],
        },
    }


# --- spreadsheet exports --------------------------------------------------------------------

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google
# Sheets (the full-width forms too, by some), so a shopper named =HYPERLINK(...) could put a
# live formula in the owner's spreadsheet. OWASP's advice: prefix such text with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(value):
    """``value`` as a spreadsheet may show it without running it: text that a spreadsheet
    would take for a formula gets a leading ``'``; numbers (and text that is only a plain
    number, like ``-5.00``) and everything else are unchanged."""
    if not isinstance(value, str) or PLAIN_NUMBER.fullmatch(value):
        return value
    if value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value
