"""Carts: a guest's through the session, a customer's through their account. Lines name a
sellable item (a product, or one of its variants) and a quantity; prices are read live from
the catalog until the order is placed."""

from django.conf import settings
from django.db import models

from catalog.models import PRODUCT_ITSELF, ProductPage


class Cart(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    # The order this cart last became: a repeated checkout of the same cart answers with it.
    last_order = models.ForeignKey(
        "checkout.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The discount code the shopper entered (checked again whenever the cart is priced).
    discount_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(ProductPage, on_delete=models.CASCADE, related_name="+")
    variant_key = models.PositiveBigIntegerField(default=PRODUCT_ITSELF)
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product", "variant_key"], name="unique_cart_item"
            ),
        ]
        ordering = ["added_at", "pk"]

    def __str__(self):
        return f"{self.quantity} × product {self.product_id}/{self.variant_key}"

    @property
    def item_key(self):
        return (self.product_id, self.variant_key)
