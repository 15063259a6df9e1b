"""StreamField blocks shared by every page: one body vocabulary across the site."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    size = blocks.ChoiceBlock(
        choices=[("h2", "Large"), ("h3", "Medium"), ("h4", "Small")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        preview_value = {"text": "Made by hand in Siem Reap", "size": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Soft, bright and made to last.",
            "attribution": "A customer",
        }


class BaseStreamBlock(blocks.StreamBlock):
    """Body blocks for product descriptions and editorial content."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        preview_value="<p>Woven from <b>cotton</b> on a wooden loom.</p>",
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()


class FeaturedCategoriesBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, default="Shop by category")
    categories = blocks.ListBlock(blocks.PageChooserBlock(page_type="catalog.CategoryPage"))

    class Meta:
        icon = "folder-open-inverse"
        template = "blocks/featured_categories_block.html"


class FeaturedProductsBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, default="Featured products")
    products = blocks.ListBlock(blocks.PageChooserBlock(page_type="catalog.ProductPage"))

    class Meta:
        icon = "pick"
        template = "blocks/featured_products_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # Cards by id: those in the card cache cost no query (``catalog.cards``).
        context["product_ids"] = [page.pk for page in value["products"] if page is not None]
        return context


class PromoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(required=False)
    link = blocks.PageChooserBlock(required=False)
    link_text = blocks.CharBlock(required=False, max_length=40, default="Shop now")

    class Meta:
        icon = "doc-full"
        template = "blocks/promo_block.html"


class HomeStreamBlock(BaseStreamBlock):
    featured_categories = FeaturedCategoriesBlock()
    featured_products = FeaturedProductsBlock()
    promo = PromoBlock()
