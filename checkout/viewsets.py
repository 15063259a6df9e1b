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

from checkout import notifications
from checkout.delivery import DeliveryMethod
from checkout.errors import ShopError
from checkout.orders import Order, OrderNote, Status, change_status, mark_paid_by_hand
from checkout.payments import NEEDS_ATTENTION, Payment, PaymentStatus, reinstate_late_payment
from checkout.reports import spreadsheet_safe
from website import money
from website.admin_permissions import ReadAndChangeOnly

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
    template_name = "checkout/admin/order_inspect.html"

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


ACTIONS = {
    "processing": ("Mark processing", Status.PROCESSING, False),
    "shipped": ("Mark shipped", Status.SHIPPED, False),
    "delivered": ("Mark delivered", Status.DELIVERED, False),
    "cancel": ("Cancel (gives stock back)", Status.CANCELLED, True),
    "refund": ("Record a refund", Status.REFUNDED, True),
}


def available_actions(order):
    from checkout.orders import TRANSITIONS

    allowed = TRANSITIONS[Status(order.status)]
    actions = [
        (key, label, needs_reason)
        for key, (label, target, needs_reason) in ACTIONS.items()
        if target in allowed
    ]
    if order.status in (Status.AWAITING_PAYMENT, Status.EXPIRED, Status.CANCELLED):
        actions.append(("mark_paid", "Mark paid by hand", True))
    if order.status == Status.AWAITING_PAYMENT:
        actions.append(("resend_payment", "Resend the payment e-mail", False))
    if order.status in (Status.PAID, Status.PROCESSING, Status.SHIPPED, Status.DELIVERED):
        actions.append(("resend_receipt", "Resend the receipt", False))
    return actions


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)


@require_POST
def order_action(request, pk, action):
    if not request.user.has_perm("checkout.change_order"):
        raise PermissionDenied
    order = get_object_or_404(Order, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "").strip()[:200]
    try:
        if action in ACTIONS:
            label, target, needs_reason = ACTIONS[action]
            if needs_reason and not reason:
                raise ShopError(f"{label}: please give a reason.")
            change_status(order.pk, target, by=request.user, reason=reason or label)
        elif action == "mark_paid":
            mark_paid_by_hand(order.pk, request.user, reason)
        elif action in ("resend_payment", "resend_receipt"):
            resend_email(order, action, request.user)
        elif action == "note":
            if not reason:
                raise ShopError("Write the note first.")
            OrderNote.objects.create(order=order, author=request.user, text=reason)
        else:
            raise ShopError("Unknown action.")
        messages.success(request, "Done.")
    except ShopError as error:
        messages.error(request, error.message)
    return redirect(reverse("orders:inspect", args=[order.pk]))


def resend_email(order, action, user):
    """Queue the e-mail again, as a new event (so it is sent even if the first one was)."""
    from django.utils import timezone

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    if action == "resend_payment":
        notifications._email(
            order,
            "order_placed",
            f"order {order.number} is waiting for payment",
            f"order:{order.pk}:placed:resent:{stamp}",
        )
    else:
        notifications._email(
            order,
            "payment_received",
            f"receipt for order {order.number}",
            f"order:{order.pk}:paid:resent:{stamp}",
            extra={"payment": order.payments.filter(status="paid").first()},
        )


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
            primary=lambda o: o.status in ("paid", "processing"),
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
    template_name = "checkout/admin/payment_inspect.html"

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
            note = request.POST.get("reason", "").strip()[:200]
            if not note:
                raise ShopError("Say how it was resolved (for example: refunded by ABA transfer).")
            from django.utils import timezone

            Payment.objects.filter(pk=payment.pk).update(
                resolved_at=timezone.now(), resolution=note
            )
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
