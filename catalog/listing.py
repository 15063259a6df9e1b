"""Product listings: the filters and sorting shoppers choose, and card data fetched in a
fixed number of queries however many products a page shows."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from wagtail.images import get_image_model

from catalog.inventory import annotate_in_stock, stock_for_product
from catalog.models import ProductImage, ProductPage, for_shoppers

CARD_RENDITION = "fill-480x480|format-webp"
GALLERY_RENDITIONS = ("fill-900x900|format-webp", "fill-120x120|format-webp")
SOCIAL_RENDITION = "fill-1200x630|format-jpeg"

SORTS = {
    "featured": ("Featured", ("path",)),
    "price-asc": ("Price: low to high", ("price", "path")),
    "price-desc": ("Price: high to low", ("-price", "path")),
    "newest": ("Newest", ("-first_published_at", "-pk")),
    "name": ("Name", ("title", "pk")),
}
MAX_PRICE = Decimal("9999999999.99")


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
        return [(key, label) for key, (label, _) in SORTS.items()]

    @property
    def is_filtered(self):
        return self.in_stock or self.min_price is not None or self.max_price is not None

    def apply(self, products):
        products = annotate_in_stock(products)
        if self.in_stock:
            products = products.filter(in_stock=True)
        if self.min_price is not None:
            products = products.filter(price__gte=self.min_price)
        if self.max_price is not None:
            products = products.filter(price__lte=self.max_price)
        return products.order_by(*SORTS[self.sort][1])


def with_card_data(products):
    """Prefetch what a product card shows (gallery images and their card renditions)."""
    images = get_image_model().objects.prefetch_renditions(CARD_RENDITION)
    gallery = ProductImage.objects.order_by("sort_order").prefetch_related(
        Prefetch("image", queryset=images)
    )
    return products.prefetch_related(Prefetch("gallery_images", queryset=gallery))


def product_cards(products):
    """A queryset of products ready for cards: ``in_stock`` annotated, images prefetched."""
    if "in_stock" not in products.query.annotations:
        products = annotate_in_stock(products)
    return with_card_data(products)


def product_cards_by_id(ids):
    """Live products with the given ids, as cards, in the order of ``ids``."""
    found = {p.pk: p for p in product_cards(for_shoppers(ProductPage.objects.filter(pk__in=ids)))}
    return [found[pk] for pk in ids if pk in found]


def product_detail(product):
    """Context for a product page: gallery, variants with their stock, specifications,
    related products. A fixed number of queries."""
    images = get_image_model().objects.prefetch_renditions(*GALLERY_RENDITIONS, SOCIAL_RENDITION)
    gallery = list(
        product.gallery_images.order_by("sort_order").prefetch_related(
            Prefetch("image", queryset=images)
        )
    )
    stock = stock_for_product(product)
    variants = list(product.variants.order_by("sort_order"))
    options = []
    for variant in variants:
        record = stock.get(variant.pk)
        options.append(
            {
                "variant": variant,
                "price": variant.effective_price,
                "quantity": record.quantity if record else 0,
                "is_low": bool(record and record.is_low),
            }
        )
    if variants:
        available = sum(option["quantity"] for option in options)
        low = any(option["is_low"] for option in options) and available <= max(
            (stock[v.pk].low_stock_threshold for v in variants if v.pk in stock),
            default=0,
        )
    else:
        record = stock.get(0)
        available = record.quantity if record else 0
        low = bool(record and record.is_low)

    breadcrumbs = list(product.get_ancestors().filter(depth__gt=2))
    parent = breadcrumbs[-1] if breadcrumbs else product.get_parent()
    related = list(
        product_cards(
            for_shoppers(ProductPage.objects.child_of(parent)).exclude(pk=product.pk)
        ).order_by("path")[:4]
    )
    from checkout.cart import MAX_LINE_QUANTITY

    return {
        "gallery": gallery,
        "variant_options": options,
        "available": available,
        # The quantity box's limit: the stock when it is low (and shown), else the cart's own
        # limit, so a sale of an item with plenty left changes nothing on the page.
        "quantity_limit": available if low else MAX_LINE_QUANTITY,
        "in_stock": available > 0,
        "low_stock": low,
        "specifications": list(product.specifications.order_by("sort_order")),
        "related_products": related,
        "breadcrumbs": breadcrumbs,
    }
