"""Carts: a guest's cart is found through the session, a customer's through their account.

Lines reference a sellable item (a product, or one of its variants) and a quantity; prices
are read live from the catalog until the order is placed, when they are copied onto it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.inventory import available_quantities
from catalog.models import PRODUCT_ITSELF, ProductPage, ProductVariant, for_shoppers, with_card_data
from checkout.models import Cart, CartLine
from kernel.errors import Conflict, NotFound, ShopError
from kernel.models import HARD_MAX_LINE_QUANTITY, ShopSettings

SESSION_KEY = "cart_id"
# The ceiling of the shop's own per-item limit (``ShopSettings.max_line_quantity``), which is
# what carts and orders enforce; the API refuses anything above this before asking.
MAX_LINE_QUANTITY = HARD_MAX_LINE_QUANTITY
# What carts, checkout and their replies read of a product (and what its URL needs): loading
# whole product pages (every page column, the description's JSON) was most of a cart's cost.
PRODUCT_FIELDS = (
    "id",
    "title",
    "slug",
    "path",
    "depth",
    "url_path",
    "live",
    "sku",
    "price",
    "variant_label",
    "khmer_name",
    "variant_label_km",
)


# --- finding the cart ---------------------------------------------------------------------


def get_cart(request, create=False):
    """The cart of this request's customer or guest session; ``None`` if there is none yet."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            cart, __ = Cart.objects.get_or_create(user=user)
        return cart
    cart_id = request.session.get(SESSION_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_KEY] = cart.pk
    return cart


def merge_guest_cart_into_user_cart(request, user):
    """On login, the guest's lines join the customer's cart, capped by available stock and by
    the shop's limits (of one item, and of items per order): what does not fit is dropped."""
    guest_id = request.session.get(SESSION_KEY)
    guest = Cart.objects.filter(pk=guest_id, user__isnull=True).first() if guest_id else None
    if guest is None:
        return None
    shop = ShopSettings.current()  # whichever login path called (it may pass a bare request)
    with transaction.atomic():
        target, __ = Cart.objects.get_or_create(user=user)
        target = Cart.objects.select_for_update().get(pk=target.pk)
        existing = {line.item_key: line for line in target.lines.all()}
        room = shop.max_order_items - sum(line.quantity for line in existing.values())
        incoming = list(guest.lines.all())
        available = available_quantities([line.item_key for line in incoming])
        for line in incoming:
            cap = min(available[line.item_key], shop.max_line_quantity)
            if line.item_key in existing:
                kept = existing[line.item_key]
                wanted = min(kept.quantity + line.quantity, max(cap, kept.quantity))
                added = max(0, min(wanted - kept.quantity, room))
                if added:
                    kept.quantity += added
                    room -= added
                    kept.save(update_fields=["quantity"])
            else:
                quantity = min(line.quantity, cap, room)
                if quantity > 0:
                    CartLine.objects.create(
                        cart=target,
                        product_id=line.product_id,
                        variant_key=line.variant_key,
                        quantity=quantity,
                    )
                    room -= quantity
        guest.delete()
    request.session.pop(SESSION_KEY, None)
    return target


# --- changing the cart ----------------------------------------------------------------------


def _catalog_for(product_ids, with_images=False):
    """``(products, variants)``: the products shoppers can buy among ``product_ids`` by id,
    and all their variants by id, in two queries (four with the cards' images)."""
    products = for_shoppers(ProductPage.objects.filter(pk__in=product_ids).only(*PRODUCT_FIELDS))
    if with_images:
        products = with_card_data(products)
    products = {p.pk: p for p in products}
    variants = {
        v.pk: v
        for v in ProductVariant.objects.filter(product_id__in=products)
        .only("pk", "product_id", "name", "name_km", "sku", "price", "sort_order")
        .order_by("sort_order", "pk")
    }
    return products, variants


def resolve_item(product_id, variant_id=None, catalog=None):
    """The live product (and variant) a shopper asked for, or a ``ShopError`` saying why not.
    ``catalog`` is what ``_catalog_for`` returned for a set including ``product_id``."""
    products, variants = catalog or _catalog_for({product_id})
    product = products.get(product_id)
    if product is None:
        raise NotFound(_("That product is not available."), code="product_not_found")
    own = [v for v in variants.values() if v.product_id == product.pk]
    if own:
        if variant_id in (None, ""):
            raise ShopError(
                _("Please choose a %(option)s.") % {"option": _variant_word(product.variant_label)},
                code="variant_required",
                fields={"variant_id": [_("This product comes in several variants.")]},
            )
        variant = next((v for v in own if v.pk == variant_id), None)
        if variant is None:
            raise NotFound(_("That variant is not available."), code="variant_not_found")
        return product, variant
    if variant_id not in (None, ""):
        raise NotFound(_("That product has no variants."), code="variant_not_found")
    return product, None


def _variant_word(label):
    """What a product's variants differ by, as a word inside a sentence: the editor's label, or
    the shop's own word for the stored default ("Option") or no label."""
    if label == "Option":  # ProductPage.variant_label's default, stored in English
        return _("option")
    return label.lower() or _("variant")


def _check_quantity(quantity):
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ShopError(
            _("Quantity must be a whole number of at least 1."), code="invalid_quantity"
        )


def line_limit_error(limit, title):
    """The refusal of more than ``limit`` (the shop's most of one item)."""
    return Conflict(
        _("You can order at most %(limit)d of %(title)s per order.")
        % {"limit": limit, "title": title},
        code="line_limit",
        fields={"quantity": [_("At most %(limit)d.") % {"limit": limit}]},
    )


def order_limit_error(limit, count=None):
    """The refusal of more than ``limit`` items in one order (``count``: how many the cart
    would hold, when known)."""
    message = ngettext(
        "One order can hold at most %(limit)d item.",
        "One order can hold at most %(limit)d items.",
        limit,
    ) % {"limit": limit}
    if count is not None:
        message += " " + _("Your cart would hold %(count)d; please lower a quantity.") % {
            "count": count
        }
    return Conflict(
        message,
        code="order_limit",
        fields={"quantity": [_("At most %(limit)d items per order.") % {"limit": limit}]},
    )


def check_limits(shop, line_quantity, cart_total, title):
    """Refuse a line of ``line_quantity`` or a cart of ``cart_total`` items above the limits."""
    if line_quantity > shop.max_line_quantity:
        raise line_limit_error(shop.max_line_quantity, title)
    if cart_total > shop.max_order_items:
        raise order_limit_error(shop.max_order_items, cart_total)


def _check_stock(item_key, quantity, title, available=None):
    if available is None:
        available = available_quantities([item_key])[item_key]
    if available <= 0:
        raise Conflict(_("%(title)s is sold out.") % {"title": title}, code="out_of_stock")
    if quantity > available:
        raise Conflict(
            _("Only %(count)d of %(title)s left.") % {"count": available, "title": title},
            code="insufficient_stock",
            fields={"quantity": [_("At most %(limit)d.") % {"limit": available}]},
        )


def add_item(cart, product_id, variant_id=None, quantity=1, shop=None):
    """Add ``quantity`` of an item to the cart (joining an existing line), within stock and the
    shop's limits (``shop``: its settings; the default site's when not given).

    Returns the cart's contents afterwards, built from the rows read under the cart's lock:
    this is the shop's busiest write, so the reply costs no queries of its own."""
    _check_quantity(quantity)
    shop = shop or ShopSettings.current()
    with transaction.atomic():
        # Touching the cart row locks it until commit: concurrent adds to one cart queue here.
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
        lines = list(cart.lines.all())
        catalog = _catalog_for({line.product_id for line in lines} | {product_id})
        product, variant = resolve_item(product_id, variant_id, catalog)
        key = (product.pk, variant.pk if variant else PRODUCT_ITSELF)
        title = f"{product.shown_title} ({variant.shown_name})" if variant else product.shown_title
        line = next((line for line in lines if line.item_key == key), None)
        total = (line.quantity if line else 0) + quantity
        if total > HARD_MAX_LINE_QUANTITY:  # more than any setting allows: no stock query
            raise line_limit_error(shop.max_line_quantity, title)
        available = available_quantities([line.item_key for line in lines] + [key])
        _check_stock(key, total, title, available[key])
        check_limits(shop, total, sum(line.quantity for line in lines) + quantity, title)
        if line:
            line.quantity = total
            line.save(update_fields=["quantity"])
        else:
            lines.append(
                CartLine.objects.create(
                    cart=cart, product=product, variant_key=key[1], quantity=quantity
                )
            )
    return cart_contents(cart, lines=lines, available=available, catalog=catalog, shop=shop)


def _line(cart, line_id):
    line = (
        CartLine.objects.filter(pk=line_id, cart=cart).select_related("product").first()
        if cart is not None
        else None
    )
    if line is None:
        raise NotFound(_("That line is not in your cart."), code="line_not_found")
    return line


def set_line_quantity(cart, line_id, quantity, shop=None):
    """Change a line's quantity, checked against stock and the shop's limits. Returns the line."""
    _check_quantity(quantity)
    shop = shop or ShopSettings.current()
    line = _line(cart, line_id)
    _check_stock(line.item_key, quantity, line.product.shown_title)
    if quantity > line.quantity:  # lowering a quantity is always allowed
        others = cart.lines.exclude(pk=line.pk).aggregate(total=Sum("quantity"))["total"]
        check_limits(shop, quantity, (others or 0) + quantity, line.product.shown_title)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


def remove_line(cart, line_id):
    _line(cart, line_id).delete()


# --- reading the cart -----------------------------------------------------------------------


@dataclass
class CartItem:
    line: CartLine
    product: ProductPage
    variant: ProductVariant | None
    unit_price: Decimal
    available: int
    limit: int = MAX_LINE_QUANTITY  # the shop's most of one item per order

    @property
    def id(self):
        return self.line.pk

    @property
    def quantity(self):
        return self.line.quantity

    @property
    def title(self):
        """The product's name in the active language."""
        return self.product.shown_title

    @property
    def variant_name(self):
        return self.variant.shown_name if self.variant else ""

    @property
    def sku(self):
        return self.variant.sku if self.variant else self.product.sku

    @property
    def line_total(self):
        return self.unit_price * self.line.quantity

    @property
    def problem(self):
        """Why this line cannot be bought as it stands, in words; empty when it can."""
        if self.available <= 0:
            return _("Sold out: please remove it to check out.")
        if self.line.quantity > self.available:
            return _("Only %(count)d left: please lower the quantity.") % {"count": self.available}
        if self.line.quantity > self.limit:
            return _("At most %(limit)d per order: please lower the quantity.") % {
                "limit": self.limit
            }
        return ""


@dataclass
class CartContents:
    cart: Cart | None
    items: list = field(default_factory=list)
    max_items: int | None = None  # the shop's most items per order

    @property
    def item_count(self):
        return sum(item.quantity for item in self.items)

    @property
    def subtotal(self):
        return sum((item.line_total for item in self.items), Decimal("0"))

    @property
    def is_empty(self):
        return not self.items

    @property
    def problem(self):
        """Why the cart as a whole cannot be ordered, in words; empty when it can."""
        if self.max_items is not None and self.item_count > self.max_items:
            return order_limit_error(self.max_items, self.item_count).message
        return ""

    @property
    def has_problems(self):
        return bool(self.problem) or any(item.problem for item in self.items)


def cart_contents(cart, with_images=False, lines=None, available=None, catalog=None, shop=None):
    """Everything a cart page or the API shows, in a fixed number of queries.

    Lines whose product or variant is no longer for sale are dropped from the cart. A caller
    that has just read the lines (their stock, their products) passes them in. Lines and
    carts above the shop's limits (``shop``: its settings) say so in their ``problem``.
    """
    if cart is None:
        return CartContents(cart=None)
    if lines is None:
        lines = list(cart.lines.all())
    if not lines:
        return CartContents(cart=cart)
    shop = shop or ShopSettings.current()
    products, variants = catalog or _catalog_for(
        {line.product_id for line in lines}, with_images=with_images
    )
    has_variants = {v.product_id for v in variants.values()}
    if available is None:
        available = available_quantities([line.item_key for line in lines])

    items, stale = [], []
    for line in lines:
        product = products.get(line.product_id)
        variant = variants.get(line.variant_key) if line.variant_key else None
        sellable = product is not None and (
            (variant is not None and variant.product_id == product.pk)
            if line.variant_key
            else product.pk not in has_variants
        )
        if not sellable:
            stale.append(line.pk)
            continue
        price = variant.price if variant and variant.price is not None else product.price
        items.append(
            CartItem(
                line, product, variant, price, available[line.item_key], shop.max_line_quantity
            )
        )
    if stale:
        CartLine.objects.filter(pk__in=stale).delete()
    return CartContents(cart=cart, items=items, max_items=shop.max_order_items)
