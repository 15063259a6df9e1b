"""The admin's shop views: orders (with the actions staff take on them), payments, delivery
methods. Every action goes through the order state machine; nothing is created or deleted."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.views.mixins import ExcelDateFormatter
from wagtail.admin.viewsets.model import ModelViewSet

from backoffice.reports import spreadsheet_safe
from checkout.discounts import RELEASED
from checkout.documents import can_have, render_document
from checkout.models import (
    NEEDS_ATTENTION,
    Courier,
    DeliveryMethod,
    DeliveryZone,
    Discount,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    RefundMethod,
    Status,
)
from checkout.payments import reinstate_late_payment, resolve_payment
from checkout.refunds import restocked_so_far
from checkout.staff import available_actions, perform_staff_action
from kernel import money
from kernel.errors import ShopError
from kernel.models import ShopSettings
from kernel.permissions import ReadAndChangeOnly

# --- orders ---------------------------------------------------------------------------------

PAYMENT_STATES = PaymentStatus.choices
ALL = gettext_lazy("All")


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Status.choices, empty_label=ALL
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Placed between"), widget=DateRangePickerWidget
    )
    payment_state = django_filters.ChoiceFilter(
        label=gettext_lazy("Payment"),
        choices=PAYMENT_STATES,
        method="filter_payment",
        empty_label=ALL,
    )
    payment_method = django_filters.ChoiceFilter(
        label=gettext_lazy("Paid by"), choices=PaymentMethod.choices, empty_label=ALL
    )
    delivery_method = django_filters.ChoiceFilter(
        label=gettext_lazy("Delivery"),
        choices=lambda: [(m.code, m.label) for m in DeliveryMethod.objects.all()],
        empty_label=ALL,
    )

    class Meta:
        model = Order
        fields = []

    def filter_payment(self, queryset, name, value):
        return queryset.filter(payments__status=value).distinct()


def payment_state_label(order):
    """The latest payment's state in words (the listing's annotation holds its code); for
    cash on delivery, whether the cash is in."""
    if order.is_cash_on_delivery:
        if order.paid_at is not None:
            return _("Cash received")
        return _("Cash on delivery")
    if not order.payment_state:
        return ""
    return dict(PaymentStatus.choices).get(order.payment_state, order.payment_state)


class OrderIndexView(IndexView):
    page_title = gettext_lazy("Orders")

    def preprocess_field_value(self, field, value, export_format):
        """CSV cells a spreadsheet would run as a formula (a shopper named =HYPERLINK(...))
        get a leading quote. XLSX cells need none: Wagtail writes text as text there, which
        spreadsheets never evaluate."""
        value = super().preprocess_field_value(field, value, export_format)
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value

    def write_csv_response(self, queryset):
        """The CSV streams after the view has returned, outside the staff member's language
        (Wagtail applies it only while the view runs): its headings are translated now."""
        self.export_headings = {
            field: self.get_heading(queryset, field) for field in self.list_export
        }
        return super().write_csv_response(queryset)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        """Dates shown the same way whatever language the staff member reads the admin in:
        Wagtail builds the XLSX date format from the active language's ``DATETIME_FORMAT``,
        which for Khmer holds Khmer words. The headings are still translated."""
        with translation.override("en"):
            english_format = ExcelDateFormatter().get()
        return super().generate_xlsx_row(worksheet, row_dict, date_format=english_format)

    def get_base_queryset(self):
        latest = Payment.objects.filter(order=OuterRef("pk")).order_by("-created_at", "-pk")
        return (
            super()
            .get_base_queryset()
            .annotate(payment_state=Subquery(latest.values("status")[:1]))
        )


class OrderInspectView(InspectView):
    template_name = "backoffice/order_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        context.update(
            order=order,
            lines=order.lines.all(),
            payments=order.payments.all(),
            history=order.status_changes.select_related("changed_by"),
            notes=order.notes.select_related("author"),
            actions=available_actions(order),
            refunds=order.refunds.select_related("created_by").prefetch_related("lines"),
            refund_left=order.total - order.refunded_total,
            refund_methods=RefundMethod.choices,
            couriers=Courier.objects.filter(is_active=True),
            restockable=_restockable(order),
            fmt=lambda amount: money.format_money(amount, order.currency),
            can_act=self.request.user.has_perm("checkout.change_order"),
        )
        return context


def _restockable(order):
    """``[(line, units that can still go back on the shelf)]`` for the refund form."""
    done = restocked_so_far(order)
    return [(line, line.quantity - done.get(line.pk, 0)) for line in order.lines.all()]


def _refund_fields(post, order):
    """The refund form's fields from a POST: text as typed, restock units as whole numbers
    (``ShopError`` for anything else)."""
    restock = {}
    for line in order.lines.all():
        raw = (post.get(f"restock_{line.pk}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or len(raw) > 6:
            raise ShopError(
                _("Enter how many units go back on the shelf as a whole number."),
                fields={f"restock_{line.pk}": [_("Not a whole number.")]},
            )
        restock[line.pk] = int(raw)
    return {
        "amount": (post.get("amount") or "").strip()[:30],
        "method": (post.get("method") or "").strip()[:10],
        "reference": (post.get("reference") or "").strip()[:120],
        "restock": restock,
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


@require_POST
def order_action(request, pk, action):
    if not request.user.has_perm("checkout.change_order"):
        raise PermissionDenied
    order = get_object_or_404(Order, pk=pk)
    form = ReasonForm(request.POST)
    try:
        refund = _refund_fields(request.POST, order) if action == "refund" else None
        shipment = None
        if action == "shipped":
            courier = (request.POST.get("courier") or "").strip()
            shipment = {
                "courier": int(courier) if courier.isdigit() and len(courier) < 10 else None,
                "tracking_number": (request.POST.get("tracking_number") or "")[:200],
            }
            if courier and shipment["courier"] is None:
                raise ShopError(_("Unknown courier."))
        done = perform_staff_action(
            order.pk,
            action,
            request.user,
            form.data.get("reason", ""),
            refund=refund,
            shipment=shipment,
        )
        messages.success(request, done)
    except ShopError as error:
        messages.error(request, error.message)
    return redirect(reverse("orders:inspect", args=[order.pk]))


def order_document(request, pk, kind):
    """The order's packing slip or receipt as a PDF, for staff who may see orders."""
    if not request.user.has_perm("checkout.view_order"):
        raise PermissionDenied
    order = get_object_or_404(Order, pk=pk)
    if not can_have(order, kind):
        raise Http404
    pdf = render_document(
        order, kind, size=request.GET.get("size", "A4"), shop=ShopSettings.for_request(request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{order.number}.pdf"'
    return response


class OrderViewSet(ModelViewSet):
    model = Order
    menu_label = gettext_lazy("Orders")
    menu_name = "orders"
    icon = "list-ul"
    index_view_class = OrderIndexView
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False
    # What staff act on first (status, payment, total), so that a phone shows it without
    # scrolling the table sideways.
    list_display = [
        TitleColumn("number", label=gettext_lazy("Order"), url_name="orders:inspect"),
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor="get_status_display",
            primary=lambda o: o.is_paid,
        ),
        Column("payment_state", label=gettext_lazy("Payment"), accessor=payment_state_label),
        Column("total_display", label=gettext_lazy("Total"), accessor="total_display"),
        Column("name", label=gettext_lazy("Customer")),
        Column("phone", label=gettext_lazy("Phone")),
        DateColumn("created_at", label=gettext_lazy("Placed"), sort_key="created_at"),
        Column("delivery_label", label=gettext_lazy("Delivery")),
    ]
    list_filter = None
    filterset_class = OrderFilterSet
    search_fields = ["number", "email", "phone", "name"]
    list_export = [
        "number",
        "created_at",
        "status",
        "name",
        "email",
        "phone",
        "province",
        "address",
        "delivery_label",
        "payment_method",
        "currency",
        "subtotal",
        "discount_code",
        "discount_amount",
        "delivery_fee",
        "total",
        "paid_at",
    ]
    # The spreadsheet's column headings, in the staff member's language (the values stay as
    # they are: codes, plain numbers and dates a spreadsheet reads).
    export_headings = {
        "number": gettext_lazy("Number"),
        "created_at": gettext_lazy("Created at"),
        "status": gettext_lazy("Status"),
        "name": gettext_lazy("Name"),
        "email": gettext_lazy("Email"),
        "phone": gettext_lazy("Phone"),
        "province": gettext_lazy("Province"),
        "address": gettext_lazy("Address"),
        "delivery_label": gettext_lazy("Delivery label"),
        "payment_method": gettext_lazy("Paid by"),
        "currency": gettext_lazy("Currency"),
        "subtotal": gettext_lazy("Subtotal"),
        "discount_code": gettext_lazy("Discount code"),
        "discount_amount": gettext_lazy("Discount"),
        "delivery_fee": gettext_lazy("Delivery fee"),
        "total": gettext_lazy("Total"),
        "paid_at": gettext_lazy("Paid at"),
    }
    export_filename = "orders"
    ordering = ["-created_at"]
    form_fields = ["status"]  # unused: there is no edit form
    list_per_page = 50

    @property
    def permission_policy(self):
        return ReadAndChangeOnly(self.model)

    def get_common_view_kwargs(self, **kwargs):
        # No add, edit or delete forms: orders change only through the inspect page's actions.
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in ("add", "edit", "delete", "copy")
        ] + [
            path("<int:pk>/action/<str:action>/", order_action, name="action"),
            path("<int:pk>/document/<str:kind>/", order_document, name="document"),
        ]


# --- payments -------------------------------------------------------------------------------


class PaymentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=PaymentStatus.choices, empty_label=ALL
    )
    needs_attention = django_filters.BooleanFilter(
        label=gettext_lazy("Needs attention"), method="filter_attention"
    )

    class Meta:
        model = Payment
        fields = []

    def filter_attention(self, queryset, name, value):
        attention = queryset.filter(status__in=NEEDS_ATTENTION, resolved_at__isnull=True)
        return attention if value else queryset.exclude(pk__in=attention.values("pk"))


class PaymentIndexView(IndexView):
    page_title = gettext_lazy("Payments")


class PaymentInspectView(InspectView):
    template_name = "backoffice/payment_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payment"] = self.object
        context["can_act"] = self.request.user.has_perm("checkout.change_payment")
        return context


@require_POST
def payment_action(request, pk, action):
    if not request.user.has_perm("checkout.change_payment"):
        raise PermissionDenied
    payment = get_object_or_404(Payment, pk=pk)
    try:
        if action == "reinstate":
            reinstate_late_payment(payment.pk, by=request.user)
            messages.success(request, _("The order is reopened as paid."))
        elif action == "resolve":
            resolve_payment(payment.pk, request.user, request.POST.get("reason", ""))
            messages.success(request, _("Marked as resolved."))
        else:
            raise ShopError(_("Unknown action."))
    except ShopError as error:
        messages.error(request, error.message)
    return redirect(reverse("payments:inspect", args=[payment.pk]))


class PaymentViewSet(ModelViewSet):
    model = Payment
    menu_label = gettext_lazy("Payments")
    menu_name = "payments"
    icon = "tag"
    index_view_class = PaymentIndexView
    inspect_view_enabled = True
    inspect_view_class = PaymentInspectView
    copy_view_enabled = False
    list_display = [
        TitleColumn(
            "md5", label=gettext_lazy("KHQR"), url_name="payments:inspect", accessor="short_md5"
        ),
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor="status_label",
            primary=lambda p: p.status == "paid",
        ),
        Column("attention", label=gettext_lazy("What to do"), accessor="what_to_do"),
        Column("amount_display", label=gettext_lazy("Amount")),
        Column("order", label=gettext_lazy("Order"), accessor="order.number"),
        DateColumn("created_at", label=gettext_lazy("Created"), sort_key="created_at"),
    ]
    filterset_class = PaymentFilterSet
    search_fields = ["md5", "order__number", "bakong_hash", "external_ref", "payer_account"]
    ordering = ["-created_at"]
    form_fields = ["resolution"]  # unused: there is no edit form

    @property
    def permission_policy(self):
        return ReadAndChangeOnly(self.model)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_queryset(self, request):
        return Payment.objects.select_related("order")

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in ("add", "edit", "delete", "copy")
        ] + [path("<int:pk>/action/<str:action>/", payment_action, name="action")]


DELIVERY_METHOD_LABELS = {
    "label": gettext_lazy("Label"),
    "code": gettext_lazy("Code"),
    "description": gettext_lazy("Description"),
    "label_km": gettext_lazy("Label in Khmer"),
    "description_km": gettext_lazy("Description in Khmer"),
    "fee": gettext_lazy("Standard fee"),
    "free_from": gettext_lazy("Free from"),
    "is_active": gettext_lazy("Is active"),
    "sort_order": gettext_lazy("Sort order"),
}


class DeliveryMethodIndexView(IndexView):
    page_title = gettext_lazy("Delivery methods")

    @cached_property
    def columns(self):
        """Wagtail's columns for ``list_display``, headed in the staff member's language."""
        columns = super().columns
        for column in columns:
            column.label = DELIVERY_METHOD_LABELS.get(column.name, column.label)
        return columns


class DeliveryMethodViewSet(ModelViewSet):
    model = DeliveryMethod
    menu_label = gettext_lazy("Delivery methods")
    menu_name = "delivery-methods"
    icon = "site"
    index_view_class = DeliveryMethodIndexView
    list_display = ["label", "code", "fee", "free_from", "is_active", "sort_order"]
    form_fields = [
        "label",
        "label_km",
        "code",
        "description",
        "description_km",
        "fee",
        "free_from",
        "is_active",
        "sort_order",
    ]
    panels = [
        FieldPanel(name, heading=DELIVERY_METHOD_LABELS[name])
        for name in ["label", "label_km", "code", "description", "description_km"]
    ] + [
        FieldPanel("fee", heading=DELIVERY_METHOD_LABELS["fee"]),
        FieldPanel("free_from", heading=DELIVERY_METHOD_LABELS["free_from"]),
        FieldPanel("is_active", heading=DELIVERY_METHOD_LABELS["is_active"]),
        FieldPanel("sort_order", heading=DELIVERY_METHOD_LABELS["sort_order"]),
    ]
    copy_view_enabled = False


class DeliveryZoneViewSet(ModelViewSet):
    """Provinces grouped by what delivery costs there, with each method's fee in the zone
    (the model's panels: name, provinces, cash on delivery, the fees inline)."""

    model = DeliveryZone
    menu_label = gettext_lazy("Delivery zones")
    menu_name = "delivery-zones"
    icon = "globe"
    list_display = ["name", "province_count", "cash_on_delivery", "sort_order"]
    copy_view_enabled = False


class DiscountViewSet(ModelViewSet):
    """Discount codes and automatic promotions (see ``checkout.discounts`` for the rules)."""

    model = Discount
    menu_label = gettext_lazy("Discounts")
    menu_name = "discounts"
    icon = "tag"
    list_display = ["name", "code", "kind", "value", "free_delivery", "times_used", "is_active"]
    search_fields = ["name", "code"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return Discount.objects.annotate(
            times_used=Count("uses", filter=~Q(uses__order__status__in=RELEASED))
        )


class CourierViewSet(ModelViewSet):
    """Delivery companies and their tracking pages, chosen when an order is shipped."""

    model = Courier
    menu_label = gettext_lazy("Couriers")
    menu_name = "couriers"
    icon = "pick"
    list_display = ["name", "tracking_url", "is_active", "sort_order"]
    copy_view_enabled = False
