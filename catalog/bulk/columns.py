"""The product spreadsheet's columns: one list for the import, the export and the page that
explains the format, so the three cannot drift apart.

A file has a header row naming its columns, in any order; only ``sku`` is required. A column
left out of the file leaves that field of every product alone, which is how staff update
only prices, or only stock. Headers are matched without regard to letter case, spaces or
hyphens ("Variant SKU" is ``variant_sku``), and a few other names staff are likely to type
are accepted for the same column.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TEXT = "text"
MONEY = "money"
QUANTITY = "quantity"
URL = "url"
CATEGORY = "category"


@dataclass(frozen=True)
class Column:
    key: str
    kind: str
    help: str
    max_length: int = 0
    # Needed (non-empty) when the row makes a new product or a new variant. (An empty cell
    # never changes an existing product or variant.)
    required_when_new: bool = False
    variant: bool = False  # a variant's own value rather than the product's


SKU = "sku"
CATEGORY_COLUMN = "category"
TITLE = "title"
KHMER_NAME = "khmer_name"
SUMMARY = "summary"
SUMMARY_KM = "summary_km"
PRICE = "price"
COMPARE_AT_PRICE = "compare_at_price"
VARIANT = "variant"
VARIANT_KM = "variant_km"
VARIANT_SKU = "variant_sku"
VARIANT_PRICE = "variant_price"
STOCK = "stock"
IMAGE = "image"

COLUMNS = (
    Column(SKU, TEXT, _("The product's SKU: says which product the row is about."), 64),
    Column(
        CATEGORY_COLUMN,
        CATEGORY,
        _(
            "The category's address under the home page (clothing/scarves), or its slug when "
            "no other category has it. Changing it moves the product."
        ),
        1000,
        required_when_new=True,
    ),
    Column(TITLE, TEXT, _("The product's name in English."), 255, required_when_new=True),
    Column(KHMER_NAME, TEXT, _("The product's name in Khmer."), 255),
    Column(
        SUMMARY, TEXT, _("One or two sentences for cards, in English."), 500, required_when_new=True
    ),
    Column(SUMMARY_KM, TEXT, _("The summary in Khmer."), 500),
    Column(PRICE, MONEY, _("The price in the shop's base currency."), required_when_new=True),
    Column(
        COMPARE_AT_PRICE,
        MONEY,
        _("The former price, shown struck through when higher than the price."),
    ),
    Column(
        VARIANT,
        TEXT,
        _("A variant's name (a size, a colour): one row for each variant."),
        80,
        required_when_new=True,
        variant=True,
    ),
    Column(VARIANT_KM, TEXT, _("The variant's name in Khmer."), 80, variant=True),
    Column(VARIANT_SKU, TEXT, _("The variant's own SKU."), 64, variant=True),
    Column(
        VARIANT_PRICE,
        MONEY,
        _("The variant's own price, when it differs from the product's."),
        variant=True,
    ),
    Column(
        STOCK,
        QUANTITY,
        _("Units in stock: the product's, or the variant's on a variant row."),
    ),
    Column(
        IMAGE,
        URL,
        _("The address (http or https) of the product's main picture."),
        1000,
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}
KEYS = tuple(column.key for column in COLUMNS)
VARIANT_KEYS = tuple(column.key for column in COLUMNS if column.variant)
PRODUCT_KEYS = tuple(
    column.key for column in COLUMNS if not column.variant and column.key not in (STOCK, IMAGE)
)

ALIASES = {
    "title_km": KHMER_NAME,
    "name": TITLE,
    "name_km": KHMER_NAME,
    "variant_name": VARIANT,
    "variant_name_km": VARIANT_KM,
    "variant_title": VARIANT,
    "quantity": STOCK,
    "image_url": IMAGE,
}


def column_key(header):
    """The column a header names, or ``None``: "Variant SKU", "variant-sku" and
    "variant_sku" are all ``variant_sku``."""
    if header is None:
        return None
    key = "_".join(str(header).strip().lower().replace("-", " ").split())
    key = ALIASES.get(key, key)
    return key if key in BY_KEY else None
