from django.urls import path

from checkout import views

app_name = "checkout"

urlpatterns = [
    path("cart/", views.cart_page, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/discount/", views.cart_discount, name="cart_discount"),
    path("cart/lines/<int:line_id>/", views.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", views.cart_line_remove, name="cart_line_remove"),
    path("checkout/", views.checkout_details, name="details"),
    path("checkout/review/", views.checkout_review, name="review"),
    path("orders/find/", views.find_order, name="find_order"),
    path("orders/<str:token>/", views.order_page, name="order"),
    path("orders/<str:token>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<str:token>/receipt.pdf", views.order_receipt, name="order_receipt"),
    path("orders/<str:token>/new-payment/", views.order_new_payment, name="order_new_payment"),
]
