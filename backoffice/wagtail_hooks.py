"""The admin's "Shop" menu, gathering what shop staff run day to day."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from backoffice.dashboard import SalesReportViewSet, ShopDashboardPanel
from backoffice.viewsets import DeliveryMethodViewSet, OrderViewSet, PaymentViewSet
from catalog.viewsets import StockViewSet


class ShopMenu(ViewSetGroup):
    menu_label = "Shop"
    menu_icon = "cogs"
    menu_order = 150
    items = (
        OrderViewSet("orders"),
        PaymentViewSet("payments"),
        StockViewSet("inventory"),
        DeliveryMethodViewSet("delivery_methods"),
        SalesReportViewSet("sales_report"),
    )


@hooks.register("register_admin_viewset")
def register_shop_menu():
    return ShopMenu()


@hooks.register("construct_homepage_panels")
def add_shop_dashboard(request, panels):
    if request.user.has_perm("checkout.view_order"):
        panels.insert(0, ShopDashboardPanel())
