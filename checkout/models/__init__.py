"""Checkout's data and its invariants: carts, orders (with the status machine's allowed
transitions), KHQR payments, delivery methods and saved addresses. The use cases that change
them are the service modules beside this package (``cart``, ``pricing``, ``orders``,
``payments``, ``staff``)."""

from checkout.models.addresses import Address
from checkout.models.cart import Cart, CartLine
from checkout.models.delivery import (
    PROVINCE_LABELS,
    PROVINCES,
    Courier,
    DeliveryMethod,
    DeliveryRate,
    DeliveryZone,
    province_label,
)
from checkout.models.discounts import Discount, DiscountKind, DiscountUse, normalize_code
from checkout.models.orders import (
    COD_OPEN_STATES,
    PAID_STATES,
    RELEASES_STOCK,
    REPLAY_WINDOW,
    STAFF_MOVES,
    TRANSITIONS,
    CustomerKey,
    InvalidTransition,
    Order,
    OrderLine,
    OrderNote,
    OrderStatusChange,
    PaymentMethod,
    Status,
    new_order_number,
    new_order_token,
)
from checkout.models.payments import NEEDS_ATTENTION, Payment, PaymentStatus
from checkout.models.refunds import ImmutableRecord, Refund, RefundLine, RefundMethod

__all__ = [
    "COD_OPEN_STATES",
    "NEEDS_ATTENTION",
    "PAID_STATES",
    "PROVINCES",
    "PROVINCE_LABELS",
    "RELEASES_STOCK",
    "REPLAY_WINDOW",
    "STAFF_MOVES",
    "TRANSITIONS",
    "Address",
    "Cart",
    "CustomerKey",
    "CartLine",
    "Courier",
    "DeliveryMethod",
    "DeliveryRate",
    "DeliveryZone",
    "Discount",
    "DiscountKind",
    "DiscountUse",
    "ImmutableRecord",
    "InvalidTransition",
    "Order",
    "OrderLine",
    "OrderNote",
    "OrderStatusChange",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "Refund",
    "RefundLine",
    "RefundMethod",
    "Status",
    "new_order_number",
    "new_order_token",
    "normalize_code",
    "province_label",
]
