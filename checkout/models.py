"""Checkout's models, defined in the modules named for their concepts."""

from checkout.addresses import Address
from checkout.cart import Cart, CartLine
from checkout.delivery import DeliveryMethod
from checkout.orders import Order, OrderLine, OrderNote, OrderStatusChange
from checkout.payments import Payment

__all__ = [
    "Address",
    "Cart",
    "CartLine",
    "DeliveryMethod",
    "Order",
    "OrderLine",
    "OrderStatusChange",
    "OrderNote",
    "Payment",
]
