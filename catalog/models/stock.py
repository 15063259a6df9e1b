"""Stock: how many of each sellable item (a product without variants, or a variant) are left.

Stock is transactional state, not content: it lives here, outside Wagtail pages and their
revisions, so publishing or reverting a product page never changes it. A record is keyed
by the product and ``variant_key`` (the variant's id, or 0 for the product itself); the key
is a plain integer rather than a foreign key so that a variant removed in one revision and
restored by publishing an older one finds its stock again. Stock changes only through
``catalog.inventory``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PRODUCT_ITSELF = 0


class StockRecord(models.Model):
    product = models.ForeignKey(
        "catalog.ProductPage",
        on_delete=models.CASCADE,
        related_name="stock_records",
        verbose_name=_("product"),
    )
    variant_key = models.PositiveBigIntegerField(
        _("variant key"),
        default=PRODUCT_ITSELF,
        help_text=_("The variant's id, or 0 for a product without variants."),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=0, help_text=_("Units available to sell.")
    )
    low_stock_threshold = models.PositiveIntegerField(
        _("low stock threshold"),
        default=3,
        help_text=_("At or below this many units the item counts as low on stock."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock record")
        verbose_name_plural = _("stock records")
        constraints = [
            models.UniqueConstraint(fields=["product", "variant_key"], name="unique_stock_item"),
        ]
        indexes = [models.Index(fields=["quantity"])]

    def __str__(self):
        """What the record counts, as staff name it ("Golden Silk Scarf – Ivory")."""
        return self.item_title

    @property
    def item_title(self):
        """Product title, with the variant's name (annotated by the admin listing, else looked
        up)."""
        name = getattr(self, "variant_name", None)
        if name is None and self.variant_key != PRODUCT_ITSELF:
            variant = self.product.variants.filter(pk=self.variant_key).only("name").first()
            name = variant.name if variant else None
        return f"{self.product.title} – {name}" if name else self.product.title

    @property
    def item_sku(self):
        return getattr(self, "variant_sku", None) or self.product.sku

    @property
    def is_low(self):
        return 0 < self.quantity <= self.low_stock_threshold

    @property
    def is_sold_out(self):
        return self.quantity <= 0


class StockAdjustment(models.Model):
    """A change staff made to a stock level by hand: who, when, from what, to what, and why."""

    record = models.ForeignKey(StockRecord, on_delete=models.CASCADE, related_name="adjustments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    quantity_before = models.PositiveIntegerField()
    quantity_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock adjustment")
        verbose_name_plural = _("stock adjustments")

    def __str__(self):
        return f"{self.quantity_before} → {self.quantity_after}: {self.reason}"
