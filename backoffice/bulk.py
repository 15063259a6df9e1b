"""Admin pages for bulk catalog work, under "Shop": importing and exporting products as
spreadsheets, and editing many stock levels at once.

They only translate: an upload becomes rows (``catalog.bulk.sheets``), rows become a dry run
(``catalog.bulk.importer.plan_import``) that is shown and kept in the session until staff
confirm it, and a confirmation becomes ``apply_plan``; a page of typed stock levels becomes
``catalog.bulk.stock.set_levels``. Every refusal is shown on the page; none is a server error.

Who may use them:

- importing and exporting products: staff who may publish pages (Wagtail's page
  permissions; each product's category and page are checked again row by row), and for
  rows that change stock, the stock permission the inventory view needs. Staff without the
  stock permission export no stock column.
- the bulk stock editor: staff with the inventory view's permissions.
"""

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from backoffice.reports import spreadsheet_safe
from catalog.bulk import columns
from catalog.bulk.exporter import export_rows
from catalog.bulk.importer import CREATE, UNCHANGED, UPDATE, apply_plan, plan_import
from catalog.bulk.sheets import (
    CSV,
    MAX_FILE_BYTES,
    MAX_ROWS,
    XLSX,
    FileRefused,
    Sheet,
    read_upload,
    write_csv,
    write_xlsx,
)
from catalog.bulk.stock import GONE, SAVED, STALE, LevelChange, set_levels, stock_rows
from catalog.models import PRODUCT_ITSELF
from kernel.input import StorableTextForm

PENDING_IMPORT = "catalog_bulk_import"
STOCK_VIEW_PERMISSIONS = ("catalog.view_stockrecord", "catalog.change_stockrecord")
STOCK_ROWS_PER_PAGE = 50
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def may_import(user):
    """Staff who may publish pages somewhere; each row is checked against its own page."""
    return PagePermissionPolicy().user_has_permission(user, "publish")


def may_edit_stock(user):
    return user.has_perms(STOCK_VIEW_PERMISSIONS)


def request_site(request):
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()


# --- import and export ---------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Product file (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def _start_page(request, form, status=200):
    return render(
        request,
        "backoffice/bulk/import.html",
        {
            "form": form,
            "columns": columns.COLUMNS,
            "max_rows": MAX_ROWS,
            "max_size": MAX_FILE_BYTES,
            "export_csv": reverse("product_import:export") + "?format=csv",
            "export_xlsx": reverse("product_import:export") + "?format=xlsx",
        },
        status=status,
    )


def _preview(request, plan, sheet, notice="", status=200):
    """The dry run's page; a plan without errors is kept in the session to be confirmed."""
    token = ""
    if plan.errors:
        request.session.pop(PENDING_IMPORT, None)
    else:
        token = secrets.token_urlsafe(16)
        request.session[PENDING_IMPORT] = {
            "token": token,
            "sheet": sheet.to_data(),
            "fingerprint": plan.fingerprint(),
            "seen": plan.seen_stock(),
        }
    error_rows = {problem.row for problem in plan.errors}
    products = [
        {
            "plan": product,
            "has_errors": any(row in error_rows for row in product.rows),
            "rows": ", ".join(str(row) for row in product.rows),
        }
        for product in plan.products
    ]
    order = {CREATE: 0, UPDATE: 1, UNCHANGED: 2}
    products.sort(key=lambda item: (not item["has_errors"], order[item["plan"].action]))
    return render(
        request,
        "backoffice/bulk/preview.html",
        {
            "plan": plan,
            "counts": plan.counts(),
            "products": products,
            "errors": sorted(plan.errors, key=lambda p: (p.row or 0, p.column or "")),
            "warnings": plan.warnings,
            "token": token,
            "notice": notice,
            "file_name": sheet.file_name,
        },
        status=status,
    )


def import_products(request):
    if not may_import(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _start_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _start_page(request, form, status=400)
    try:
        sheet = read_upload(form.cleaned_data["file"])
    except FileRefused as refused:
        form.add_error("file", refused.message)
        request.session.pop(PENDING_IMPORT, None)
        return _start_page(request, form, status=400)
    plan = plan_import(sheet, request.user, request_site(request))
    return _preview(request, plan, sheet)


@require_POST
def confirm_import(request):
    """Apply the dry run kept in the session, if the catalog still gives the same plan; a big
    file in parts (``apply_plan`` stops after ``APPLY_SECONDS``), each part checked again."""
    if not may_import(request.user):
        raise PermissionDenied
    pending = request.session.get(PENDING_IMPORT)
    if not pending or not secrets.compare_digest(
        str(pending.get("token", "")).encode(), request.POST.get("token", "").encode()
    ):
        messages.error(
            request,
            _(
                "This dry run is out of date (it was imported already, or another file was "
                "uploaded since). Upload the file again."
            ),
        )
        return redirect("product_import:index")
    sheet = Sheet.from_data(pending["sheet"])
    plan = plan_import(sheet, request.user, request_site(request))
    remaining = pending.get("remaining")
    if plan.errors:
        notice = _("The catalog changed since the dry run, and the file now has errors.")
        return _preview(request, plan, sheet, notice=notice, status=409)
    if plan.fingerprint(remaining) != pending["fingerprint"]:
        notice = _(
            "The catalog changed since the dry run, so these are the changes the file makes "
            "now. Check them and confirm again."
        )
        return _preview(request, plan, sheet, notice=notice, status=409)
    result = apply_plan(plan, request.user, seen_stock=pending["seen"], only=remaining)
    if result.remaining and result.failed is None:
        pending["remaining"] = result.remaining
        pending["fingerprint"] = plan.fingerprint(result.remaining)
        request.session[PENDING_IMPORT] = pending
    else:
        request.session.pop(PENDING_IMPORT, None)
    return render(
        request,
        "backoffice/bulk/result.html",
        {
            "result": result,
            "file_name": sheet.file_name,
            "token": pending["token"] if result.remaining and result.failed is None else "",
        },
        status=409 if result.failed else 200,
    )


def export_products(request):
    if not may_import(request.user):
        raise PermissionDenied
    kind = request.GET.get("format", CSV)
    if kind not in CONTENT_TYPES:
        return HttpResponseBadRequest(
            _("Choose the csv or the xlsx format."), content_type="text/plain; charset=utf-8"
        )
    site = request_site(request)
    headers, rows = export_rows(
        site.root_page, include_stock=request.user.has_perm("catalog.view_stockrecord")
    )
    if kind == XLSX:
        content = write_xlsx(headers, rows, spreadsheet_safe)
    else:
        content = write_csv(headers, rows, spreadsheet_safe)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="products-{stamp}.{kind}"'
    return response


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import(request.user)


class ProductImportViewSet(ViewSet):
    menu_label = gettext_lazy("Import and export products")
    menu_name = "product-import"
    icon = "upload"
    name = "product_import"

    def get_urlpatterns(self):
        return [
            path("", import_products, name="index"),
            path("confirm/", confirm_import, name="confirm"),
            path("export/", export_products, name="export"),
        ]

    @property
    def menu_item_class(self):
        return ImportMenuItem


# --- the bulk stock editor -------------------------------------------------------------------


class StockReasonForm(StorableTextForm, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Why the levels change: a stock count, a delivery..."),
    )


def _whole_number(text, digits=7):
    """``text`` as a whole number of at most ``digits`` digits (0 to 9 only), else ``None``."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > digits:
        return None
    return int(text)


def _posted_changes(post):
    """``(changes, typed, problems)`` from the editor's form: the rows whose typed level
    differs from the one the page showed, what was typed in every row, and the rows whose
    input is not a level (``{record_id: message}``)."""
    changes, typed, problems = [], {}, {}
    for raw_id in post.getlist("record"):
        record_id = _whole_number(raw_id, digits=18)
        if record_id is None:
            continue
        quantity_text = post.get(f"quantity-{record_id}", "")
        seen = _whole_number(post.get(f"seen-{record_id}", ""))
        typed[record_id] = quantity_text[:12]
        quantity = _whole_number(quantity_text)
        if quantity is None or seen is None:
            problems[record_id] = _("A stock level is a whole number, 0 or more.")
            continue
        if quantity != seen:
            changes.append(LevelChange(record_id, quantity, seen))
    return changes, typed, problems


def bulk_stock(request):
    if not may_edit_stock(request.user):
        raise PermissionDenied
    search = request.GET.get("q", "")[:100]
    records = stock_rows(search)
    page = Paginator(records, STOCK_ROWS_PER_PAGE).get_page(request.GET.get("p"))
    outcomes, typed, problems, reason_form = {}, {}, {}, StockReasonForm()
    status = 200
    if request.method == "POST":
        reason_form = StockReasonForm(request.POST)
        changes, typed, problems = _posted_changes(request.POST)
        reason = reason_form.cleaned_data["reason"].strip() if reason_form.is_valid() else ""
        if changes and reason_form.is_valid() and not reason:
            reason_form.add_error("reason", _("Say why the stock levels change."))
        if not changes and not problems:
            messages.info(request, _("No stock level was changed."))
        elif reason_form.is_valid():
            outcomes = set_levels(changes, reason, request.user)
            _report(request, outcomes, problems)
            # Fresh levels for the rows that were saved or refused.
            page = Paginator(stock_rows(search), STOCK_ROWS_PER_PAGE).get_page(request.GET.get("p"))
        if reason_form.errors or problems:
            status = 400
        if any(outcome.status != SAVED for outcome in outcomes.values()):
            status = 409
    rows = [_stock_row(record, outcomes, typed, problems) for record in page]
    return render(
        request,
        "backoffice/bulk/stock.html",
        {
            "rows": rows,
            "page": page,
            "search_text": search,  # not "search": Wagtail's header takes that for its own
            "reason_form": reason_form,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


def _report(request, outcomes, problems):
    saved = sum(1 for outcome in outcomes.values() if outcome.status == SAVED)
    refused = len(outcomes) - saved + len(problems)
    if saved:
        messages.success(
            request,
            ngettext("Saved %(count)s stock level.", "Saved %(count)s stock levels.", saved)
            % {"count": saved},
        )
    if refused:
        messages.error(
            request,
            ngettext(
                "%(count)s row was not saved: see the row marked below.",
                "%(count)s rows were not saved: see the rows marked below.",
                refused,
            )
            % {"count": refused},
        )


def _stock_row(record, outcomes, typed, problems):
    outcome = outcomes.get(record.pk)
    value = record.quantity
    message = ""
    state = ""
    if record.pk in problems:
        value, message, state = typed.get(record.pk, ""), problems[record.pk], "error"
    elif outcome is not None and outcome.status == STALE:
        # Keep what was typed, against the level that is there now: saving again sets it.
        value, state = typed.get(record.pk, ""), "error"
        message = _(
            "Not saved: the level changed to %(now)s while you were editing (an order or "
            "another person). Save again to set %(typed)s."
        ) % {"now": outcome.quantity, "typed": typed.get(record.pk, "")}
    elif outcome is not None and outcome.status == GONE:
        message, state = _("Not saved: this stock record no longer exists."), "error"
    elif outcome is not None and outcome.status == SAVED:
        message, state = _("Saved."), "saved"
    return {
        "record": record,
        "title": record.product.title,
        "variant": record.variant_name if record.variant_key != PRODUCT_ITSELF else "",
        "sku": record.item_sku,
        "seen": record.quantity,
        "value": value,
        "message": message,
        "state": state,
        "low": record.is_low,
        "sold_out": record.is_sold_out,
    }


class StockMenuItem(MenuItem):
    def is_shown(self, request):
        return may_edit_stock(request.user)


class BulkStockViewSet(ViewSet):
    menu_label = gettext_lazy("Edit stock levels")
    menu_name = "bulk-stock"
    icon = "tasks"
    name = "bulk_stock"

    def get_urlpatterns(self):
        return [path("", bulk_stock, name="index")]

    @property
    def menu_item_class(self):
        return StockMenuItem
