"""The customer's own area: order history, one order, saved addresses, their data (download it,
delete the account). Logging in, signing up, passwords and e-mail are django-allauth's views
(under /accounts/)."""

import json

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.privacy import (
    AccountNotDeletable,
    customer_data,
    delete_account,
    is_staff_account,
    open_account_orders,
)
from checkout.addresses import add_address
from checkout.models import Address, Order
from checkout.privacy import OrdersStillOpen
from kernel.input import StorableTextForm
from kernel.models import ShopSettings
from kernel.phones import cambodian_phone


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
        return cambodian_phone(self.cleaned_data["phone"])


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


# --- the customer's data ----------------------------------------------------------------------


@never_cache
@login_required
def account_data(request):
    """What the shop keeps about the customer, with the download and the way to delete it."""
    return render(
        request,
        "accounts/data.html",
        {
            "orders": Order.objects.filter(user=request.user).count(),
            "addresses": request.user.addresses.count(),
        },
    )


@never_cache
@login_required
def account_data_download(request):
    """The customer's data as a JSON file."""
    data = json.dumps(customer_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Longer than any password anybody types; a megabyte of "password" is refused, not hashed.
PASSWORD_MAX_LENGTH = 4096


class DeleteAccountForm(StorableTextForm, forms.Form):
    """The confirmation: the account's password (or, for an account without one, its e-mail
    address) and a tick that says the customer understands it cannot be undone."""

    secret = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account and saved addresses are deleted for good, and that "
            "my orders stay with the shop without my name and contact details."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        if not user.has_usable_password():
            self.fields["secret"] = forms.EmailField(
                label=gettext_lazy("Type your e-mail address to confirm"),
                max_length=254,
            )

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        # The same budget as allauth's own "confirm your password" page: guessing stops.
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError(
                _("Too many attempts. Please wait a minute and try again."), code="too_many"
            )
        if self.user.has_usable_password():
            if not self.user.check_password(secret):
                raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        elif secret.strip().lower() != (self.user.email or "").lower():
            raise forms.ValidationError(
                _("That is not your account's e-mail address."), code="wrong_email"
            )
        return secret


@never_cache
@login_required
def account_delete(request):
    """Delete the account after the confirmation; refused while an order is open."""
    user = request.user
    staff = is_staff_account(user)
    still_open = [] if staff else open_account_orders(user)
    form = DeleteAccountForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and not staff and not still_open and form.is_valid():
        try:
            delete_account(user)
        except (OrdersStillOpen, AccountNotDeletable) as refused:
            form.add_error(None, refused.message)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Your account is deleted. Your orders stay with the shop, without your "
                    "name and contact details."
                ),
            )
            return redirect("wagtail_serve", "")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "staff": staff, "still_open": still_open},
    )
