"""Customers' data: how long the shop keeps personal details (``PrivacySettings``), and the
record of every download and erasure of them (``CustomerDataLog``), which also carries the
permission to look them up (``accounts.manage_customer_data``)."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

MANAGE_CUSTOMER_DATA = "accounts.manage_customer_data"

# Five years. Cambodia has no general data protection law yet; the shop needs a buyer's
# details for deliveries, returns, warranty claims, disputes with a bank or courier and tax
# questions, which come within a few years. After that, a name and a phone number on an old
# order help nobody and can leak. The amounts and items stay for the books whatever this says.
DEFAULT_ORDER_RETENTION_DAYS = 5 * 365
# A year: enough to follow a conversation up, short enough that old messages do not pile up.
DEFAULT_CONTACT_RETENTION_DAYS = 365
# A hundred years: "keep" in practice, and a date the calendar can still subtract.
MAX_RETENTION_DAYS = 36500


def _period(days):
    return timedelta(days=days) if days else None


@register_setting(icon="lock")
class PrivacySettings(BaseSiteSetting):
    """How long personal details are kept. The worker applies it about once an hour
    (``backoffice.privacy.apply_retention``)."""

    order_retention_days = models.PositiveIntegerField(
        _("keep customers' details on finished orders for (days)"),
        null=True,
        blank=True,
        default=DEFAULT_ORDER_RETENTION_DAYS,
        validators=[MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_(
            "After this many days since an order was delivered, cancelled, refunded or "
            "returned, its customer's name, phone, e-mail, address and note are removed. "
            "The items, amounts and dates stay. Leave empty or enter 0 to keep them forever."
        ),
    )
    contact_retention_days = models.PositiveIntegerField(
        _("keep contact form messages for (days)"),
        null=True,
        blank=True,
        default=DEFAULT_CONTACT_RETENTION_DAYS,
        validators=[MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_(
            "Messages sent from the contact page are deleted this many days after they "
            "arrived. Leave empty or enter 0 to keep them forever."
        ),
    )

    panels = [FieldPanel("order_retention_days"), FieldPanel("contact_retention_days")]

    class Meta:
        verbose_name = _("privacy")
        verbose_name_plural = _("privacy")

    @property
    def order_retention(self):
        """How long finished orders keep personal details, or None: forever."""
        return _period(self.order_retention_days)

    @property
    def contact_retention(self):
        """How long contact messages are kept, or None: forever."""
        return _period(self.contact_retention_days)

    @classmethod
    def for_default_site(cls):
        """The settings the worker applies: those of the default site (a shop has one)."""
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site else cls()


class CustomerDataLog(models.Model):
    """One download or erasure of customers' data: who, when, which orders. The searched
    phone number or e-mail address is not kept, or the record would keep what was erased."""

    class Action(models.TextChoices):
        DOWNLOAD = "download", _("Downloaded")
        ERASE = "erase", _("Erased")

    class Source(models.TextChoices):
        CUSTOMER = "customer", _("The customer, from their account")
        STAFF = "staff", _("Staff, at the customer's request")
        RETENTION = "retention", _("The retention setting")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    source = models.CharField(_("by"), max_length=10, choices=Source.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff member"),
    )
    orders = models.TextField(_("orders"), blank=True)
    contact_messages = models.PositiveIntegerField(_("contact messages"), default=0)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("customer data record")
        verbose_name_plural = _("customer data records")
        default_permissions = ()
        permissions = [
            (
                "manage_customer_data",
                _("Can look up, download and erase customers' personal data"),
            )
        ]

    def __str__(self):
        return f"{self.action} by {self.source} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def order_numbers(self):
        return [number for number in self.orders.split(",") if number]
