from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account_home, name="account"),
    path("account/orders/<str:number>/", views.account_order, name="account_order"),
    path("account/addresses/", views.account_addresses, name="account_addresses"),
    path("account/addresses/<int:pk>/default/", views.address_default, name="address_default"),
    path("account/addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
    path("account/data/", views.account_data, name="account_data"),
    path("account/data/download/", views.account_data_download, name="account_data_download"),
    path("account/delete/", views.account_delete, name="account_delete"),
]
