"""Delivery: the methods (and fees) editors set, and Cambodia's provinces."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel

from kernel import money

PROVINCES = [
    "Phnom Penh",
    "Banteay Meanchey",
    "Battambang",
    "Kampong Cham",
    "Kampong Chhnang",
    "Kampong Speu",
    "Kampong Thom",
    "Kampot",
    "Kandal",
    "Kep",
    "Koh Kong",
    "Kratié",
    "Mondulkiri",
    "Oddar Meanchey",
    "Pailin",
    "Preah Sihanouk",
    "Preah Vihear",
    "Prey Veng",
    "Pursat",
    "Ratanakiri",
    "Siem Reap",
    "Stung Treng",
    "Svay Rieng",
    "Takéo",
    "Tboung Khmum",
]


class DeliveryMethod(models.Model):
    """A way to get an order to the shopper, with its fee in the shop's base currency."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)
    fee = models.DecimalField(
        **money.AMOUNT_FIELD,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="In the shop's base currency.",
    )
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    panels = [
        FieldPanel("label"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("fee"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.label

    @classmethod
    def active(cls):
        return cls.objects.filter(is_active=True).order_by("sort_order", "pk")
