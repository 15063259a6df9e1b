"""Admin views for checkout settings editors manage: delivery methods and their fees."""

from wagtail.admin.viewsets.model import ModelViewSet

from checkout.delivery import DeliveryMethod


class DeliveryMethodViewSet(ModelViewSet):
    model = DeliveryMethod
    menu_label = "Delivery methods"
    icon = "site"
    list_display = ["label", "code", "fee", "is_active", "sort_order"]
    form_fields = ["label", "code", "description", "fee", "is_active", "sort_order"]
    copy_view_enabled = False
