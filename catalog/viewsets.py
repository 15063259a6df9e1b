"""Admin views for the catalog's transactional state: stock levels (under "Shop")."""

import django_filters
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from catalog.inventory import StockRecord
from catalog.models import ProductVariant

STOCK_STATES = [
    ("low", "Low stock (at or below threshold)"),
    ("sold_out", "Sold out"),
    ("needs_attention", "Low or sold out"),
    ("ok", "In stock"),
]


class StockFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label="Stock level",
        choices=STOCK_STATES,
        method="filter_state",
        empty_label="All",
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


class StockPermissionPolicy(ModelPermissionPolicy):
    """Stock records are made by publishing products; staff edit levels, never add or delete."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete", "copy"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class StockIndexView(IndexView):
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


class StockLevelColumn(Column):
    cell_template_name = "catalog/admin/stock_level_cell.html"


class StockViewSet(ModelViewSet):
    model = StockRecord
    menu_label = "Inventory"
    icon = "tasks"
    index_view_class = StockIndexView
    copy_view_enabled = False
    list_display = [
        TitleColumn(
            "product",
            label="Product",
            accessor="item_title",
            get_url=lambda record: reverse("inventory:edit", args=[record.pk]),
        ),
        Column("sku", label="SKU", accessor="item_sku"),
        StockLevelColumn("quantity", label="Available", sort_key="quantity"),
        Column("low_stock_threshold", label="Low at", sort_key="low_stock_threshold"),
        Column("updated_at", label="Updated", sort_key="updated_at"),
    ]
    filterset_class = StockFilterSet
    search_fields = ["product__title", "product__sku"]
    form_fields = ["quantity", "low_stock_threshold"]
    ordering = ["quantity", "product__title"]

    @property
    def permission_policy(self):
        return StockPermissionPolicy(self.model)
