"""The shop's site-wide settings: identity, contacts, money and limits."""

import copy
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

from kernel import money
from kernel.bilingual import Bilingual
from kernel.memo import remembered

# The most of one item any setting allows (the product page's and the API's upper bound).
HARD_MAX_LINE_QUANTITY = 99

KHR_STEP_CHOICES = [
    (1, _("1 riel")),
    (100, _("100 riel")),
    (500, _("500 riel")),
    (1000, _("1,000 riel")),
]


@register_setting(icon="site")
class ShopSettings(Bilingual, BaseSiteSetting):
    """What editors set once for the whole shop: identity, contacts and money."""

    shop_name = models.CharField(_("shop name"), max_length=80, default="Angkor Market")
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    shop_name_km = models.CharField(_("shop name in Khmer"), max_length=80, blank=True)
    tagline_km = models.CharField(_("tagline in Khmer"), max_length=160, blank=True)
    address_km = models.TextField(_("address in Khmer"), blank=True)
    opening_hours_km = models.CharField(_("opening hours in Khmer"), max_length=120, blank=True)
    khmer_fields = {
        "shop_name": "shop_name_km",
        "tagline": "tagline_km",
        "address": "address_km",
        "opening_hours": "opening_hours_km",
    }

    @property
    def shown_name(self):
        """The shop's name in the active language."""
        return self.in_language("shop_name")

    facebook_url = models.URLField(_("facebook url"), blank=True)
    telegram_url = models.URLField(_("telegram url"), blank=True)

    base_currency = models.CharField(
        _("base currency"),
        max_length=3,
        choices=money.CURRENCY_CHOICES,
        default=money.USD,
        help_text=_("The currency product prices are entered in."),
    )
    khr_per_usd = models.DecimalField(
        _("KHR per USD"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("4100"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("Exchange rate used to show and charge the other currency."),
    )
    khr_rounding_step = models.PositiveIntegerField(
        _("KHR rounding step"),
        choices=KHR_STEP_CHOICES,
        default=100,
        help_text=_("Riel prices converted from dollars are rounded to this step."),
    )
    show_other_currency = models.BooleanField(
        _("show other currency"),
        default=True,
        help_text=_("Show each price in both USD and KHR."),
    )

    # Languages: every page exists once per language (/km/..., /en/...).
    default_language = models.CharField(
        _("shop language for new visitors"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="km",
        help_text=_(
            "The language a first visit opens in when the shopper's browser asks for neither "
            "Khmer nor English. Shoppers can switch on every page."
        ),
    )
    owner_language = models.CharField(
        _("language of the shop's own notifications"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="km",
        help_text=_(
            "The language of e-mails and Telegram messages sent to the shop (new orders, late "
            "payments, low stock), and of the shop's admin pages for staff who have not chosen "
            "one in their account. Shoppers get theirs in the language they ordered in."
        ),
    )
    khmer_digits = models.BooleanField(
        _("Khmer digits on Khmer pages"),
        default=False,
        help_text=_(
            "Show prices on Khmer pages with Khmer digits (៥០០០ រៀល). Payment codes, forms and "
            "exports always use 0-9."
        ),
    )

    # Limits: stock an unpaid order holds is stock nobody else can buy.
    max_line_quantity = models.PositiveSmallIntegerField(
        _("most of one item per order"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(HARD_MAX_LINE_QUANTITY)],
        help_text=_(
            "How many of one product (or one variant) a shopper can put in the cart and order "
            "at once. 24 lets a shopper take a full carton of 24 bottles."
        ),
    )
    max_order_items = models.PositiveSmallIntegerField(
        _("most items per order"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text=_(
            "How many items in total (all lines together) one order can hold. Larger buyers "
            "can contact the shop."
        ),
    )
    max_payment_windows = models.PositiveSmallIntegerField(
        _("payment codes per order"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "How many KHQR codes one order can get: the first one plus renewals after a code "
            "expires unpaid. Each code holds the order's items for the payment window; after "
            "the last one the items go back on the shelf for good."
        ),
    )
    new_payment_requests_per_minute = models.PositiveSmallIntegerField(
        _("new payment code requests per minute"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "How many times a minute one order's page can ask for a new payment code. Beyond "
            "this the shopper is asked to wait a minute; a double click stays well within it."
        ),
    )

    # Cash on delivery: off until the owner turns it on; the limits keep it from becoming a
    # free way to hold stock (an unconfirmed order holds its items until the deadline).
    cash_on_delivery = models.BooleanField(
        _("offer cash on delivery"),
        default=False,
        help_text=_(
            "Shoppers may choose to pay the courier in cash, in the delivery zones that allow "
            "it. KHQR stays the first choice."
        ),
    )
    cod_max_order_value = models.DecimalField(
        _("largest cash on delivery order"),
        **money.AMOUNT_FIELD,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the shop's base currency, delivery included. Larger orders pay by KHQR."),
    )
    cod_open_orders_per_phone = models.PositiveSmallIntegerField(
        _("open cash on delivery orders per phone number"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "How many cash on delivery orders one phone number can have waiting (not yet "
            "delivered and paid, cancelled or returned)."
        ),
    )
    cod_confirm_hours = models.PositiveSmallIntegerField(
        _("hours to confirm a cash on delivery order"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_(
            "Staff confirm each new cash on delivery order (usually by phoning the shopper). "
            "An order not confirmed in time expires and its items go back on the shelf."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("shop_name"),
                FieldPanel("shop_name_km"),
                FieldPanel("tagline"),
                FieldPanel("tagline_km"),
                FieldPanel("logo"),
            ],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("email"),
                FieldPanel("phone"),
                FieldPanel("address"),
                FieldPanel("address_km"),
                FieldPanel("opening_hours"),
                FieldPanel("opening_hours_km"),
                FieldPanel("facebook_url"),
                FieldPanel("telegram_url"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("base_currency"),
                FieldPanel("khr_per_usd"),
                FieldPanel("khr_rounding_step"),
                FieldPanel("show_other_currency"),
            ],
            heading=_("Money"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("default_language"),
                FieldPanel("owner_language"),
                FieldPanel("khmer_digits"),
            ],
            heading=_("Languages"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("max_line_quantity"),
                FieldPanel("max_order_items"),
                FieldPanel("max_payment_windows"),
                FieldPanel("new_payment_requests_per_minute"),
            ],
            heading=_("Limits"),
            help_text=_(
                "Unpaid orders hold stock nobody else can buy: these limits stop one shopper "
                "from taking a shelf without paying."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("cash_on_delivery"),
                FieldPanel("cod_max_order_value"),
                FieldPanel("cod_open_orders_per_phone"),
                FieldPanel("cod_confirm_hours"),
            ],
            heading=_("Cash on delivery"),
        ),
    ]

    class Meta:
        # Created as website.ShopSettings; the table kept its name when the model moved here.
        db_table = "website_shopsettings"
        verbose_name = _("shop settings")
        verbose_name_plural = _("shop settings")

    @classmethod
    def for_request(cls, request):
        """The settings for the request's site, as Wagtail's ``for_request`` gives them, but
        kept in memory between requests (until a change bumps the page cache's ``site``
        version) instead of read from the database every time."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        shared = remembered(
            ("shop-settings", site.pk if site else None), lambda: cls.for_site(site)
        )
        instance = copy.copy(shared)  # each request gets its own object to hang itself on
        instance._request = request
        setattr(request, attr_name, instance)
        return instance

    @classmethod
    def current(cls):
        """The default site's settings, for services called without a request (adding to a
        cart, renewing a payment code). Kept in memory like ``for_request``'s, so reading
        them costs no query once warm; any change to the settings is seen on the next use."""

        def build():
            site = Site.objects.filter(is_default_site=True).first()
            return cls.for_site(site) if site else cls()

        return remembered(("shop-settings", "default"), build)

    @property
    def other_currency(self):
        return money.KHR if self.base_currency == money.USD else money.USD

    def convert(self, amount, to_currency):
        """``amount`` in the base currency, expressed in ``to_currency`` with the shop's rounding."""
        return money.convert(
            amount,
            self.base_currency,
            to_currency,
            self.khr_per_usd,
            self.khr_rounding_step,
        )

    def display_prices(self, amount):
        """``[(amount, currency), ...]`` to show for a base-currency price, base first."""
        prices = [(money.round_amount(amount, self.base_currency), self.base_currency)]
        if self.show_other_currency:
            prices.append((self.convert(amount, self.other_currency), self.other_currency))
        return prices

    def clean(self):
        super().clean()
        if self.khr_per_usd is not None and self.khr_per_usd <= 0:
            raise ValidationError({"khr_per_usd": _("The exchange rate must be positive.")})
        if (
            self.max_order_items is not None
            and self.max_line_quantity is not None
            and self.max_order_items < self.max_line_quantity
        ):
            raise ValidationError(
                {
                    "max_order_items": _(
                        "An order must be able to hold at least the most of one item."
                    )
                }
            )
