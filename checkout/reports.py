"""Sales figures for the admin dashboard and the sales report."""

from collections import OrderedDict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.inventory import current_stock_records
from checkout.orders import Order, Status
from checkout.payments import NEEDS_ATTENTION, Payment, PaymentStatus
from website import money

PAID_STATES = [Status.PAID, Status.PROCESSING, Status.SHIPPED, Status.DELIVERED]


def _usd_equivalent(amount, currency, rate):
    return amount if currency == money.USD else (amount / rate).quantize(money.CENT)


def daily_sales(start, end):
    """``OrderedDict`` of local date → {"orders", "usd", "khr", "usd_equivalent"} for paid orders
    (by the day they were paid), every day from ``start`` to ``end`` inclusive."""
    days = OrderedDict()
    day = start
    while day <= end:
        days[day] = {
            "orders": 0,
            "usd": Decimal("0"),
            "khr": Decimal("0"),
            "usd_equivalent": Decimal("0"),
        }
        day += timedelta(days=1)
    rows = (
        Order.objects.filter(
            status__in=PAID_STATES, paid_at__date__gte=start, paid_at__date__lte=end
        )
        .annotate(day=TruncDate("paid_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "currency", "khr_per_usd")
        .annotate(count=Count("pk"), revenue=Sum("total"))
    )
    for row in rows:
        entry = days.get(row["day"])
        if entry is None:
            continue
        entry["orders"] += row["count"]
        entry["usd" if row["currency"] == money.USD else "khr"] += row["revenue"]
        entry["usd_equivalent"] += _usd_equivalent(
            row["revenue"], row["currency"], row["khr_per_usd"]
        )
    return days


def dashboard_figures():
    today = timezone.localdate()
    series = daily_sales(today - timedelta(days=29), today)
    return {
        "today": series[today],
        "awaiting_payment": Order.objects.filter(status=Status.AWAITING_PAYMENT).count(),
        "payments_pending": Payment.objects.filter(status=PaymentStatus.PENDING).count(),
        "low_stock": current_stock_records().filter(quantity__lte=F("low_stock_threshold")).count(),
        "needs_attention": Payment.objects.filter(
            status__in=NEEDS_ATTENTION, resolved_at__isnull=True
        ).count(),
        "chart": {
            "labels": [day.strftime("%d %b") for day in series],
            "revenue": [float(entry["usd_equivalent"]) for entry in series.values()],
            "orders": [entry["orders"] for entry in series.values()],
        },
    }
