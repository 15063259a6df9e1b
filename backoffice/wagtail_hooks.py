"""The admin's "Shop" menu, gathering what shop staff run day to day, and the Khmer font for
every admin page."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from backoffice.bulk import BulkStockViewSet, ProductImportViewSet
from backoffice.dashboard import SalesReportViewSet, ShopDashboardPanel
from backoffice.privacy import CustomerDataViewSet
from backoffice.viewsets import (
    CourierViewSet,
    DeliveryMethodViewSet,
    DeliveryZoneViewSet,
    DiscountViewSet,
    OrderViewSet,
    PaymentViewSet,
)
from catalog.viewsets import StockViewSet

ADMIN_CSS = "css/admin.css"


class ShopMenu(ViewSetGroup):
    menu_label = _("Shop")
    menu_name = "shop"  # not the slug of the label, which changes with the staff's language
    menu_icon = "cogs"
    menu_order = 150
    items = (
        OrderViewSet("orders"),
        PaymentViewSet("payments"),
        StockViewSet("inventory"),
        BulkStockViewSet("bulk_stock"),
        ProductImportViewSet("product_import"),
        DeliveryMethodViewSet("delivery_methods"),
        DeliveryZoneViewSet("delivery_zones"),
        CourierViewSet("couriers"),
        DiscountViewSet("discounts"),
        SalesReportViewSet("sales_report"),
        CustomerDataViewSet("customer_data"),
    )


@hooks.register("register_admin_viewset")
def register_shop_menu():
    return ShopMenu()


@hooks.register("construct_homepage_panels")
def add_shop_dashboard(request, panels):
    if request.user.has_perm("checkout.view_order"):
        panels.insert(0, ShopDashboardPanel())


@hooks.register("insert_global_admin_css")
def khmer_font_css():
    """The shop's Khmer font in the admin's font stack (Wagtail's admin loads none), so Khmer
    shows as text rather than empty boxes on computers without a Khmer font."""
    return format_html('<link rel="stylesheet" href="{}">', static(ADMIN_CSS))


@hooks.register("filter_form_submissions_for_user")
def only_shop_staff_read_contact_messages(user, editable_forms):
    """Contact messages carry shoppers' names, phone numbers and e-mail addresses: editors who
    may edit the contact page do not read them; staff who may see orders do."""
    if user.has_perm("checkout.view_order"):
        return editable_forms
    return editable_forms.none()
