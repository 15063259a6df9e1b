"""Discounts: codes shoppers type (a Facebook or Telegram campaign's "NEWYEAR10") and
automatic promotions (no code: applied to every cart they fit). Each gives a percentage or a
fixed amount off the items it covers, free delivery, or both, between two dates, above a
minimum spend, as many times as the owner allows. Which one an order gets, and how much it
takes off, is ``checkout.discounts``; each use is recorded (``DiscountUse``) so that the limits
hold when checkouts race."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from checkout.models.orders import Order
from kernel import money
from kernel.bilingual import Bilingual


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage off")
    FIXED = "fixed", _("Fixed amount off")


def normalize_code(code):
    """Codes are compared without case or spaces: "newyear 10" is "NEWYEAR10"."""
    return "".join((code or "").split()).upper()


class Discount(Bilingual, ClusterableModel):
    name = models.CharField(
        _("name shoppers see"), max_length=80, help_text=_("e.g. Khmer New Year sale")
    )
    name_km = models.CharField(_("name shoppers see, in Khmer"), max_length=80, blank=True)
    khmer_fields = {"name": "name_km"}
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "What shoppers type, e.g. NEWYEAR10 (letters and digits; case does not matter). "
            "Leave empty for an automatic promotion, applied to every cart it fits."
        ),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=DiscountKind.choices, default=DiscountKind.PERCENT
    )
    value = models.DecimalField(
        _("value"),
        **money.AMOUNT_FIELD,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A percentage (10 for 10%), or an amount in the shop's base currency."),
    )
    free_delivery = models.BooleanField(_("free delivery"), default=False)
    min_spend = models.DecimalField(
        _("minimum spend"),
        **money.AMOUNT_FIELD,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The items it covers must come to at least this much (base currency)."),
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(
        _("uses in all"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit. Orders cancelled or expired give their use back."),
    )
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Counted by phone number and by e-mail address. Leave empty for no limit."),
    )
    products = ParentalManyToManyField(
        "catalog.ProductPage", blank=True, related_name="+", verbose_name=_("only these products")
    )
    categories = ParentalManyToManyField(
        "catalog.CategoryPage",
        blank=True,
        related_name="+",
        verbose_name=_("only products in these categories"),
    )
    is_active = models.BooleanField(_("on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("name_km"),
                FieldPanel("code"),
                FieldPanel("is_active"),
            ],
            heading=_("Discount"),
        ),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("value"), FieldPanel("free_delivery")],
            heading=_("What it gives"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("min_spend"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldRowPanel([FieldPanel("usage_limit"), FieldPanel("per_customer_limit")]),
            ],
            heading=_("When it applies"),
        ),
        MultiFieldPanel(
            [FieldPanel("products"), FieldPanel("categories")],
            heading=_("What it covers"),
            help_text=_("Leave both empty for everything in the cart."),
        ),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")

    def __str__(self):
        return f"{self.code} · {self.name}" if self.code else self.name

    def clean(self):
        super().clean()
        self.code = normalize_code(self.code) or None
        if self.code and not self.code.isalnum():
            raise ValidationError({"code": gettext("Use only letters and digits.")})
        if self.kind == DiscountKind.PERCENT and self.value > 100:
            raise ValidationError({"value": gettext("A percentage is at most 100.")})
        if not self.value and not self.free_delivery:
            raise ValidationError(
                {"value": gettext("Give a value, free delivery, or both: this gives nothing.")}
            )
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": gettext("The end must come after the start.")})


class DiscountUse(models.Model):
    """One order that used a discount, with who placed it (their phone number and e-mail,
    normalised): what the total and per-customer limits count."""

    discount = models.ForeignKey(Discount, on_delete=models.PROTECT, related_name="uses")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="discount_use")
    phone = models.CharField(max_length=20, db_index=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.discount_id} → order {self.order_id}"
