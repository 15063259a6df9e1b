"""Admin views for the catalog's transactional state: stock levels (under "Shop")."""

import django_filters
from django import forms
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from catalog.inventory import adjust_stock
from catalog.models import ProductVariant, StockRecord
from kernel.permissions import ReadAndChangeOnly

STOCK_STATES = [
    ("low", _("Low stock (at or below threshold)")),
    ("sold_out", _("Sold out")),
    ("needs_attention", _("Low or sold out")),
    ("ok", _("In stock")),
]


class StockFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Stock level"),
        choices=STOCK_STATES,
        method="filter_state",
        empty_label=_("All"),
    )

    class Meta:
        model = StockRecord
        fields = []

    def filter_state(self, queryset, name, value):
        low = Q(quantity__gt=0, quantity__lte=F("low_stock_threshold"))
        return {
            "low": queryset.filter(low),
            "sold_out": queryset.filter(quantity=0),
            "needs_attention": queryset.filter(quantity__lte=F("low_stock_threshold")),
            "ok": queryset.filter(quantity__gt=F("low_stock_threshold")),
        }.get(value, queryset)


class StockIndexView(IndexView):
    page_title = _("Stock records")

    def get_base_queryset(self):
        variants = ProductVariant.objects.filter(pk=OuterRef("variant_key"))
        return (
            super()
            .get_base_queryset()
            .select_related("product")
            .annotate(
                variant_name=Subquery(variants.values("name")[:1]),
                variant_sku=Subquery(variants.values("sku")[:1]),
            )
        )


class StockEditForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Why the level changes: a delivery arrived, a count, breakage..."),
    )
    # The level the form showed, so the change is applied as a difference.
    seen_quantity = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = StockRecord
        fields = ["quantity", "low_stock_threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_quantity"].initial = self.instance.quantity


class StockEditView(EditView):
    def save_instance(self):
        """Through ``adjust_stock``: applied as a difference from the level the form showed
        (units orders reserved meanwhile are kept), with its audit row."""
        data = self.form.cleaned_data
        record = adjust_stock(
            self.object.pk,
            data["quantity"],
            data["reason"],
            by=self.request.user,
            seen_quantity=data["seen_quantity"],
            low_stock_threshold=data["low_stock_threshold"],
        )
        self.has_content_changes = True
        return record


class StockLevelColumn(Column):
    cell_template_name = "catalog/admin/stock_level_cell.html"


class StockViewSet(ModelViewSet):
    model = StockRecord
    menu_label = _("Inventory")
    menu_name = "inventory"
    icon = "tasks"
    index_view_class = StockIndexView
    copy_view_enabled = False
    list_display = [
        TitleColumn(
            "product",
            label=_("Product"),
            accessor="item_title",
            get_url=lambda record: reverse("inventory:edit", args=[record.pk]),
        ),
        Column("sku", label=_("SKU"), accessor="item_sku"),
        StockLevelColumn("quantity", label=_("Available"), sort_key="quantity"),
        Column("low_stock_threshold", label=_("Low at"), sort_key="low_stock_threshold"),
        Column("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    filterset_class = StockFilterSet
    search_fields = ["product__title", "product__sku"]
    form_fields = ["quantity", "low_stock_threshold"]
    edit_view_class = StockEditView

    def get_form_class(self, for_update=False):
        return StockEditForm

    ordering = ["quantity", "product__title"]

    @property
    def permission_policy(self):
        return ReadAndChangeOnly(self.model)
