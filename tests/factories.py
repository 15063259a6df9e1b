"""Test data builders: small, explicit, and fast enough to make hundreds of products."""

import io
import itertools
from decimal import Decimal

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from catalog.inventory import set_stock
from catalog.models import CategoryPage, HomePage, ProductImage, ProductPage, ProductVariant

_numbers = itertools.count(1)


def home_page():
    """The home page the migrations create, rebuilt if a flushing test removed it."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    from wagtail.models import Collection, Locale, Page, Site

    Locale.objects.get_or_create(language_code="en")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", live=True)
    )
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home


def make_image(title="Test image", colour=(180, 80, 40)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 64), colour).save(buffer, format="PNG")
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="test.png")
    image.save()
    return image


def make_category(parent=None, title=None, **fields):
    parent = parent or home_page()
    number = next(_numbers)
    page = CategoryPage(title=title or f"Category {number}", slug=f"category-{number}", **fields)
    parent.add_child(instance=page)
    return page


def make_product(
    category,
    title=None,
    price="10.00",
    stock=5,
    variants=(),
    images=(),
    publish=True,
    **fields,
):
    """A live product. ``variants`` is a list of (name, price or None, stock)."""
    number = next(_numbers)
    page = ProductPage(
        title=title or f"Product {number}",
        slug=f"product-{number}",
        sku=fields.pop("sku", f"SKU-{number}"),
        price=Decimal(price),
        summary=fields.pop("summary", f"Summary of product {number}."),
        **fields,
    )
    for index, image in enumerate(images):
        page.gallery_images.add(ProductImage(image=image, sort_order=index))
    for index, (name, variant_price, _) in enumerate(variants):
        page.variants.add(
            ProductVariant(
                name=name,
                sku=f"SKU-{number}-{index}",
                price=Decimal(variant_price) if variant_price else None,
                sort_order=index,
            )
        )
    category.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    if variants:
        saved = list(page.variants.order_by("sort_order"))
        for variant, (_, _, quantity) in zip(saved, variants, strict=True):
            set_stock(page, quantity, variant=variant)
    elif stock is not None:
        set_stock(page, stock)
    return page


def give_totp(user):
    """Set up two-factor authentication (an authenticator app) for ``user``, as the admin
    requires of everybody with admin access; returns the TOTP secret for ``totp_code``."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        from allauth.mfa.utils import decrypt

        return decrypt(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret, steps=0):
    """The authenticator app's current code for ``secret`` (``steps`` periods later)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD + steps
    return format_hotp_value(hotp_value(secret, counter))


# --- orders and payments --------------------------------------------------------------------
# Orders are built the way the shop builds them: placed from a cart by ``place_order`` (which
# reserves the stock and makes the first KHQR payment), then moved along the status machine
# by ``change_status`` (``set_status`` under the order's row lock), so each one carries the
# history, the stock and the payments a real order in that status would have.

import secrets  # noqa: E402
from datetime import timedelta  # noqa: E402

from wagtail.models import Site  # noqa: E402

from checkout.khqr.builder import read_khqr  # noqa: E402
from checkout.khqr.client import Transaction  # noqa: E402
from checkout.models import Cart, CartLine, DeliveryMethod, PaymentMethod, Status  # noqa: E402
from checkout.orders import CheckoutDetails, place_order  # noqa: E402
from checkout.payments import receiving_account  # noqa: E402
from checkout.status import change_status  # noqa: E402
from kernel.models import ShopSettings  # noqa: E402

# How an order placed awaiting payment reaches each status: the moves, in order.
ORDER_HISTORY = {
    Status.AWAITING_PAYMENT: (),
    Status.PAID: (Status.PAID,),
    Status.PROCESSING: (Status.PAID, Status.PROCESSING),
    Status.SHIPPED: (Status.PAID, Status.PROCESSING, Status.SHIPPED),
    Status.DELIVERED: (Status.PAID, Status.PROCESSING, Status.SHIPPED, Status.DELIVERED),
    Status.CANCELLED: (Status.CANCELLED,),
    Status.EXPIRED: (Status.EXPIRED,),
    Status.REFUNDED: (Status.PAID, Status.REFUNDED),
    # Cash on delivery orders start awaiting confirmation instead (``CASH_ON_DELIVERY``).
    Status.AWAITING_CONFIRMATION: (),
    Status.RETURNED: (Status.PROCESSING, Status.SHIPPED, Status.RETURNED),
}
# The statuses only a cash on delivery order reaches: ``make_order`` places one for them.
CASH_ON_DELIVERY = {Status.AWAITING_CONFIRMATION, Status.RETURNED}


def make_cart(*items, user=None):
    """A cart holding ``items``: ``(product, quantity)`` or ``(product, quantity, variant)``."""
    cart = Cart.objects.create(user=user)
    for product, quantity, *variant in items:
        CartLine.objects.create(
            cart=cart,
            product=product,
            variant_key=variant[0].pk if variant and variant[0] is not None else 0,
            quantity=quantity,
        )
    return cart


def default_shop():
    """The default site's settings, as saved (the ``shop`` fixture sets known values)."""
    home_page()
    return ShopSettings.for_site(Site.objects.get(is_default_site=True))


def default_delivery(fee="1.50"):
    method, _ = DeliveryMethod.objects.get_or_create(
        code="unit-test-delivery", defaults={"label": "Test delivery", "fee": Decimal(fee)}
    )
    return method


def make_order(
    status=Status.AWAITING_PAYMENT,
    *,
    items=None,
    shop=None,
    delivery=None,
    currency="USD",
    shopper=None,
    user=None,
    by=None,
    reason="Set up by a test",
):
    """An order in ``status`` with lines: placed through ``place_order`` from a cart, then
    moved with the status machine along ``ORDER_HISTORY[status]``.

    ``items`` are ``(product, quantity[, variant])`` (default: one of a new product at $6.50
    with 10 in stock). Returns the order as stored.
    """
    status = Status(status)
    shop = shop or default_shop()
    if items is None:
        items = [(make_product(make_category(), price="6.50", stock=10), 1)]
    shopper = {
        "email": "dara@example.com",
        "name": "Sok Dara",
        "phone": "+85512345678",
        "address": "No. 1, Street 240",
        "province": "Phnom Penh",
    } | (shopper or {})
    cash = status in CASH_ON_DELIVERY
    if cash:
        shop.cash_on_delivery = True  # for this order only: the settings are not saved
    details = CheckoutDetails(
        **shopper,
        delivery_method=delivery or default_delivery(),
        currency=currency,
        payment_method=PaymentMethod.CASH_ON_DELIVERY if cash else PaymentMethod.KHQR,
    )
    order, created = place_order(make_cart(*items), details, shop, user=user)
    assert created, "make_order: place_order answered with an earlier order"
    for target in ORDER_HISTORY[status]:
        if Status(order.status) == target:  # a free order is confirmed (paid) when placed
            continue
        change_status(order.pk, target, by=by, reason=reason)
    order.refresh_from_db()
    assert order.status == status, f"make_order: the order ended {order.status}, not {status}"
    return order


def bakong_transaction(payment, **overrides):
    """The transaction Bakong reports when ``payment``'s QR is paid as asked: its amount and
    currency, to the account in the QR (``receiving_account``), made halfway through the
    QR's validity. ``overrides`` replace any field (``amount``, ``currency``, ``to_account``,
    ``created_ms``, ``hash``...)."""
    code = read_khqr(payment.qr_string)
    created_ms = (code["created_ms"] + code["expires_ms"]) // 2
    fields = {
        "hash": secrets.token_hex(32),
        "from_account": "payer@abaa",
        "to_account": receiving_account(payment),
        "currency": payment.currency,
        "amount": payment.amount,
        "created_ms": created_ms,
        "acknowledged_ms": created_ms + 1000,
        "external_ref": "100FT" + secrets.token_hex(5).upper(),
    }
    raw = overrides.pop("raw", None)
    fields.update(overrides)
    if not isinstance(fields["amount"], Decimal):
        fields["amount"] = Decimal(str(fields["amount"]))
    if raw is None:  # what Bakong's reply carries, as the client keeps it
        raw = {
            "hash": fields["hash"],
            "fromAccountId": fields["from_account"],
            "toAccountId": fields["to_account"],
            "currency": fields["currency"],
            "amount": str(fields["amount"]),
            "createdDateMs": fields["created_ms"],
            "acknowledgedDateMs": fields["acknowledged_ms"],
            "externalRef": fields["external_ref"],
        }
    return Transaction(raw=raw, **fields)


def payment_window_ms(payment):
    """``(created_ms, expires_ms)`` of the payment's QR, exactly as the QR states them."""
    code = read_khqr(payment.qr_string)
    return code["created_ms"], code["expires_ms"]


def after_expiry(payment, seconds=0):
    """The moment ``seconds`` after the payment's QR expired."""
    return payment.expires_at + timedelta(seconds=seconds)
