"""Product listings: the filters and sorting shoppers choose, cleaned. Pure: the queries
behind listings live with the page models (``catalog.models.pages``)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel import money

CARD_RENDITION = "fill-480x480|format-webp"
GALLERY_RENDITIONS = ("fill-900x900|format-webp", "fill-120x120|format-webp")
SOCIAL_RENDITION = "fill-1200x630|format-jpeg"

SORTS = {
    "featured": (pgettext_lazy("sort order", "Featured"), ("path",)),
    "price-asc": (_("Price: low to high"), ("price", "path")),
    "price-desc": (_("Price: high to low"), ("-price", "path")),
    "newest": (pgettext_lazy("sort order", "Newest"), ("-first_published_at", "-pk")),
    "name": (pgettext_lazy("sort order", "Name"), ("title", "pk")),
}
MAX_PRICE = money.MAX_AMOUNT


def parse_price(raw):
    """A non-negative Decimal from a query-string value, or ``None`` if it is not one."""
    if raw is None or raw.strip() == "":
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        return None
    return value


@dataclass
class ListingOptions:
    """What a shopper asked a category page for, already cleaned: anything invalid is ignored
    and reported in ``ignored`` so the page can say so instead of failing."""

    sort: str = "featured"
    in_stock: bool = False
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    ignored: tuple = ()

    @classmethod
    def from_query(cls, query):
        ignored = []
        sort = query.get("sort") or "featured"
        if sort not in SORTS:
            ignored.append("sort")
            sort = "featured"
        prices = {}
        for name in ("min_price", "max_price"):
            raw = query.get(name)
            prices[name] = parse_price(raw)
            if raw and raw.strip() and prices[name] is None:
                ignored.append(name)
        if (
            prices["min_price"] is not None
            and prices["max_price"] is not None
            and prices["min_price"] > prices["max_price"]
        ):
            prices["min_price"], prices["max_price"] = (
                prices["max_price"],
                prices["min_price"],
            )
        return cls(
            sort=sort,
            in_stock=query.get("in_stock") in ("1", "on", "true"),
            ignored=tuple(ignored),
            **prices,
        )

    @property
    def sort_choices(self):
        return [(key, label) for key, (label, _ordering) in SORTS.items()]

    @property
    def is_filtered(self):
        return self.in_stock or self.min_price is not None or self.max_price is not None

    def apply(self, products):
        """Filter and sort ``products``, annotated with ``in_stock`` (``annotate_in_stock``)."""
        if self.in_stock:
            products = products.filter(in_stock=True)
        if self.min_price is not None:
            products = products.filter(price__gte=self.min_price)
        if self.max_price is not None:
            products = products.filter(price__lte=self.max_price)
        return products.order_by(*SORTS[self.sort][1])
