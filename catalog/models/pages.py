"""Catalog pages: the home page, nestable categories, and products with gallery,
specifications and variants; then the read queries these pages (and carts and cards) make.

Everything here is editorial content, revisioned by Wagtail. Stock is transactional state and
lives in ``catalog.models.stock``, outside the pages and their revisions; it changes only
through ``catalog.inventory``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from catalog.blocks import BaseStreamBlock, HomeStreamBlock
from catalog.listing import CARD_RENDITION, GALLERY_RENDITIONS, SOCIAL_RENDITION, ListingOptions
from catalog.models.stock import PRODUCT_ITSELF, StockRecord
from catalog.seo import product_json_ld
from kernel import money
from kernel.bilingual import Bilingual, is_khmer
from kernel.cache_tags import LISTINGS, product_tag
from kernel.memo import remembered
from kernel.models import HARD_MAX_LINE_QUANTITY, ShopSettings
from kernel.page_cache import CacheablePageMixin


def for_shoppers(pages):
    """``pages.live().public()``, without the query Wagtail's ``public()`` makes every time
    to find the private sections: their paths are kept in memory until the site changes (a
    view restriction saved or deleted bumps the page cache's ``site`` version)."""
    private_paths = remembered(
        "private-sections",
        lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )
    pages = pages.live()
    for path in private_paths:
        pages = pages.exclude(path__startswith=path)
    return pages


class KhmerPage(Bilingual, models.Model):
    """A page written in English and Khmer: the Khmer twins of Wagtail's own title and
    search-engine fields, and an editor's tab for the Khmer text. Subclasses add their own
    twins, list them in ``khmer_fields`` and give their Khmer panels to ``khmer_tabs``."""

    seo_title_km = models.CharField(
        gettext_lazy("Title for search engines, in Khmer"), max_length=255, blank=True
    )
    search_description_km = models.TextField(
        gettext_lazy("Search engine description, in Khmer"), blank=True
    )

    khmer_fields = {
        "title": "title_km",
        "seo_title": "seo_title_km",
        "search_description": "search_description_km",
    }
    khmer_seo_panels = [
        MultiFieldPanel(
            [FieldPanel("seo_title_km"), FieldPanel("search_description_km")],
            heading=gettext_lazy("For search engines"),
        )
    ]

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def preview_modes(self):
        """Editors preview a draft in either language (the preview's mode menu)."""
        return [("en", gettext_lazy("English")), ("km", gettext_lazy("Khmer"))]

    def serve_preview(self, request, mode_name):
        language = mode_name if mode_name in ("en", "km") else "en"
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = super().serve_preview(request, mode_name)
            # Rendered here, while the preview's language is active.
            return response.render() if hasattr(response, "render") else response


def khmer_tabs(content_panels, khmer_panels):
    """A page editor's tabs: the content (English), its Khmer text, then Wagtail's Promote and
    Settings tabs. Empty Khmer boxes show the English text to Khmer readers."""
    return TabbedInterface(
        [
            ObjectList(content_panels, heading=gettext_lazy("Content")),
            ObjectList(
                khmer_panels + KhmerPage.khmer_seo_panels,
                heading=gettext_lazy("Khmer"),
                help_text=gettext_lazy(
                    "What Khmer readers see. Leave a box empty to show them the English text."
                ),
            ),
            ObjectList(Page.promote_panels, heading=gettext_lazy("Promote")),
            ObjectList(Page.settings_panels, heading=gettext_lazy("Settings")),
        ]
    )


def khmer_title_field():
    return models.CharField(
        gettext_lazy("Title in Khmer"),
        max_length=255,
        blank=True,
        help_text=gettext_lazy("The page title as Khmer readers see it."),
    )


class HomePage(CacheablePageMixin, KhmerPage, Page):
    """The storefront's front page: a hero and editable sections of categories and products."""

    page_cache_tags = (LISTINGS,)  # featured product cards show "sold out"

    hero_title = models.CharField(max_length=120, default="Made in Cambodia")
    hero_text = models.TextField(blank=True, max_length=400)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link_text = models.CharField(max_length=40, blank=True, default="Shop now")
    body = StreamField(HomeStreamBlock(), blank=True, use_json_field=True)

    title_km = khmer_title_field()
    hero_title_km = models.CharField(gettext_lazy("Hero title"), max_length=120, blank=True)
    hero_text_km = models.TextField(gettext_lazy("Hero text"), blank=True, max_length=400)
    hero_link_text_km = models.CharField(gettext_lazy("Hero link text"), max_length=40, blank=True)
    body_km = StreamField(
        HomeStreamBlock(),
        blank=True,
        use_json_field=True,
        verbose_name=gettext_lazy("Body"),
        help_text=gettext_lazy("Leave empty to show Khmer readers the English sections."),
    )

    khmer_fields = KhmerPage.khmer_fields | {
        "hero_title": "hero_title_km",
        "hero_text": "hero_text_km",
        "hero_link_text": "hero_link_text_km",
        "body": "body_km",
    }

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title", heading=gettext_lazy("Hero title")),
                FieldPanel("hero_text", heading=gettext_lazy("Hero text")),
                FieldPanel("hero_image", heading=gettext_lazy("Hero image")),
                FieldPanel("hero_link", heading=gettext_lazy("Hero link")),
                FieldPanel("hero_link_text", heading=gettext_lazy("Hero link text")),
            ],
            heading=gettext_lazy("Hero"),
        ),
        FieldPanel("body", heading=gettext_lazy("Body")),
    ]

    edit_handler = khmer_tabs(
        content_panels,
        [
            FieldPanel("title_km"),
            MultiFieldPanel(
                [
                    FieldPanel("hero_title_km"),
                    FieldPanel("hero_text_km"),
                    FieldPanel("hero_link_text_km"),
                ],
                heading=gettext_lazy("Hero"),
            ),
            FieldPanel("body_km"),
        ],
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["catalog.CategoryPage", "catalog.ContentPage", "catalog.ContactPage"]
    max_count = 1

    class Meta:
        # Created as website.HomePage; the table kept its name when the model moved here.
        db_table = "website_homepage"
        verbose_name = gettext_lazy("home page")


class CategoryPage(CacheablePageMixin, KhmerPage, Page):
    """A category: lists the products in it and in its subcategories."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("Shown on category cards and as the sharing image."),
    )

    title_km = khmer_title_field()
    intro_km = RichTextField(gettext_lazy("Intro"), blank=True, features=["bold", "italic", "link"])
    khmer_fields = KhmerPage.khmer_fields | {"intro": "intro_km"}

    content_panels = Page.content_panels + [
        FieldPanel("intro", heading=gettext_lazy("Intro")),
        FieldPanel("image", heading=gettext_lazy("Image")),
    ]
    edit_handler = khmer_tabs(content_panels, [FieldPanel("title_km"), FieldPanel("intro_km")])
    search_fields = Page.search_fields + [
        index.SearchField("title_km", boost=2),
        index.SearchField("intro"),
        index.SearchField("intro_km"),
        index.AutocompleteField("title_km"),
    ]

    parent_page_types = ["catalog.HomePage", "catalog.CategoryPage"]
    subpage_types = ["catalog.CategoryPage", "catalog.ProductPage"]
    page_cache_tags = (LISTINGS,)  # product cards, and the "in stock only" filter

    class Meta:
        verbose_name = gettext_lazy("category")
        verbose_name_plural = gettext_lazy("categories")

    def get_products(self):
        """Live products in this category and every category below it."""
        return for_shoppers(ProductPage.objects.descendant_of(self))

    def get_subcategories(self):
        return for_shoppers(CategoryPage.objects.child_of(self)).order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        options = ListingOptions.from_query(request.GET)
        products = options.apply(annotate_in_stock(self.get_products()))
        paginator = Paginator(product_cards(products), self.products_per_page())
        context.update(
            options=options,
            products=paginator.get_page(request.GET.get("page")),
            subcategories=self.get_subcategories(),
            breadcrumbs=CategoryPage.objects.ancestor_of(self).filter(depth__gt=2),
        )
        return context

    @staticmethod
    def products_per_page():
        return settings.SHOP_PRODUCTS_PER_PAGE


class ProductPage(CacheablePageMixin, KhmerPage, Page):
    """A product as shoppers see it; price in the shop's base currency."""

    sku = models.CharField(gettext_lazy("SKU"), max_length=64, unique=True)
    khmer_name = models.CharField(
        gettext_lazy("Khmer name"),
        max_length=255,
        blank=True,
        help_text=gettext_lazy("The product's name in Khmer."),
    )
    price = models.DecimalField(
        **money.AMOUNT_FIELD,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=gettext_lazy("In the shop's base currency (see Settings → Shop settings)."),
    )
    compare_at_price = models.DecimalField(
        **money.AMOUNT_FIELD,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=gettext_lazy(
            "The former price, shown struck through when higher than the price."
        ),
    )
    summary = models.TextField(
        max_length=500, help_text=gettext_lazy("One or two sentences for cards.")
    )
    description = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)
    variant_label = models.CharField(
        max_length=40,
        blank=True,
        default="Option",
        help_text=gettext_lazy('What variants differ by, e.g. "Size".'),
    )
    summary_km = models.TextField(gettext_lazy("Summary"), max_length=500, blank=True)
    description_km = StreamField(
        BaseStreamBlock(),
        blank=True,
        use_json_field=True,
        verbose_name=gettext_lazy("Description"),
    )
    variant_label_km = models.CharField(
        gettext_lazy("Variant label"),
        max_length=40,
        blank=True,
        help_text=gettext_lazy('What variants differ by, e.g. "Size".'),
    )
    khmer_fields = KhmerPage.khmer_fields | {
        "title": "khmer_name",
        "summary": "summary_km",
        "description": "description_km",
        "variant_label": "variant_label_km",
    }

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("sku"),
                        FieldPanel("price", heading=gettext_lazy("Price")),
                        FieldPanel("compare_at_price", heading=gettext_lazy("Compare at price")),
                    ]
                ),
            ],
            heading=gettext_lazy("Selling"),
        ),
        FieldPanel("summary", heading=gettext_lazy("Summary")),
        InlinePanel("gallery_images", label=gettext_lazy("Gallery images"), min_num=0),
        FieldPanel("description", heading=gettext_lazy("Description")),
        InlinePanel("specifications", label=gettext_lazy("Specifications")),
        MultiFieldPanel(
            [
                FieldPanel("variant_label", heading=gettext_lazy("Variant label")),
                InlinePanel("variants", label=gettext_lazy("Variants")),
            ],
            heading=gettext_lazy("Variants"),
        ),
    ]
    edit_handler = khmer_tabs(
        content_panels,
        [
            FieldPanel("khmer_name"),
            FieldPanel("summary_km"),
            FieldPanel("description_km"),
            FieldPanel("variant_label_km"),
        ],
    )

    search_fields = Page.search_fields + [
        index.SearchField("khmer_name", boost=2),
        index.SearchField("sku"),
        index.SearchField("summary"),
        index.SearchField("summary_km"),
        index.AutocompleteField("khmer_name"),
        index.FilterField("price"),
    ]

    parent_page_types = ["catalog.CategoryPage"]
    subpage_types = []

    class Meta:
        verbose_name = gettext_lazy("product")

    @property
    def on_sale(self):
        return self.compare_at_price is not None and self.compare_at_price > self.price

    def names(self):
        """``(main, other)``: the product's names as a page in the active language shows them.
        Khmer pages lead with the Khmer name when there is one (the English title under it);
        English pages with the title (the Khmer name under it). ``other`` may be empty."""
        if is_khmer() and self.khmer_name:
            return self.khmer_name, self.title
        return self.title, self.khmer_name

    def cache_tags(self):
        # The stock this page shows, and its related products' cards.
        return (LISTINGS, product_tag(self.pk))

    @cached_property
    def main_image(self):
        first = self.gallery_images.all()[:1]
        return first[0].image if first else None

    def clean(self):
        super().clean()
        taken = sku_owner(self.sku, exclude_product=self.pk)
        if taken:
            raise ValidationError(
                {
                    "sku": _("SKU %(sku)s is already used by %(owner)s.")
                    % {"sku": self.sku, "owner": taken}
                }
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        detail = product_detail(self)
        context.update(detail)
        context["json_ld_data"] = product_json_ld(
            self,
            request,
            ShopSettings.for_request(request),
            detail["gallery"],
            detail["variant_options"],
            detail["available"],
        )
        return context


class ProductImage(Bilingual, Orderable):
    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text=gettext_lazy("Describe the picture; defaults to the product name."),
    )
    alt_text_km = models.CharField(gettext_lazy("Alt text in Khmer"), max_length=250, blank=True)
    khmer_fields = {"alt_text": "alt_text_km"}

    panels = [
        FieldPanel("image", heading=gettext_lazy("Image")),
        FieldRowPanel(
            [
                FieldPanel("alt_text", heading=gettext_lazy("Alt text")),
                FieldPanel("alt_text_km"),
            ]
        ),
    ]

    def get_alt_text(self):
        return self.in_language("alt_text") or self.product.shown_title


class ProductSpecification(Bilingual, Orderable):
    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="specifications")
    name = models.CharField(max_length=80)
    value = models.CharField(max_length=255)
    name_km = models.CharField(gettext_lazy("Name in Khmer"), max_length=80, blank=True)
    value_km = models.CharField(gettext_lazy("Value in Khmer"), max_length=255, blank=True)
    khmer_fields = {"name": "name_km", "value": "value_km"}

    panels = [
        FieldRowPanel(
            [
                FieldPanel("name", heading=gettext_lazy("Name")),
                FieldPanel("value", heading=gettext_lazy("Value")),
            ]
        ),
        FieldRowPanel([FieldPanel("name_km"), FieldPanel("value_km")]),
    ]


class ProductVariant(Bilingual, Orderable):
    """A sellable version of a product (a size, a colour) with its own SKU and stock."""

    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=80, help_text=gettext_lazy('e.g. "Large" or "Indigo".'))
    sku = models.CharField(gettext_lazy("SKU"), max_length=64, unique=True)
    price = models.DecimalField(
        **money.AMOUNT_FIELD,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=gettext_lazy("Leave empty to use the product's price."),
    )

    name_km = models.CharField(gettext_lazy("Name in Khmer"), max_length=80, blank=True)
    khmer_fields = {"name": "name_km"}

    panels = [
        FieldRowPanel(
            [
                FieldPanel("name", heading=gettext_lazy("Name")),
                FieldPanel("name_km"),
                FieldPanel("sku"),
                FieldPanel("price", heading=gettext_lazy("Price")),
            ]
        )
    ]

    def __str__(self):
        return f"{self.product.title} – {self.name}"

    @property
    def shown_name(self):
        return self.in_language("name")

    @property
    def effective_price(self):
        return self.price if self.price is not None else self.product.price

    def clean(self):
        super().clean()
        # Other variants are checked by the form's unique validation; products are not.
        product = ProductPage.objects.filter(sku=self.sku).first()
        if product:
            raise ValidationError(
                {
                    "sku": _('SKU %(sku)s is already the SKU of the product "%(product)s".')
                    % {"sku": self.sku, "product": product.title}
                }
            )


def sku_owner(sku, exclude_product=None):
    """Who else uses ``sku`` (another product or another product's variant), as words.

    SKUs are unique across products and variants together, so that an order line's SKU
    names exactly one sellable item. ``None`` when the SKU is free.
    """
    if not sku:
        return None
    product = ProductPage.objects.filter(sku=sku).exclude(pk=exclude_product).first()
    if product:
        return _('the product "%(product)s"') % {"product": product.title}
    variant = (
        ProductVariant.objects.filter(sku=sku)
        .exclude(product_id=exclude_product)
        .select_related("product")
        .first()
    )
    if variant:
        return _('the variant "%(variant)s"') % {"variant": variant}
    return None


# --- queries the pages (and the shop's other parts) make ---------------------------------


def current_stock_records():
    """Stock records of items that can be sold now: the variants a product has, or the
    product itself when it has none. Records of removed variants are kept but not counted."""
    has_variants = ProductVariant.objects.filter(product_id=OuterRef("product_id"))
    is_current_variant = ProductVariant.objects.filter(
        pk=OuterRef("variant_key"), product_id=OuterRef("product_id")
    )
    return StockRecord.objects.alias(
        has_variants=Exists(has_variants), is_current_variant=Exists(is_current_variant)
    ).filter(Q(variant_key=PRODUCT_ITSELF, has_variants=False) | Q(is_current_variant=True))


def stock_for_product(product):
    """``{variant_key: StockRecord}`` for one product, in one query."""
    return {record.variant_key: record for record in product.stock_records.all()}


def annotate_in_stock(products):
    """Add ``in_stock`` (bool) to a ProductPage queryset in the same SQL query."""
    available = current_stock_records().filter(product_id=OuterRef("pk"), quantity__gt=0)
    return products.annotate(in_stock=Exists(available))


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

    breadcrumbs = list(CategoryPage.objects.ancestor_of(product).filter(depth__gt=2))
    parent = breadcrumbs[-1] if breadcrumbs else product.get_parent()
    related = list(
        product_cards(
            for_shoppers(ProductPage.objects.child_of(parent)).exclude(pk=product.pk)
        ).order_by("path")[:4]
    )
    return {
        "gallery": gallery,
        "variant_options": options,
        "available": available,
        # The quantity box's limit: the stock when it is low (and shown), else the cart's own
        # limit, so a sale of an item with plenty left changes nothing on the page.
        "quantity_limit": available if low else HARD_MAX_LINE_QUANTITY,
        "in_stock": available > 0,
        "low_stock": low,
        "specifications": list(product.specifications.order_by("sort_order")),
        "related_products": related,
        "breadcrumbs": breadcrumbs,
    }
