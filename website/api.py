"""URLs of the JSON API (mounted at /api/)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from checkout import api as checkout_api
from kernel.apiviews import api_not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("cart/", checkout_api.CartView.as_view(), name="api_cart"),
    path("cart/add/", checkout_api.CartAddView.as_view(), name="api_cart_add"),
    path("cart/lines/<int:line_id>/", checkout_api.CartLineView.as_view(), name="api_cart_line"),
    path(
        "checkout/options/",
        checkout_api.CheckoutOptionsView.as_view(),
        name="api_checkout_options",
    ),
    path("checkout/", checkout_api.CheckoutView.as_view(), name="api_checkout"),
    path(
        "payments/<str:md5>/",
        checkout_api.PaymentStatusView.as_view(),
        name="api_payment_status",
    ),
    # Any other path, newlines included ("." alone would not match "/api/foo%0Abar", which
    # then fell through to the HTML 404).
    re_path(r"^[\s\S]*\Z", api_not_found),
]
