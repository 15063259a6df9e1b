"""The admin home's shop panel and the sales report page."""

import csv
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSet

from checkout.reports import daily_sales, dashboard_figures

REPORT_PERMISSION = "checkout.view_order"


class ShopDashboardPanel(Component):
    name = "shop_dashboard"
    order = 50
    template_name = "checkout/admin/dashboard_panel.html"

    def get_context_data(self, parent_context):
        from checkout.khqr.token import token_warning

        return {
            "figures": dashboard_figures(),
            "report_url": reverse("sales_report:index"),
            "token_warning": token_warning(),
        }


def _parse_date(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def sales_report(request):
    if not request.user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied
    today = timezone.localdate()
    start = _parse_date(request.GET.get("start"), today - timedelta(days=29))
    end = _parse_date(request.GET.get("end"), today)
    if start > end:
        start, end = end, start
    end = min(end, start + timedelta(days=366))
    days = daily_sales(start, end)
    totals = {
        key: sum(entry[key] for entry in days.values())
        for key in ("orders", "usd", "khr", "usd_equivalent")
    }
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sales-{start}-{end}.csv"'
        writer = csv.writer(response)
        writer.writerow(["date", "paid orders", "revenue USD", "revenue KHR", "revenue in USD"])
        for day, entry in days.items():
            writer.writerow(
                [
                    day.isoformat(),
                    entry["orders"],
                    entry["usd"],
                    entry["khr"],
                    entry["usd_equivalent"],
                ]
            )
        writer.writerow(
            ["total", totals["orders"], totals["usd"], totals["khr"], totals["usd_equivalent"]]
        )
        return response
    return render(
        request,
        "checkout/admin/sales_report.html",
        {
            "days": days,
            "totals": totals,
            "start": start,
            "end": end,
            "header_title": "Sales report",
        },
    )


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


class SalesReportViewSet(ViewSet):
    menu_label = "Sales report"
    icon = "doc-full"
    name = "sales_report"

    def get_urlpatterns(self):
        return [path("", sales_report, name="index")]

    @property
    def menu_item_class(self):
        return ReportMenuItem
