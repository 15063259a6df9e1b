"""Delivery: the methods editors set, the zones (groups of provinces) they deliver to, the
fee of each method in each zone, and Cambodia's provinces. What a shopper pays for delivery is
decided in one place, ``checkout.pricing.delivery_options``, from these records."""

from decimal import Decimal
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

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
        _("standard fee"),
        **money.AMOUNT_FIELD,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "In the shop's base currency. Used everywhere this method delivers until you give "
            "it fees per delivery zone; from then on it delivers only to those zones."
        ),
    )
    free_from = models.DecimalField(
        _("free from"),
        **money.AMOUNT_FIELD,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Free delivery when the items (after discounts) come to at least this much, in the "
            "shop's base currency. Leave empty for no free delivery."
        ),
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
        FieldPanel("free_from"),
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


class ProvinceListField(models.JSONField):
    """A list of province names (``PROVINCES``), edited as check boxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=list(PROVINCE_LABELS.items()),
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )


class DeliveryZone(Bilingual, ClusterableModel):
    """Provinces that cost the same to deliver to, with the fee of each method there.

    A province belongs to one zone at most. A method with fees in some zones delivers only to
    those zones; a method with no zone fees delivers everywhere at its standard fee."""

    name = models.CharField(_("name"), max_length=80)
    name_km = models.CharField(_("name in Khmer"), max_length=80, blank=True)
    khmer_fields = {"name": "name_km"}
    provinces = ProvinceListField(_("provinces"), default=list)
    cash_on_delivery = models.BooleanField(
        _("cash on delivery"),
        default=True,
        help_text=_(
            "Shoppers here may pay the courier in cash, when cash on delivery is turned on "
            "in the shop settings."
        ),
    )
    sort_order = models.PositiveIntegerField(_("order in the list"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_km"),
        FieldPanel("provinces"),
        FieldPanel("cash_on_delivery"),
        FieldPanel("sort_order"),
        MultiFieldPanel(
            [InlinePanel("rates", label=_("fee"))],
            heading=_("Fees in this zone"),
            help_text=_(
                "The methods that deliver here and what they cost. A method not listed does "
                "not deliver here (unless it has no zone fees at all)."
            ),
        ),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("delivery zone")
        verbose_name_plural = _("delivery zones")

    def __str__(self):
        return self.in_language("name")

    @property
    def province_count(self):
        return len(self.provinces or [])

    province_count.fget.short_description = _("provinces")

    def clean(self):
        super().clean()
        unknown = [name for name in self.provinces or [] if name not in PROVINCE_LABELS]
        if unknown:
            raise ValidationError({"provinces": gettext("Unknown province: %s") % unknown[0]})
        taken = {}
        for zone in DeliveryZone.objects.exclude(pk=self.pk).only("name", "provinces"):
            for name in zone.provinces or []:
                taken[name] = zone
        clashes = [name for name in self.provinces or [] if name in taken]
        if clashes:
            raise ValidationError(
                {
                    "provinces": gettext("%(province)s is already in the zone “%(zone)s”.")
                    % {"province": province_label(clashes[0]), "zone": taken[clashes[0]]}
                }
            )


class DeliveryRate(Orderable):
    """What one method costs in one zone, and from what order value it is free there."""

    zone = ParentalKey(DeliveryZone, on_delete=models.CASCADE, related_name="rates")
    method = models.ForeignKey(
        DeliveryMethod,
        on_delete=models.CASCADE,
        related_name="rates",
        verbose_name=_("delivery method"),
    )
    fee = models.DecimalField(
        _("fee"),
        **money.AMOUNT_FIELD,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the shop's base currency."),
    )
    free_from = models.DecimalField(
        _("free from"),
        **money.AMOUNT_FIELD,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Free when the items (after discounts) come to at least this much."),
    )

    panels = [FieldPanel("method"), FieldPanel("fee"), FieldPanel("free_from")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["zone", "method"], name="one_fee_per_method_and_zone")
        ]
        verbose_name = _("delivery fee")
        verbose_name_plural = _("delivery fees")

    def __str__(self):
        return f"{self.method} · {self.zone}"


class Courier(Bilingual, models.Model):
    """A delivery company (or the shop's own riders), with the address of its tracking page."""

    name = models.CharField(_("name"), max_length=80)
    name_km = models.CharField(_("name in Khmer"), max_length=80, blank=True)
    khmer_fields = {"name": "name_km"}
    tracking_url = models.CharField(
        _("tracking page"),
        max_length=300,
        blank=True,
        help_text=_(
            "The address of the courier's tracking page with {number} where the tracking "
            "number goes, e.g. https://courier.example/track?id={number}. Leave empty if "
            "parcels cannot be tracked online."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveIntegerField(_("order in the list"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_km"),
        FieldPanel("tracking_url"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("courier")
        verbose_name_plural = _("couriers")

    def __str__(self):
        return self.in_language("name")

    def clean(self):
        super().clean()
        url = self.tracking_url.strip()
        if url and ("{number}" not in url or not url.startswith(("https://", "http://"))):
            raise ValidationError(
                {
                    "tracking_url": gettext(
                        "Start with https:// and put {number} where the tracking number goes."
                    )
                }
            )

    def tracking_link(self, number):
        """The tracking page of parcel ``number``, or "" when there is none."""
        if not self.tracking_url or not number:
            return ""
        return self.tracking_url.replace("{number}", quote(number, safe=""))
