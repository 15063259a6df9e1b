"""The catalog's data: pages editors write (``pages``, and the information pages in
``content``) and the stock of what they sell (``stock``). Services that change stock are in
``catalog.inventory``."""

from catalog.models.content import ContentPage
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
    "ContentPage",
    "HomePage",
    "ProductImage",
    "ProductPage",
    "ProductSpecification",
    "ProductVariant",
    "StockAdjustment",
    "StockRecord",
    "annotate_in_stock",
    "current_stock_records",
    "for_shoppers",
    "product_cards",
    "product_cards_by_id",
    "product_detail",
    "sku_owner",
    "stock_for_product",
    "with_card_data",
]
