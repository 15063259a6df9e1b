"""The customer's own area: order history, one order, saved addresses. Logging in, signing
up, passwords and e-mail are django-allauth's views (under /accounts/)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from checkout.addresses import add_address
from checkout.forms import normalize_cambodian_phone
from checkout.models import Address, Order
from kernel.input import StorableTextForm
from kernel.models import ShopSettings


class AddressForm(StorableTextForm, forms.ModelForm):
    class Meta:
        model = Address
        fields = ["name", "phone", "province", "address"]
        labels = {
            "name": gettext_lazy("Full name"),
            "phone": gettext_lazy("Phone"),
            "province": gettext_lazy("Province or city"),
            "address": gettext_lazy("Address"),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_phone(self):
        return normalize_cambodian_phone(self.cleaned_data["phone"])


@never_cache
@login_required
def account_home(request):
    orders = Order.objects.filter(user=request.user).prefetch_related("lines")
    return render(request, "accounts/home.html", {"orders": orders})


@never_cache
@login_required
def account_order(request, number):
    order = get_object_or_404(
        Order.objects.prefetch_related("lines"), number=number, user=request.user
    )
    return render(
        request,
        "checkout/order.html",
        {
            "order": order,
            "payment": order.payments.first(),
            "paid_payment": order.paid_payment,
            "shop": ShopSettings.for_request(request),
            "in_account": True,
        },
    )


@never_cache
@login_required
def account_addresses(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = form.save(commit=False)
        address.user = request.user
        add_address(address)
        messages.success(request, _("Address saved."))
        return redirect("accounts:account_addresses")
    return render(
        request,
        "accounts/addresses.html",
        {"addresses": request.user.addresses.all(), "form": form},
    )


@require_POST
@login_required
def address_default(request, pk):
    get_object_or_404(Address, pk=pk, user=request.user).make_default()
    messages.success(request, _("Default address changed."))
    return redirect("accounts:account_addresses")


@require_POST
@login_required
def address_delete(request, pk):
    get_object_or_404(Address, pk=pk, user=request.user).delete()
    messages.success(request, _("Address removed."))
    return redirect("accounts:account_addresses")
