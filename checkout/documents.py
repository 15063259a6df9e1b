"""Printable documents for an order, as PDF: the packing slip that goes in the parcel and the
receipt (A4 or A5) with the order number and the Bakong reference.

Both are written in the order's language (the shopper reads them). WeasyPrint lays them out
with Pango and HarfBuzz, which shape Khmer script (subscript consonants, vowels written
around their consonant) as a browser does; the shop's own fonts (Noto Sans Khmer, Inter) are
embedded, so a PDF looks the same on a phone without a Khmer font. WeasyPrint may read only
those font files: every other address a document could name is refused.
"""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from checkout.models import Order
from kernel.errors import NotFound

FONTS = {
    "Shop Khmer": {
        400: "fonts/noto-sans-khmer-khmer-400-normal.woff2",
        700: "fonts/noto-sans-khmer-khmer-700-normal.woff2",
    },
    "Shop Latin": {
        400: "fonts/inter-latin-400-normal.woff2",
        700: "fonts/inter-latin-700-normal.woff2",
    },
}
PAGE_SIZES = {"A4", "A5"}
KINDS = {
    "receipt": "checkout/documents/receipt.html",
    "packing-slip": "checkout/documents/packing_slip.html",
}


def _font_files():
    """``[(family, weight, file URL)]`` of the fonts found in the static files."""
    found = []
    for family, weights in FONTS.items():
        for weight, name in weights.items():
            path = finders.find(name)
            if path:
                found.append((family, weight, Path(path).resolve().as_uri()))
    return found


def _only_our_fonts(allowed):
    """A WeasyPrint fetcher for the shop's font files and nothing else (no network, no other
    file). WeasyPrint (and Pango behind it) is imported when a document is made, not when a
    web worker starts: most workers never make one."""
    from weasyprint.urls import URLFetcher

    class OnlyOurFonts(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"Documents load only the shop's fonts, not {url[:80]}")
            return super().fetch(url, headers)

    return OnlyOurFonts(allowed_protocols={"file"}, allow_redirects=False)


def can_have(order, kind):
    """A receipt exists once the order was paid; a packing slip always."""
    if kind == "receipt":
        return order.paid_at is not None
    return kind in KINDS


def render_document(order, kind, size="A4", shop=None):
    """The PDF bytes of ``kind`` ("receipt" or "packing-slip") for ``order``, in the order's
    language, on ``size`` paper (A4 or A5)."""
    if kind not in KINDS or not can_have(order, kind):
        raise NotFound("No such document for this order.")
    size = size if size in PAGE_SIZES else "A4"
    fonts = _font_files()
    order = Order.objects.prefetch_related("lines", "refunds", "payments").get(pk=order.pk)
    with translation.override(order.language or None):
        html = render_to_string(
            KINDS[kind],
            {
                "order": order,
                "shop": shop,
                "size": size,
                "fonts": fonts,
                "paid_payment": order.paid_payment,
                "refunds": list(order.refunds.all()),
            },
        )
    from weasyprint import HTML

    fetcher = _only_our_fonts({url for *_, url in fonts})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
