"""The demo catalog's drawn pictures (catalog/demo/images.py): one for every product and
category, the same bytes for the same key, and showing the product's own colours."""

import hashlib
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.text import slugify
from PIL import Image, ImageChops, ImageStat

from catalog.demo import data, images

ROOT = Path(__file__).resolve().parents[2]

PRODUCTS = [row for top in data.CATALOG for child in top["children"] for row in child["products"]]
CATEGORIES = [top["title"] for top in data.CATALOG]
CATEGORIES += [child["title"] for top in data.CATALOG for child in top["children"]]
CATEGORIES += [data.BULK_CATEGORY["title"]]


def loader_keys(row):
    """The keys load_demo asks product_image for: the slug and the picture's number."""
    title, *_, variants, stock = row
    return [f"{slugify(title)}-{index}" for index in range(3 if stock or variants else 2)]


def picture(key, **kwargs):
    raw = images.product_image(key, **kwargs)
    assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(raw))


def coloured_hues(image, min_saturation=90):
    """Hues (0-255) of the clearly coloured pixels: the object, not the pale studio behind it."""
    hue, saturation, value = (band.tobytes() for band in image.convert("HSV").split())
    return [
        h for h, s, v in zip(hue, saturation, value, strict=True) if s > min_saturation and v > 40
    ]


def share(hues, low, high):
    """The share of ``hues`` between low and high (wrapping round 255 for reds)."""
    inside = [h for h in hues if (low <= h <= high if low <= high else h >= low or h <= high)]
    return len(inside) / len(hues)


RED, BLUE, TEAL, GOLD, ORANGE = (235, 12), (150, 185), (110, 140), (18, 45), (12, 30)


def test_every_product_and_category_has_a_picture_of_a_known_kind():
    titles = {row[0] for row in PRODUCTS} | set(CATEGORIES)
    assert titles <= set(data.PICTURES), titles - set(data.PICTURES)
    # No pictures for titles that are not in the catalog (a renamed product would lose its own).
    assert set(data.PICTURES) <= titles, set(data.PICTURES) - titles
    for kind, *_ in [*data.PICTURES.values(), *data.BULK_PICTURES]:
        assert kind in images.KINDS


@pytest.mark.parametrize("row", PRODUCTS, ids=[row[0] for row in PRODUCTS])
def test_every_picture_the_loader_asks_for_is_a_full_size_png(row):
    for key in loader_keys(row):
        image = picture(key)
        assert image.format == "PNG"
        assert image.size == (800, 800)
        assert image.mode == "RGB"


def test_category_bulk_and_banner_pictures():
    for title in CATEGORIES:
        assert picture(title).size == (800, 800)
    for number in range(12):
        assert picture(f"bulk-{number}").size == (800, 800)
    banner = Image.open(io.BytesIO(images.banner_image("home-hero")))
    assert banner.size == (1800, 800)
    assert picture("classic-red-krama-0", size=(300, 200)).size == (300, 200)


def test_same_key_same_bytes_even_with_fresh_caches():
    first = images.product_image("kampot-black-pepper-0")
    images._background.cache_clear()
    assert images.product_image("kampot-black-pepper-0") == first
    assert images.banner_image("home-hero") == images.banner_image("home-hero")
    assert images.product_image("kampot-black-pepper-1") != first


def test_same_bytes_in_another_process():
    """Nothing depends on Python's per-process hash seed or on what was drawn before."""
    script = (
        "import hashlib; from catalog.demo.images import product_image as p; "
        "print(hashlib.sha256(p('cashew-nuts-roasted-0')).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    here = hashlib.sha256(images.product_image("cashew-nuts-roasted-0")).hexdigest()
    assert out.stdout.strip() == here


def test_distinct_products_get_visibly_different_pictures():
    small = {
        row[0]: picture(loader_keys(row)[0]).convert("RGB").resize((32, 32), Image.BOX)
        for row in PRODUCTS
    }
    for a, b in itertools.combinations(small, 2):
        difference = ImageStat.Stat(ImageChops.difference(small[a], small[b])).mean
        assert sum(difference) / 3 > 3, f"{a} and {b} look the same"


@pytest.mark.parametrize(
    "key, hues",
    [
        ("classic-red-krama-0", RED),
        ("classic-red-krama-1", RED),
        ("indigo-krama-0", BLUE),
        ("golden-silk-scarf-0", GOLD),
        ("golden-silk-scarf-2", RED),
        ("silk-cushion-cover-0", TEAL),
        ("silk-cushion-cover-1", ORANGE),
        ("fisherman-trousers-1", BLUE),
    ],
)
def test_a_picture_shows_the_colour_its_product_is_named_for(key, hues):
    coloured = coloured_hues(picture(key).resize((200, 200)))
    # The object fills a good part of the picture, and nearly all of it is that colour.
    assert len(coloured) > 0.04 * 200 * 200
    assert share(coloured, *hues) > 0.9


def test_variants_follow_their_colours():
    # Golden Silk Scarf: Gold, Ivory, Crimson, in that order.
    gold, ivory, crimson = (picture(f"golden-silk-scarf-{i}").resize((200, 200)) for i in range(3))
    assert len(coloured_hues(ivory)) < len(coloured_hues(gold)) / 4
    assert share(coloured_hues(crimson), *RED) > 0.9
    # Rattan Market Basket: Natural, then Black.
    natural, black = (
        picture(f"rattan-market-basket-{i}").crop((250, 300, 550, 700)) for i in (0, 1)
    )
    assert (
        ImageStat.Stat(black.convert("L")).mean[0]
        < ImageStat.Stat(natural.convert("L")).mean[0] - 40
    )


def test_red_pepper_is_redder_than_black_pepper():
    def reds(key):
        return share(coloured_hues(picture(key).resize((200, 200))), *RED)

    assert reds("kampot-red-pepper-0") > reds("kampot-black-pepper-0") + 0.1


def test_keys_that_are_not_demo_titles_still_get_a_fitting_picture():
    # The browser tests ask for pictures by short keys.
    assert images.subject("pepper-pay")[0] == "Kampot Black Pepper"
    assert images.subject("krama-account")[0] == "Classic Red Krama"
    assert images.subject("Kampot Red Pepper-1")[:1] == ("Kampot Red Pepper",)
    assert picture("something-else").size == (800, 800)
    assert images.product_image("something-else") == images.product_image("something-else")
