"""The admin home's shop panel and the sales report page."""

import csv
from datetime import date, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSet

from backoffice.reports import (
    cash_on_delivery_outstanding,
    daily_sales,
    dashboard_figures,
    spreadsheet_safe,
)
from checkout.khqr.token import token_warning

REPORT_PERMISSION = "checkout.view_order"


class ShopDashboardPanel(Component):
    name = "shop_dashboard"
    order = 50
    template_name = "backoffice/dashboard_panel.html"

    def get_context_data(self, parent_context):
        return {
            "figures": dashboard_figures(),
            "report_url": reverse("sales_report:index"),
            "token_warning": token_warning(),
        }


EARLIEST_REPORT_DATE = date(2000, 1, 1)
MAX_REPORT_DAYS = 366


class SalesReportForm(forms.Form):
    """The report's period. Dates outside 2000 to a year from now are refused (the day after
    9999-12-31 does not exist, and nothing was sold in year 1); a period longer than
    ``MAX_REPORT_DAYS`` is shortened, and the page says so."""

    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.latest = today + timedelta(days=MAX_REPORT_DAYS)
        self.shortened = False

    def _in_range(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST_REPORT_DATE <= value <= self.latest:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST_REPORT_DATE.isoformat(), "latest": self.latest.isoformat()}
            )
        return value

    def clean_start(self):
        return self._in_range("start")

    def clean_end(self):
        return self._in_range("end")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        end = cleaned.get("end") or self.today
        start = cleaned.get("start") or end - timedelta(days=29)
        if start > end:
            start, end = end, start
        if (end - start).days >= MAX_REPORT_DAYS:
            end = start + timedelta(days=MAX_REPORT_DAYS - 1)
            self.shortened = True
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def _error_text(form):
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def sales_report(request):
    if not request.user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied
    today = timezone.localdate()
    form = SalesReportForm(request.GET, today=today)
    notice = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        if form.shortened:
            notice = _("A report covers at most %(days)s days: showing %(start)s to %(end)s.") % {
                "days": MAX_REPORT_DAYS,
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
    elif request.GET.get("format") == "csv":
        return HttpResponse(_error_text(form), status=400, content_type="text/plain; charset=utf-8")
    else:
        start, end = today - timedelta(days=29), today  # the usual period, under the errors
    days = daily_sales(start, end)
    totals = {
        key: sum(entry[key] for entry in days.values())
        for key in ("orders", "usd", "khr", "discounts", "refunds", "usd_equivalent")
    }
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sales-{start}-{end}.csv"'
        writer = csv.writer(response)

        def row(cells):
            writer.writerow([spreadsheet_safe(cell) for cell in cells])

        row(
            [
                _("date"),
                _("paid orders"),
                _("revenue USD"),
                _("revenue KHR"),
                _("discounts in USD"),
                _("refunds in USD"),
                _("net revenue in USD"),
            ]
        )
        for day, entry in days.items():
            row(
                [
                    day.isoformat(),
                    entry["orders"],
                    entry["usd"],
                    entry["khr"],
                    entry["discounts"],
                    entry["refunds"],
                    entry["usd_equivalent"],
                ]
            )
        row(
            [
                _("total"),
                totals["orders"],
                totals["usd"],
                totals["khr"],
                totals["discounts"],
                totals["refunds"],
                totals["usd_equivalent"],
            ]
        )
        return response
    return render(
        request,
        "backoffice/sales_report.html",
        {
            "form": form,
            "errors": _error_text(form) if form.errors else "",
            "notice": notice,
            "days": days,
            "totals": totals,
            "cash_on_delivery": cash_on_delivery_outstanding(),
            "start": start,
            "end": end,
            "earliest": EARLIEST_REPORT_DATE,
            "latest": form.latest,
            "header_title": _("Sales report"),
        },
    )


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


class SalesReportViewSet(ViewSet):
    menu_label = gettext_lazy("Sales report")
    menu_name = "sales-report"
    icon = "doc-full"
    name = "sales_report"

    def get_urlpatterns(self):
        return [path("", sales_report, name="index")]

    @property
    def menu_item_class(self):
        return ReportMenuItem
