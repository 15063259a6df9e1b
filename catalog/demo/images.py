"""Pictures for the demo catalog, drawn with Pillow so the demo needs no downloads.

Each product and category in catalog/demo/data.py names the picture it gets in
``data.PICTURES``: a kind of object (a folded krama, a bag of pepper, a woven basket...) and
its colours, one per variant when the variants are colours. The loader asks for pictures by
key (``"classic-red-krama-0"``, ``"Kramas"``, ``"bulk-3"``); ``product_image`` finds the
product behind the key, and the number at the end picks the variant's colour or a closer view.

Pictures are drawn at twice their size in units of a 1000 × 1000 square, then halved, so edges
are smooth. Everything random comes from the key, so the same key always gives the same bytes.
"""

import hashlib
import io
import math
import random
import re
from contextlib import contextmanager
from functools import lru_cache
from itertools import pairwise

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from catalog.demo import data

SUPERSAMPLE = 2
UNIT = 1000

# Named colours used by data.PICTURES. Kept a little muted so they sit well together.
COLOURS = {
    "red": (184, 34, 42),
    "indigo": (36, 52, 112),
    "blue": (44, 88, 160),
    "green": (40, 116, 72),
    "maroon": (112, 28, 48),
    "pink": (222, 104, 132),
    "gold": (212, 160, 52),
    "ivory": (238, 226, 198),
    "crimson": (158, 18, 44),
    "teal": (18, 112, 118),
    "saffron": (232, 146, 26),
    "black": (40, 40, 44),
    "navy": (30, 42, 80),
    "natural": (196, 152, 92),
    "cream": (240, 230, 208),
    "oat": (218, 204, 178),
    "sky": (150, 190, 222),
    "burgundy": (110, 24, 40),
    "jade": (138, 182, 150),
    "terracotta": (176, 92, 52),
    "charcoal": (70, 64, 62),
    "kraft": (190, 150, 104),
    "lemongrass": (196, 200, 120),
}

# Soft studio backdrops: (wall, table).
BACKDROPS = {
    "linen": ((243, 238, 229), (226, 216, 200)),
    "stone": ((236, 235, 232), (214, 210, 204)),
    "sage": ((232, 238, 230), (210, 218, 206)),
    "mist": ((232, 237, 242), (210, 217, 224)),
    "blush": ((244, 233, 228), (228, 210, 202)),
    "sand": ((245, 236, 220), (228, 208, 178)),
    "dusk": ((214, 200, 184), (176, 156, 134)),
}


# --- colours and small helpers -----------------------------------------------------------


def colour(name):
    return COLOURS[name] if isinstance(name, str) else tuple(name)


def mix(a, b, t):
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def tone(c, amount):
    """Lighter (amount > 0, towards white) or darker (amount < 0, towards black)."""
    return mix(c, (255, 255, 255), amount) if amount >= 0 else mix(c, (0, 0, 0), -amount)


def _clamp(v, low=-1.0, high=1.0):
    return max(low, min(high, v))


def rounded(t, gloss=0.0, at=0.3):
    """Light across a rounded body lit from the upper left: -1 (dark) .. 1 (light) for t in 0..1."""
    x = 2 * t - 1
    nz = math.sqrt(max(0.0, 1 - x * x))
    diffuse = -0.5 * x + 0.87 * nz
    value = (diffuse - 0.78) * 0.7
    if gloss:
        value += gloss * math.exp(-(((t - at) / 0.06) ** 2))
    return _clamp(value)


def sheen(folds, strength=0.45, phase=0.0):
    """Soft folds in cloth: bands of light and shade, like silk hanging from a rod."""

    def profile(t):
        wave = math.sin((t * folds + phase) * 2 * math.pi)
        return _clamp(strength * (wave * abs(wave) ** 0.3) - 0.05)

    return profile


def silk(folds, phase=0.0, light=0.5, dark=0.28):
    """Silk's folds: narrow bright highlights and soft shade between them."""

    def profile(t):
        wave = math.sin((t * folds + phase) * 2 * math.pi)
        return light * max(0.0, wave) ** 4 - dark * max(0.0, -wave) ** 1.5

    return profile


def flat(top=0.08, bottom=-0.12):
    return lambda t: top + (bottom - top) * t


def bezier(p0, p1, p2, p3, steps=16):
    """Points along a cubic curve, for outlines of bags, scarves and pots."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        points.append(
            (
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            )
        )
    return points


def arc(cx, cy, rx, ry, start, end, steps=24):
    """Points along an ellipse from angle ``start`` to ``end`` (degrees, 0 = right, 90 = down)."""
    return [
        (
            cx + rx * math.cos(math.radians(start + (end - start) * i / steps)),
            cy + ry * math.sin(math.radians(start + (end - start) * i / steps)),
        )
        for i in range(steps + 1)
    ]


def sausage(spine, radii):
    """An outline round a curved spine, ``radii`` wide at each point, with rounded ends: a
    chilli, a cashew, a strap."""
    left, right = [], []
    for i, ((x, y), r) in enumerate(zip(spine, radii, strict=True)):
        (ax, ay), (bx, by) = spine[max(0, i - 1)], spine[min(len(spine) - 1, i + 1)]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy) or 1
        nx, ny = -dy / length, dx / length
        left.append((x + nx * r, y + ny * r))
        right.append((x - nx * r, y - ny * r))

    def cap(centre, r, start):
        # Half a circle, from one side of the spine round its end to the other.
        return arc(centre[0], centre[1], r, r, start, start - 180, 8)[1:-1]

    (x0, y0), (x1, y1) = spine[0], spine[1]
    a0 = math.degrees(math.atan2(y1 - y0, x1 - x0))
    (xa, ya), (xb, yb) = spine[-2], spine[-1]
    a1 = math.degrees(math.atan2(yb - ya, xb - xa))
    return (
        left + cap(spine[-1], radii[-1], a1 + 90) + right[::-1] + cap(spine[0], radii[0], a0 - 90)
    )


def rotate(points, cx, cy, degrees):
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    return [
        (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
        for x, y in points
    ]


def _solve(matrix, rhs):
    """Gaussian elimination for the small linear system of a perspective transform."""
    n = len(rhs)
    rows = [list(row) + [value] for row, value in zip(matrix, rhs, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[r][col]:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def _perspective(quad, width, height, inset=0):
    """Coefficients that map a quad in the picture onto a width × height texture (less an
    ``inset`` all round, so a softened outline a little outside the quad still has cloth)."""
    source = [
        (inset, inset),
        (width - inset, inset),
        (width - inset, height - inset),
        (inset, height - inset),
    ]
    matrix, rhs = [], []
    for (x, y), (u, v) in zip(quad, source, strict=True):
        matrix.append([x, y, 1, 0, 0, 0, -x * u, -y * u])
        rhs.append(u)
        matrix.append([0, 0, 0, x, y, 1, -x * v, -y * v])
        rhs.append(v)
    return _solve(matrix, rhs)


@lru_cache(maxsize=64)
def _font(size):
    return ImageFont.load_default(size=max(6, size))


def _tile(tile, width, height):
    """``tile`` repeated over width × height pixels."""
    tw, th = tile.size
    row = Image.new(tile.mode, (width + tw, th))
    for x in range(0, width + tw, tw):
        row.paste(tile, (x, 0))
    out = Image.new(tile.mode, (width, height))
    for y in range(0, height, th):
        out.paste(row, (0, y))
    return out


# --- shapes ------------------------------------------------------------------------------


class Poly:
    def __init__(self, points):
        self.points = list(points)

    def pixels(self, canvas):
        return [canvas.pt(p) for p in self.points]

    def bounds(self, canvas):
        pts = self.pixels(canvas)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return min(xs), min(ys), max(xs), max(ys)

    def draw(self, draw, canvas, dx, dy, fill=255):
        draw.polygon([(x - dx, y - dy) for x, y in self.pixels(canvas)], fill=fill)


class Ellipse:
    def __init__(self, cx, cy, rx, ry):
        self.box = (cx - rx, cy - ry, cx + rx, cy + ry)

    def bounds(self, canvas):
        x0, y0 = canvas.pt(self.box[:2])
        x1, y1 = canvas.pt(self.box[2:])
        return x0, y0, x1, y1

    def draw(self, draw, canvas, dx, dy, fill=255):
        x0, y0, x1, y1 = self.bounds(canvas)
        draw.ellipse((x0 - dx, y0 - dy, x1 - dx, y1 - dy), fill=fill)


class Box:
    def __init__(self, x0, y0, x1, y1, radius=0):
        self.box, self.radius = (x0, y0, x1, y1), radius

    def bounds(self, canvas):
        x0, y0 = canvas.pt(self.box[:2])
        x1, y1 = canvas.pt(self.box[2:])
        return x0, y0, x1, y1

    def draw(self, draw, canvas, dx, dy, fill=255):
        x0, y0, x1, y1 = self.bounds(canvas)
        draw.rounded_rectangle(
            (x0 - dx, y0 - dy, x1 - dx, y1 - dy), radius=canvas.d(self.radius), fill=fill
        )


class Painted:
    """A painted shape's mask and position, worked out only if something asks for them (with
    the placing the shape was painted at)."""

    def __init__(self, canvas, shape):
        self.canvas, self.shape, self._masked = canvas, shape, None
        self.placing = canvas.ox, canvas.oy, canvas.scale

    def __iter__(self):
        if self._masked is None:
            canvas = self.canvas
            saved = canvas.ox, canvas.oy, canvas.scale
            canvas.ox, canvas.oy, canvas.scale = self.placing
            self._masked = canvas.mask(self.shape)
            canvas.ox, canvas.oy, canvas.scale = saved
        return iter(self._masked)


def _samples(profile, samples=32):
    return [profile(i / (samples - 1)) for i in range(samples)]


def _stretch(strip, axis, size):
    """A one-pixel strip stretched over ``size``: smooth along the axis, copied across it."""
    width, height = size
    if axis == "x":
        return strip.resize((width, 1), Image.BILINEAR).resize(size, Image.NEAREST)
    return strip.resize((1, height), Image.BILINEAR).resize(size, Image.NEAREST)


def _gradient(base, profile, axis, size):
    """A colour lit and shaded along an axis, as an image of ``size``."""
    strip = Image.new("RGB", (32, 1) if axis == "x" else (1, 32), base)
    return _stretch(_shaded(strip, profile, axis), axis, size)


def _shaded(layer, profile, axis):
    """A texture (or a colour) lit and shaded along an axis: darkened towards black where the
    profile is below zero, lightened towards white where it is above."""
    values = _samples(profile)
    shape = (len(values), 1) if axis == "x" else (1, len(values))
    dark = Image.frombytes(
        "L", shape, bytes(255 - round(min(1.0, max(0.0, -v)) * 255) for v in values)
    )
    light = Image.frombytes("L", shape, bytes(round(min(1.0, max(0.0, v)) * 255) for v in values))
    if layer.size != shape:
        dark, light = _stretch(dark, axis, layer.size), _stretch(light, axis, layer.size)
    return ImageChops.screen(ImageChops.multiply(layer, dark.convert("RGB")), light.convert("RGB"))


# --- the canvas ----------------------------------------------------------------------------


class Canvas:
    """A picture being drawn, in units: the middle square of the picture is 1000 × 1000."""

    def __init__(self, size, seed, supersample=SUPERSAMPLE):
        width, height = size
        self.size = (width, height)
        self.image = Image.new("RGB", (width * supersample, height * supersample))
        self.draw = ImageDraw.Draw(self.image)
        side = min(width, height) * supersample
        self.scale = side / UNIT
        self.ox = (width * supersample - side) / 2
        self.oy = (height * supersample - side) / 2
        digest = hashlib.sha256(seed.encode()).digest()
        self.rng = random.Random(int.from_bytes(digest[:8], "big"))
        # Set when several objects share one background (the banner).
        self.keep_background = False
        # (x, y, zoom) for a closer look at part of the picture.
        self.crop = None

    # Units to pixels.
    def x(self, u):
        return self.ox + u * self.scale

    def y(self, v):
        return self.oy + v * self.scale

    def pt(self, p):
        return (self.x(p[0]), self.y(p[1]))

    def d(self, length):
        return length * self.scale

    @contextmanager
    def placed(self, dx, dy, zoom):
        """Draw a 1000-unit scene at (dx, dy), ``zoom`` times its size (a banner, a close-up)."""
        saved = self.ox, self.oy, self.scale
        self.ox, self.oy = self.x(dx), self.y(dy)
        self.scale *= zoom
        try:
            yield
        finally:
            self.ox, self.oy, self.scale = saved

    @contextmanager
    def clip(self, shape):
        """Whatever is drawn inside the block stays inside ``shape`` (peppercorns seen through
        a window, coffee in a glass): it is drawn on a spare sheet, and only the shape is kept."""
        mask, origin = self.mask(shape)
        box = (*origin, origin[0] + mask.size[0], origin[1] + mask.size[1])
        original = self.image
        self.image = Image.new("RGB", original.size)
        self.image.paste(original.crop(box), origin)
        self.draw = ImageDraw.Draw(self.image)
        try:
            yield
        finally:
            original.paste(self.image.crop(box), origin, mask)
            self.image = original
            self.draw = ImageDraw.Draw(self.image)

    def mask(self, shape):
        """An L mask of ``shape`` and where it goes, cut to the picture (close-ups are bigger
        than the picture)."""
        x0, y0, x1, y1 = shape.bounds(self)
        width, height = self.image.size
        left, top = max(0, math.floor(x0)), max(0, math.floor(y0))
        right, bottom = min(width, math.ceil(x1) + 1), min(height, math.ceil(y1) + 1)
        mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
        shape.draw(ImageDraw.Draw(mask), self, left, top)
        return mask, (left, top)

    def paint(self, shape, fill, shade=None, axis="x", opacity=1.0):
        """Fill a shape with a colour or a texture (a function of width and height in pixels),
        lit and shaded by ``shade`` (a profile from -1 to 1 across ``axis``). Returns the
        painted area, for grain or speckles that must stay inside it."""
        painted = Painted(self, shape)
        if not callable(fill) and shade is None and opacity >= 1:
            # A plain colour is drawn straight onto the picture: much the quickest.
            shape.draw(self.draw, self, 0, 0, fill=colour(fill))
            return painted
        mask, origin = painted
        if opacity < 1:
            mask = mask.point(lambda v: round(v * opacity))
        if callable(fill):
            layer = fill(*mask.size)
            if shade is not None:
                layer = _shaded(layer, shade, axis)
        else:
            layer = _gradient(colour(fill), shade or (lambda t: 0.0), axis, mask.size)
        self.image.paste(layer, origin, mask)
        return painted

    def shade(self, masked, profile, axis="x"):
        """Light and shade what is already painted in an area."""
        mask, (left, top) = masked
        box = (left, top, left + mask.size[0], top + mask.size[1])
        self.image.paste(_shaded(self.image.crop(box), profile, axis), (left, top), mask)

    def texture_quad(self, quad, texture, tex_size, outline=None, shade=None, axis="x", inset=0):
        """Paint a texture (tex_size pixels) onto a quad (four unit points, clockwise from the
        top left), in perspective: the top of a folded cloth, the lid of a box."""
        shape = Poly(outline or quad)
        mask, (left, top) = self.mask(shape)
        pixels = [(x - left, y - top) for x, y in (self.pt(p) for p in quad)]
        coeffs = _perspective(pixels, *tex_size, inset)
        warped = texture.transform(mask.size, Image.PERSPECTIVE, coeffs, Image.BILINEAR)
        if shade is not None:
            warped = _shaded(warped, shade, axis)
        self.image.paste(warped, (left, top), mask)
        return mask, (left, top)

    def soft(self, cx, cy, rx, ry, fill=(0, 0, 0), strength=0.4, blur=0.35):
        """A blurred ellipse: a shadow on the table, or a glow (drawn small, then enlarged)."""
        # A Gaussian blur reaches about three times its radius; no need to paste further.
        margin = blur * min(rx, ry) * 2.2
        x0, y0 = self.pt((cx - rx - margin, cy - ry - margin))
        x1, y1 = self.pt((cx + rx + margin, cy + ry + margin))
        width, height = max(2, int(x1 - x0)), max(2, int(y1 - y0))
        factor = 8
        small = Image.new("L", (max(2, width // factor), max(2, height // factor)), 0)
        sx, sy = small.size[0] / width, small.size[1] / height
        ImageDraw.Draw(small).ellipse(
            (
                (self.x(cx - rx) - x0) * sx,
                (self.y(cy - ry) - y0) * sy,
                (self.x(cx + rx) - x0) * sx,
                (self.y(cy + ry) - y0) * sy,
            ),
            fill=round(255 * strength),
        )
        small = small.filter(ImageFilter.GaussianBlur(self.d(blur * min(rx, ry)) * sx))
        # Only the part inside the picture is enlarged and pasted.
        left, top = max(0, int(x0)), max(0, int(y0))
        right = min(self.image.size[0], int(x0) + width)
        bottom = min(self.image.size[1], int(y0) + height)
        if right <= left or bottom <= top:
            return
        box = (
            (left - int(x0)) * sx,
            (top - int(y0)) * sy,
            (right - int(x0)) * sx,
            (bottom - int(y0)) * sy,
        )
        mask = small.resize((right - left, bottom - top), Image.BILINEAR, box=box)
        self.image.paste(Image.new("RGB", mask.size, fill), (left, top), mask)

    def drop_shadow(self, points, dx=10, dy=14, blur=14, strength=0.3):
        """The soft shadow of a flat thing lying on a surface, a little below and to the right."""
        factor = 8
        shape = Poly([(x + dx, y + dy) for x, y in points])
        x0, y0, x1, y1 = shape.bounds(self)
        pad = self.d(blur) * 3
        left, top = int(x0 - pad), int(y0 - pad)
        width, height = int(x1 - x0 + 2 * pad), int(y1 - y0 + 2 * pad)
        small = Image.new("L", (max(2, width // factor), max(2, height // factor)), 0)
        ImageDraw.Draw(small).polygon(
            [((px - left) / factor, (py - top) / factor) for px, py in shape.pixels(self)],
            fill=round(255 * strength),
        )
        small = small.filter(ImageFilter.GaussianBlur(self.d(blur) / factor))
        self.image.paste(
            Image.new("RGB", (width, height)),
            (left, top),
            small.resize((width, height), Image.BILINEAR),
        )

    def line(self, points, fill, width, joint=None):
        self.draw.line(
            [self.pt(p) for p in points],
            fill=colour(fill),
            width=max(1, round(self.d(width))),
            joint=joint,
        )

    def dot(self, cx, cy, r, fill):
        self.draw.ellipse(
            (self.x(cx - r), self.y(cy - r), self.x(cx + r), self.y(cy + r)), fill=colour(fill)
        )

    def text(self, cx, cy, words, size, fill, anchor="mm"):
        self.draw.text(
            self.pt((cx, cy)),
            words,
            font=_font(round(self.d(size))),
            fill=colour(fill),
            anchor=anchor,
        )

    def finish(self):
        if self.crop:
            # A closer look: a window 1/zoom of the picture's size round (x, y), kept inside it.
            x, y, zoom = self.crop
            width, height = self.image.size
            w, h = width / zoom, height / zoom
            left = min(max(self.x(x) - w / 2, 0), width - w)
            top = min(max(self.y(y) - h / 2, 0), height - h)
            out = self.image.resize(self.size, Image.BOX, box=(left, top, left + w, top + h))
        else:
            out = self.image.reduce(SUPERSAMPLE) if SUPERSAMPLE > 1 else self.image
        buffer = io.BytesIO()
        out.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    # Backgrounds: the same few are drawn again and again, so they are kept once drawn.
    def studio(self, backdrop="linen", horizon=560):
        """A wall meeting a table, softly lit from above: the product photographer's set."""
        self._background("studio", backdrop, horizon)

    def flat(self, surface):
        """A surface seen from above, for things laid flat: shirts, trousers, mats."""
        self._background("flat", surface, 0)

    def _background(self, style, backdrop, horizon):
        if self.keep_background:
            return
        # Backgrounds are smooth, so they are drawn at the picture's own size (and kept, as
        # the same few come back again and again), then doubled.
        backdrop = backdrop if isinstance(backdrop, str) else tuple(backdrop)
        self.image = _background(style, backdrop, horizon, self.size).resize(
            self.image.size, Image.NEAREST
        )
        self.draw = ImageDraw.Draw(self.image)


@lru_cache(maxsize=24)
def _background(style, backdrop, horizon, size):
    canvas = Canvas(size, "", supersample=1)
    rows = []
    if style == "studio":
        wall, table = BACKDROPS[backdrop] if isinstance(backdrop, str) else backdrop
        for i in range(size[1]):
            v = (i - canvas.oy) / canvas.scale
            t = _clamp((v - horizon) / 30 + 0.5, 0, 1)
            t = t * t * (3 - 2 * t)
            lit = tone(wall, 0.12 * _clamp(1 - v / horizon, 0, 1))
            bottom = tone(table, -0.06 * _clamp((v - horizon) / (UNIT - horizon), 0, 1))
            rows.append(mix(lit, bottom, t))
    else:
        surface = colour(backdrop)
        for i in range(size[1]):
            v = (i - canvas.oy) / canvas.scale
            rows.append(tone(surface, 0.06 - 0.1 * _clamp(v / UNIT, 0, 1)))
    column = Image.frombytes("RGB", (1, len(rows)), b"".join(bytes(c) for c in rows))
    canvas.image = column.resize(size, Image.NEAREST)
    # A pool of light behind the subject.
    canvas.soft(500, 430, 340, 270, fill=(255, 255, 255), strength=0.3, blur=0.6)
    return canvas.image


# --- textures ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _grain_tile(size=96):
    """A tile of soft random grain (the same every time) for paper, clay and cloth."""
    rng = random.Random(1953)
    noise = Image.frombytes(
        "L", (size // 2, size // 2), bytes(rng.randrange(256) for _ in range(size * size // 4))
    )
    return noise.resize((size, size), Image.BILINEAR)


def grain(canvas, masked, strength=0.12, fill=(0, 0, 0)):
    """Roughen a painted area a little so it reads as paper, clay or cloth, not plastic."""
    mask, origin = masked
    noise = _tile(_grain_tile(), *mask.size).point(lambda v: round(max(0, v - 128) * 2 * strength))
    canvas.image.paste(Image.new("RGB", mask.size, fill), origin, ImageChops.multiply(mask, noise))


def check(main, light=(247, 244, 236), period=40, accent=True):
    """The krama's check: squares of colour on white, with half-tone bands between them and a
    fine line through the white, as woven on a village loom."""
    main = colour(main)

    def texture(width, height, p=period):
        p = max(4, round(p))
        half = p // 2
        tile = Image.new("RGB", (p, p), light)
        d = ImageDraw.Draw(tile)
        band = mix(main, light, 0.45)
        d.rectangle((0, 0, half - 1, p), fill=band)
        d.rectangle((0, 0, p, half - 1), fill=band)
        d.rectangle((0, 0, half - 1, half - 1), fill=main)
        if accent and p >= 12:
            line = max(1, p // 16)
            d.rectangle(
                (half + p // 4 - line // 2, half, half + p // 4 + line // 2, p),
                fill=mix(main, light, 0.25),
            )
            d.rectangle(
                (half, half + p // 4 - line // 2, p, half + p // 4 + line // 2),
                fill=mix(main, light, 0.25),
            )
        return _tile(tile, width, height)

    return texture


def plaid(stripes, period=120):
    """A madras-style plaid: the same coloured stripes across and down, half mixed."""

    def texture(width, height):
        p = max(8, round(period))
        row = Image.new("RGB", (p, 1))
        x = 0
        total = sum(w for w, _ in stripes)
        for w, c in stripes:
            span = max(1, round(w / total * p))
            row.paste(colour(c), (x, 0, min(p, x + span), 1))
            x += span
        across = row.resize((p, p), Image.NEAREST)
        down = across.transpose(Image.Transpose.TRANSPOSE)
        return _tile(Image.blend(across, down, 0.5), width, height)

    return texture


def weave(base, cell=26, contrast=0.32):
    """Basket weave: flat strands passing over and under upright stakes."""
    base = colour(base)

    def texture(width, height, c=cell):
        c = max(6, round(c))
        tile = Image.new("RGB", (c * 2, c * 2), tone(base, -0.45))
        d = ImageDraw.Draw(tile)
        gap = max(1, c // 9)
        for i in range(2):
            for j in range(2):
                x0, y0 = i * c, j * c
                if (i + j) % 2:
                    # A horizontal strand crossing over: light on top, shade below.
                    d.rounded_rectangle(
                        (x0 - c // 2, y0 + gap, x0 + c + c // 2, y0 + c - gap),
                        radius=c // 3,
                        fill=base,
                    )
                    d.rectangle(
                        (x0, y0 + gap + 1, x0 + c, y0 + c // 3), fill=tone(base, contrast * 0.6)
                    )
                    d.rectangle(
                        (x0, y0 + c - gap - c // 5, x0 + c, y0 + c - gap),
                        fill=tone(base, -contrast),
                    )
                else:
                    d.rounded_rectangle(
                        (x0 + gap, y0 - c // 2, x0 + c - gap, y0 + c + c // 2),
                        radius=c // 3,
                        fill=tone(base, -0.08),
                    )
                    d.rectangle(
                        (x0 + gap + 1, y0, x0 + c // 3, y0 + c), fill=tone(base, contrast * 0.4)
                    )
                    d.rectangle(
                        (x0 + c - gap - c // 5, y0, x0 + c - gap, y0 + c),
                        fill=tone(base, -contrast),
                    )
        return _tile(tile, width, height)

    return texture


def stripes(colours, widths):
    """Diagonal stripes of ``colours``, ``widths`` pixels wide (a tie's silk)."""

    def texture(width, height):
        im = Image.new("RGB", (width, height), colour(colours[0]))
        d = ImageDraw.Draw(im)
        period = sum(widths)
        x = -height
        while x < width + period:
            offset = 0
            for c, w in zip(colours, widths, strict=True):
                d.polygon(
                    [
                        (x + offset, 0),
                        (x + offset + w, 0),
                        (x + offset + w + height, height),
                        (x + offset + height, height),
                    ],
                    fill=colour(c),
                )
                offset += w
            x += period
        return im

    return texture


# --- common objects ------------------------------------------------------------------------


CORN_COLOURS = {
    "black": ((50, 42, 38), (128, 112, 98)),
    "red": (((128, 26, 28)), (206, 96, 84)),
    "white": ((220, 204, 170), (248, 240, 222)),
    "green": ((92, 140, 52), (172, 206, 120)),
}


def corn(c, x, y, r, kind):
    base, light = CORN_COLOURS[kind]
    c.dot(x, y, r, tone(base, -0.25))
    c.dot(x - r * 0.08, y - r * 0.1, r * 0.86, base)
    c.dot(x - r * 0.35, y - r * 0.38, r * 0.3, light)


def heap(c, cx, top, rim, rx, n, r, kind, spread=0.5):
    """A heap of peppercorns (or beans) rising from a rim at ``rim`` to ``top``."""
    points = []
    for _ in range(n):
        u = c.rng.uniform(-1, 1)
        crest = rim - (rim - top) * (1 - u * u)
        y = c.rng.uniform(crest, rim + rx * 0.12 * spread)
        points.append((cx + u * rx, y))
    for x, y in sorted(points, key=lambda p: p[1]):
        corn(c, x, y, r * c.rng.uniform(0.85, 1.12), kind)


def scatter(c, cx, cy, rx, ry, n, draw_one):
    """A few things spilled on the table around (cx, cy), nearest drawn last."""
    points = [(cx + c.rng.uniform(-rx, rx), cy + c.rng.uniform(-ry, ry)) for _ in range(n)]
    for x, y in sorted(points, key=lambda p: p[1]):
        draw_one(x, y)


def bowl(c, cx, rim, rx, depth, body, inner=None, foot=0.45, gloss=0.3):
    """A round bowl seen from a little above. Draws the inside now and returns a function that
    draws the outside, so whatever the bowl holds goes in between."""
    ry = rx * 0.26
    body = colour(body)
    inner = inner or tone(body, -0.18)
    c.paint(Ellipse(cx, rim, rx, ry), inner, shade=flat(-0.2, 0.12), axis="y")

    def front():
        left = bezier(
            (cx - rx, rim),
            (cx - rx * 0.98, rim + depth * 0.7),
            (cx - rx * foot * 1.25, rim + depth),
            (cx - rx * foot, rim + depth),
            12,
        )
        right = bezier(
            (cx + rx * foot, rim + depth),
            (cx + rx * foot * 1.25, rim + depth),
            (cx + rx * 0.98, rim + depth * 0.7),
            (cx + rx, rim),
            12,
        )
        c.paint(
            Poly(left + right + arc(cx, rim, rx, ry, 0, 180, 28)),
            body,
            shade=lambda t: rounded(t, gloss=gloss),
        )
        c.line(arc(cx, rim, rx, ry, 182, 358, 30), tone(body, 0.3), 4)
        c.line(arc(cx, rim, rx - 1, ry - 1, 0, 180, 30), tone(body, 0.25), 5)

    return front


def fringe(c, start, end, length, colours, spacing=9, width=5, splay=10):
    """Twisted tassels along an edge, as a krama or a silk scarf ends."""
    (x0, y0), (x1, y1) = start, end
    count = max(2, int(math.hypot(x1 - x0, y1 - y0) / spacing))
    for i in range(count + 1):
        t = i / count
        x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        angle = math.radians(90 + c.rng.uniform(-splay, splay) + (t - 0.5) * splay)
        size = length * c.rng.uniform(0.82, 1.08)
        tip = (x + math.cos(angle) * size, y + math.sin(angle) * size)
        col = colour(colours[i % len(colours)])
        c.line([(x, y), tip], tone(col, -0.15), width)
        c.line(
            [(x - width * 0.15, y), (tip[0] - width * 0.15, tip[1] - 2)],
            tone(col, 0.12),
            width * 0.45,
        )


def _quad_texture(c, texture, quad, across, ratio=0.62, inset=0.08):
    """A texture sized for a quad (``across`` repeats over its width), with a margin."""
    px = [c.pt(p) for p in quad]
    width = max(8, round(max(abs(px[1][0] - px[0][0]), abs(px[2][0] - px[3][0]))))
    height = max(8, round(width * ratio))
    margin = round(width * inset)
    size = (width + 2 * margin, height + 2 * margin)
    return texture(*size, width / across), size, margin


def folded_cloth(
    c,
    main,
    cx,
    base,
    width,
    depth,
    thickness,
    tail=True,
    checks=16,
    layers=3,
    shine=0.0,
    light=(247, 244, 236),
):
    """A folded krama lying on the table: the top of the fold in perspective, the rounded
    folded edges in front, and the fringed end lying on the table towards us."""
    main = colour(main)
    pattern = check(main, light)
    top_y = base - thickness
    quad = [
        (cx - width * 0.42, top_y - depth),
        (cx + width * 0.42, top_y - depth),
        (cx + width / 2, top_y),
        (cx - width / 2, top_y),
    ]
    tex, size, margin = _quad_texture(c, pattern, quad, checks)
    # Folded cloth is soft: rounded corners and a top that bulges a little.
    tl, tr, br, bl = quad
    outline = (
        bezier(
            bl, (bl[0] - 4, bl[1] - depth * 0.6), (tl[0] - 8, tl[1] + 6), (tl[0] + 10, tl[1] - 2), 8
        )
        + bezier(
            (tl[0] + 10, tl[1] - 2),
            (cx - width * 0.2, tl[1] - 8),
            (cx + width * 0.2, tl[1] - 8),
            (tr[0] - 10, tr[1] - 2),
            10,
        )
        + bezier(
            (tr[0] - 10, tr[1] - 2), (tr[0] + 8, tr[1] + 6), (br[0] + 4, br[1] - depth * 0.6), br, 8
        )
        + [(br[0], br[1] + 6), (bl[0], bl[1] + 6)]
    )
    c.texture_quad(
        quad, tex, size, outline=outline, shade=flat(0.12, -0.06), axis="y", inset=margin
    )
    if shine:
        c.soft(
            cx - width * 0.12,
            top_y - depth * 0.5,
            width * 0.28,
            depth * 0.2,
            fill=(255, 250, 240),
            strength=shine,
            blur=0.9,
        )
    # The folded edges in front, each a soft roll of the same cloth.
    layer = thickness / layers
    for i in range(layers):
        y0 = top_y + i * layer
        shift = (-6, 5, -2, 4)[i % 4]
        roll = Box(
            cx - width / 2 + shift, y0, cx + width / 2 + shift, y0 + layer + 1, radius=layer / 2
        )
        c.paint(
            roll,
            lambda w, h: pattern(w, h, c.d(width) / checks),
            shade=lambda t: 0.1 - 0.75 * t * t - 0.12,
            axis="y",
        )
    if not tail:
        return
    # The end of the krama, lying on the table towards us: plain band, then the fringe.
    x0, x1 = cx + width * 0.02, cx + width * 0.4
    reach = max(90, thickness * 1.15)
    tail_quad = [(x0, base - 4), (x1, base - 4), (x1 + 16, base + reach), (x0 + 6, base + reach)]
    tail_tex, tail_size, tail_margin = _quad_texture(
        c, pattern, tail_quad, checks * (x1 - x0) / width, ratio=0.36
    )
    d = ImageDraw.Draw(tail_tex)
    band_top = tail_size[1] - tail_margin - (tail_size[1] - 2 * tail_margin) * 0.42
    d.rectangle((0, band_top, tail_size[0], tail_size[1]), fill=main)
    for k in (0.3, 0.6):
        y = band_top + (tail_size[1] - tail_margin - band_top) * k
        d.rectangle((0, y, tail_size[0], y + max(1, tail_size[1] // 40)), fill=light)
    c.soft(
        (x0 + x1) / 2, base + reach * 0.5, (x1 - x0) * 0.55, reach * 0.5, strength=0.25, blur=0.4
    )
    c.texture_quad(
        tail_quad, tail_tex, tail_size, shade=flat(-0.2, 0.02), axis="y", inset=tail_margin
    )
    fringe(
        c,
        (tail_quad[3][0] + 5, base + reach - 2),
        (tail_quad[2][0] - 5, base + reach - 2),
        reach * 0.6,
        [main, light],
        spacing=8,
        width=5.5,
        splay=8,
    )


def hanging_cloth(
    c,
    texture,
    left,
    right,
    rod_y,
    bottom,
    folds=3,
    strength=0.2,
    fringe_colours=None,
    band=None,
    wave=10,
    phase=0.0,
    shine=None,
):
    """Cloth hanging from a rod with soft folds, its end either fringed or hemmed."""
    edge = []
    steps = 32
    for i in range(steps + 1):
        t = i / steps
        edge.append(
            (
                right - (right - left) * t,
                bottom + wave * math.sin((t * folds + phase) * 2 * math.pi),
            )
        )
    outline = [
        (left, rod_y + 8),
        (left + 6, rod_y - 10),
        (right - 6, rod_y - 10),
        (right, rod_y + 8),
    ] + edge
    shine = shine or sheen(folds, strength, phase)
    masked = c.paint(Poly(outline), texture, shade=shine, axis="x")
    if band:
        for y0, y1, col in band:
            band_pts = [(x, y + y0) for x, y in edge]
            band_pts += [(x, y + y1) for x, y in reversed(edge)]
            c.paint(Poly(band_pts), col, shade=shine, axis="x")
    # The cloth turns over the rod: lighter where it bends, then in shade just below.
    c.soft(
        (left + right) / 2,
        rod_y - 2,
        (right - left) * 0.45,
        10,
        fill=(255, 255, 255),
        strength=0.35,
        blur=0.5,
    )
    c.soft((left + right) / 2, rod_y + 22, (right - left) * 0.48, 10, strength=0.18, blur=0.6)
    if fringe_colours:
        for a, b in pairwise(edge):
            fringe(c, b, a, 52, fringe_colours, spacing=8, width=4.5, splay=6)
    return masked


def rod(c, left, right, y, radius=14, wood=(150, 104, 62)):
    c.line([(left + 10, y - 160), (left + 40, y)], (120, 110, 100), 2)
    c.line([(right - 10, y - 160), (right - 40, y)], (120, 110, 100), 2)
    c.paint(
        Box(left, y - radius, right, y + radius, radius=radius),
        wood,
        shade=lambda t: rounded(t, 0.3) * 0.8,
        axis="y",
    )
    for x in (left + 60, right - 60):
        c.line([(x, y - radius + 2), (x, y + radius - 2)], tone(wood, -0.3), 3)


def radial(canvas, masked, strength=0.35, fill=(0, 0, 0)):
    """Darken towards the edge of a shape, so a cushion or a heap looks full."""
    mask, origin = masked
    ring = Image.radial_gradient("L").resize(mask.size, Image.BILINEAR)
    ring = ring.point(lambda v: round(min(255, max(0, v - 90) * 1.6) * strength))
    canvas.image.paste(Image.new("RGB", mask.size, fill), origin, ImageChops.multiply(mask, ring))


def glass(c, shape, tint=(235, 242, 240), opacity=0.35, highlight=True):
    """Clear glass over whatever is behind it: a tint, darker edges, and a bright reflection."""
    masked = c.paint(shape, tint, opacity=opacity)
    c.shade(masked, lambda t: -0.28 * (abs(2 * t - 1) ** 3), axis="x")
    if highlight:
        x0, y0, x1, y1 = shape.bounds(c)
        u0, v0 = (x0 - c.ox) / c.scale, (y0 - c.oy) / c.scale
        u1, v1 = (x1 - c.ox) / c.scale, (y1 - c.oy) / c.scale
        w, h = u1 - u0, v1 - v0
        c.paint(
            Box(u0 + w * 0.14, v0 + h * 0.12, u0 + w * 0.2, v1 - h * 0.14, radius=w * 0.03),
            (255, 255, 255),
            opacity=0.55,
        )
        c.paint(
            Box(u0 + w * 0.78, v0 + h * 0.2, u0 + w * 0.82, v1 - h * 0.3, radius=w * 0.02),
            (255, 255, 255),
            opacity=0.3,
        )
    return masked


def bottle_outline(cx, base, width, height, neck, neck_height, shoulder=0.22, radius=24):
    """A bottle: straight body, rounded shoulders and a neck, as a list of points."""
    half, nh = width / 2, neck / 2
    top = base - height
    shoulder_y = top + neck_height
    body_top = shoulder_y + height * shoulder
    return (
        [(cx - nh, top), (cx + nh, top), (cx + nh, shoulder_y)]
        + bezier(
            (cx + nh, shoulder_y),
            (cx + nh, body_top - 10),
            (cx + half, body_top - 30),
            (cx + half, body_top),
            10,
        )
        + bezier(
            (cx + half, base - radius),
            (cx + half, base),
            (cx + half, base),
            (cx + half - radius, base),
            4,
        )
        + bezier(
            (cx - half + radius, base),
            (cx - half, base),
            (cx - half, base),
            (cx - half, base - radius),
            4,
        )
        + bezier(
            (cx - half, body_top),
            (cx - half, body_top - 30),
            (cx - nh, body_top - 10),
            (cx - nh, shoulder_y),
            10,
        )
    )


def cap(c, cx, top, width, height, fill, ridges=True):
    """A screw cap or jar lid, lit like a short cylinder."""
    fill = colour(fill)
    masked = c.paint(
        Box(cx - width / 2, top, cx + width / 2, top + height, radius=min(8, height / 3)),
        fill,
        shade=lambda t: rounded(t, 0.5),
    )
    if ridges:
        for i in range(1, int(width / 9)):
            x = cx - width / 2 + i * 9
            c.line([(x, top + 3), (x, top + height - 3)], tone(fill, -0.25), 1.5)
    return masked


def cylinder_jar(
    c, cx, base, width, height, contents, lid, lid_height=46, radius=30, tint=(236, 244, 240)
):
    """A glass jar: ``contents(c, box)`` draws what is inside, then the glass goes over it."""
    top = base - height
    body = Box(cx - width / 2, top + lid_height - 8, cx + width / 2, base, radius=radius)
    c.soft(cx, base + 4, width * 0.62, 22, strength=0.45, blur=0.5)
    with c.clip(body):
        contents(c, (cx - width / 2, top + lid_height, cx + width / 2, base))
    glass(c, body, tint)
    c.line(arc(cx, base - 6, width / 2 - 6, 10, 10, 170, 16), (255, 255, 255), 3)
    cap(c, cx, top, width * 0.92, lid_height, lid)


def leaf(c, base, tip, width, fill, vein=True):
    """A pointed leaf (or a blade of lemongrass) from ``base`` to ``tip``."""
    (x0, y0), (x1, y1) = base, tip
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1
    nx, ny = -dy / length * width, dx / length * width
    mid1 = (x0 + dx * 0.35 + nx, y0 + dy * 0.35 + ny)
    mid2 = (x0 + dx * 0.35 - nx, y0 + dy * 0.35 - ny)
    outline = bezier(base, mid1, (x0 + dx * 0.8 + nx * 0.5, y0 + dy * 0.8 + ny * 0.5), tip, 10)
    outline += bezier(tip, (x0 + dx * 0.8 - nx * 0.5, y0 + dy * 0.8 - ny * 0.5), mid2, base, 10)
    fill = colour(fill)
    c.paint(Poly(outline), fill, shade=flat(0.12, -0.12), axis="y")
    if vein:
        c.line([base, (x0 + dx * 0.85, y0 + dy * 0.85)], tone(fill, -0.2), max(1.5, width * 0.08))


def stalk(c, base, tip, width, fill=(206, 208, 150)):
    """A lemongrass stalk: a pale, slightly swollen stem with leaf blades at the top."""
    (x0, y0), (x1, y1) = base, tip
    fill = colour(fill)
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    outline = [
        (x0 + nx * width, y0 + ny * width),
        (x0 + dx * 0.6 + nx * width * 0.8, y0 + dy * 0.6 + ny * width * 0.8),
        (x1 + nx * width * 0.5, y1 + ny * width * 0.5),
        (x1 - nx * width * 0.5, y1 - ny * width * 0.5),
        (x0 + dx * 0.6 - nx * width * 0.8, y0 + dy * 0.6 - ny * width * 0.8),
        (x0 - nx * width, y0 - ny * width),
    ]
    c.paint(Poly(outline), fill, shade=lambda t: rounded(t, 0.3))
    c.paint(Ellipse(x0, y0, width * 0.95, width * 0.5), tone(fill, -0.12))
    for k in (0.22, 0.45):
        px, py = x0 + dx * k, y0 + dy * k
        c.line(
            [
                (px + nx * width * 0.9, py + ny * width * 0.9),
                (px - nx * width * 0.9, py - ny * width * 0.9),
            ],
            tone(fill, -0.15),
            2,
        )
    for side in (-1, 1):
        leaf(
            c,
            (x1, y1),
            (x1 + dx * 0.35 + side * nx * 40, y1 + dy * 0.35 + side * ny * 40),
            width * 0.7,
            mix(fill, (120, 160, 70), 0.6),
            vein=False,
        )


def bean(c, x, y, r, angle, fill=(92, 54, 32)):
    """A roasted coffee bean with its crease."""
    fill = colour(fill)
    outline = rotate(arc(x, y, r, r * 0.72, 0, 360, 18), x, y, angle)
    c.paint(Poly(outline), fill, shade=lambda t: rounded(t, 0.5))
    crease = rotate(
        bezier(
            (x - r * 0.8, y),
            (x - r * 0.3, y - r * 0.25),
            (x + r * 0.3, y + r * 0.25),
            (x + r * 0.8, y),
            8,
        ),
        x,
        y,
        angle,
    )
    c.line(crease, tone(fill, -0.55), max(1.5, r * 0.14))


def cup(c, cx, base, width, height, body, drink=None, saucer=True, handle=True):
    """A cup (from an espresso cup to a mug) with its saucer, seen from a little above."""
    body = colour(body)
    rim = base - height
    rx = width / 2
    if saucer:
        c.soft(cx, base + 18, width * 0.95, 22, strength=0.4, blur=0.5)
        c.paint(
            Ellipse(cx, base + 6, width * 0.88, width * 0.2),
            tone(body, -0.08),
            shade=flat(0.15, -0.15),
            axis="y",
        )
        c.paint(Ellipse(cx, base + 2, width * 0.62, width * 0.13), tone(body, -0.15))
    else:
        c.soft(cx, base + 4, width * 0.62, 18, strength=0.45, blur=0.5)
    if handle:
        c.line(
            arc(cx + rx * 1.02, rim + height * 0.45, width * 0.2, height * 0.26, -90, 90, 14),
            tone(body, -0.12),
            width * 0.09,
        )
    outline = [(cx - rx, rim)] + bezier(
        (cx - rx, rim),
        (cx - rx, rim + height * 0.8),
        (cx - rx * 0.7, base),
        (cx - rx * 0.55, base),
        10,
    )
    outline += bezier(
        (cx + rx * 0.55, base),
        (cx + rx * 0.7, base),
        (cx + rx, rim + height * 0.8),
        (cx + rx, rim),
        10,
    )
    outline += arc(cx, rim, rx, rx * 0.24, 0, 180, 20)
    c.paint(Ellipse(cx, rim, rx, rx * 0.24), tone(body, -0.1))
    if drink:
        c.paint(Ellipse(cx, rim + 6, rx * 0.9, rx * 0.2), drink, shade=flat(-0.1, 0.1), axis="y")
        c.paint(
            Ellipse(cx - rx * 0.1, rim + 5, rx * 0.55, rx * 0.1),
            mix(colour(drink), (230, 200, 160), 0.4),
            opacity=0.5,
        )
    c.paint(Poly(outline), body, shade=lambda t: rounded(t, 0.4))
    c.line(arc(cx, rim, rx, rx * 0.24, 185, 355, 20), tone(body, 0.3), 3)
    return outline


def speckle(c, masked, n, fill, size=2.5):
    """Little dark flecks in a glaze (or salt on nuts), kept inside the painted shape."""
    mask, (left, top) = masked
    w, h = mask.size
    for _ in range(n):
        px, py = c.rng.uniform(0, w - 1), c.rng.uniform(0, h - 1)
        if mask.getpixel((int(px), int(py))) > 200:
            r = c.d(size) * c.rng.uniform(0.6, 1.3)
            c.draw.ellipse(
                (left + px - r, top + py - r, left + px + r, top + py + r), fill=colour(fill)
            )


def wooden_board(c, cx, base, width, depth=90, thickness=26, wood=(170, 122, 76)):
    """A wooden serving board on the table, in perspective."""
    wood = colour(wood)
    c.soft(cx, base + 10, width * 0.55, 26, strength=0.4, blur=0.5)
    top = [
        (cx - width * 0.46, base - thickness - depth),
        (cx + width * 0.46, base - thickness - depth),
        (cx + width / 2, base - thickness),
        (cx - width / 2, base - thickness),
    ]
    masked = c.paint(Poly(top), wood, shade=flat(0.12, -0.05), axis="y")
    for i in range(5):
        y = base - thickness - depth + depth * (i + 0.5) / 5
        c.line(
            [(cx - width * 0.45, y), (cx + width * 0.45, y + c.rng.uniform(-3, 3))],
            tone(wood, -0.08),
            2,
        )
    grain(c, masked, 0.08)
    c.paint(
        Box(cx - width / 2, base - thickness, cx + width / 2, base, radius=6),
        tone(wood, -0.2),
        shade=flat(0.0, -0.15),
        axis="y",
    )


# --- kinds of picture ------------------------------------------------------------------------
# Each draws one object, or a small still life, on the 1000-unit square.


class Look:
    """What to draw: ``main`` is this picture's look (a colour, or "black 250 g"), ``style``
    a variation named in data.PICTURES, ``view`` an extra view ("hanging") or None."""

    def __init__(self, title, looks, main, style=None, view=None, index=0):
        self.title, self.looks, self.main = title, looks, main
        self.style, self.view, self.index = style, view, index


LIGHT_COTTON = (247, 244, 236)


def draw_krama(c, look):
    main = colour(look.main)
    if "hanging" in (look.view, look.style):
        c.studio("linen", horizon=940)
        rod(c, 190, 810, 210)
        texture = check(main)

        def fill(width, height):
            return texture(width, height, c.d(36))

        hanging_cloth(
            c,
            fill,
            420,
            730,
            210,
            800,
            folds=2,
            strength=0.16,
            band=[(-60, -14, main)],
            fringe_colours=[main, LIGHT_COTTON],
            phase=0.25,
            wave=6,
        )
        hanging_cloth(
            c,
            fill,
            290,
            620,
            210,
            660,
            folds=2,
            strength=0.18,
            band=[(-60, -14, main)],
            fringe_colours=[main, LIGHT_COTTON],
            wave=6,
        )
        return
    c.studio("stone" if look.main in ("red", "maroon", "pink") else "linen")
    scale = 0.82 if look.style == "small" else 1.0
    silk = look.style == "silk"
    with c.placed(500 * (1 - scale), 700 * (1 - scale), scale):
        c.soft(490, 692, 340, 44, strength=0.45, blur=0.5)
        c.soft(490, 688, 310, 12, strength=0.4, blur=0.4)
        folded_cloth(
            c,
            main,
            490,
            688,
            600,
            180,
            96,
            checks=14 if look.style == "small" else 18,
            shine=0.5 if silk else 0.0,
            light=(236, 206, 140) if silk else LIGHT_COTTON,
        )


def draw_krama_set(c, look):
    c.studio("linen")
    colours = [colour(x) for x in look.main.split()]
    base = 740
    c.soft(500, base + 4, 300, 40, strength=0.45, blur=0.5)
    for i, main in enumerate(reversed(colours)):
        folded_cloth(c, main, 500, base - i * 62, 500, 140, 62, tail=(i == 0), checks=15, layers=2)
    top = base - len(colours) * 62
    # A paper ribbon round the stack, tied in a bow on top.
    ribbon = (222, 186, 104)
    rx = 570
    c.paint(
        Poly([(rx - 14, top - 140), (rx + 14, top - 140), (rx + 22, top + 2), (rx - 8, top + 2)]),
        ribbon,
        shade=flat(0.2, -0.05),
        axis="y",
    )
    c.paint(Box(rx - 8, top, rx + 22, base, radius=3), ribbon, shade=flat(-0.1, -0.35), axis="y")
    for side in (-1, 1):
        loop = rotate(
            arc(rx + side * 50, top - 96, 52, 24, 0, 360, 24), rx + side * 50, top - 96, -side * 18
        )
        c.paint(Poly(loop), ribbon, shade=lambda t: rounded(t, 0.25))
        inner = rotate(
            arc(rx + side * 50, top - 96, 30, 9, 0, 360, 16), rx + side * 50, top - 96, -side * 18
        )
        c.paint(Poly(inner), tone(ribbon, -0.4))
        c.paint(
            Poly(
                [
                    (rx, top - 86),
                    (rx + side * 30, top - 30),
                    (rx + side * 52, top - 24),
                    (rx + side * 10, top - 84),
                ]
            ),
            tone(ribbon, -0.1),
        )
    c.paint(Ellipse(rx, top - 92, 19, 16), tone(ribbon, 0.05), shade=lambda t: rounded(t, 0.3))


def draw_silk_scarf(c, look):
    silk_colour = colour(look.main)
    c.studio("stone" if look.main in ("ivory", "gold") else "linen", horizon=940)
    rod(c, 200, 800, 200, wood=(120, 80, 50))
    edge = tone(silk_colour, 0.35) if look.main != "ivory" else (200, 160, 80)
    fringe_colours = [tone(silk_colour, -0.1), tone(silk_colour, 0.15)]
    hanging_cloth(
        c,
        silk_colour,
        430,
        700,
        200,
        840,
        folds=2.5,
        shine=silk(2.5, 0.1),
        wave=7,
        band=[(-70, -62, edge), (-52, -46, edge)],
        fringe_colours=fringe_colours,
    )
    hanging_cloth(
        c,
        silk_colour,
        300,
        570,
        200,
        730,
        folds=2.5,
        shine=silk(2.5, 0.55),
        wave=8,
        band=[(-70, -62, edge), (-52, -46, edge)],
        fringe_colours=fringe_colours,
    )


def _ikat(width, height):
    """Hol silk: rows of diamonds, their edges smudged sideways as the dyed threads shift."""
    small_w = max(16, width // 5)
    im = Image.new("RGB", (small_w, height), (104, 26, 44))
    d = ImageDraw.Draw(im)
    rows, cols = 7, 4
    rh, cw = height / rows, small_w / cols
    palette = [(226, 176, 64), (36, 72, 58), (240, 222, 184), (24, 24, 40)]
    for r in range(rows + 1):
        for col in range(cols + 1):
            cx = (col + (0.5 if r % 2 else 0)) * cw
            cy = r * rh
            for k, size in enumerate((0.5, 0.36, 0.22, 0.1)):
                ink = palette[(k + r) % len(palette)]
                d.polygon(
                    [
                        (cx, cy - rh * size),
                        (cx + cw * size, cy),
                        (cx, cy + rh * size),
                        (cx - cw * size, cy),
                    ],
                    fill=ink,
                )
    # Bands of small triangles at the top and bottom, as a border is woven.
    for y0 in (0, height - rh * 0.5):
        d.rectangle((0, y0, small_w, y0 + rh * 0.5), fill=(40, 24, 30))
        for col in range(cols * 3):
            x = col * cw / 3
            d.polygon(
                [(x, y0 + rh * 0.45), (x + cw / 6, y0 + rh * 0.08), (x + cw / 3, y0 + rh * 0.45)],
                fill=(226, 176, 64),
            )
    return im.resize((width, height), Image.BILINEAR)


def draw_hol_silk(c, look):
    c.studio("stone", horizon=960)
    # A picture cord to a nail, a wooden frame, a pale mount, and the silk.
    c.line([(300, 190), (500, 95), (700, 190)], (90, 80, 70), 3)
    c.dot(500, 95, 9, (120, 110, 100))
    c.soft(520, 540, 250, 350, strength=0.35, blur=0.25)
    wood = (92, 58, 36)
    c.paint(Box(260, 170, 740, 880, radius=4), wood, shade=flat(0.12, -0.2), axis="y")
    c.paint(Box(282, 192, 718, 858), tone(wood, 0.15))
    c.paint(Box(292, 202, 708, 848), (236, 228, 212))
    masked = c.paint(Box(330, 240, 670, 810), _ikat)
    c.shade(masked, sheen(2, 0.12, 0.2), axis="x")
    c.line([(330, 240), (670, 240)], (150, 140, 120), 2)


def draw_cushion(c, look):
    fill = colour(look.main)
    c.studio("linen" if look.main != "saffron" else "mist")
    if look.view == "pair":
        other = colour(
            next(x for x in look.looks if x != look.main) if len(look.looks) > 1 else look.main
        )
        with c.placed(-70, -60, 0.86):
            _cushion(c, other, 480, 540)
        with c.placed(190, 140, 0.74):
            _cushion(c, fill, 500, 540)
        return
    _cushion(c, fill, 500, 520)


def _cushion(c, fill, cx, cy, size=460):
    h = size / 2
    corners = [
        (cx - h, cy - h + 10),
        (cx + h, cy - h),
        (cx + h + 8, cy + h),
        (cx - h - 6, cy + h + 6),
    ]
    pull = 36
    outline = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        ix, iy = (cx - mx) * pull / h, (cy - my) * pull / h
        outline += bezier(
            (x0, y0),
            (x0 + (mx - x0) * 0.5 + ix, y0 + (my - y0) * 0.5 + iy),
            (x1 + (mx - x1) * 0.5 + ix, y1 + (my - y1) * 0.5 + iy),
            (x1, y1),
            12,
        )
    c.soft(cx + 20, cy + h + 8, h * 1.05, 40, strength=0.45, blur=0.5)
    masked = c.paint(Poly(outline), fill)
    c.shade(masked, lambda t: 0.35 * math.exp(-(((t - 0.35) / 0.18) ** 2)) - 0.1, axis="x")
    radial(c, masked, 0.45)
    # Creases running in from the corners, and the piping round the edge.
    for x, y in corners:
        for bend in (-1, 1):
            end = (x + (cx - x) * 0.3 + bend * 14, y + (cy - y) * 0.3 - bend * 14)
            c.line([(x, y), end], tone(fill, -0.3), 3)
    c.line(outline + outline[:1], tone(fill, -0.25), 6)
    c.line(outline + outline[:1], tone(fill, 0.2), 2)


def draw_tie(c, look):
    silk = colour(look.main)
    c.flat((222, 226, 222))
    knot = [(456, 170), (544, 170), (530, 250), (470, 250)]
    blade = [(472, 246), (528, 246), (586, 760), (500, 860), (414, 760)]
    angle = 12
    knot, blade = rotate(knot, 500, 500, angle), rotate(blade, 500, 500, angle)
    # A regimental stripe: wide silk, a gold line, a little silk, a navy line.
    texture = stripes(
        [silk, (212, 170, 80), silk, (30, 40, 70)], [c.d(w) for w in (17, 3.5, 5, 2.5)]
    )
    # The blade, and the knot over it, as the tie lies tied on the table.
    c.drop_shadow(blade + knot[:2], blur=10, strength=0.3)
    c.paint(Poly(blade), lambda w, h: texture(w, h), shade=lambda t: rounded(t, 0.35) * 0.6)
    c.paint(Poly(knot), lambda w, h: texture(w, h), shade=lambda t: rounded(t, 0.4))
    c.line([blade[0], blade[1]], tone(silk, -0.5), 3)


def _tshirt_outline(cx=500, top=220, bottom=830, half=170, sleeve=150):
    left = [
        (cx - 58, top),
        (cx - 130, top + 16),
        (cx - half - sleeve * 0.55, top + 70),
        (cx - half - sleeve * 0.9, top + 200),
        (cx - half - 20, top + 230),
        (cx - half, top + 170),
        (cx - half - 4, bottom),
    ]
    right = [(2 * cx - x, y) for x, y in reversed(left)]
    return (
        left
        + right
        + bezier((cx + 58, top), (cx + 40, top + 50), (cx - 40, top + 50), (cx - 58, top), 10)
    )


def draw_tshirt(c, look):
    shirt = colour(look.main)
    c.flat((214, 222, 228))
    outline = _tshirt_outline()
    c.drop_shadow(outline)
    masked = c.paint(Poly(outline), shirt, shade=flat(0.05, -0.08), axis="y")
    grain(c, masked, 0.05)
    # Soft folds in the cotton.
    c.soft(400, 640, 20, 120, strength=0.08, blur=0.8)
    c.soft(610, 560, 18, 140, strength=0.08, blur=0.8)
    # The neck rib, and the inside of the back showing through the neck.
    c.paint(
        Poly(bezier((442, 220), (460, 275), (540, 275), (558, 220), 12) + [(542, 214), (458, 214)]),
        tone(shirt, -0.1),
    )
    c.line(bezier((442, 220), (460, 275), (540, 275), (558, 220), 16), tone(shirt, -0.2), 9)
    # The print: Angkor Wat's towers against the rising sun.
    sun = Ellipse(500, 470, 100, 100)
    c.paint(sun, (246, 160, 64), shade=lambda t: 0.3 - 0.6 * t, axis="y")
    angkor(c, 500, 560, (72, 38, 62))
    for i, y in enumerate((575, 590, 603)):
        w = 150 - i * 35
        c.line([(500 - w, y), (500 + w, y)], (236, 140, 70), 5)


def angkor(c, cx, base, ink, scale=1.0):
    """Angkor Wat's silhouette: five lotus-bud towers on a stepped terrace."""
    s = scale
    c.paint(
        Poly(
            [
                (cx - 150 * s, base),
                (cx + 150 * s, base),
                (cx + 130 * s, base - 22 * s),
                (cx - 130 * s, base - 22 * s),
            ]
        ),
        ink,
    )
    for dx, height, width in (
        (0, 150, 50),
        (-70, 110, 40),
        (70, 110, 40),
        (-122, 80, 32),
        (122, 80, 32),
    ):
        x = cx + dx * s
        h, w = height * s, width * s
        y0 = base - 20 * s
        bud = [(x - w / 2, y0), (x - w / 2, y0 - h * 0.35)]
        bud += bezier(
            (x - w / 2, y0 - h * 0.35),
            (x - w * 0.62, y0 - h * 0.62),
            (x - w * 0.2, y0 - h * 0.85),
            (x, y0 - h),
            8,
        )
        bud += bezier(
            (x, y0 - h),
            (x + w * 0.2, y0 - h * 0.85),
            (x + w * 0.62, y0 - h * 0.62),
            (x + w / 2, y0 - h * 0.35),
            8,
        )
        bud += [(x + w / 2, y0)]
        c.paint(Poly(bud), ink)
    c.paint(Box(cx - 135 * s, base - 48 * s, cx + 135 * s, base - 20 * s), ink)


def draw_trousers(c, look):
    cloth = colour(look.main)
    c.flat((232, 224, 210))
    outline = [
        (230, 160),
        (770, 160),
        (760, 250),
        (738, 500),
        (728, 860),
        (522, 860),
        (506, 520),
        (494, 520),
        (478, 860),
        (272, 860),
        (262, 500),
        (240, 250),
    ]
    c.drop_shadow(outline)
    masked = c.paint(Poly(outline), cloth, shade=flat(0.12, -0.05), axis="y")
    grain(c, masked, 0.1, fill=(255, 255, 255))
    # The wide waist flap, folded over, and the long ties either side.
    c.paint(
        Poly([(230, 160), (770, 160), (762, 238), (238, 238)]),
        tone(cloth, 0.1),
        shade=flat(0.1, -0.1),
        axis="y",
    )
    c.line([(240, 240), (760, 240)], tone(cloth, -0.4), 4)
    for side in (-1, 1):
        x = 500 + side * 262
        tie = bezier(
            (x - side * 10, 200),
            (x + side * 110, 190),
            (x + side * 120, 300),
            (x + side * 84, 440),
            16,
        )
        c.drop_shadow(sausage(tie, [12] * len(tie)), blur=8)
        c.paint(Poly(sausage(tie, [12] * len(tie))), cloth, shade=lambda t: rounded(t, 0.3) * 0.6)
    # The fold down the middle of each leg.
    for x in (370, 630):
        c.soft(x, 690, 14, 150, strength=0.22, blur=0.7)
    c.line([(500, 250), (500, 515)], tone(cloth, -0.35), 3)


def draw_shirt(c, look):
    linen = colour(look.main)
    c.flat((206, 216, 222))
    body = [(372, 215), (450, 195), (550, 195), (628, 215), (680, 300), (690, 820)]
    body += bezier((690, 820), (640, 860), (560, 830), (500, 850), 8) + bezier(
        (500, 850), (440, 830), (360, 860), (310, 820), 8
    )
    body += [(320, 300)]
    for side in (-1, 1):
        sleeve = [
            (500 + side * 128, 215),
            (500 + side * 180, 300),
            (500 + side * 238, 760),
            (500 + side * 170, 780),
            (500 + side * 160, 340),
        ]
        c.drop_shadow(sleeve)
    c.drop_shadow(body)
    for side in (-1, 1):
        sleeve = [
            (500 + side * 128, 215),
            (500 + side * 180, 300),
            (500 + side * 238, 760),
            (500 + side * 170, 780),
            (500 + side * 160, 340),
        ]
        c.paint(Poly(sleeve), linen, shade=flat(0.05, -0.15), axis="y")
        c.paint(
            Poly(
                [
                    (500 + side * 238, 760),
                    (500 + side * 170, 780),
                    (500 + side * 166, 730),
                    (500 + side * 232, 712),
                ]
            ),
            tone(linen, -0.08),
        )
    masked = c.paint(Poly(body), linen, shade=flat(0.08, -0.08), axis="y")
    grain(c, masked, 0.1)
    for i in range(24):
        y = 230 + i * 26 + c.rng.uniform(-6, 6)
        x = c.rng.uniform(340, 600)
        c.line([(x, y), (x + c.rng.uniform(40, 110), y)], tone(linen, -0.1), 2)
    # Collar, placket, buttons and a chest pocket.
    c.paint(Poly([(440, 196), (560, 196), (556, 222), (444, 222)]), tone(linen, -0.15))
    for side in (-1, 1):
        c.paint(
            Poly(
                [
                    (500 + side * 62, 194),
                    (500 + side * 4, 232),
                    (500 + side * 36, 300),
                    (500 + side * 78, 236),
                ]
            ),
            tone(linen, 0.06),
            shade=flat(0.1, -0.1),
            axis="y",
        )
        c.line(
            [(500 + side * 62, 194), (500 + side * 78, 236), (500 + side * 36, 300)],
            tone(linen, -0.22),
            2,
        )
    c.line([(514, 232), (514, 836)], tone(linen, -0.18), 2)
    for y in range(300, 820, 80):
        c.dot(500, y, 9, (236, 232, 222))
        c.dot(500, y, 3, tone(linen, -0.3))
    c.paint(Box(380, 360, 460, 450, radius=4), tone(linen, 0.03))
    c.line([(380, 360), (380, 450), (460, 450), (460, 360)], tone(linen, -0.18), 2)


def draw_sarong(c, look):
    c.studio("linen", horizon=940)
    rod(c, 170, 830, 200)
    texture = plaid(
        period=c.d(60),
        stripes=[
            (3, (122, 28, 44)),
            (1, (232, 220, 190)),
            (2, (30, 58, 96)),
            (1, (122, 28, 44)),
            (2, (36, 100, 70)),
            (1, (226, 170, 60)),
        ],
    )
    hanging_cloth(
        c,
        texture,
        420,
        760,
        200,
        840,
        folds=3,
        strength=0.2,
        phase=0.3,
        band=[(-22, -8, (90, 22, 34))],
    )
    hanging_cloth(
        c, texture, 240, 600, 200, 760, folds=3, strength=0.22, band=[(-22, -8, (90, 22, 34))]
    )


def elephant(c, x, y, size, fill, facing=1):
    """A small stylised elephant, for a child's pyjamas."""
    s, f = size, facing
    c.paint(Ellipse(x, y, s * 0.55, s * 0.36), fill)
    for dx in (-0.35, -0.12, 0.12, 0.32):
        c.paint(
            Box(
                x + dx * s * f - s * 0.07,
                y + s * 0.1,
                x + dx * s * f + s * 0.07,
                y + s * 0.5,
                radius=s * 0.04,
            ),
            fill,
        )
    c.paint(Ellipse(x + s * 0.55 * f, y - s * 0.15, s * 0.28, s * 0.26), fill)
    c.paint(Ellipse(x + s * 0.45 * f, y - s * 0.12, s * 0.18, s * 0.22), tone(colour(fill), -0.12))
    c.line(
        bezier(
            (x + s * 0.75 * f, y - s * 0.1),
            (x + s * 0.95 * f, y),
            (x + s * 0.9 * f, y + s * 0.35),
            (x + s * 1.02 * f, y + s * 0.4),
            8,
        ),
        fill,
        s * 0.1,
    )
    c.dot(x + s * 0.62 * f, y - s * 0.2, s * 0.03, (40, 40, 50))


def draw_pyjamas(c, look):
    cloth = colour(look.main)
    c.flat((240, 232, 222))
    print_colour = (244, 244, 246)
    # Trousers below, the top over them.
    trousers = [(365, 520), (635, 520), (650, 870), (520, 870), (500, 640), (480, 870), (350, 870)]
    top = [
        (430, 180),
        (570, 180),
        (640, 205),
        (760, 330),
        (715, 385),
        (650, 330),
        (655, 600),
        (345, 600),
        (350, 330),
        (285, 385),
        (240, 330),
        (360, 205),
    ]
    for shape in (trousers, top):
        c.drop_shadow(shape)
        masked = c.paint(Poly(shape), cloth, shade=flat(0.08, -0.1), axis="y")
        if shape is trousers:
            c.paint(Box(365, 520, 635, 548), tone(cloth, -0.1))
        with c.clip(Poly(shape)):
            for row, y in enumerate(range(150, 900, 95)):
                for x in range(250 + (row % 2) * 70, 780, 140):
                    elephant(c, x, y, 42, print_colour, facing=1 if row % 2 else -1)
        grain(c, masked, 0.05)
    c.line(bezier((452, 182), (470, 225), (530, 225), (548, 182), 12), tone(cloth, -0.25), 8)


def draw_pepper_bag(c, look):
    kind, _, weight = look.main.partition(" ")
    weight = weight or "100 g"
    # Each pepper on its own backdrop, so the three bags are told apart at a glance.
    c.studio({"black": "sand", "red": "blush", "white": "sage"}[kind])
    large = weight != "100 g"
    width, top = (330, 190) if large else (290, 250)
    cx, bottom = 560, 760
    accent = {"black": (40, 40, 44), "red": (170, 34, 38), "white": (150, 140, 110)}[kind]
    c.soft(cx, bottom + 6, width * 0.62, 34, strength=0.5, blur=0.5)
    kraft = colour("kraft")
    masked = c.paint(
        Poly(pouch_outline(cx, top, bottom, width)), kraft, shade=lambda t: rounded(t, 0.15)
    )
    grain(c, masked, 0.14)
    # The heat-sealed top with its crimp, and the zip below it.
    c.paint(Box(cx - width / 2, top, cx + width / 2, top + 34), tone(kraft, -0.1))
    for x in range(int(cx - width / 2 + 6), int(cx + width / 2 - 4), 7):
        c.line([(x, top + 3), (x, top + 31)], tone(kraft, -0.25), 1.5)
    c.line([(cx - width / 2 + 4, top + 58), (cx + width / 2 - 4, top + 58)], tone(kraft, -0.22), 3)
    ink = (38, 34, 32)
    label(
        c,
        cx,
        top + (bottom - top) * 0.42,
        width * 0.72,
        (bottom - top) * 0.38,
        [
            ("KAMPOT", 26, accent),
            ("PEPPER", 40, ink),
            (f"{kind.upper()} · {weight}", 19, (110, 100, 90)),
        ],
        accent,
    )
    # A window in the bag showing the peppercorns inside.
    wy = top + (bottom - top) * 0.72
    window = Box(cx - width * 0.3, wy, cx + width * 0.3, wy + (bottom - top) * 0.15, radius=30)
    c.paint(window, tone(CORN_COLOURS[kind][0], -0.1))
    with c.clip(window):
        for _ in range(70):
            corn(
                c,
                c.rng.uniform(cx - width * 0.3, cx + width * 0.3),
                c.rng.uniform(wy - 6, wy + (bottom - top) * 0.15 + 6),
                11,
                kind,
            )
    c.soft(
        cx - width * 0.12, wy + 14, width * 0.16, 8, fill=(255, 255, 255), strength=0.5, blur=0.6
    )
    # A wooden bowl of peppercorns in front, and a few spilled on the table.
    wood = (150, 98, 56)
    c.soft(330, 832, 150, 26, strength=0.45, blur=0.5)
    front = bowl(c, 330, 748, 140, 84, wood, gloss=0.2)
    heap(c, 330, 700, 758, 128, 120, 12, kind)
    front()
    scatter(c, 620, 850, 150, 28, 9, lambda x, y: corn(c, x, y, 12, kind))


def pouch_outline(cx, top, bottom, width, bulge=18):
    half = width / 2
    return (
        [(cx - half, top), (cx + half, top)]
        + bezier(
            (cx + half, top),
            (cx + half + bulge, top + (bottom - top) * 0.4),
            (cx + half + bulge * 0.6, bottom - 30),
            (cx + half - 6, bottom),
            10,
        )
        + bezier(
            (cx + half - 6, bottom),
            (cx + half * 0.4, bottom + 14),
            (cx - half * 0.4, bottom + 14),
            (cx - half + 6, bottom),
            10,
        )
        + bezier(
            (cx - half + 6, bottom),
            (cx - half - bulge * 0.6, bottom - 30),
            (cx - half - bulge, top + (bottom - top) * 0.4),
            (cx - half, top),
            10,
        )
    )


def label(c, cx, cy, w, h, lines, accent, paper=(246, 240, 226), radius=10):
    """A printed paper label: ``lines`` are (text, size, colour), stacked from the top."""
    c.paint(
        Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, radius=radius),
        paper,
        shade=flat(0.05, -0.08),
        axis="y",
    )
    if accent is not None:
        c.paint(Box(cx - w / 2, cy - h / 2 + h * 0.06, cx + w / 2, cy - h / 2 + h * 0.14), accent)
    y = cy - h / 2 + h * 0.24
    for words, size, ink in lines:
        y += size * 0.55
        c.text(cx, y, words, size, ink)
        y += size * 0.75


def draw_pepper_box(c, look):
    c.studio("sand")
    wood = (176, 128, 80)
    cx, base = 450, 740
    w, depth, wall = 480, 170, 70
    top_y = base - wall
    c.soft(cx, base + 4, w * 0.58, 36, strength=0.5, blur=0.5)
    rim = [
        (cx - w * 0.42, top_y - depth),
        (cx + w * 0.42, top_y - depth),
        (cx + w / 2, top_y),
        (cx - w / 2, top_y),
    ]
    c.paint(Poly(rim), tone(wood, 0.1))
    # Three compartments, each full of one pepper.
    inset = 16
    for i, kind in enumerate(("black", "red", "white")):
        t0, t1 = i / 3, (i + 1) / 3

        def along(t, y_t):
            left = (
                rim[0][0] + (rim[3][0] - rim[0][0]) * y_t,
                rim[0][1] + (rim[3][1] - rim[0][1]) * y_t,
            )
            right = (
                rim[1][0] + (rim[2][0] - rim[1][0]) * y_t,
                rim[1][1] + (rim[2][1] - rim[1][1]) * y_t,
            )
            return (left[0] + (right[0] - left[0]) * t, left[1] + (right[1] - left[1]) * t)

        pad = inset / w
        cell = [
            along(t0 + pad, 0.1),
            along(t1 - pad, 0.1),
            along(t1 - pad, 0.92),
            along(t0 + pad, 0.92),
        ]
        shape = Poly(cell)
        c.paint(shape, tone(wood, -0.45))
        with c.clip(shape):
            x0, x1 = min(p[0] for p in cell), max(p[0] for p in cell)
            y0, y1 = min(p[1] for p in cell), max(p[1] for p in cell)
            points = [(c.rng.uniform(x0, x1), c.rng.uniform(y0, y1)) for _ in range(150)]
            for x, y in sorted(points, key=lambda p: p[1]):
                corn(c, x, y, 10 + (y - y0) / (y1 - y0) * 3, kind)
    c.paint(
        Box(cx - w / 2, top_y, cx + w / 2, base, radius=4), wood, shade=flat(0.0, -0.2), axis="y"
    )
    grain(
        c,
        c.paint(
            Box(cx - w / 2, top_y, cx + w / 2, base, radius=4),
            wood,
            shade=flat(0.0, -0.2),
            axis="y",
        ),
        0.1,
    )
    c.line([(cx - w / 2 + 4, top_y + 2), (cx + w / 2 - 4, top_y + 2)], tone(wood, 0.3), 3)
    label(c, cx, (top_y + base) / 2, 200, 46, [], None, radius=4)
    c.text(cx, (top_y + base) / 2, "KAMPOT PEPPER", 22, (60, 40, 30))
    grinder(c, 790, 790, 360)


def grinder(c, cx, base, height, wood=(150, 96, 54)):
    """A wooden pepper mill: a knob, a rounded head, a waist and a flared foot."""
    h = height
    right = [(cx + 12, base - h), (cx + 14, base - h + 26)]
    right += bezier(
        (cx + 14, base - h + 26),
        (cx + 70, base - h + 30),
        (cx + 74, base - h + 90),
        (cx + 48, base - h + 120),
        8,
    )
    right += bezier(
        (cx + 48, base - h + 120),
        (cx + 38, base - h * 0.55),
        (cx + 42, base - h * 0.3),
        (cx + 66, base - 20),
        10,
    )
    right += [(cx + 66, base)]
    left = [(2 * cx - x, y) for x, y in reversed(right)]
    c.soft(cx, base + 4, 80, 16, strength=0.5, blur=0.5)
    masked = c.paint(Poly(right + left), wood, shade=lambda t: rounded(t, 0.45))
    grain(c, masked, 0.1)
    c.line([(cx - 47, base - h + 122), (cx + 47, base - h + 122)], tone(wood, -0.35), 3)
    c.paint(Ellipse(cx, base - h - 2, 14, 12), tone(wood, -0.2), shade=lambda t: rounded(t, 0.4))


def draw_green_pepper_jar(c, look):
    c.studio("sage")

    def contents(c, box):
        x0, y0, x1, y1 = box
        c.paint(Box(x0, y0 + 20, x1, y1), (196, 204, 150))
        for i in range(7):
            sx = x0 + 30 + (x1 - x0 - 60) * i / 6 + c.rng.uniform(-10, 10)
            stem = bezier(
                (sx, y1 - 10),
                (sx + c.rng.uniform(-40, 40), y1 - 120),
                (sx + c.rng.uniform(-40, 40), y0 + 120),
                (sx + c.rng.uniform(-30, 30), y0 + 40),
                10,
            )
            c.line(stem, (96, 120, 50), 4)
            for k, (px, py) in enumerate(stem):
                if k % 1 == 0:
                    for side in (-1, 1):
                        corn(
                            c,
                            px + side * 13 + c.rng.uniform(-3, 3),
                            py + c.rng.uniform(-4, 4),
                            12,
                            "green",
                        )
        c.paint(Box(x0, y0 + 20, x1, y1), (226, 230, 170), opacity=0.25)

    cylinder_jar(c, 470, 800, 290, 480, contents, (196, 164, 84))
    label(
        c,
        470,
        620,
        292,
        110,
        [("GREEN PEPPER", 26, (40, 80, 40)), ("IN BRINE · KAMPOT", 17, (90, 90, 80))],
        (70, 120, 60),
        radius=2,
    )
    # A fresh sprig beside the jar.
    stem = bezier((640, 830), (690, 790), (740, 760), (810, 740), 9)
    c.line(stem, (90, 120, 50), 5)
    leaf(c, (700, 790), (820, 820), 30, (70, 120, 56))
    for px, py in stem[1:]:
        for side in (-1, 1):
            corn(c, px + side * 4, py + side * 14, 13, "green")


def coffee_bag(
    c, cx, top, bottom, width, bag, words, sub, label_paper=(222, 196, 150), accent=(40, 40, 44)
):
    """A coffee bag with its top rolled down and a tin tie."""
    bag = colour(bag)
    c.soft(cx, bottom + 6, width * 0.62, 32, strength=0.5, blur=0.5)
    masked = c.paint(
        Poly(pouch_outline(cx, top, bottom, width, bulge=14)), bag, shade=lambda t: rounded(t, 0.18)
    )
    grain(c, masked, 0.08, fill=(255, 255, 255))
    c.paint(
        Box(cx - width / 2 - 6, top - 8, cx + width / 2 + 6, top + 48, radius=10),
        tone(bag, 0.08),
        shade=flat(0.15, -0.3),
        axis="y",
    )
    c.paint(
        Box(cx - width / 2 - 26, top + 14, cx + width / 2 + 26, top + 26, radius=5),
        (196, 170, 110),
        shade=flat(0.3, -0.2),
        axis="y",
    )
    c.dot(cx + width * 0.3, top + 90, 16, tone(bag, -0.3))
    c.dot(cx + width * 0.3, top + 90, 8, tone(bag, 0.15))
    label(
        c,
        cx,
        top + (bottom - top) * 0.52,
        width * 0.74,
        (bottom - top) * 0.44,
        words,
        accent,
        paper=label_paper,
        radius=6,
    )
    if sub:
        sub(c)


def draw_coffee_bag(c, look):
    if look.view == "iced":
        draw_iced_coffee(c, look)
        return
    ground = look.main == "ground"
    c.studio("linen")
    words = [
        ("MONDULKIRI", 22, (120, 60, 30)),
        ("ROBUSTA", 40, (40, 28, 22)),
        ("GROUND" if ground else "WHOLE BEANS", 18, (90, 70, 56)),
        ("DARK ROAST", 16, (90, 70, 56)),
    ]
    coffee_bag(c, 540, 220, 780, 320, (44, 36, 32), words, None)
    if ground:
        # A scoop of ground coffee in front.
        front = bowl(c, 320, 780, 120, 64, (200, 190, 176), gloss=0.3)
        mound = Poly(arc(320, 782, 112, 70, 180, 360, 24))
        masked = c.paint(mound, (70, 44, 30), shade=lambda t: rounded(t, 0.1))
        speckle(c, masked, 500, (110, 74, 48), size=2.5)
        speckle(c, masked, 300, (40, 26, 18), size=2.5)
        front()
        c.line([(420, 800), (520, 850)], (200, 190, 176), 18)
    else:
        points = [(c.rng.uniform(230, 820), c.rng.uniform(800, 880)) for _ in range(22)]
        for x, y in sorted(points, key=lambda p: p[1]):
            if 380 < x < 700 and y < 812:
                continue
            bean(c, x, y, 26, c.rng.uniform(0, 180))


def draw_iced_coffee(c, look):
    c.studio("blush")
    cx, base, top, w = 500, 820, 300, 230
    c.soft(cx, base + 4, w * 0.7, 26, strength=0.45, blur=0.5)
    body = Poly(
        [(cx - w / 2, top), (cx + w / 2, top), (cx + w * 0.42, base), (cx - w * 0.42, base)]
    )
    with c.clip(body):
        # Coffee over condensed milk, the two just starting to swirl together.
        c.paint(Box(cx - w, top + 60, cx + w, base), (70, 40, 24), shade=flat(0.0, 0.0), axis="y")
        c.paint(
            Box(cx - w, base - 110, cx + w, base), (226, 196, 150), shade=flat(-0.1, 0.05), axis="y"
        )
        c.soft(cx, base - 120, w * 0.6, 24, fill=(150, 100, 64), strength=0.9, blur=0.6)
        for i, (dx, dy) in enumerate(((-40, 100), (30, 140), (-10, 200), (50, 90))):
            cube = rotate(
                [
                    (cx + dx - 38, top + dy - 34),
                    (cx + dx + 38, top + dy - 34),
                    (cx + dx + 38, top + dy + 34),
                    (cx + dx - 38, top + dy + 34),
                ],
                cx + dx,
                top + dy,
                12 * (i + 1),
            )
            c.paint(Poly(cube), (210, 190, 176), opacity=0.45)
            c.line(cube[:2], (255, 255, 255), 3)
    c.line([(cx + 30, top - 130), (cx + 6, top + 200)], (40, 40, 44), 16)
    glass(c, body, (240, 246, 246), opacity=0.18)
    c.paint(Ellipse(cx, top, w / 2, 22), (240, 246, 246), opacity=0.35)
    c.line(arc(cx, top, w / 2, 22, 0, 360, 40), (255, 255, 255), 3)
    for _ in range(5):
        bean(c, c.rng.uniform(250, 380), c.rng.uniform(810, 860), 22, c.rng.uniform(0, 180))


def draw_coffee_cup(c, look):
    c.studio("sage")
    words = [
        ("RATANAKIRI", 20, (60, 100, 60)),
        ("ARABICA", 36, (40, 28, 22)),
        ("MEDIUM ROAST", 16, (90, 70, 56)),
    ]
    coffee_bag(
        c,
        380,
        220,
        720,
        270,
        colour("kraft"),
        words,
        None,
        label_paper=(250, 246, 236),
        accent=(60, 110, 70),
    )
    cup(c, 650, 800, 200, 130, (246, 244, 240), drink=(96, 58, 34))
    for _ in range(6):
        bean(
            c,
            c.rng.uniform(230, 480),
            c.rng.uniform(780, 860),
            22,
            c.rng.uniform(0, 180),
            fill=(120, 72, 40),
        )


def draw_lemongrass_tea(c, look):
    c.studio("sage")
    # A glass of pale tea with a saucer, lemongrass stalks, and a bowl of the dried tea.
    cx, base, w, h = 560, 760, 220, 250
    c.soft(cx, base + 8, w * 0.8, 24, strength=0.4, blur=0.5)
    c.paint(
        Ellipse(cx, base + 2, w * 0.8, w * 0.17), (240, 238, 232), shade=flat(0.15, -0.1), axis="y"
    )
    body = Poly(
        [(cx - w / 2, base - h), (cx + w / 2, base - h)]
        + bezier(
            (cx + w / 2, base - h),
            (cx + w / 2, base - 30),
            (cx + w / 2 - 10, base),
            (cx + w / 2 - 40, base),
            6,
        )
        + bezier(
            (cx - w / 2 + 40, base),
            (cx - w / 2 + 10, base),
            (cx - w / 2, base - 30),
            (cx - w / 2, base - h),
            6,
        )
    )
    with c.clip(body):
        c.paint(
            Box(cx - w, base - h + 40, cx + w, base),
            (226, 184, 80),
            shade=flat(-0.05, 0.1),
            axis="y",
        )
        c.paint(Ellipse(cx, base - h + 40, w / 2, 16), (240, 206, 110))
    glass(c, body, opacity=0.15)
    c.line(arc(cx, base - h, w / 2, 18, 0, 360, 40), (255, 255, 255), 3)
    c.line(arc(cx + w / 2, base - h * 0.55, 42, 60, -90, 90, 14), (236, 240, 238), 10)
    front = bowl(c, 290, 770, 120, 56, (238, 234, 226), gloss=0.3)
    points = [(c.rng.uniform(190, 390), c.rng.uniform(740, 790)) for _ in range(90)]
    for x, y in sorted(points, key=lambda p: p[1]):
        if ((x - 290) / 110) ** 2 + ((y - 772) / 30) ** 2 < 1:
            c.paint(
                Box(x - 9, y - 3, x + 9, y + 3, radius=2),
                (200, 198, 120) if c.rng.random() < 0.6 else (170, 170, 90),
            )
    front()
    stalk(c, (380, 880), (760, 840), 16)
    stalk(c, (420, 900), (820, 880), 15)


def draw_cold_brew(c, look):
    c.studio("mist")
    words = [("COLD BREW", 22, (40, 28, 22)), ("ROBUSTA", 16, (90, 70, 56))]
    coffee_bag(
        c,
        300,
        400,
        760,
        210,
        colour("kraft"),
        words,
        None,
        label_paper=(250, 246, 236),
        accent=(40, 60, 90),
    )
    # The bottle: dark coffee in clear glass, and a swing top.
    outline = bottle_outline(560, 800, 190, 540, 64, 120, shoulder=0.16)
    c.soft(560, 802, 130, 22, strength=0.5, blur=0.5)
    body = Poly(outline)
    with c.clip(body):
        c.paint(Box(400, 380, 720, 810), (52, 32, 22), shade=lambda t: rounded(t, 0.25))
    glass(c, body, opacity=0.12)
    cap(c, 560, 250, 74, 26, (40, 40, 44), ridges=False)
    c.line([(528, 280), (510, 330), (540, 350)], (170, 170, 176), 4)
    label(
        c,
        560,
        600,
        150,
        120,
        [("COLD", 22, (250, 246, 236)), ("BREW", 22, (250, 246, 236))],
        None,
        paper=(30, 58, 92),
        radius=4,
    )
    cup(c, 760, 820, 130, 150, (230, 236, 238), drink=(60, 36, 22), saucer=False, handle=False)


def sugar_cake(c, x, y, r, fill):
    """A cake of palm sugar: a thick round with a domed top, as it sets in its mould."""
    height = r * 0.5
    side = Poly(arc(x, y, r, r * 0.3, 0, 180, 16) + arc(x, y - height, r, r * 0.3, 180, 360, 16))
    masked = c.paint(side, tone(fill, -0.15), shade=lambda t: rounded(t, 0.2))
    grain(c, masked, 0.22)
    top = c.paint(
        Ellipse(x, y - height, r * 0.98, r * 0.3),
        tone(fill, 0.14),
        shade=flat(0.15, -0.05),
        axis="y",
    )
    grain(c, top, 0.2)


def draw_palm_sugar(c, look):
    c.studio("sand")
    sugar = (204, 140, 66)
    # A banana leaf with a heap of palm sugar cakes, and a paper tag.
    leaf(c, (140, 830), (880, 700), 150, (78, 124, 62))
    cakes = [(330, 770), (470, 780), (610, 772), (400, 700), (540, 704), (470, 628)]
    for x, y in cakes:
        sugar_cake(c, x, y, 82, tone(sugar, c.rng.uniform(-0.05, 0.05)))
    c.line([(700, 590), (720, 520)], (120, 100, 80), 2)
    label(
        c,
        760,
        610,
        220,
        110,
        [("PALM SUGAR", 26, (90, 50, 24)), ("KAMPONG SPEU", 16, (120, 100, 80))],
        None,
        radius=6,
    )


def fish(c, x, y, size, fill):
    s = size
    body = arc(x, y, s, s * 0.45, 0, 360, 20)
    c.paint(Poly(body), fill)
    c.paint(
        Poly(
            [
                (x - s * 0.9, y),
                (x - s * 1.5, y - s * 0.5),
                (x - s * 1.4, y),
                (x - s * 1.5, y + s * 0.5),
            ]
        ),
        fill,
    )
    c.dot(x + s * 0.55, y - s * 0.08, s * 0.1, (250, 246, 236))


def draw_fish_sauce(c, look):
    c.studio("linen")
    cx, base = 470, 800
    outline = bottle_outline(cx, base, 180, 600, 58, 150, shoulder=0.14)
    c.soft(cx, base + 4, 130, 24, strength=0.5, blur=0.5)
    body = Poly(outline)
    with c.clip(body):
        c.paint(
            Box(cx - 120, base - 470, cx + 120, base + 10),
            (150, 78, 24),
            shade=lambda t: rounded(t, 0.3),
        )
        c.paint(Box(cx - 120, base - 470, cx + 120, base - 462), (190, 110, 40))
    glass(c, body, opacity=0.1)
    cap(c, cx, base - 640, 66, 52, (184, 36, 36))
    label(
        c,
        cx,
        base - 190,
        178,
        200,
        [("PREMIUM", 17, (150, 40, 30)), ("FISH", 32, (30, 40, 60)), ("SAUCE", 32, (30, 40, 60))],
        (30, 70, 110),
        radius=2,
    )
    fish(c, cx, base - 110, 30, (30, 70, 110))
    # A dipping dish with sliced chilli.
    front = bowl(c, 720, 770, 100, 40, (246, 244, 240), gloss=0.3)
    c.paint(Ellipse(720, 774, 86, 18), (150, 80, 30))
    for dx in (-40, -5, 30):
        c.paint(Ellipse(720 + dx, 772, 13, 6), (200, 40, 30))
        c.paint(Ellipse(720 + dx, 772, 6, 3), (240, 200, 120))
    front()


def mango(c, x, y, length, angle, ripple):
    """A slice of dried mango: a flat, uneven strip, deep orange at its edges and paler and
    almost see-through at its middle."""
    outline = []
    for i in range(36):
        a = 2 * math.pi * i / 36
        edge = 1 + 0.06 * math.sin(5 * a + ripple) + 0.04 * math.sin(9 * a + 2 * ripple)
        outline.append((x + math.cos(a) * length * edge, y + math.sin(a) * length * 0.3 * edge))
    outline = rotate(outline, x, y, angle)
    masked = c.paint(Poly(outline), (240, 150, 30))
    radial(c, masked, 0.22, fill=(170, 70, 10))
    inner = rotate(
        arc(x - length * 0.05, y - 2, length * 0.7, length * 0.14, 0, 360, 24), x, y, angle
    )
    c.paint(Poly(inner), (252, 186, 70), opacity=0.7)
    for k in (-0.35, 0.0, 0.3):
        c.line(
            rotate(
                [
                    (x - length * 0.55, y + length * 0.12 * k),
                    (x + length * 0.5, y + length * 0.1 * k),
                ],
                x,
                y,
                angle,
            ),
            (250, 170, 60),
            3,
        )


def draw_dried_mango(c, look):
    c.studio("mist")
    c.soft(500, 800, 330, 40, strength=0.4, blur=0.5)
    c.paint(Ellipse(500, 740, 330, 96), (248, 246, 242), shade=flat(0.1, -0.15), axis="y")
    c.paint(Ellipse(500, 736, 240, 62), (236, 234, 228))
    # Slices fanned across the plate, the ones further back drawn first.
    slices = [
        (420, 640, 150, -14),
        (590, 630, 150, 12),
        (500, 610, 155, -4),
        (380, 700, 140, 8),
        (610, 690, 150, -10),
        (500, 670, 155, 4),
        (470, 740, 140, -6),
        (600, 750, 130, 14),
    ]
    for i, (x, y, length, angle) in enumerate(slices):
        mango(c, x, y, length, angle, ripple=i * 1.7)
    mango(c, 800, 860, 120, 20, ripple=3.1)


def cashew(c, x, y, size, angle, fill, salted=False):
    """A cashew: a plump crescent, fuller at one end, lit on its back."""
    spine = arc(x, y + size * 0.2, size * 0.5, size * 0.5, 215, 325, 12)
    radii = [size * (0.25 - 0.05 * i / 12) for i in range(13)]
    outline = rotate(sausage(spine, radii), x, y, angle)
    masked = c.paint(Poly(outline), fill, shade=flat(0.22, -0.12), axis="y")
    radial(c, masked, 0.5, fill=tone(colour(fill), -0.5))
    if salted:
        speckle(c, masked, 6, (250, 248, 240), size=1.1)


def draw_cashews(c, look):
    salted = look.main != "unsalted"
    fill = (206, 150, 80) if salted else (234, 206, 156)
    c.studio("blush" if salted else "linen")
    c.soft(500, 800, 250, 30, strength=0.45, blur=0.5)
    front = bowl(c, 500, 620, 240, 170, (182, 132, 86), gloss=0.2)
    points = []
    for _ in range(30):
        u = c.rng.uniform(-1, 1)
        points.append((500 + u * 200, c.rng.uniform(620 - 120 * (1 - u * u), 650)))
    for x, y in sorted(points, key=lambda p: p[1]):
        cashew(
            c, x, y, 96, c.rng.uniform(-50, 50) + (180 if c.rng.random() < 0.5 else 0), fill, salted
        )
    front()
    for x, y, a in ((230, 850, 20), (760, 860, 190), (660, 900, 160)):
        cashew(c, x, y, 96, a, fill, salted)


def chilli(c, start, end, bend, fill=(200, 30, 28)):
    """A red chilli: a curved pod narrowing to its tip, with a green stalk."""
    (x0, y0), (x1, y1) = start, end
    mx, my = (x0 + x1) / 2 + bend[0], (y0 + y1) / 2 + bend[1]
    spine = bezier(start, (mx, my), (mx, my), end, 14)
    radii = [17 * (1 - i / 14) ** 0.7 + 2 for i in range(15)]
    c.paint(Poly(sausage(spine, radii)), fill, shade=lambda t: rounded(t, 0.5), axis="y")
    c.line([(x0 + 4, y0), (x0 - 20, y0 - 12), (x0 - 30, y0 - 28)], (70, 110, 50), 8)


def draw_chili_paste(c, look):
    c.studio("linen")

    def contents(c, box):
        x0, y0, x1, y1 = box
        masked = c.paint(Box(x0, y0 + 20, x1, y1), (178, 52, 26), shade=lambda t: rounded(t, 0.1))
        speckle(c, masked, 500, (226, 120, 50), size=3)
        speckle(c, masked, 300, (110, 30, 20), size=3)
        speckle(c, masked, 120, (160, 170, 80), size=3)

    cylinder_jar(c, 450, 790, 300, 330, contents, (40, 40, 44), lid_height=56)
    label(
        c,
        450,
        650,
        302,
        110,
        [("KROEUNG", 26, (150, 40, 30)), ("CHILI · LEMONGRASS", 16, (80, 70, 60))],
        (60, 110, 60),
        radius=2,
    )
    chilli(c, (640, 800), (830, 850), (20, 30))
    chilli(c, (660, 860), (860, 900), (0, 30), fill=(184, 24, 24))
    stalk(c, (560, 900), (880, 760), 13)


def draw_rice_bowl(c, look):
    glaze = colour(look.main)
    c.studio("linen")
    c.soft(500, 790, 250, 34, strength=0.45, blur=0.5)
    front = bowl(c, 500, 560, 260, 230, glaze, inner=tone(glaze, 0.1), foot=0.42, gloss=0.45)
    rice = Poly(arc(500, 566, 234, 112, 180, 360, 30))
    c.paint(rice, (248, 246, 240), shade=lambda t: rounded(t, 0.1) * 0.5)
    for _ in range(260):
        x, y = c.rng.uniform(270, 730), c.rng.uniform(450, 575)
        if ((x - 500) / 235) ** 2 + ((y - 570) / 115) ** 2 < 1:
            c.paint(Ellipse(x, y, 9, 4), (230, 228, 220))
    front()
    c.soft(420, 640, 70, 90, fill=(255, 255, 255), strength=0.25, blur=0.8)
    c.paint(Box(600, 840, 640, 870, radius=8), (120, 96, 70))
    for dy in (0, 16):
        c.line([(300, 840 + dy), (900, 820 + dy)], (166, 120, 74), 10)


def draw_teapot(c, look):
    glaze = colour(look.main)
    c.studio("linen")
    cx, cy = 470, 590
    c.soft(cx, 800, 230, 34, strength=0.5, blur=0.5)
    # Spout, body, lid and knob, then the bamboo handle arching over.
    spout = [
        (cx + 140, cy - 10),
        (cx + 240, cy - 130),
        (cx + 268, cy - 140),
        (cx + 258, cy - 112),
        (cx + 175, cy + 60),
    ]
    c.paint(Poly(spout), glaze, shade=flat(0.2, -0.2), axis="y")
    masked = c.paint(Ellipse(cx, cy, 200, 190), glaze, shade=lambda t: rounded(t, 0.55))
    grain(c, masked, 0.12, fill=(255, 255, 255))
    c.paint(Box(cx - 100, cy + 170, cx + 100, cy + 200, radius=10), tone(glaze, -0.25))
    c.paint(Ellipse(cx, cy - 170, 100, 26), tone(glaze, -0.25))
    c.paint(Ellipse(cx, cy - 180, 90, 30), tone(glaze, 0.08), shade=lambda t: rounded(t, 0.4))
    c.paint(Ellipse(cx, cy - 210, 22, 20), tone(glaze, 0.05), shade=lambda t: rounded(t, 0.4))
    bamboo = (200, 164, 96)
    c.line(
        bezier(
            (cx - 150, cy - 110),
            (cx - 120, cy - 360),
            (cx + 120, cy - 360),
            (cx + 150, cy - 110),
            20,
        ),
        tone(bamboo, -0.25),
        24,
    )
    c.line(
        bezier(
            (cx - 150, cy - 114),
            (cx - 120, cy - 364),
            (cx + 120, cy - 364),
            (cx + 150, cy - 114),
            20,
        ),
        bamboo,
        14,
    )
    for t in (0.25, 0.75):
        x = cx - 150 + 300 * t
        c.line(
            [
                (x - 6, cy - 300 + abs(t - 0.5) * 200 - 10),
                (x + 6, cy - 300 + abs(t - 0.5) * 200 - 10),
            ],
            tone(bamboo, -0.4),
            12,
        )
    cup(c, 790, 800, 120, 80, glaze, drink=(150, 110, 40), saucer=False, handle=False)


def draw_clay_pot(c, look):
    clay = colour(look.main)
    c.studio("sand")
    cx, cy = 500, 610
    c.soft(cx, 820, 260, 36, strength=0.5, blur=0.5)
    masked = c.paint(Ellipse(cx, cy, 260, 200), clay, shade=lambda t: rounded(t, 0.25))
    grain(c, masked, 0.18)
    c.soft(cx, cy + 170, 200, 50, fill=(40, 24, 16), strength=0.35, blur=0.6)
    c.paint(Ellipse(cx, cy - 186, 190, 44), tone(clay, -0.2), shade=lambda t: rounded(t, 0.3))
    c.paint(Ellipse(cx, cy - 196, 176, 38), tone(clay, 0.05))
    lid = Poly(arc(cx, cy - 200, 168, 110, 180, 360, 30))
    masked = c.paint(lid, tone(clay, 0.02), shade=lambda t: rounded(t, 0.4))
    grain(c, masked, 0.15)
    c.paint(Ellipse(cx, cy - 306, 34, 14), tone(clay, -0.1))
    c.paint(
        Poly(arc(cx, cy - 306, 34, 30, 180, 360, 16)),
        tone(clay, 0.05),
        shade=lambda t: rounded(t, 0.3),
    )
    for side in (-1, 1):
        c.paint(
            Ellipse(cx + side * 262, cy - 60, 26, 16),
            tone(clay, -0.1),
            shade=lambda t: rounded(t, 0.3),
        )


def draw_espresso_cups(c, look):
    c.studio("linen")
    wooden_board(c, 500, 830, 700, depth=230, thickness=28)
    glaze = (236, 226, 206)
    for x, y in ((370, 640), (630, 640), (420, 770), (690, 770)):
        outline = cup(c, x, y, 150, 110, glaze, drink=None, saucer=False, handle=True)
        masked = c.mask(Poly(outline))
        speckle(c, masked, 60, (120, 90, 70), size=2.2)
        c.line(arc(x, y - 110, 75, 18, 0, 360, 30), (140, 96, 66), 4)


def draw_basket(c, look):
    fill = colour(look.main)
    c.studio("sage" if look.main == "natural" else "linen")
    cx, rim, base = 500, 400, 800
    top_half, bottom_half = 250, 200
    leather = (132, 78, 44)
    c.soft(cx, base + 4, 270, 34, strength=0.5, blur=0.5)
    # The handle behind, the inside of the basket, the woven body, the rim, the handle in front.
    handle = bezier(
        (cx - 110, rim + 10), (cx - 100, rim - 300), (cx + 100, rim - 300), (cx + 110, rim + 10), 20
    )
    c.line([(x + 24, y - 8) for x, y in handle], tone(leather, -0.3), 30)
    c.paint(Ellipse(cx, rim, top_half, 48), tone(fill, -0.55))
    body = [(cx - top_half, rim), (cx + top_half, rim)]
    body += bezier(
        (cx + top_half, rim),
        (cx + top_half - 10, base - 120),
        (cx + bottom_half, base - 10),
        (cx + bottom_half - 30, base),
        10,
    )
    body += bezier(
        (cx - bottom_half + 30, base),
        (cx - bottom_half, base - 10),
        (cx - top_half + 10, base - 120),
        (cx - top_half, rim),
        10,
    )
    body += arc(cx, rim, top_half, 48, 180, 0, 20)[::-1][::-1][:0]
    body_shape = Poly(arc(cx, rim, top_half, 48, 0, 180, 24)[::-1] + body[2:])
    c.paint(body_shape, weave(fill, cell=c.d(22)), shade=lambda t: rounded(t, 0.1))
    c.line(arc(cx, rim, top_half, 48, 0, 180, 30), tone(fill, 0.1), 22)
    c.line(arc(cx, rim, top_half, 48, 0, 180, 30), tone(fill, -0.1), 6)
    c.line(arc(cx, rim, top_half, 48, 180, 360, 30), tone(fill, -0.15), 18)
    c.line(handle, leather, 30)
    c.line(handle, tone(leather, 0.25), 8)
    for x, y in (handle[0], handle[-1]):
        c.paint(Box(x - 22, y - 10, x + 22, y + 40, radius=6), tone(leather, -0.1))
        c.dot(x, y + 14, 5, (190, 170, 120))


def draw_hyacinth_box(c, look):
    fill = (178, 146, 102)
    c.studio("linen")
    cx, base, w = 500, 800, 480
    c.soft(cx, base + 4, w * 0.6, 36, strength=0.5, blur=0.5)
    front = Box(cx - w / 2, 470, cx + w / 2, base, radius=12)
    c.paint(front, weave(fill, cell=c.d(30), contrast=0.4), shade=lambda t: rounded(t, 0.05) * 0.8)
    # The lid, a little wider, in perspective.
    lid_top = [
        (cx - w * 0.46, 360),
        (cx + w * 0.46, 360),
        (cx + w / 2 + 16, 440),
        (cx - w / 2 - 16, 440),
    ]
    tex, size, margin = _quad_texture(c, weave(fill, contrast=0.4), lid_top, 12, ratio=0.3)
    c.texture_quad(lid_top, tex, size, shade=flat(0.15, 0.0), axis="y", inset=margin)
    c.paint(
        Box(cx - w / 2 - 16, 440, cx + w / 2 + 16, 492, radius=8),
        weave(fill, cell=c.d(26), contrast=0.4),
        shade=flat(0.0, -0.3),
        axis="y",
    )
    c.soft(cx, 500, w / 2, 10, strength=0.35, blur=0.5)
    for side in (-1, 1):
        c.line(
            arc(
                cx + side * (w / 2 + 6),
                600,
                26,
                40,
                -90 if side > 0 else 90,
                90 if side > 0 else 270,
                12,
            ),
            (120, 96, 66),
            10,
        )


def draw_pendant_lamp(c, look):
    c.studio("dusk", horizon=980)
    cx, top, bottom, rx = 500, 280, 600, 270
    c.soft(cx, 760, 330, 240, fill=(255, 226, 160), strength=0.45, blur=0.6)
    for dx, dy in ((-300, 300), (260, 260), (-220, -60), (300, -40)):
        c.soft(cx + dx, 500 + dy, 70, 40, fill=(255, 230, 170), strength=0.3, blur=0.5)
    c.line([(cx, 0), (cx, top)], (40, 36, 34), 6)
    c.paint(Box(cx - 26, top - 36, cx + 26, top + 8, radius=6), (50, 44, 40))
    shade_outline = [(cx - rx, bottom)] + bezier(
        (cx - rx, bottom), (cx - rx, top + 40), (cx - 60, top), (cx, top), 16
    )
    shade_outline += bezier((cx, top), (cx + 60, top), (cx + rx, top + 40), (cx + rx, bottom), 16)
    shade_outline += arc(cx, bottom, rx, 40, 0, 180, 24)
    shape = Poly(shade_outline)
    c.paint(shape, (255, 214, 140))
    with c.clip(shape):
        # Bamboo strips crossing each other, the light showing between them.
        for i in range(-14, 15):
            x = cx + i * 40
            c.line([(x - 220, bottom + 40), (x + 220, top - 40)], (176, 130, 70), 18)
            c.line([(x + 220, bottom + 40), (x - 220, top - 40)], (196, 150, 86), 18)
    c.shade(c.mask(shape), lambda t: rounded(t, 0.0) * 0.7)
    c.paint(Ellipse(cx, bottom, rx - 6, 36), (255, 240, 200))
    c.soft(cx, bottom + 10, rx * 0.8, 40, fill=(255, 250, 230), strength=0.6, blur=0.5)
    c.line(arc(cx, bottom, rx, 40, 0, 180, 30), (150, 108, 60), 10)


def placemat(c, cx, cy, r, fill, squash=1.0):
    """A round rattan placemat seen from above: a coil of cane, bound with spokes."""
    fill = colour(fill)
    c.soft(cx + 14, cy + 18, r, r * squash, strength=0.35, blur=0.12)
    c.paint(Ellipse(cx, cy, r, r * squash), tone(fill, -0.1))
    ring = r
    k = 0
    while ring > 12:
        c.line(
            arc(cx, cy, ring - 5, (ring - 5) * squash, 0, 360, 48),
            tone(fill, 0.12 if k % 2 else -0.02),
            7,
        )
        ring -= 12
        k += 1
    for a in range(0, 360, 15):
        p0 = (cx + math.cos(math.radians(a)) * 20, cy + math.sin(math.radians(a)) * 20 * squash)
        p1 = (
            cx + math.cos(math.radians(a)) * (r - 4),
            cy + math.sin(math.radians(a)) * (r - 4) * squash,
        )
        c.line([p0, p1], tone(fill, -0.2), 3)
    c.line(arc(cx, cy, r - 3, (r - 3) * squash, 0, 360, 60), tone(fill, -0.3), 6)


def draw_placemats(c, look):
    c.flat((196, 176, 150))
    fill = colour("natural")
    placemat(c, 680, 300, 230, tone(fill, -0.05))
    placemat(c, 700, 700, 230, tone(fill, 0.02))
    placemat(c, 400, 500, 270, fill)
    c.paint(Ellipse(400, 500, 130, 130), (240, 238, 232), shade=flat(0.1, -0.1), axis="y")
    c.paint(Ellipse(400, 500, 92, 92), (230, 228, 222))


def draw_soap(c, look):
    fill = colour(look.main)
    c.studio("sage" if look.main == "lemongrass" else "linen")
    if look.main == "lemongrass":
        stalk(c, (520, 600), (900, 520), 15)
    # A slatted wooden dish, and the bar on it: its top in perspective, its front in shade.
    wood = (166, 118, 72)
    c.soft(500, 800, 300, 34, strength=0.5, blur=0.5)
    c.paint(Box(220, 744, 780, 800, radius=14), tone(wood, -0.15), shade=flat(0.0, -0.25), axis="y")
    for x in range(236, 770, 54):
        c.paint(Box(x, 712, x + 42, 752, radius=6), wood, shade=flat(0.25, -0.1), axis="y")
    c.soft(500, 716, 210, 16, strength=0.45, blur=0.4)
    c.paint(
        Box(290, 620, 710, 716, radius=28), tone(fill, -0.18), shade=flat(0.05, -0.25), axis="y"
    )
    tl, tr, br, bl = (330, 520), (670, 520), (712, 640), (288, 640)
    top = bezier(bl, (284, 590), (300, 530), (tl[0] + 20, tl[1]), 6) + bezier(
        (tr[0] - 20, tr[1]), (700, 530), (716, 590), br, 6
    )
    masked = c.paint(Poly(top), fill, shade=flat(0.2, -0.02), axis="y")
    speckle(c, masked, 120, tone(fill, -0.4), size=2.5)
    word = "LEMONGRASS" if look.main == "lemongrass" else "HANDMADE"
    c.text(502, 585, word, 40, tone(fill, 0.35))
    c.text(500, 581, word, 40, tone(fill, -0.35))


def jasmine(c, x, y, r):
    for k in range(5):
        a = math.radians(k * 72 - 90)
        c.paint(
            Ellipse(
                x + math.cos(a) * r * 0.55, y + math.sin(a) * r * 0.55 * 0.8, r * 0.42, r * 0.3
            ),
            (250, 250, 246),
        )
    c.dot(x, y, r * 0.18, (236, 200, 90))


def draw_candle(c, look):
    c.studio("blush")
    cx, base, w, h = 480, 790, 260, 320
    c.soft(cx, base + 4, w * 0.65, 26, strength=0.5, blur=0.5)
    c.soft(cx, base - h - 90, 120, 120, fill=(255, 220, 150), strength=0.35, blur=0.7)
    body = Box(cx - w / 2, base - h, cx + w / 2, base, radius=26)
    with c.clip(body):
        c.paint(
            Box(cx - w, base - h + 50, cx + w, base),
            (242, 234, 214),
            shade=lambda t: rounded(t, 0.2) * 0.5,
        )
    glass(c, body, opacity=0.2)
    c.paint(Ellipse(cx, base - h + 50, w / 2 - 8, 24), (246, 240, 224))
    c.paint(Ellipse(cx, base - h, w / 2, 26), (255, 255, 255), opacity=0.25)
    c.line(arc(cx, base - h, w / 2, 26, 0, 360, 40), (255, 255, 255), 3)
    c.line([(cx, base - h + 50), (cx + 2, base - h + 16)], (40, 34, 30), 4)
    flame = bezier(
        (cx, base - h + 18),
        (cx - 26, base - h - 10),
        (cx - 6, base - h - 50),
        (cx + 2, base - h - 78),
        10,
    )
    flame += bezier(
        (cx + 2, base - h - 78),
        (cx + 10, base - h - 50),
        (cx + 28, base - h - 10),
        (cx, base - h + 18),
        10,
    )
    c.paint(Poly(flame), (255, 196, 80), shade=flat(0.7, -0.1), axis="y")
    label(
        c,
        cx,
        base - 120,
        170,
        110,
        [("JASMINE", 24, (60, 60, 70)), ("SOY CANDLE", 15, (120, 110, 110))],
        None,
        radius=3,
    )
    leaf(c, (660, 830), (820, 780), 30, (60, 110, 60))
    for x, y, r in ((690, 800, 30), (760, 840, 28), (640, 860, 26), (300, 840, 26)):
        jasmine(c, x, y, r)


def draw_body_oil(c, look):
    c.studio("mist")
    cx, base = 430, 800
    outline = bottle_outline(cx, base, 200, 460, 60, 90, shoulder=0.18)
    c.soft(cx, base + 4, 140, 24, strength=0.5, blur=0.5)
    body = Poly(outline)
    with c.clip(body):
        c.paint(
            Box(cx - 120, base - 330, cx + 120, base + 10),
            (236, 214, 150),
            shade=lambda t: rounded(t, 0.3),
        )
    glass(c, body, opacity=0.15)
    # A dropper cap, and a label.
    c.paint(
        Box(cx - 38, base - 500, cx + 38, base - 440, radius=8),
        (40, 40, 44),
        shade=lambda t: rounded(t, 0.4),
    )
    c.paint(
        Poly(arc(cx, base - 500, 30, 70, 180, 360, 20)),
        (30, 30, 32),
        shade=lambda t: rounded(t, 0.4),
    )
    label(
        c,
        cx,
        base - 170,
        196,
        150,
        [
            ("COCONUT", 24, (60, 90, 70)),
            ("BODY OIL", 20, (60, 60, 60)),
            ("100 ml", 15, (120, 120, 120)),
        ],
        (90, 140, 110),
        radius=2,
    )
    # Half a coconut beside it.
    x, y = 710, 770
    c.soft(x, y + 60, 150, 24, strength=0.45, blur=0.5)
    shell = Poly(arc(x, y, 150, 110, 0, 180, 30))
    masked = c.paint(shell, (112, 72, 44), shade=lambda t: rounded(t, 0.15))
    grain(c, masked, 0.3)
    c.paint(Ellipse(x, y, 150, 44), (250, 248, 240))
    c.paint(Ellipse(x, y + 2, 124, 34), (236, 230, 214), shade=flat(-0.15, 0.05), axis="y")


def draw_spa_basket(c, look):
    c.studio("blush")
    fill = colour("natural")
    cx, rim, base, half = 500, 560, 830, 330
    c.soft(cx, base + 4, 340, 36, strength=0.5, blur=0.5)
    c.paint(Ellipse(cx, rim, half, 70), tone(fill, -0.5))
    # Shredded paper, then what sits in it: body oil, a candle and a bar of soap.
    for _ in range(70):
        x = c.rng.uniform(cx - half + 40, cx + half - 70)
        y = c.rng.uniform(rim - 40, rim + 10)
        c.line(
            bezier((x, y), (x + 12, y - 12), (x + 24, y + 8), (x + 36, y - 4), 5),
            (222, 190, 140) if c.rng.random() < 0.6 else (200, 164, 114),
            3,
        )
    c.paint(
        Poly(bottle_outline(330, 640, 120, 380, 40, 70)),
        (236, 214, 150),
        shade=lambda t: rounded(t, 0.4),
    )
    c.paint(Box(310, 246, 350, 276, radius=6), (40, 40, 44))
    label(c, 330, 500, 104, 80, [("COCONUT", 13, (60, 90, 70))], None, radius=2)
    c.paint(Box(440, 360, 600, 640, radius=18), (242, 234, 214), shade=lambda t: rounded(t, 0.3))
    c.paint(Ellipse(520, 360, 80, 18), (248, 244, 232))
    label(c, 520, 450, 110, 60, [("JASMINE", 14, (70, 70, 80))], None, radius=3)
    c.paint(Box(630, 500, 780, 610, radius=20), (206, 214, 150), shade=flat(0.15, -0.2), axis="y")
    # The basket's woven front, and a red krama draped over it.
    body = [(cx - half, rim)] + bezier(
        (cx - half, rim),
        (cx - half + 10, base - 60),
        (cx - half + 60, base),
        (cx - half + 80, base),
        8,
    )
    body += bezier(
        (cx + half - 80, base),
        (cx + half - 60, base),
        (cx + half - 10, base - 60),
        (cx + half, rim),
        8,
    )
    body += arc(cx, rim, half, 70, 0, 180, 24)
    c.paint(Poly(body), weave(fill, cell=c.d(20)), shade=lambda t: rounded(t, 0.1))
    c.line(arc(cx, rim, half, 70, 0, 180, 30), tone(fill, 0.05), 22)
    c.line(arc(cx, rim, half, 70, 180, 360, 30), tone(fill, -0.15), 16)
    texture = check("red")
    drape = [(360, rim + 54), (580, rim + 68)] + bezier(
        (580, rim + 68), (600, rim + 140), (580, rim + 200), (560, rim + 230), 8
    )
    drape += [(420, rim + 224)] + bezier(
        (420, rim + 224), (400, rim + 170), (380, rim + 120), (360, rim + 54), 8
    )
    c.paint(Poly(drape), lambda w, h: texture(w, h, c.d(30)), shade=sheen(1.5, 0.2), axis="x")
    fringe(c, (424, rim + 224), (558, rim + 230), 40, ["red", LIGHT_COTTON], spacing=8, width=5)


def draw_tray(c, look):
    fill = colour(look.main)
    c.studio("linen")
    cx, cy, rx, ry = 500, 650, 360, 150
    c.soft(cx, cy + 40, rx, ry * 0.8, strength=0.45, blur=0.3)
    c.paint(Ellipse(cx, cy + 16, rx, ry), tone(fill, -0.3))
    tray = Ellipse(cx, cy, rx, ry)
    c.paint(tray, weave(fill, cell=c.d(18)), shade=flat(0.1, -0.1), axis="y")
    c.line(arc(cx, cy, rx - 8, ry - 6, 0, 360, 60), tone(fill, -0.1), 22)
    c.line(arc(cx, cy, rx - 8, ry - 6, 180, 360, 40), tone(fill, 0.2), 6)
    cup(c, 420, 660, 140, 100, (236, 226, 206), drink=(96, 58, 34), saucer=False)
    front = bowl(c, 620, 630, 100, 60, colour("jade"), gloss=0.3)
    front()


def draw_pouch(c, look):
    fill = colour(look.main)
    c.studio("linen")
    outline = Box(250, 360, 750, 740, radius=60)
    c.soft(500, 750, 270, 30, strength=0.45, blur=0.5)
    masked = c.paint(outline, fill, shade=silk(1.2, 0.1, light=0.35, dark=0.2), axis="x")
    radial(c, masked, 0.35)
    c.line([(280, 410), (720, 410)], (150, 140, 120), 12)
    for x in range(284, 718, 8):
        c.line([(x, 404), (x, 416)], (200, 190, 170), 3)
    c.line([(700, 410), (760, 470), (770, 560)], (120, 40, 40), 6)
    c.paint(Box(755, 560, 785, 650, radius=8), (150, 40, 40))
    # A small woven motif in gold thread.
    for k, size in enumerate((90, 60, 30)):
        c.paint(
            Poly([(500, 560 - size), (500 + size, 560), (500, 560 + size), (500 - size, 560)]),
            (226, 186, 90) if k % 2 == 0 else fill,
        )


def draw_spice_mix(c, look):
    c.studio("sand")
    for x, y, r, spice in (
        (330, 700, 130, (196, 60, 30)),
        (640, 700, 130, (222, 160, 40)),
        (490, 830, 120, (170, 90, 40)),
    ):
        c.soft(x, y + 70, r, 22, strength=0.45, blur=0.5)
        front = bowl(c, x, y, r, 70, (244, 240, 232), gloss=0.3)
        mound = c.paint(
            Poly(arc(x, y + 4, r - 10, 60, 180, 360, 20)), spice, shade=lambda t: rounded(t, 0.1)
        )
        speckle(c, mound, 120, tone(spice, -0.3), size=2.5)
        front()
    # Star anise on the table.
    for x, y in ((790, 880), (220, 870)):
        for k in range(8):
            a = math.radians(k * 45 + 10)
            tip = (x + math.cos(a) * 46, y + math.sin(a) * 30)
            c.paint(
                Poly(sausage([(x, y), tip], [12, 7])),
                (128, 62, 32),
                shade=lambda t: rounded(t, 0.3),
            )
        c.dot(x, y, 10, (90, 44, 22))


KINDS = {
    "krama": draw_krama,
    "krama_set": draw_krama_set,
    "silk_scarf": draw_silk_scarf,
    "hol_silk": draw_hol_silk,
    "cushion": draw_cushion,
    "tie": draw_tie,
    "tshirt": draw_tshirt,
    "trousers": draw_trousers,
    "shirt": draw_shirt,
    "sarong": draw_sarong,
    "pyjamas": draw_pyjamas,
    "pepper_bag": draw_pepper_bag,
    "pepper_box": draw_pepper_box,
    "green_pepper_jar": draw_green_pepper_jar,
    "coffee_bag": draw_coffee_bag,
    "iced_coffee": draw_iced_coffee,
    "coffee_cup": draw_coffee_cup,
    "lemongrass_tea": draw_lemongrass_tea,
    "cold_brew": draw_cold_brew,
    "palm_sugar": draw_palm_sugar,
    "fish_sauce": draw_fish_sauce,
    "dried_mango": draw_dried_mango,
    "cashews": draw_cashews,
    "chili_paste": draw_chili_paste,
    "rice_bowl": draw_rice_bowl,
    "teapot": draw_teapot,
    "clay_pot": draw_clay_pot,
    "espresso_cups": draw_espresso_cups,
    "basket": draw_basket,
    "hyacinth_box": draw_hyacinth_box,
    "pendant_lamp": draw_pendant_lamp,
    "placemats": draw_placemats,
    "soap": draw_soap,
    "candle": draw_candle,
    "body_oil": draw_body_oil,
    "spa_basket": draw_spa_basket,
    "tray": draw_tray,
    "pouch": draw_pouch,
    "spice_mix": draw_spice_mix,
}

# Further pictures of a product, after one per variant: another view the kind draws itself
# (a name), or a closer look at part of the first picture (x, y, zoom).
EXTRA_VIEWS = {
    "krama": ["hanging", (600, 690, 1.7)],
    "tshirt": [(500, 500, 1.7)],
    "hol_silk": [(500, 520, 1.8)],
    "cushion": ["pair"],
    "coffee_bag": ["iced"],
    "pepper_bag": [(330, 720, 2.0)],
}
DEFAULT_CLOSE_UPS = [(500, 600, 1.3), (510, 630, 1.55)]


# --- finding the picture for a key -----------------------------------------------------------


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


@lru_cache(maxsize=4)
def _by_slug(titles):
    return {_slug(title): title for title in titles}


# Words in keys that are not demo titles (the browser tests ask for "pepper", "shirt"...).
KEYWORDS = [
    ("krama", "Classic Red Krama"),
    ("pepper", "Kampot Black Pepper"),
    ("coffee", "Mondulkiri Robusta Coffee"),
    ("silk", "Golden Silk Scarf"),
    ("shirt", "Angkor Sunrise T-Shirt"),
    ("tea", "Lemongrass Tea"),
    ("soap", "Lemongrass Soap Bar"),
    ("candle", "Jasmine Soy Candle"),
    ("basket", "Rattan Market Basket"),
    ("bowl", "Celadon Rice Bowl"),
]


def subject(seed):
    """What ``seed`` shows: (title, picture spec from data.PICTURES, picture number).

    The loader's keys are a product's slug and a number ("classic-red-krama-0"), a category's
    title ("Kramas"), or "bulk-N" for the generated products' pool."""
    slug = _slug(seed)
    by_slug = _by_slug(tuple(data.PICTURES))
    match = re.fullmatch(r"(.+)-(\d+)", slug)
    if slug in by_slug:
        # A bare title is a category's picture (the loader numbers product pictures).
        return by_slug[slug], data.PICTURES[by_slug[slug]], None
    if match and match.group(1) in by_slug:
        title = by_slug[match.group(1)]
        return title, data.PICTURES[title], int(match.group(2))
    if match and match.group(1) == "bulk":
        number = int(match.group(2))
        return seed, data.BULK_PICTURES[number % len(data.BULK_PICTURES)], 0
    title = next((t for word, t in KEYWORDS if word in slug), None)
    if title is None:
        # Any other key still gets one of the demo's pictures, always the same one.
        number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:4], "big")
        title = sorted(data.PICTURES)[number % len(data.PICTURES)]
    return title, data.PICTURES[title], int(match.group(2)) if match else 0


def draw(canvas, title, spec, index):
    """Draw picture number ``index`` of a product: one per look (variant) first, then the
    kind's extra views, then closer looks at the first picture. ``index`` None is a
    category's picture."""
    kind, looks, *rest = spec
    style = rest[0] if rest else None
    looks = list(looks)
    if index is None:
        # A category's tile is cut to 3:2, so its picture stands back a little.
        with canvas.placed(50, 40, 0.9):
            draw(canvas, title, spec, 0)
        return
    count = max(1, len(looks))
    main = looks[index] if index < len(looks) else (looks[0] if looks else None)
    view = None
    if index >= count:
        extras = EXTRA_VIEWS.get(kind, []) + DEFAULT_CLOSE_UPS
        view = extras[(index - count) % len(extras)]
    look = Look(title, looks, main, style, view, index)
    if isinstance(view, tuple):
        # A closer look: the first picture, cropped. It is drawn at twice the size it is
        # shown, so a crop of up to half its width is still sharp.
        x, y, zoom = view
        look.view = None
        canvas.crop = (x, y, zoom)
    KINDS[kind](canvas, look)


def product_image(seed: str, pattern: str = "", size=(800, 800)) -> bytes:
    """A PNG of the product or category behind ``seed``: same seed, same bytes.

    ``pattern`` chose the abstract tiles these pictures replace; the picture now follows the
    product, so it is accepted (the loader still passes it) and not used."""
    title, spec, index = subject(seed)
    canvas = Canvas(size, seed)
    draw(canvas, title, spec, index)
    return canvas.finish()


BANNER_SCENE = [
    # (title, x, y, zoom): the shop's best sellers along a table, back row first, all on the
    # right so the headline over the left half stays easy to read.
    ("Mondulkiri Robusta Coffee", 700, 120, 0.58),
    ("Rattan Market Basket", 1010, 110, 0.6),
    ("Kampot Black Pepper", 420, 200, 0.56),
    ("Classic Red Krama", 690, 300, 0.52),
    ("Celadon Rice Bowl", 1090, 330, 0.46),
]


def banner_image(seed: str, size=(1800, 800)) -> bytes:
    """The home page's wide picture: a table of the shop's best sellers."""
    canvas = Canvas(size, seed)
    canvas.studio("linen", horizon=600)
    canvas.keep_background = True
    for title, x, y, zoom in BANNER_SCENE:
        kind, looks, *_ = data.PICTURES[title]
        with canvas.placed(x, y, zoom):
            KINDS[kind](canvas, Look(title, list(looks), looks[0] if looks else None))
    return canvas.finish()
