"""Storefront pages as a shopper and a search engine see them."""

import json
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.models import ProductSpecification
from kernel.models import ShopSettings
from tests.factories import make_category, make_image, make_product

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def json_ld(response):
    blocks = soup(response).find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


@pytest.fixture
def shop():
    from wagtail.models import Site

    settings = ShopSettings.for_site(Site.objects.get(is_default_site=True))
    settings.base_currency = "USD"
    settings.khr_per_usd = Decimal("4100")
    settings.khr_rounding_step = 100
    settings.save()
    return settings


def test_category_page_lists_products_with_both_currencies(client, shop):
    category = make_category(title="Pepper")
    make_product(category, title="Kampot Black Pepper", price="8.90", stock=5)
    page = soup(client.get(category.url))
    card = page.select_one(".product-card")
    assert card.select_one(".product-card-title").text == "Kampot Black Pepper"
    assert card.select_one(".price-main").text == "$8.90"
    assert card.select_one(".price-alt").text.strip() == "≈ 36,500 ៛"


def test_prices_follow_the_settings(client, shop):
    shop.show_other_currency = False
    shop.save()
    category = make_category()
    make_product(category, price="8.90")
    page = soup(client.get(category.url))
    assert page.select_one(".price-main").text == "$8.90"
    assert page.select_one(".price-alt") is None


def test_category_sorting_and_filters(client, shop):
    category = make_category()
    cheap = make_product(category, title="Cheap", price="2.00", stock=0)
    middle = make_product(category, title="Middle", price="5.00", stock=3)
    dear = make_product(category, title="Dear", price="9.00", stock=3)

    def titles(**query):
        page = soup(client.get(category.url, query))
        return [t.text for t in page.select(".product-card-title")]

    assert titles(sort="price-asc") == ["Cheap", "Middle", "Dear"]
    assert titles(sort="price-desc") == ["Dear", "Middle", "Cheap"]
    assert titles(sort="name") == ["Cheap", "Dear", "Middle"]
    assert titles(sort="newest")[0] == "Dear"
    assert titles(in_stock="1") == ["Middle", "Dear"]
    assert titles(min_price="4", max_price="6") == ["Middle"]
    assert titles(min_price="6", max_price="4") == ["Middle"]  # swapped bounds still work
    assert cheap and middle and dear


def test_category_paginates_24_a_page(client, shop):
    category = make_category()
    for number in range(30):
        make_product(category, title=f"Item {number:02d}", publish=False)
    page_one = soup(client.get(category.url, {"sort": "name"}))
    page_two = soup(client.get(category.url, {"sort": "name", "page": "2"}))
    assert len(page_one.select(".product-card")) == 24
    assert len(page_two.select(".product-card")) == 6
    assert page_one.select_one("a[rel=next]")["href"] == "?sort=name&page=2"


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "1e9"},
        {"sort": "nonsense"},
        {"sort": "price"},
        {"min_price": "-1"},
        {"max_price": "abc"},
        {"min_price": "NaN"},
        {"max_price": "Infinity"},
        {"min_price": "1e400"},
        {"price": "-1"},
        {"in_stock": "maybe"},
        {"page": "\x00"},
        {"sort": "x" * 5000},
    ],
)
def test_bad_query_strings_never_give_a_server_error(client, shop, query):
    category = make_category()
    make_product(category)
    response = client.get(category.url, query)
    assert response.status_code == 200
    assert len(soup(response).select(".product-card")) == 1


@pytest.mark.parametrize(
    "query", [{"q": "x" * 5000}, {"q": "pepper", "page": "abc"}, {"q": ""}, {}]
)
def test_bad_search_queries_never_give_a_server_error(client, shop, query):
    assert client.get("/en/search/", query).status_code == 200


def test_invalid_filters_are_reported_not_fatal(client, shop):
    category = make_category()
    make_product(category)
    page = soup(client.get(category.url, {"min_price": "abc"}))
    assert "ignored" in page.select_one(".notice").text


def test_product_page_shows_variants_stock_and_specifications(client, shop):
    product = make_product(
        make_category(),
        title="Golden Silk Scarf",
        price="38.00",
        variants=[("Gold", None, 4), ("Crimson", "42.00", 0)],
    )
    ProductSpecification.objects.create(product=product, name="Material", value="Khmer silk")
    page = soup(client.get(product.url))
    assert page.h1.text == "Golden Silk Scarf"
    options = page.select(".variant-option")
    assert "Gold" in options[0].text and not options[0].input.has_attr("disabled")
    assert "sold out" in options[1].text and options[1].input.has_attr("disabled")
    assert "$42.00" in options[1].text
    assert page.select_one(".spec-table th").text == "Material"
    assert page.select_one("[data-stock-status]").text.strip() == "In stock"


def test_sold_out_product_cannot_be_added(client, shop):
    product = make_product(make_category(), stock=0)
    page = soup(client.get(product.url))
    assert page.select_one("[data-stock-status]").text.strip() == "Sold out"
    assert page.select_one(".add-to-cart button[type=submit]").has_attr("disabled")


def test_low_stock_is_announced(client, shop):
    product = make_product(make_category(), stock=2)
    page = soup(client.get(product.url))
    assert page.select_one("[data-stock-status]").text.strip() == "Only 2 left"


def test_product_json_ld_carries_price_currency_and_availability(client, shop):
    image = make_image()
    product = make_product(
        make_category(), title="Kampot Red Pepper", price="12.50", stock=3, images=[image]
    )
    data = json_ld(client.get(product.url))
    assert data["@type"] == "Product"
    assert data["name"] == "Kampot Red Pepper"
    assert data["sku"] == product.sku
    assert data["offers"]["price"] == "12.50"
    assert data["offers"]["priceCurrency"] == "USD"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["image"][0].startswith("http://testserver/media/images/")


def test_json_ld_says_out_of_stock_per_variant(client, shop):
    product = make_product(make_category(), variants=[("S", None, 0), ("M", "11.00", 2)])
    offers = json_ld(client.get(product.url))["offers"]
    assert [o["availability"].rsplit("/", 1)[1] for o in offers] == ["OutOfStock", "InStock"]
    assert [o["price"] for o in offers] == ["10.00", "11.00"]


def test_json_ld_cannot_be_broken_out_of_by_content(client, shop):
    product = make_product(make_category(), title="</script><script>alert(1)</script>")
    response = client.get(product.url)
    assert b"</script><script>alert(1)" not in response.content
    assert json_ld(response)["name"] == "</script><script>alert(1)</script>"


def test_pages_have_title_description_canonical_and_open_graph(client, shop):
    image = make_image()
    product = make_product(
        make_category(), title="Celadon Bowl", summary="A jade-green bowl.", images=[image]
    )
    page = soup(client.get(product.url))
    assert page.title.text.startswith("Celadon Bowl")
    assert page.find("meta", attrs={"name": "description"})["content"] == "A jade-green bowl."
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical.endswith(product.url) and canonical.startswith("http")
    assert page.find("meta", property="og:image")["content"].startswith("http://testserver/")
    assert page.find("meta", property="og:title")["content"] == "Celadon Bowl"


def test_sitemap_lists_every_live_product_and_category(client, shop):
    category = make_category(title="Ceramics")
    live = make_product(category, title="Live Bowl")
    hidden = make_product(category, title="Draft Bowl")
    hidden.unpublish()
    response = client.get("/en/sitemap.xml")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert any(loc.endswith(category.url) for loc in locations)
    assert any(loc.endswith(live.url) for loc in locations)
    assert not any(loc.endswith(hidden.url) for loc in locations)


def test_robots_txt_points_at_the_sitemap_and_hides_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /checkout/" in text


def test_unknown_page_is_a_friendly_404(client, shop):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "can’t find that page" in response.content.decode()
    assert BeautifulSoup(response.content, "html.parser").find("form", role="search")


def test_server_error_page_renders_without_the_database():
    from django.test import RequestFactory

    from kernel.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_header_has_category_menu_search_and_cart_badge(client, shop):
    top = make_category(title="Textiles", show_in_menus=True)
    page = soup(client.get("/en/"))
    assert [a.text for a in page.select(".category-nav a")] == ["Textiles"]
    assert page.select_one("form[role=search] input[name=q]")
    assert page.select_one("label[for=site-search]")
    assert page.select_one("[data-cart-count]")
    assert top.url in [a["href"] for a in page.select(".category-nav a")]


def test_a_product_whose_image_file_is_gone_still_renders(client, shop):
    import os

    image = make_image()
    product = make_product(make_category(), images=[image])
    os.remove(image.file.path)
    response = client.get(product.url)
    assert response.status_code == 200
    assert "image" not in json_ld(response)
