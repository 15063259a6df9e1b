from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account_home, name="account"),
    path("account/orders/<str:number>/", views.account_order, name="account_order"),
    path("account/addresses/", views.account_addresses, name="account_addresses"),
    path("account/addresses/<int:pk>/default/", views.address_default, name="address_default"),
    path("account/addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
]
