"""The admin's shop views: orders (with the actions staff take on them), payments, delivery
methods. Every action goes through the order state machine; nothing is created or deleted."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from backoffice.reports import spreadsheet_safe
from checkout.models import (
    NEEDS_ATTENTION,
    PAID_STATES,
    DeliveryMethod,
    Order,
    Payment,
    PaymentStatus,
    Status,
)
from checkout.payments import reinstate_late_payment, resolve_payment
from checkout.staff import available_actions, perform_staff_action
from kernel import money
from kernel.errors import ShopError
from kernel.permissions import ReadAndChangeOnly

# --- orders ---------------------------------------------------------------------------------

PAYMENT_STATES = PaymentStatus.choices


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="All")
    created_at = django_filters.DateFromToRangeFilter(
        label="Placed between", widget=DateRangePickerWidget
    )
    payment_state = django_filters.ChoiceFilter(
        label="Payment", choices=PAYMENT_STATES, method="filter_payment", empty_label="All"
    )
    delivery_method = django_filters.ChoiceFilter(
        label="Delivery",
        choices=lambda: [(m.code, m.label) for m in DeliveryMethod.objects.all()],
        empty_label="All",
    )

    class Meta:
        model = Order
        fields = []

    def filter_payment(self, queryset, name, value):
        return queryset.filter(payments__status=value).distinct()


class OrderIndexView(IndexView):
    def preprocess_field_value(self, field, value, export_format):
        """CSV cells a spreadsheet would run as a formula (a shopper named =HYPERLINK(...))
        get a leading quote. XLSX cells need none: Wagtail writes text as text there, which
        spreadsheets never evaluate."""
        value = super().preprocess_field_value(field, value, export_format)
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value

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
            fmt=lambda amount: money.format_money(amount, order.currency),
            can_act=self.request.user.has_perm("checkout.change_order"),
        )
        return context


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)


@require_POST
def order_action(request, pk, action):
    if not request.user.has_perm("checkout.change_order"):
        raise PermissionDenied
    order = get_object_or_404(Order, pk=pk)
    form = ReasonForm(request.POST)
    try:
        done = perform_staff_action(order.pk, action, request.user, form.data.get("reason", ""))
        messages.success(request, done)
    except ShopError as error:
        messages.error(request, error.message)
    return redirect(reverse("orders:inspect", args=[order.pk]))


class OrderViewSet(ModelViewSet):
    model = Order
    menu_label = "Orders"
    icon = "list-ul"
    index_view_class = OrderIndexView
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False
    list_display = [
        TitleColumn("number", label="Order", url_name="orders:inspect"),
        DateColumn("created_at", label="Placed", sort_key="created_at"),
        Column("name", label="Customer"),
        Column("phone", label="Phone"),
        Column("total_display", label="Total", accessor="total_display"),
        StatusTagColumn(
            "status",
            label="Status",
            accessor="get_status_display",
            primary=lambda o: o.status in PAID_STATES,
        ),
        Column("payment_state", label="Payment"),
        Column("delivery_label", label="Delivery"),
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
        "currency",
        "subtotal",
        "delivery_fee",
        "total",
        "paid_at",
    ]
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
        ] + [path("<int:pk>/action/<str:action>/", order_action, name="action")]


# --- payments -------------------------------------------------------------------------------


class PaymentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices, empty_label="All")
    needs_attention = django_filters.BooleanFilter(
        label="Needs attention", method="filter_attention"
    )

    class Meta:
        model = Payment
        fields = []

    def filter_attention(self, queryset, name, value):
        attention = queryset.filter(status__in=NEEDS_ATTENTION, resolved_at__isnull=True)
        return attention if value else queryset.exclude(pk__in=attention.values("pk"))


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
            messages.success(request, "The order is reopened as paid.")
        elif action == "resolve":
            resolve_payment(payment.pk, request.user, request.POST.get("reason", ""))
            messages.success(request, "Marked as resolved.")
        else:
            raise ShopError("Unknown action.")
    except ShopError as error:
        messages.error(request, error.message)
    return redirect(reverse("payments:inspect", args=[payment.pk]))


class PaymentViewSet(ModelViewSet):
    model = Payment
    menu_label = "Payments"
    icon = "tag"
    inspect_view_enabled = True
    inspect_view_class = PaymentInspectView
    copy_view_enabled = False
    list_display = [
        TitleColumn("md5", label="KHQR", url_name="payments:inspect", accessor="short_md5"),
        Column("order", label="Order", accessor="order.number"),
        DateColumn("created_at", label="Created", sort_key="created_at"),
        Column("amount_display", label="Amount"),
        StatusTagColumn(
            "status", label="Status", accessor="status_label", primary=lambda p: p.status == "paid"
        ),
        Column("attention", label="What to do", accessor="what_to_do"),
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


class DeliveryMethodViewSet(ModelViewSet):
    model = DeliveryMethod
    menu_label = "Delivery methods"
    icon = "site"
    list_display = ["label", "code", "fee", "is_active", "sort_order"]
    form_fields = ["label", "code", "description", "fee", "is_active", "sort_order"]
    copy_view_enabled = False
