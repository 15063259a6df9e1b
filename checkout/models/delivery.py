"""Delivery: the methods (and fees) editors set, and Cambodia's provinces."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from kernel import money
from kernel.bilingual import Bilingual

# Cambodia's capital and provinces. The English name is what orders and addresses store (and
# what the API takes); the label is what a shopper reads, in their language.
PROVINCE_LABELS = {
    "Phnom Penh": _("Phnom Penh"),
    "Banteay Meanchey": _("Banteay Meanchey"),
    "Battambang": _("Battambang"),
    "Kampong Cham": _("Kampong Cham"),
    "Kampong Chhnang": _("Kampong Chhnang"),
    "Kampong Speu": _("Kampong Speu"),
    "Kampong Thom": _("Kampong Thom"),
    "Kampot": _("Kampot"),
    "Kandal": _("Kandal"),
    "Kep": _("Kep"),
    "Koh Kong": _("Koh Kong"),
    "Kratié": _("Kratié"),
    "Mondulkiri": _("Mondulkiri"),
    "Oddar Meanchey": _("Oddar Meanchey"),
    "Pailin": _("Pailin"),
    "Preah Sihanouk": _("Preah Sihanouk"),
    "Preah Vihear": _("Preah Vihear"),
    "Prey Veng": _("Prey Veng"),
    "Pursat": _("Pursat"),
    "Ratanakiri": _("Ratanakiri"),
    "Siem Reap": _("Siem Reap"),
    "Stung Treng": _("Stung Treng"),
    "Svay Rieng": _("Svay Rieng"),
    "Takéo": _("Takéo"),
    "Tboung Khmum": _("Tboung Khmum"),
}
PROVINCES = list(PROVINCE_LABELS)


def province_label(name):
    """The name of a stored province (``Order.province``, ``Address.province``) for a shopper to
    read, in the active language; a name that is not one of ``PROVINCES`` as it is."""
    return PROVINCE_LABELS.get(name, name)


class DeliveryMethod(Bilingual, models.Model):
    """A way to get an order to the shopper, with its fee in the shop's base currency."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("name shoppers see"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    label_km = models.CharField(_("name shoppers see, in Khmer"), max_length=80, blank=True)
    description_km = models.CharField(_("description in Khmer"), max_length=200, blank=True)
    khmer_fields = {"label": "label_km", "description": "description_km"}
    fee = models.DecimalField(
        _("fee"),
        **money.AMOUNT_FIELD,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the shop's base currency."),
    )
    is_active = models.BooleanField(_("offered to shoppers"), default=True)
    sort_order = models.PositiveIntegerField(_("order in the list"), default=0)

    panels = [
        FieldPanel("label"),
        FieldPanel("label_km"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("description_km"),
        FieldPanel("fee"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("delivery method")
        verbose_name_plural = _("delivery methods")

    def __str__(self):
        return self.in_language("label")

    @classmethod
    def active(cls):
        return cls.objects.filter(is_active=True).order_by("sort_order", "pk")
