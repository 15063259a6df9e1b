"""API shapes: input validation and the cart and order payloads."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from checkout.cart import MAX_LINE_QUANTITY
from checkout.forms import EMAIL_MAX_LENGTH, CheckoutForm
from checkout.models import PROVINCES, PaymentMethod
from checkout.payments import ensure_qr_image
from kernel import money

CENTS = Decimal("0.01")


# DRF has no Khmer: the input fields below carry their refusals as the shop's own messages
# (DRF's English wording), so an API client gets them in the request's language.
FIELD_MESSAGES = {
    "required": _("This field is required."),
    "null": _("This field may not be null."),
}


class IntegerField(serializers.IntegerField):
    default_error_messages = FIELD_MESSAGES | {
        "invalid": _("A valid integer is required."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "max_string_length": _("String value too large."),
    }


class CharField(serializers.CharField):
    default_error_messages = FIELD_MESSAGES | {
        "invalid": _("Not a valid string."),
        "blank": _("This field may not be blank."),
        "max_length": _("Ensure this field has no more than {max_length} characters."),
        "min_length": _("Ensure this field has at least {min_length} characters."),
    }


class EmailField(CharField, serializers.EmailField):
    default_error_messages = {"invalid": _("Enter a valid email address.")}


class ChoiceField(serializers.ChoiceField):
    default_error_messages = FIELD_MESSAGES | {
        "invalid_choice": _('"{input}" is not a valid choice.'),
    }


class AddToCartSerializer(serializers.Serializer):
    product_id = IntegerField(min_value=1)
    variant_id = IntegerField(min_value=1, required=False, allow_null=True)
    quantity = IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, required=False, default=1)


class LineUpdateSerializer(serializers.Serializer):
    quantity = IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class CheckoutRequestSerializer(serializers.Serializer):
    """The checkout body. The fields check types (text, not lists or booleans; numbers such as
    a phone number sent as 12345678 are read as text); the shop's own rules (a Cambodian phone
    number, a delivery method on offer, text a database can store) are the checkout page's
    form, run by ``validate``, so the page and the API accept exactly the same details."""

    email = EmailField(
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Required unless payment_method is cod.",
    )
    name = CharField(max_length=120)
    phone = CharField(max_length=30, help_text="A Cambodian number.")
    address = CharField(max_length=500)
    province = ChoiceField(
        choices=PROVINCES,
        help_text="A province's English name (the values of /api/checkout/options/).",
    )
    delivery_method = CharField(help_text="A code from /api/checkout/options/.")
    currency = ChoiceField(choices=[money.USD, money.KHR])
    payment_method = ChoiceField(
        choices=[PaymentMethod.KHQR.value, PaymentMethod.CASH_ON_DELIVERY.value],
        required=False,
        help_text="khqr (the default) or cod, where /api/checkout/options/ offers it.",
    )
    note = CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs):
        form = CheckoutForm(data={name: str(value) for name, value in attrs.items()})
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        return {"details": form.details()}


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField(source="product.pk")
    variant_id = serializers.IntegerField(source="variant.pk", allow_null=True, default=None)
    title = serializers.CharField()
    variant_name = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(**money.AMOUNT_FIELD)
    line_total = serializers.DecimalField(**money.AMOUNT_FIELD)
    available = serializers.IntegerField()
    problem = serializers.CharField()
    url = serializers.CharField(source="product.url")


class MoneySerializer(serializers.Serializer):
    amount = serializers.DecimalField(**money.AMOUNT_FIELD)
    currency = serializers.CharField()


class CartSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    lines = CartLineSerializer(many=True)
    item_count = serializers.IntegerField()
    subtotal = serializers.DecimalField(**money.AMOUNT_FIELD)
    currency = serializers.CharField()
    subtotal_other = MoneySerializer(allow_null=True)


def _decimal(value):
    """A DecimalField(decimal_places=2)'s JSON form: a string with two decimals."""
    return f"{value.quantize(CENTS):f}"


def cart_payload(contents, shop, request=None):
    """The cart as ``CartSerializer`` describes it (the schema), built directly: the add-to-cart
    reply is on the shop's busiest path, and DRF's field-by-field serializing cost more than
    the database work behind it. ``tests/checkout/test_cart.py`` holds the two equal."""
    subtotal = contents.subtotal
    other = None
    if shop.show_other_currency:
        other = {
            "amount": _decimal(shop.convert(subtotal, shop.other_currency)),
            "currency": shop.other_currency,
        }
    return {
        "id": contents.cart.pk if contents.cart else None,
        "lines": [
            {
                "id": item.id,
                "product_id": item.product.pk,
                "variant_id": item.variant.pk if item.variant else None,
                "title": item.title,
                "variant_name": item.variant_name,
                "sku": item.sku,
                "quantity": item.quantity,
                "unit_price": _decimal(item.unit_price),
                "line_total": _decimal(item.line_total),
                "available": item.available,
                "problem": item.problem,
                "url": item.product.get_url(request),
            }
            for item in contents.items
        ],
        "item_count": contents.item_count,
        "subtotal": _decimal(money.round_amount(subtotal, shop.base_currency)),
        "currency": shop.base_currency,
        "subtotal_other": other,
    }


class CartAddResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    message = serializers.CharField()
    cart_id = serializers.IntegerField()
    cart = CartSerializer()


class DeliveryMethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    fee = serializers.DecimalField(**money.AMOUNT_FIELD)
    free_from = serializers.DecimalField(
        **money.AMOUNT_FIELD,
        allow_null=True,
        help_text="Free when the items come to at least this much (null: never free).",
    )
    currency = serializers.CharField()


class ProvinceSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What the checkout's province field takes.")
    label = serializers.CharField(help_text="Its name in the request's language.")


class CheckoutOptionsSerializer(serializers.Serializer):
    delivery_methods = DeliveryMethodSerializer(many=True)
    provinces = serializers.ListField(child=serializers.CharField())
    province_choices = ProvinceSerializer(many=True)
    currencies = serializers.ListField(child=serializers.CharField())
    payment_methods = serializers.ListField(
        child=serializers.CharField(),
        help_text="khqr, and cod where the shop takes cash on delivery (for the province, when "
        "one is given; the order value limit is checked when the order is placed).",
    )


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(**money.AMOUNT_FIELD)
    delivery_fee = serializers.DecimalField(**money.AMOUNT_FIELD)
    total = serializers.DecimalField(**money.AMOUNT_FIELD)
    khr_per_usd = serializers.DecimalField(max_digits=10, decimal_places=2)
    expires_at = serializers.DateTimeField()
    url = serializers.CharField()


class PaymentSerializer(serializers.Serializer):
    md5 = serializers.CharField()
    qr = serializers.CharField(source="qr_string")
    image_url = serializers.CharField()
    amount = serializers.DecimalField(**money.AMOUNT_FIELD)
    currency = serializers.CharField()
    expires_at = serializers.DateTimeField()
    status = serializers.CharField()


class CheckoutResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    order = OrderSerializer()
    payment = PaymentSerializer(allow_null=True)


class PaymentStatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="pending, paid, expired, late or mismatch")
    order_number = serializers.CharField()
    order_status = serializers.CharField()
    expires_at = serializers.DateTimeField()
    amount = serializers.DecimalField(**money.AMOUNT_FIELD)
    currency = serializers.CharField()


def payment_payload(payment, request):
    image_url = request.build_absolute_uri(ensure_qr_image(payment))
    payment.image_url_absolute = image_url
    return {
        "md5": payment.md5,
        "qr": payment.qr_string,
        "image_url": image_url,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "expires_at": serializers.DateTimeField().to_representation(payment.expires_at),
        "status": payment.status,
    }


def order_payload(order, request):
    data = OrderSerializer(
        {
            "number": order.number,
            "status": order.status,
            "currency": order.currency,
            "subtotal": order.subtotal,
            "delivery_fee": order.delivery_fee,
            "total": order.total,
            "khr_per_usd": order.khr_per_usd,
            "expires_at": order.expires_at,
            "url": request.build_absolute_uri(order.get_absolute_url()),
        }
    ).data
    return data
