"""Importing products from the product spreadsheet: a dry run first, then the real thing.

``plan_import`` reads the rows (``catalog.bulk.sheets``) against the catalog as it is and
returns an ``ImportPlan``: for each product (the rows that share its SKU), whether it would
be created, updated or left unchanged and what would change, plus every problem found, each
with its row number and column. Nothing is saved. Staff see the plan and confirm it;
``apply_plan`` then makes the changes.

All or nothing: a plan with any error cannot be applied, so staff fix the file rather than
wonder which half of it went in. Warnings (a picture that could not be downloaded, a
product's own stock that stops being sold once it gets variants) do not block it.

Once confirmed, each product is saved in its own short transaction, so that an import never
holds for long the stock rows shoppers' checkouts lock, nor the page tree. A big file is
applied in parts of about ``APPLY_SECONDS`` each (a request must end within the web server's
30 seconds): staff continue with the rest, and the rest is checked against the dry run again
first. Importing a file again skips every product it already changed, so a part that was
interrupted is simply imported again.

How the rows become changes:

- The SKU is the key: a row whose SKU is a product's updates that product, any other SKU
  makes a new product. A product with variants has one row per variant (``variant_sku``
  says which; a new ``variant_sku`` adds a variant). Variants missing from the file are
  kept: removing one is done in the page editor, where its history shows.
- A column missing from the file leaves that field alone, and so does an empty cell: a file
  that only fills in some cells (prices, Khmer names) cannot wipe out the rest by accident.
  Clearing a field is done in the page editor.
- Page changes are saved as a revision by the importing user and published, exactly as if
  they had used the page editor, so the page's history shows who imported what. A product
  whose page has unpublished changes (someone is editing it) or is locked is refused rather
  than published over.
- Stock changes go through ``catalog.inventory`` with the reason "Imported from <file>".
  The level a stock change is measured against is the one the dry run showed, as in the
  stock editor, so units sold between the dry run and the confirmation are not lost.
- Pictures are downloaded (``catalog.bulk.images``) when staff confirm, just before their
  product's transaction (never a network wait while rows are locked). A picture that cannot
  be had is a warning; the product is saved without it, and importing the file again tries
  again.
"""

import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.db import DatabaseError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from catalog.bulk import columns as c
from catalog.bulk.exporter import category_path, image_reference
from catalog.bulk.images import (
    TIMEOUT_SECONDS,
    ImageRefused,
    allowed_networks,
    check_url,
    fetch_image,
)
from catalog.bulk.sheets import Problem
from catalog.inventory import adjust_stock, set_stock
from catalog.models import (
    PRODUCT_ITSELF,
    CategoryPage,
    ProductImage,
    ProductPage,
    ProductVariant,
    StockRecord,
)
from kernel import money
from kernel.models import ShopSettings

STOCK_PERMISSION = "catalog.change_stockrecord"
MAX_STOCK = 1_000_000
# One request starts no new product after this many seconds (pages, stock and pictures), so
# that it ends well within the web server's 30-second limit; staff continue with the rest.
APPLY_SECONDS = 15
MIN_PICTURE_SECONDS = 3

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"

INVALID = object()  # a cell already reported as an error: no further checks on it

PAGE_FIELDS = {
    c.TITLE: "title",
    c.KHMER_NAME: "khmer_name",
    c.SUMMARY: "summary",
    c.SUMMARY_KM: "summary_km",
    c.PRICE: "price",
    c.COMPARE_AT_PRICE: "compare_at_price",
}
VARIANT_FIELDS = {c.VARIANT: "name", c.VARIANT_KM: "name_km", c.VARIANT_PRICE: "price"}


class ImportFailed(Exception):
    """Applying a plan failed (the catalog changed under it); nothing was saved."""

    def __init__(self, message, row=None):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class Change:
    """One line of the dry run: what changes, from what, to what."""

    label: str
    before: str = ""
    after: str = ""


@dataclass
class VariantPlan:
    sku: str
    row: int
    existing_id: int | None
    values: dict  # model field → new value (all of them for a new variant)


@dataclass
class StockTarget:
    variant_sku: str  # "" for the product itself
    row: int
    quantity: int
    before: int | None  # the level the dry run saw (None: no stock record yet)

    @property
    def key(self):
        return self.variant_sku.casefold()


@dataclass
class ProductPlan:
    sku: str
    rows: list
    action: str = UNCHANGED
    title: str = ""
    product_id: int | None = None
    category_id: int | None = None  # where a new product goes, or where one moves to
    move: bool = False
    values: dict = field(default_factory=dict)  # page field → new value
    variants: list = field(default_factory=list)
    stock: list = field(default_factory=list)
    image_url: str = ""
    changes: list = field(default_factory=list)

    @property
    def content_changes(self):
        """Whether the page itself changes (a new revision), not only its stock or place."""
        return bool(self.values or self.variants or self.image_url)

    def signature(self):
        return [
            self.sku,
            self.action,
            self.product_id,
            self.category_id,
            self.move,
            sorted((key, str(value)) for key, value in self.values.items()),
            [
                [v.sku, v.existing_id, sorted((k, str(x)) for k, x in v.values.items())]
                for v in self.variants
            ],
            [[s.variant_sku, s.quantity] for s in self.stock],
            self.image_url,
        ]


@dataclass
class ImportPlan:
    file_name: str
    products: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def counts(self):
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
        for product in self.products:
            counts[product.action] += 1
        return counts

    def fingerprint(self, skus=None):
        """A digest of what applying the plan would do (not of the stock levels it was
        measured against), for every product or those with ``skus``: confirming a dry run
        whose changes differ from the ones now planned is refused, and staff see the new
        plan."""
        products = [p for p in self.products if skus is None or p.sku in skus]
        data = json.dumps([p.signature() for p in products], sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()

    def seen_stock(self):
        """``{"sku␟variant_sku": level}``: the levels the dry run showed, kept until staff
        confirm so that stock changes are measured against what they saw."""
        return {
            f"{product.sku.casefold()}\x1f{target.key}": target.before
            for product in self.products
            for target in product.stock
            if target.before is not None
        }


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # ProductPage
    updated: list = field(default_factory=list)
    unchanged: int = 0
    stock_changes: int = 0
    warnings: list = field(default_factory=list)
    remaining: list = field(default_factory=list)  # SKUs not reached in this request
    failed: Problem | None = None  # the product that could not be saved; the import stopped


def plan_import(sheet, user, site):
    """The dry run of ``sheet`` (``catalog.bulk.sheets.Sheet``) for ``user`` on ``site``."""
    return _Planner(sheet, user, site).plan()


def _text(value, limit=60):
    if value is None:
        return ""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Planner:
    def __init__(self, sheet, user, site):
        self.sheet = sheet
        self.user = user
        self.home = site.root_page.specific
        shop = ShopSettings.for_site(site)
        self.places = 2 if shop.base_currency == money.USD else 0
        self.plan_ = ImportPlan(file_name=sheet.file_name, errors=list(sheet.problems))
        self.plan_.notes = list(sheet.notes)
        self.may_change_stock = user.has_perm(STOCK_PERMISSION)
        self.allowed = allowed_networks()
        self.categories = {}
        self.checked_urls = {}
        # SKUs compare without regard to letter case, as MySQL's unique index does.
        self.product_ids = {
            sku.casefold(): pk for pk, sku in ProductPage.objects.values_list("pk", "sku")
        }
        self.variant_owners = {
            sku.casefold(): (product_id, sku)
            for sku, product_id in ProductVariant.objects.values_list("sku", "product_id")
        }

    def error(self, row, column, message):
        self.plan_.errors.append(Problem(row, column, message))

    def warning(self, row, column, message):
        self.plan_.warnings.append(Problem(row, column, message))

    # --- cells ---------------------------------------------------------------------------

    def parse(self, row):
        """Typed values of a row: text, ``Decimal`` or ``None`` for money, ``int`` or
        ``None`` for stock; ``INVALID`` for a cell with an error (reported here)."""
        values = {}
        for key in self.sheet.columns:
            raw = row.cells.get(key, "")
            if raw is None:
                values[key] = INVALID
                continue
            column = c.BY_KEY[key]
            if column.max_length and len(raw) > column.max_length:
                self.error(
                    row.number,
                    key,
                    _("At most %(limit)s characters (this has %(count)s).")
                    % {"limit": column.max_length, "count": len(raw)},
                )
                values[key] = INVALID
            elif column.kind == c.MONEY:
                values[key] = self.money(row.number, key, raw)
            elif column.kind == c.QUANTITY:
                values[key] = self.quantity(row.number, key, raw)
            else:
                values[key] = raw
        return values

    def money(self, row, key, raw):
        if raw == "":
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.error(
                row,
                key,
                _(
                    "Not an amount. Write it with a point for decimals and no thousands "
                    "separator: 1200.50."
                ),
            )
            return INVALID
        if value < 0:
            self.error(row, key, _("A price cannot be negative."))
            return INVALID
        if value.as_tuple().exponent < -self.places:
            if self.places:
                message = _("At most %(places)s decimal places.") % {"places": self.places}
            else:
                message = _("Prices are in whole riel: no decimal places.")
            self.error(row, key, message)
            return INVALID
        if value > money.MAX_AMOUNT:
            self.error(row, key, _("Too large for a price."))
            return INVALID
        return value.quantize(money.CENT)

    def quantity(self, row, key, raw):
        if raw == "":
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if (
            value is None
            or not value.is_finite()
            or value != value.to_integral_value()
            or not 0 <= value <= MAX_STOCK
        ):
            self.error(
                row,
                key,
                _("Stock is a whole number from 0 to %(max)s.") % {"max": f"{MAX_STOCK:,}"},
            )
            return INVALID
        return int(value)

    def category(self, row, text):
        """The category ``text`` names (a path under the home page, or a slug), or ``None``
        after reporting why not."""
        if text in self.categories:
            found, message = self.categories[text]
        else:
            found, message = self.find_category(text)
            self.categories[text] = (found, message)
        if found is None:
            self.error(row, c.CATEGORY_COLUMN, message)
        return found

    def find_category(self, text):
        slugs = [part.strip() for part in text.strip().strip("/").split("/") if part.strip()]
        if not slugs:
            return None, _("Name a category.")
        under_home = CategoryPage.objects.descendant_of(self.home)
        if len(slugs) == 1:
            matches = list(under_home.filter(slug__iexact=slugs[0])[:2])
            if len(matches) > 1:
                return None, _(
                    'More than one category has the slug "%(slug)s": write its whole path, '
                    "e.g. %(path)s."
                ) % {"slug": slugs[0], "path": category_path(matches[0], self.home)}
            if matches:
                return matches[0], ""
        else:
            parent = self.home
            for slug in slugs:
                parent = CategoryPage.objects.child_of(parent).filter(slug__iexact=slug).first()
                if parent is None:
                    break
            if parent is not None:
                return parent, ""
        return None, _('There is no category "%(category)s".') % {"category": text}

    def image(self, row, url, current):
        """The address to download, "" when the picture stays as it is, or ``None`` after
        reporting a bad address."""
        if url == current:
            return ""
        if url not in self.checked_urls:
            try:
                check_url(url, self.allowed)
                self.checked_urls[url] = None
            except ImageRefused as refused:
                self.checked_urls[url] = refused.message
        if self.checked_urls[url]:
            self.error(row, c.IMAGE, self.checked_urls[url])
            return None
        return url

    # --- products ------------------------------------------------------------------------

    def plan(self):
        groups = {}
        for row in self.sheet.rows:
            values = self.parse(row)
            sku = values.get(c.SKU)
            if sku is INVALID:
                continue
            if not sku:
                self.error(row.number, c.SKU, _("Every row needs a SKU."))
                continue
            groups.setdefault(sku, []).append((row.number, values))
        first_spelling = {}
        seen_variant_skus = {}
        for sku, rows in groups.items():
            other = first_spelling.setdefault(sku.casefold(), (sku, rows[0][0]))
            if other[0] != sku:
                self.error(
                    rows[0][0],
                    c.SKU,
                    _("SKU %(sku)s is the same as %(other)s on row %(row)s (letter case aside).")
                    % {"sku": sku, "other": other[0], "row": other[1]},
                )
                continue
            plan = self.product(sku, rows, seen_variant_skus)
            if plan is not None:
                self.plan_.products.append(plan)
        return self.plan_

    def shared_values(self, sku, rows):
        """The product's own columns: one value per column across the product's rows (later
        rows may leave them empty, or repeat them exactly)."""
        shared = {}
        for key in (*c.PRODUCT_KEYS, c.IMAGE):
            if key == c.SKU or key not in self.sheet.columns:
                continue
            first = None
            for number, values in rows:
                value = values.get(key)
                if value is INVALID:
                    shared[key] = INVALID
                    break
                if value in ("", None):
                    continue
                if first is None:
                    first = (number, value)
                elif value != first[1]:
                    self.error(
                        number,
                        key,
                        _('Differs from row %(row)s, which has "%(value)s" for SKU %(sku)s.')
                        % {"row": first[0], "value": _text(first[1]), "sku": sku},
                    )
                    shared[key] = INVALID
                    break
            else:
                shared[key] = first[1] if first else ("" if c.BY_KEY[key].kind != c.MONEY else None)
        return shared

    def product(self, sku, rows, seen_variant_skus):
        first_row = rows[0][0]
        product_id = self.product_ids.get(sku.casefold())
        if product_id is None and sku.casefold() in self.variant_owners:
            owner_id, _variant_sku = self.variant_owners[sku.casefold()]
            owner = ProductPage.objects.filter(pk=owner_id).first()
            self.error(
                first_row,
                c.SKU,
                _(
                    'SKU %(sku)s belongs to a variant of "%(product)s": write the product\'s '
                    "SKU in the sku column and this one in variant_sku."
                )
                % {"sku": sku, "product": owner.title if owner else "?"},
            )
            return None
        product = ProductPage.objects.filter(pk=product_id).first() if product_id else None
        plan = ProductPlan(sku=sku, rows=[number for number, _values in rows])
        plan.product_id = product.pk if product else None

        variant_rows = [
            (number, values)
            for number, values in rows
            if any(values.get(key) not in ("", None) for key in c.VARIANT_KEYS)
        ]
        if variant_rows and len(variant_rows) != len(rows):
            for number, values in rows:
                if (number, values) not in variant_rows:
                    self.error(
                        number,
                        c.VARIANT_SKU,
                        _(
                            "Other rows of SKU %(sku)s are variants: fill in this row's "
                            "variant too, or remove the row."
                        )
                        % {"sku": sku},
                    )
        if not variant_rows and len(rows) > 1:
            for number, _values in rows[1:]:
                self.error(
                    number,
                    c.SKU,
                    _(
                        "SKU %(sku)s is already on row %(row)s. A product has one row, or one "
                        "row for each of its variants."
                    )
                    % {"sku": sku, "row": first_row},
                )
        shared = self.shared_values(sku, rows)

        if product is None:
            self.new_product(plan, shared, first_row)
        else:
            self.existing_product(plan, product, shared, first_row)
        existing_variants = {v.sku.casefold(): v for v in product.variants.all()} if product else {}
        self.variants(plan, product, variant_rows, existing_variants, seen_variant_skus)
        self.stock(plan, product, rows, variant_rows, existing_variants)
        if product is not None and (plan.content_changes or plan.move):
            self.may_publish(plan, product, first_row)
        if plan.stock and not self.may_change_stock:
            self.error(
                plan.stock[0].row, c.STOCK, _("You do not have permission to change stock levels.")
            )
        if product is None:
            plan.action = CREATE
        elif plan.content_changes or plan.move or plan.stock:
            plan.action = UPDATE
        return plan

    def new_product(self, plan, shared, row):
        for key in c.PRODUCT_KEYS:
            column = c.BY_KEY[key]
            if column.required_when_new and shared.get(key) in ("", None):
                if key in self.sheet.columns:
                    message = _("A new product needs this.")
                else:
                    message = _("A new product needs a %(column)s column.") % {"column": key}
                self.error(row, key, message)
        category = None
        if shared.get(c.CATEGORY_COLUMN) not in ("", None, INVALID):
            category = self.category(row, shared[c.CATEGORY_COLUMN])
        if category is not None:
            permissions = category.permissions_for_user(self.user)
            if not (permissions.can_add_subpage() and permissions.can_publish_subpage()):
                self.error(
                    row,
                    c.CATEGORY_COLUMN,
                    _('You do not have permission to publish products in "%(category)s".')
                    % {"category": category.title},
                )
            plan.category_id = category.pk
        for key, name in PAGE_FIELDS.items():
            value = shared.get(key)
            if value not in ("", None, INVALID):
                plan.values[name] = value
        plan.title = shared.get(c.TITLE) if isinstance(shared.get(c.TITLE), str) else plan.sku
        plan.changes.append(
            Change(_("New product"), after=category.title if category is not None else "")
        )
        url = shared.get(c.IMAGE)
        if url not in ("", None, INVALID):
            plan.image_url = self.image(row, url, None) or ""
            if plan.image_url:
                plan.changes.append(Change(_("Picture"), after=plan.image_url))

    def existing_product(self, plan, product, shared, row):
        plan.title = product.title
        if shared.get(c.CATEGORY_COLUMN) not in ("", None, INVALID):
            category = self.category(row, shared[c.CATEGORY_COLUMN])
            parent = product.get_parent()
            if category is not None and category.pk != parent.pk:
                if not product.permissions_for_user(self.user).can_move_to(category):
                    self.error(
                        row,
                        c.CATEGORY_COLUMN,
                        _('You do not have permission to move this product to "%(category)s".')
                        % {"category": category.title},
                    )
                plan.category_id = category.pk
                plan.move = True
                plan.changes.append(
                    Change(
                        _("Category"),
                        category_path(parent, self.home),
                        category_path(category, self.home),
                    )
                )
        for key, name in PAGE_FIELDS.items():
            if key not in self.sheet.columns:
                continue
            value = shared.get(key)
            if value is INVALID:
                continue
            if value in ("", None):
                continue  # an empty cell keeps what the product has
            current = getattr(product, name)
            if current != value:
                plan.values[name] = value
                plan.changes.append(Change(field_label(key), _text(current), _text(value)))
        if isinstance(plan.values.get("title"), str):
            plan.title = plan.values["title"]
        url = shared.get(c.IMAGE)
        if url not in ("", None, INVALID):
            plan.image_url = self.image(row, url, image_reference(product.main_image)) or ""
            if plan.image_url:
                plan.changes.append(Change(_("Picture"), after=plan.image_url))

    def variants(self, plan, product, variant_rows, existing, seen_variant_skus):
        for number, values in variant_rows:
            sku = values.get(c.VARIANT_SKU)
            if sku is INVALID:
                continue
            if not sku:
                self.error(number, c.VARIANT_SKU, _("A variant needs its own SKU."))
                continue
            folded = sku.casefold()
            if folded in seen_variant_skus:
                self.error(
                    number,
                    c.VARIANT_SKU,
                    _("SKU %(sku)s is already on row %(row)s.")
                    % {"sku": sku, "row": seen_variant_skus[folded]},
                )
                continue
            seen_variant_skus[folded] = number
            if folded == plan.sku.casefold() or folded in self.product_ids:
                self.error(
                    number, c.VARIANT_SKU, _("SKU %(sku)s is a product's SKU.") % {"sku": sku}
                )
                continue
            owner = self.variant_owners.get(folded)
            if owner is not None and (product is None or owner[0] != product.pk):
                self.error(
                    number,
                    c.VARIANT_SKU,
                    _("SKU %(sku)s belongs to a variant of another product.") % {"sku": sku},
                )
                continue
            variant = existing.get(folded)
            if variant is None:
                self.new_variant(plan, number, sku, values)
            else:
                self.changed_variant(plan, number, variant, values)

    def new_variant(self, plan, row, sku, values):
        name = values.get(c.VARIANT, "")
        if name in ("", INVALID):
            if name == "":
                self.error(row, c.VARIANT, _("A new variant needs a name."))
            return
        new = {"sku": sku, "name": name}
        for key, field_name in VARIANT_FIELDS.items():
            value = values.get(key)
            if value is INVALID:
                return
            if key != c.VARIANT and value not in ("", None):
                new[field_name] = value
        plan.variants.append(VariantPlan(sku, row, None, new))
        plan.changes.append(Change(_("New variant"), after=f"{name} ({sku})"))

    def changed_variant(self, plan, row, variant, values):
        changed = {}
        for key, field_name in VARIANT_FIELDS.items():
            if key not in self.sheet.columns:
                continue
            value = values.get(key)
            if value is INVALID:
                return
            if value in ("", None):
                continue
            current = getattr(variant, field_name)
            if current != value:
                changed[field_name] = value
                plan.changes.append(
                    Change(
                        f"{variant.name} ({variant.sku}): {field_label(key)}",
                        _text(current),
                        _text(value),
                    )
                )
        if changed:
            plan.variants.append(VariantPlan(variant.sku, row, variant.pk, changed))

    def stock(self, plan, product, rows, variant_rows, existing_variants):
        if c.STOCK not in self.sheet.columns:
            return
        levels = {}
        if product is not None:
            records = StockRecord.objects.filter(product=product)
            levels = dict(records.values_list("variant_key", "quantity"))
        has_variants = bool(existing_variants) or bool(variant_rows)
        if not variant_rows:
            number, values = rows[0]
            quantity = values.get(c.STOCK)
            if quantity in (None, INVALID):
                return
            if has_variants:
                self.error(
                    number,
                    c.STOCK,
                    _(
                        "This product has variants: give each variant's stock on its own "
                        "row (with its variant_sku)."
                    ),
                )
                return
            before = levels.get(PRODUCT_ITSELF)
            if quantity != (before or 0):
                plan.stock.append(StockTarget("", number, quantity, before))
                plan.changes.append(Change(_("Stock"), _text(before or 0), _text(quantity)))
            return
        if product is not None and not existing_variants and levels.get(PRODUCT_ITSELF):
            self.warning(
                variant_rows[0][0],
                c.VARIANT_SKU,
                _(
                    "This product gets variants: its own stock (%(quantity)s) is no longer "
                    "sold; each variant has its own."
                )
                % {"quantity": levels[PRODUCT_ITSELF]},
            )
        for number, values in variant_rows:
            quantity = values.get(c.STOCK)
            sku = values.get(c.VARIANT_SKU)
            if quantity in (None, INVALID) or sku in ("", None, INVALID):
                continue
            variant = existing_variants.get(sku.casefold())
            before = levels.get(variant.pk) if variant else None
            if quantity != (before or 0):
                plan.stock.append(StockTarget(sku, number, quantity, before))
                plan.changes.append(
                    Change(f"{_('Stock')} ({sku})", _text(before or 0), _text(quantity))
                )

    def may_publish(self, plan, product, row):
        permissions = product.permissions_for_user(self.user)
        lock = product.get_lock()
        if lock is not None and lock.for_user(self.user):
            self.error(
                row,
                c.SKU,
                _("The page of %(product)s is locked; unlock it to import changes to it.")
                % {"product": product.title},
            )
        elif not (permissions.can_edit() and permissions.can_publish()):
            self.error(
                row,
                c.SKU,
                _("You do not have permission to publish changes to %(product)s.")
                % {"product": product.title},
            )
        elif plan.content_changes and not product.live:
            self.error(
                row,
                c.SKU,
                _(
                    "%(product)s is not published; importing changes would publish it. "
                    "Publish it in the page editor first, or leave it out of the file."
                )
                % {"product": product.title},
            )
        elif plan.content_changes and product.has_unpublished_changes:
            self.error(
                row,
                c.SKU,
                _(
                    "%(product)s has changes in the page editor that are not published yet. "
                    "Publish or discard them first, so the import does not overwrite them."
                )
                % {"product": product.title},
            )


def field_label(key):
    labels = {
        c.TITLE: _("Title"),
        c.KHMER_NAME: _("Khmer name"),
        c.SUMMARY: _("Summary"),
        c.SUMMARY_KM: _("Khmer summary"),
        c.PRICE: _("Price"),
        c.COMPARE_AT_PRICE: _("Compare at price"),
        c.VARIANT: _("Name"),
        c.VARIANT_KM: _("Khmer name"),
        c.VARIANT_PRICE: _("Price"),
    }
    return labels.get(key, key)


# --- applying a plan ------------------------------------------------------------------------


def apply_plan(plan, user, seen_stock=None, only=None, seconds=None):
    """Make the changes of ``plan`` (which has no errors) as ``user``, product by product.

    Each product is its own short transaction (its page, then its stock), so a big import
    never holds the locks of shoppers' checkouts or of the page tree for long; its picture is
    downloaded just before, outside any transaction. A request stops starting new products
    after ``seconds`` (``APPLY_SECONDS``), always after at least one, well within the web
    server's time limit: ``result.remaining`` lists the SKUs not reached, and applying the
    same plan again with ``only=result.remaining`` carries on. If a product cannot be saved
    because the catalog changed under the plan (someone took its SKU a moment ago), the
    products before it stay saved and the import stops there (``result.failed``); importing
    the file again skips what is already in.
    """
    if plan.errors:
        raise ImportFailed(_("This import has errors; nothing was saved."))
    deadline = time.monotonic() + (APPLY_SECONDS if seconds is None else seconds)
    result = ImportResult(warnings=list(plan.warnings))
    seen_stock = plan.seen_stock() if seen_stock is None else seen_stock
    reason = _("Imported from %(file)s") % {"file": plan.file_name}
    products = [p for p in plan.products if only is None or p.sku in only]
    todo = [p for p in products if p.action != UNCHANGED]
    result.unchanged = len(products) - len(todo)
    pictures = {}
    for index, product_plan in enumerate(todo):
        if index and time.monotonic() > deadline:
            result.remaining = [p.sku for p in todo[index:]]
            break
        picture, new_picture = _picture(product_plan, user, pictures, result, deadline)
        try:
            with transaction.atomic():
                page = ProductPage.objects.get(pk=_apply_product(product_plan, user, picture).pk)
                result.stock_changes += _apply_stock(product_plan, page, user, reason, seen_stock)
        except (ValidationError, PermissionDenied, DatabaseError) as exc:
            if new_picture:
                pictures.pop(product_plan.image_url, None)
                picture.delete()
            result.failed = Problem(
                product_plan.rows[0],
                None,
                _("Row %(row)s (SKU %(sku)s) could not be saved: %(error)s")
                % {"row": product_plan.rows[0], "sku": product_plan.sku, "error": _error_text(exc)},
            )
            result.remaining = [p.sku for p in todo[index + 1 :]]
            break
        (result.created if product_plan.action == CREATE else result.updated).append(page)
    return result


def _error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    if isinstance(exc, DatabaseError):
        return _("the catalog changed while the import ran (%(error)s).") % {
            "error": exc.__class__.__name__
        }
    return str(exc) or exc.__class__.__name__


def _picture(product_plan, user, pictures, result, deadline):
    """``(Image or None, whether it was made here)`` for the product's new picture; a picture
    that cannot be had is a warning."""
    url = product_plan.image_url
    if not url:
        return None, False
    if url in pictures:
        return pictures[url], False
    row = product_plan.rows[0]
    # A picture started late gets the time left (but at least a few seconds).
    seconds = min(TIMEOUT_SECONDS, max(MIN_PICTURE_SECONDS, deadline - time.monotonic()))
    try:
        fetched = fetch_image(url, seconds=seconds)
    except ImageRefused as refused:
        result.warnings.append(
            Problem(
                row,
                c.IMAGE,
                _("The picture was not added: %(reason)s") % {"reason": refused.message},
            )
        )
        return None, False
    digest = hashlib.sha1(fetched.data, usedforsecurity=False).hexdigest()
    Image = get_image_model()
    picture = Image.objects.filter(file_hash=digest).first()
    if picture is not None:  # the same picture is in the library already
        pictures[url] = picture
        return picture, False
    picture = Image(
        title=(product_plan.title or product_plan.sku)[:255],
        uploaded_by_user=user if user.is_authenticated else None,
        file_size=len(fetched.data),
        file_hash=digest,
    )
    picture.file = ImageFile(io.BytesIO(fetched.data), name=fetched.file_name)
    picture.save()
    pictures[url] = picture
    return picture, True


def _apply_product(plan, user, picture):
    if plan.action == CREATE:
        category = CategoryPage.objects.get(pk=plan.category_id)
        page = ProductPage(owner=user, sku=plan.sku, **plan.values)
        page.slug = _free_slug(category, plan.values.get("title", ""), plan.sku)
        for index, variant in enumerate(plan.variants):
            page.variants.add(ProductVariant(sort_order=index, **variant.values))
        if picture is not None:
            page.gallery_images.add(ProductImage(image=picture, sort_order=0))
        category.add_child(instance=page)
        page.save_revision(user=user, log_action=True).publish(user=user)
        return page
    page = ProductPage.objects.get(pk=plan.product_id)
    if plan.move:
        page.move(CategoryPage.objects.get(pk=plan.category_id), pos="last-child", user=user)
        page = ProductPage.objects.get(pk=plan.product_id)
    if not (plan.values or plan.variants or picture is not None):
        return page  # only the stock or the place changes (or the picture did not arrive)
    for name, value in plan.values.items():
        setattr(page, name, value)
    if plan.variants:
        variants = list(page.variants.order_by("sort_order", "pk"))
        by_pk = {variant.pk: variant for variant in variants}
        next_order = max((variant.sort_order or 0 for variant in variants), default=-1) + 1
        for variant_plan in plan.variants:
            if variant_plan.existing_id is None:
                variants.append(ProductVariant(sort_order=next_order, **variant_plan.values))
                next_order += 1
            else:
                variant = by_pk[variant_plan.existing_id]
                for name, value in variant_plan.values.items():
                    setattr(variant, name, value)
        page.variants = variants
    if picture is not None:
        gallery = list(page.gallery_images.order_by("sort_order", "pk"))
        if gallery:
            gallery[0].image = picture
        else:
            gallery = [ProductImage(image=picture, sort_order=0)]
        page.gallery_images = gallery
    page.save_revision(user=user, log_action=True).publish(user=user)
    return page


def _free_slug(category, title, sku):
    base = (slugify(title, allow_unicode=True) or slugify(sku, allow_unicode=True) or "product")[
        :240
    ]
    slug, number = base, 1
    taken = set(category.get_children().values_list("slug", flat=True))
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _apply_stock(plan, page, user, reason, seen_stock):
    changes = 0
    variants = {}
    if any(target.variant_sku for target in plan.stock):
        # From the database: variants added by this import were saved by publishing the
        # revision, not through ``page``, whose copies of them have no id.
        saved = ProductVariant.objects.filter(product_id=page.pk)
        variants = {variant.sku.casefold(): variant for variant in saved}
    for target in plan.stock:
        variant = variants.get(target.key) if target.variant_sku else None
        key = variant.pk if variant is not None else PRODUCT_ITSELF
        record = StockRecord.objects.filter(product=page, variant_key=key).first()
        seen = seen_stock.get(f"{plan.sku.casefold()}\x1f{target.key}")
        if record is None or seen is None:
            set_stock(page, target.quantity, variant=variant, reason=reason, by=user)
        else:
            adjust_stock(record.pk, target.quantity, reason, by=user, seen_quantity=seen)
        changes += 1
    return changes
