"""Structured data for search engines: schema.org Product with its offers."""

from kernel import money

IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"


def product_json_ld(product, request, shop, gallery, variant_options, available):
    """JSON-LD for a product page, in the active language (the page's); availability comes
    from stock, prices in the base currency."""
    url = product.get_full_url(request)
    images = []
    for item in gallery:
        try:
            rendition = item.image.get_rendition("fill-1200x630|format-jpeg")
        except OSError:  # includes Wagtail's SourceImageIOError
            continue  # a missing original file must not take the product page down
        images.append(request.build_absolute_uri(rendition.url))
    currency = shop.base_currency

    def offer(price, sku, in_stock):
        return {
            "@type": "Offer",
            "url": url,
            "sku": sku,
            "price": str(money.round_amount(price, currency)),
            "priceCurrency": currency,
            "availability": IN_STOCK if in_stock else OUT_OF_STOCK,
            "itemCondition": "https://schema.org/NewCondition",
        }

    if variant_options:
        offers = [
            offer(option["price"], option["variant"].sku, option["quantity"] > 0)
            for option in variant_options
        ]
    else:
        offers = offer(product.price, product.sku, available > 0)

    name, other_name = product.names()
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "sku": product.sku,
        "description": product.in_language("search_description") or product.in_language("summary"),
        "url": url,
        "offers": offers,
    }
    if images:
        data["image"] = images
    if other_name:
        data["alternateName"] = other_name
    return data
