"""Cart and checkout over JSON. Thin: the rules live in ``cart.py`` and ``orders.py``."""

import secrets
from decimal import Decimal

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from checkout import cart as carts
from checkout import serializers
from checkout.delivery import DeliveryOption, DeliveryRules
from checkout.models import PROVINCE_LABELS, PROVINCES, Payment, PaymentMethod
from checkout.orders import place_order
from checkout.payments import check_payment
from checkout.pricing import price_in
from kernel import money
from kernel.apiviews import ShopAPIView
from kernel.errors import NotFound, ShopError
from kernel.models import ShopSettings


def shop_for(request):
    return ShopSettings.for_request(request._request)


def validated(serializer_class, request):
    if not isinstance(request.data, dict):
        raise ShopError(_("Send a JSON object."), code="malformed_request")
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def cart_response(request, cart, **extra):
    shop = shop_for(request)
    contents = carts.cart_contents(cart, shop=shop)
    return serializers.cart_payload(contents, shop, request._request) | extra


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CartView(ShopAPIView):
    """The shopper's cart. Also sets the CSRF cookie the storefront's scripts send back."""

    @extend_schema(responses=serializers.CartSerializer)
    def get(self, request):
        return Response(cart_response(request, carts.get_cart(request)))


class CartAddView(ShopAPIView):
    @extend_schema(
        request=serializers.AddToCartSerializer,
        responses={200: serializers.CartAddResponseSerializer},
    )
    def post(self, request):
        data = validated(serializers.AddToCartSerializer, request)
        cart = carts.get_cart(request, create=True)
        contents = carts.add_item(
            cart, data["product_id"], data.get("variant_id"), data["quantity"], shop_for(request)
        )
        return Response(
            {
                "status": "success",
                "message": _("Item added to cart"),
                "cart_id": cart.pk,
                "cart": serializers.cart_payload(contents, shop_for(request), request._request),
            }
        )


class CartLineView(ShopAPIView):
    @extend_schema(request=serializers.LineUpdateSerializer, responses=serializers.CartSerializer)
    def patch(self, request, line_id):
        data = validated(serializers.LineUpdateSerializer, request)
        cart = carts.get_cart(request)
        carts.set_line_quantity(cart, line_id, data["quantity"], shop_for(request))
        return Response(cart_response(request, cart))

    @extend_schema(request=None, responses=serializers.CartSerializer)
    def delete(self, request, line_id):
        cart = carts.get_cart(request)
        carts.remove_line(cart, line_id)
        return Response(cart_response(request, cart))


class CheckoutOptionsView(ShopAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "province",
                str,
                description="A province's English name: only the methods that deliver there, "
                "with their fees there.",
            )
        ],
        responses=serializers.CheckoutOptionsSerializer,
    )
    def get(self, request):
        shop = shop_for(request)
        rules = DeliveryRules()
        province = request.query_params.get("province")
        if province is not None and province not in PROVINCE_LABELS:
            raise ShopError(
                _("Unknown province."),
                code="invalid",
                fields={"province": [_("Use one of the provinces this endpoint lists.")]},
            )
        if province is None:
            # Every method at its standard fee (where no zone fee applies).
            options = [
                DeliveryOption(method, method.fee, method.free_from, None)
                for method in rules.methods
            ]
        else:
            options = rules.options(province)
        methods = [
            {
                "code": option.code,
                "label": option.method.in_language("label"),
                "description": option.method.in_language("description"),
                "fee": price_in(option.fee, shop.base_currency, shop),
                "free_from": option.free_from,
                "currency": shop.base_currency,
            }
            for option in options
        ]
        payment_methods = [PaymentMethod.KHQR.value]
        cash_refusal = rules.cash_on_delivery_refusal(shop, province, Decimal("0"))
        if shop.cash_on_delivery and (province is None or cash_refusal is None):
            payment_methods.append(PaymentMethod.CASH_ON_DELIVERY.value)
        return Response(
            serializers.CheckoutOptionsSerializer(
                {
                    "delivery_methods": methods,
                    "provinces": PROVINCES,
                    "province_choices": [
                        {"value": value, "label": label} for value, label in PROVINCE_LABELS.items()
                    ],
                    "currencies": [money.USD, money.KHR],
                    "payment_methods": payment_methods,
                }
            ).data
        )


class CheckoutView(ShopAPIView):
    @extend_schema(
        request=serializers.CheckoutRequestSerializer,
        responses={
            201: serializers.CheckoutResponseSerializer,
            200: serializers.CheckoutResponseSerializer,
        },
        description="Places the order. Repeating the request for the same cart answers 200 "
        "with the order the first request made.",
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise ShopError(_("Send a JSON object."), code="malformed_request")
        checkout = serializers.CheckoutRequestSerializer(data=request.data)
        if not checkout.is_valid():
            fields = {name: [str(e) for e in errors] for name, errors in checkout.errors.items()}
            raise ShopError(_("Please correct the fields listed."), code="invalid", fields=fields)
        details = checkout.validated_data["details"]
        cart = carts.get_cart(request)
        if cart is None:
            raise ShopError(_("Your cart is empty."), code="cart_empty", status=409)
        order, created = place_order(cart, details, shop_for(request), user=request.user)
        remember_order(request, order)
        payment = order.payments.filter(status="pending").first()
        return Response(
            {
                "status": "success",
                "order": serializers.order_payload(order, request),
                "payment": serializers.payment_payload(payment, request) if payment else None,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def can_see_order(request, order):
    """The order's owner: its account, this browser session, or whoever holds its link."""
    user = request.user
    if order.user_id and user.is_authenticated and user.pk == order.user_id:
        return True
    if order.token in request.session.get("order_tokens", []):
        return True
    token = request.query_params.get("token") if hasattr(request, "query_params") else None
    return bool(token) and secrets.compare_digest(str(token), order.token)


class PaymentStatusView(ShopAPIView):
    """A payment's status. While it is pending and Bakong was last asked more than a few
    seconds ago (across all servers), this asks Bakong once; Bakong errors leave it pending."""

    @extend_schema(responses=serializers.PaymentStatusSerializer)
    def get(self, request, md5):
        payment = Payment.objects.select_related("order").filter(md5=md5).first()
        if payment is None or not can_see_order(request, payment.order):
            raise NotFound(_("No such payment."), code="payment_not_found")
        if payment.is_pending:
            check_payment(payment)
            payment = Payment.objects.select_related("order").get(pk=payment.pk)
        return Response(
            serializers.PaymentStatusSerializer(
                {
                    "status": payment.status,
                    "order_number": payment.order.number,
                    "order_status": payment.order.status,
                    "expires_at": payment.expires_at,
                    "amount": payment.amount,
                    "currency": payment.currency,
                }
            ).data
        )


def remember_order(request, order):
    """Keep the order's token in the session so its page and status stay reachable."""
    tokens = request.session.get("order_tokens", [])
    if order.token not in tokens:
        request.session["order_tokens"] = (tokens + [order.token])[-20:]
