"""The checkout form, shared by the checkout page and the JSON API."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checkout.delivery import DeliveryRules
from checkout.models import PROVINCE_LABELS, DeliveryMethod, PaymentMethod
from checkout.orders import CheckoutDetails, open_cash_orders_refusal
from kernel import money
from kernel.errors import ShopError
from kernel.input import StorableTextForm
from kernel.phones import cambodian_phone

# The longest address the Order.email column (Django's EmailField, 254) stores; the form field's
# own default (320) let longer ones through to the database.
EMAIL_MAX_LENGTH = 254


class DeliveryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, method):
        return method.in_language("label")


class CheckoutForm(StorableTextForm, forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Full name"))
    email = forms.EmailField(
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy(
            "We send your receipt here. You may leave it empty if you pay cash on delivery."
        ),
    )
    phone = forms.CharField(
        max_length=30,
        label=gettext_lazy("Phone"),
        help_text=gettext_lazy("For the courier, e.g. 012 345 678."),
    )
    # The value is the province's English name (what orders store); the label is translated.
    province = forms.ChoiceField(
        choices=list(PROVINCE_LABELS.items()), label=gettext_lazy("Province or city")
    )
    address = forms.CharField(
        max_length=500,
        label=gettext_lazy("Address"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("House number, street, village or sangkat, khan or district."),
    )
    delivery_method = DeliveryChoiceField(
        queryset=DeliveryMethod.objects.none(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        label=gettext_lazy("Delivery"),
    )
    payment_method = forms.ChoiceField(
        choices=[
            (PaymentMethod.KHQR, gettext_lazy("Pay now with KHQR")),
            (PaymentMethod.CASH_ON_DELIVERY, gettext_lazy("Cash on delivery")),
        ],
        widget=forms.RadioSelect,
        initial=PaymentMethod.KHQR,
        required=False,  # not sent (an older API client, a shop without cash on delivery): KHQR
        label=gettext_lazy("How you pay"),
    )
    currency = forms.ChoiceField(
        choices=[
            (money.USD, gettext_lazy("US dollars (USD)")),
            (money.KHR, gettext_lazy("Riel (KHR)")),
        ],
        widget=forms.RadioSelect,
        initial=money.USD,
        label=gettext_lazy("Pay in"),
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        label=gettext_lazy("Note for the shop (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    save_address = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Save this address to my account")
    )

    def __init__(self, *args, shop=None, items_total=None, rules=None, discount=None, **kwargs):
        """``shop`` and ``items_total`` (the cart's items in the base currency) let the form
        say at once whether cash on delivery fits this order; placing the order checks it
        again either way."""
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.items_total = items_total
        self.discount = discount  # the cart's AppliedDiscount, if any
        self.rules = rules or DeliveryRules()
        self.delivery = None
        self.fields["delivery_method"].queryset = DeliveryMethod.active()
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"

    def clean_phone(self):
        return cambodian_phone(self.cleaned_data["phone"])

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean_payment_method(self):
        return self.cleaned_data.get("payment_method") or PaymentMethod.KHQR

    def clean(self):
        data = super().clean()
        province, method = data.get("province"), data.get("delivery_method")
        if province and method:
            try:
                self.delivery = self.rules.option(province, method.code)
            except ShopError as error:
                self.add_error("delivery_method", error.message)
        cash = data.get("payment_method") == PaymentMethod.CASH_ON_DELIVERY
        if cash and self.shop is not None and province and self.delivery is not None:
            items = (self.items_total or Decimal("0")) - (
                self.discount.amount if self.discount else Decimal("0")
            )
            fee = (
                Decimal("0")
                if self.discount and self.discount.free_delivery
                else self.delivery.fee_for(items)
            )
            refusal = self.rules.cash_on_delivery_refusal(self.shop, province, items + fee)
            if refusal is None and "phone" in data:
                refusal = open_cash_orders_refusal(self.shop, data["phone"])
            if refusal:
                self.add_error("payment_method", refusal)
        if not cash and "email" in data and not data["email"]:
            self.add_error(
                "email",
                ValidationError(
                    _("Enter your e-mail for the receipt, or choose cash on delivery."),
                    code="required",
                ),
            )
        return data

    def details(self):
        data = self.cleaned_data
        return CheckoutDetails(
            email=data["email"],
            name=data["name"],
            phone=data["phone"],
            address=data["address"].strip(),
            province=data["province"],
            delivery_method=data["delivery_method"],
            delivery=self.delivery,
            payment_method=data["payment_method"],
            currency=data["currency"],
            note=data.get("note", "").strip(),
        )

    def session_data(self):
        """What the review step needs, as JSON-safe values for the session."""
        data = dict(self.cleaned_data)
        data["delivery_method"] = data["delivery_method"].code
        data.pop("save_address", None)
        return data
