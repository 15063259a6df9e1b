"""Generated pictures for the demo catalog: soft studio-style backgrounds with a patterned
object, different for every product, made with Pillow so the demo needs no downloads."""

import hashlib
import io
import math

from PIL import Image, ImageDraw, ImageFilter

PALETTES = [
    ((244, 232, 216), (179, 84, 30), (29, 53, 87)),
    ((230, 238, 232), (46, 111, 64), (233, 196, 106)),
    ((236, 232, 244), (94, 72, 153), (244, 162, 97)),
    ((246, 229, 229), (176, 48, 48), (250, 240, 220)),
    ((228, 238, 246), (29, 53, 87), (168, 218, 220)),
    ((244, 240, 222), (138, 110, 42), (60, 60, 60)),
    ((232, 244, 242), (31, 122, 118), (242, 204, 143)),
    ((242, 234, 226), (109, 76, 65), (214, 167, 120)),
]


def _soft_mask(size, shape, blur):
    """A blurred elliptical mask, drawn and blurred at a quarter size (much faster)."""
    small = (size[0] // 4, size[1] // 4)
    mask = Image.new("L", small, 0)
    x0, y0, x1, y1, fill = shape
    ImageDraw.Draw(mask).ellipse((x0 / 4, y0 / 4, x1 / 4, y1 / 4), fill=fill)
    return mask.filter(ImageFilter.GaussianBlur(blur / 4)).resize(size, Image.BILINEAR)


def _rng(seed):
    digest = hashlib.sha256(seed.encode()).digest()
    return list(digest)


def product_image(seed: str, pattern: str = "stripes", size=(800, 800)) -> bytes:
    """A PNG for ``seed`` (a product name): same seed, same picture."""
    numbers = _rng(seed)
    background, main, second = PALETTES[numbers[0] % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)

    # A soft floor shadow and a rounded object in the middle, as on a studio table.
    shadow = _soft_mask(size, (width * 0.2, height * 0.74, width * 0.8, height * 0.86, 45), 28)
    image.paste((0, 0, 0), mask=shadow)

    box = (width * 0.22, height * 0.2, width * 0.78, height * 0.8)
    radius = int(width * (0.06 + (numbers[1] % 20) / 100))
    object_layer = Image.new("RGB", size, main)
    pattern_draw = ImageDraw.Draw(object_layer)
    step = 36 + numbers[2] % 40
    if pattern == "stripes":
        for x in range(-height, width, step * 2):
            pattern_draw.polygon(
                [(x, 0), (x + step, 0), (x + step + height, height), (x + height, height)],
                fill=second,
            )
    elif pattern == "dots":
        for row, y in enumerate(range(0, height, step)):
            for x in range(0, width, step):
                offset = step // 2 if row % 2 else 0
                r = step // 5
                pattern_draw.ellipse((x + offset - r, y - r, x + offset + r, y + r), fill=second)
    elif pattern == "rings":
        cx, cy = width / 2, height / 2
        for r in range(int(width * 0.7), 0, -step):
            pattern_draw.ellipse(
                (cx - r, cy - r, cx + r, cy + r), outline=second, width=max(4, step // 5)
            )
    else:
        for x in range(0, width, step):
            pattern_draw.line((x, 0, x, height), fill=second, width=4)
        for y in range(0, height, step):
            pattern_draw.line((0, y, width, y), fill=second, width=4)
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius=radius, fill=255)
    image.paste(object_layer, mask=mask)

    # A highlight so the object reads as a thing, not a flat swatch.
    angle = numbers[3] / 255 * math.pi
    hx = width * (0.38 + 0.1 * math.cos(angle))
    highlight = _soft_mask(size, (hx, height * 0.24, hx + width * 0.18, height * 0.5, 70), 40)
    image.paste((255, 255, 255), mask=highlight)
    draw.rounded_rectangle(box, radius=radius, outline=tuple(max(c - 30, 0) for c in main), width=3)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def banner_image(seed: str, size=(1800, 800)) -> bytes:
    """A wide banner: overlapping soft shapes in the shop's colours."""
    numbers = _rng(seed)
    width, height = size
    image = Image.new("RGB", size, (29, 53, 87))
    layer = Image.new("RGB", size, (244, 162, 97))
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for i in range(7):
        cx = width * (0.45 + 0.08 * i) + numbers[i] % 60
        cy = height * (0.3 + 0.1 * (i % 3))
        r = height * (0.18 + 0.04 * (i % 4))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=60 + i * 20)
    small = mask.resize((width // 4, height // 4)).filter(ImageFilter.GaussianBlur(8))
    image.paste(layer, mask=small.resize(size, Image.BILINEAR))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
