"""StreamField blocks shared by every page: one body vocabulary across the site.

Labels, choices and preview texts are what editors read in the admin: marked for translation.
The defaults of the title and link fields are stored with the page as written here (English);
pages show them in their own language until an editor writes their own words
(``shown_default`` in ``catalog/templatetags/shop_tags.py``).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120, label=_("Text"))
    size = blocks.ChoiceBlock(
        choices=[("h2", _("Large")), ("h3", _("Medium")), ("h4", _("Small"))],
        default="h2",
        label=_("Size"),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading_block.html"
        preview_value = {"text": _("Made by hand in Siem Reap"), "size": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/captioned_image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Text"))
    attribution = blocks.CharBlock(required=False, max_length=120, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"
        preview_value = {
            "text": _("Soft, bright and made to last."),
            "attribution": _("A customer"),
        }


class BaseStreamBlock(blocks.StreamBlock):
    """Body blocks for product descriptions and editorial content."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
        icon="pilcrow",
        label=_("Paragraph"),
        template="blocks/paragraph_block.html",
        preview_value=_("<p>Woven from <b>cotton</b> on a wooden loom.</p>"),
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()


class FeaturedCategoriesBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, default="Shop by category", label=_("Title"))
    categories = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="catalog.CategoryPage"), label=_("Categories")
    )

    class Meta:
        icon = "folder-open-inverse"
        label = _("Featured categories")
        template = "blocks/featured_categories_block.html"


class FeaturedProductsBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, default="Featured products", label=_("Title"))
    products = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="catalog.ProductPage"), label=_("Products")
    )

    class Meta:
        icon = "pick"
        label = _("Featured products")
        template = "blocks/featured_products_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # Cards by id: those in the card cache cost no query (``catalog.cards``).
        context["product_ids"] = [page.pk for page in value["products"] if page is not None]
        return context


class PromoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, label=_("Title"))
    text = blocks.TextBlock(required=False, label=_("Text"))
    link = blocks.PageChooserBlock(required=False, label=_("Link"))
    link_text = blocks.CharBlock(
        required=False, max_length=40, default="Shop now", label=_("Link text")
    )

    class Meta:
        icon = "doc-full"
        label = _("Promotion")
        template = "blocks/promo_block.html"


class HomeStreamBlock(BaseStreamBlock):
    featured_categories = FeaturedCategoriesBlock()
    featured_products = FeaturedProductsBlock()
    promo = PromoBlock()
