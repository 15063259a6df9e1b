"""The catalog's data: pages editors write (``pages``, the information pages in ``content``,
the contact page in ``contact``), the footer's links (``navigation``) and the stock of what
they sell (``stock``). Services that change stock are in ``catalog.inventory``."""

from catalog.models.contact import ContactPage
from catalog.models.content import ContentPage
from catalog.models.navigation import FooterLink, FooterLinks, footer_links, menu_pages_for_footer
from catalog.models.pages import (
    CategoryPage,
    HomePage,
    ProductImage,
    ProductPage,
    ProductSpecification,
    ProductVariant,
    annotate_in_stock,
    current_stock_records,
    for_shoppers,
    product_cards,
    product_cards_by_id,
    product_detail,
    sku_owner,
    stock_for_product,
    with_card_data,
)
from catalog.models.stock import PRODUCT_ITSELF, StockAdjustment, StockRecord

__all__ = [
    "PRODUCT_ITSELF",
    "CategoryPage",
    "ContactPage",
    "ContentPage",
    "FooterLink",
    "FooterLinks",
    "HomePage",
    "ProductImage",
    "ProductPage",
    "ProductSpecification",
    "ProductVariant",
    "StockAdjustment",
    "StockRecord",
    "annotate_in_stock",
    "current_stock_records",
    "footer_links",
    "for_shoppers",
    "menu_pages_for_footer",
    "product_cards",
    "product_cards_by_id",
    "product_detail",
    "sku_owner",
    "stock_for_product",
    "with_card_data",
]
