"""Catalog pages: nestable categories and products with gallery, specifications and variants.

Everything here is editorial content, revisioned by Wagtail. Stock is transactional state and
lives in ``catalog.inventory.StockRecord``, outside the pages and their revisions.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from catalog.inventory import StockAdjustment, StockRecord  # noqa: F401  (registers the models)
from website.blocks import BaseStreamBlock
from website.page_cache import LISTINGS, CacheablePageMixin, product_tag

MONEY_DIGITS = {"max_digits": 12, "decimal_places": 2}


def for_shoppers(pages):
    """``pages.live().public()``, without the query Wagtail's ``public()`` makes every time
    to find the private sections: their paths are kept in memory until the site changes (a
    view restriction saved or deleted bumps the page cache's ``site`` version)."""
    from website.page_cache import remembered

    private_paths = remembered(
        "private-sections",
        lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )
    pages = pages.live()
    for path in private_paths:
        pages = pages.exclude(path__startswith=path)
    return pages


class CategoryPage(CacheablePageMixin, Page):
    """A category: lists the products in it and in its subcategories."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown on category cards and as the sharing image.",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("image")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["website.HomePage", "catalog.CategoryPage"]
    subpage_types = ["catalog.CategoryPage", "catalog.ProductPage"]
    page_cache_tags = (LISTINGS,)  # product cards, and the "in stock only" filter

    class Meta:
        verbose_name = "category"
        verbose_name_plural = "categories"

    def get_products(self):
        """Live products in this category and every category below it."""
        return for_shoppers(ProductPage.objects.descendant_of(self))

    def get_subcategories(self):
        return for_shoppers(CategoryPage.objects.child_of(self)).order_by("path")

    def get_context(self, request, *args, **kwargs):
        from catalog.listing import ListingOptions, product_cards

        context = super().get_context(request, *args, **kwargs)
        options = ListingOptions.from_query(request.GET)
        products = options.apply(self.get_products())
        paginator = Paginator(product_cards(products), self.products_per_page())
        context.update(
            options=options,
            products=paginator.get_page(request.GET.get("page")),
            subcategories=self.get_subcategories(),
            breadcrumbs=self.get_ancestors().filter(depth__gt=2),
        )
        return context

    @staticmethod
    def products_per_page():
        from django.conf import settings

        return settings.SHOP_PRODUCTS_PER_PAGE


class ProductPage(CacheablePageMixin, Page):
    """A product as shoppers see it; price in the shop's base currency."""

    sku = models.CharField("SKU", max_length=64, unique=True)
    khmer_name = models.CharField(
        "Khmer name",
        max_length=255,
        blank=True,
        help_text="The product's name in Khmer.",
    )
    price = models.DecimalField(
        **MONEY_DIGITS,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="In the shop's base currency (see Settings → Shop settings).",
    )
    compare_at_price = models.DecimalField(
        **MONEY_DIGITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The former price, shown struck through when higher than the price.",
    )
    summary = models.TextField(max_length=500, help_text="One or two sentences for cards.")
    description = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)
    variant_label = models.CharField(
        max_length=40,
        blank=True,
        default="Option",
        help_text='What variants differ by, e.g. "Size".',
    )

    content_panels = Page.content_panels + [
        FieldPanel("khmer_name"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("sku"),
                        FieldPanel("price"),
                        FieldPanel("compare_at_price"),
                    ]
                ),
            ],
            heading="Selling",
        ),
        FieldPanel("summary"),
        InlinePanel("gallery_images", label="Gallery images", min_num=0),
        FieldPanel("description"),
        InlinePanel("specifications", label="Specifications"),
        MultiFieldPanel(
            [FieldPanel("variant_label"), InlinePanel("variants", label="Variants")],
            heading="Variants",
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("khmer_name", boost=2),
        index.SearchField("sku"),
        index.SearchField("summary"),
        index.AutocompleteField("khmer_name"),
        index.FilterField("price"),
    ]

    parent_page_types = ["catalog.CategoryPage"]
    subpage_types = []

    class Meta:
        verbose_name = "product"

    @property
    def on_sale(self):
        return self.compare_at_price is not None and self.compare_at_price > self.price

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
            raise ValidationError({"sku": f"SKU {self.sku} is already used by {taken}."})

    def get_context(self, request, *args, **kwargs):
        from catalog.listing import product_detail
        from catalog.seo import product_json_ld
        from website.models import ShopSettings

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


class ProductImage(Orderable):
    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text="Describe the picture; defaults to the product name.",
    )

    panels = [FieldPanel("image"), FieldPanel("alt_text")]

    def get_alt_text(self):
        return self.alt_text or self.product.title


class ProductSpecification(Orderable):
    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="specifications")
    name = models.CharField(max_length=80)
    value = models.CharField(max_length=255)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("value")])]


class ProductVariant(Orderable):
    """A sellable version of a product (a size, a colour) with its own SKU and stock."""

    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=80, help_text='e.g. "Large" or "Indigo".')
    sku = models.CharField("SKU", max_length=64, unique=True)
    price = models.DecimalField(
        **MONEY_DIGITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Leave empty to use the product's price.",
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("sku"), FieldPanel("price")])]

    def __str__(self):
        return f"{self.product.title} – {self.name}"

    @property
    def effective_price(self):
        return self.price if self.price is not None else self.product.price

    def clean(self):
        super().clean()
        # Other variants are checked by the form's unique validation; products are not.
        product = ProductPage.objects.filter(sku=self.sku).first()
        if product:
            raise ValidationError(
                {"sku": f'SKU {self.sku} is already the SKU of the product "{product.title}".'}
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
        return f'the product "{product.title}"'
    variant = (
        ProductVariant.objects.filter(sku=sku)
        .exclude(product_id=exclude_product)
        .select_related("product")
        .first()
    )
    if variant:
        return f'the variant "{variant}"'
    return None
