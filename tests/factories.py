"""Test data builders: small, explicit, and fast enough to make hundreds of products."""

import io
import itertools
from decimal import Decimal

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from catalog.inventory import set_stock
from catalog.models import CategoryPage, ProductImage, ProductPage, ProductVariant
from website.models import HomePage

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
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(iter(yield_hotp_counters_from_time())) + steps
    return format_hotp_value(hotp_value(secret, counter))
