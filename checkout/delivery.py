"""Where the shop delivers, at what fee, and where a shopper may pay cash on delivery: the
one place these rules live. The checkout page, the review page, the JSON API and placing an
order all ask here.

- A province belongs to at most one delivery zone.
- A method with fees in some zones delivers only to those zones, at the zone's fee; a method
  with no zone fees delivers everywhere at its standard fee (a shop that never sets up zones
  works as before).
- Delivery is free when the items, after discounts, come to at least the fee's "free from"
  amount (all in the shop's base currency).
- Cash on delivery is offered when the shop turned it on, the province's zone allows it (or
  there are no zones), and the order (delivery included) is within the shop's limit.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from checkout.models import DeliveryMethod, DeliveryZone, province_label
from kernel import money
from kernel.errors import ShopError


@dataclass(frozen=True)
class DeliveryOption:
    """A method as it applies to one province: its fee there (base currency), the order
    value from which it is free, and the zone it comes from (``None``: no zones apply)."""

    method: DeliveryMethod
    fee: Decimal
    free_from: Decimal | None
    zone: DeliveryZone | None

    @property
    def code(self):
        return self.method.code

    def fee_for(self, items_total):
        """The fee for items worth ``items_total`` (base currency, after discounts)."""
        if self.free_from is not None and items_total >= self.free_from:
            return Decimal("0")
        return self.fee


class DeliveryRules:
    """The delivery set-up, read once (methods, zones and their fees: three queries)."""

    def __init__(self):
        self.methods = list(DeliveryMethod.active())
        self.zones = list(DeliveryZone.objects.prefetch_related("rates"))
        self.zoned_methods = {rate.method_id for zone in self.zones for rate in zone.rates.all()}

    def zone_for(self, province):
        return next((zone for zone in self.zones if province in (zone.provinces or [])), None)

    def options(self, province):
        """The methods that deliver to ``province``, in the editors' order."""
        zone = self.zone_for(province)
        rates = {rate.method_id: rate for rate in zone.rates.all()} if zone else {}
        found = []
        for method in self.methods:
            if method.pk in rates:
                rate = rates[method.pk]
                found.append(DeliveryOption(method, rate.fee, rate.free_from, zone))
            elif method.pk not in self.zoned_methods:
                found.append(DeliveryOption(method, method.fee, method.free_from, zone))
        return found

    def option(self, province, code):
        """The option for method ``code`` in ``province``; ``ShopError`` if it does not
        deliver there."""
        for option in self.options(province):
            if option.code == code:
                return option
        raise ShopError(
            _("This delivery method does not deliver to %(province)s. Please choose another.")
            % {"province": province_label(province)},
            code="delivery_unavailable",
            fields={"delivery_method": [_("Not available for this province.")]},
        )

    def cash_on_delivery_refusal(self, shop, province, order_total):
        """Why cash on delivery is not offered for this order (a sentence), or ``None`` when
        it is. ``order_total`` is in the base currency, delivery included."""
        if not shop.cash_on_delivery:
            return _("This shop does not take cash on delivery.")
        zone = self.zone_for(province)
        if self.zones and (zone is None or not zone.cash_on_delivery):
            return _("Cash on delivery is not available in %(province)s.") % {
                "province": province_label(province)
            }
        if order_total > shop.cod_max_order_value:
            return _(
                "Cash on delivery is for orders up to %(limit)s. Please pay this one by KHQR."
            ) % {"limit": money.format_money(shop.cod_max_order_value, shop.base_currency)}
        return None
