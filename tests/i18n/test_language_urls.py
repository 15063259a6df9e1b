"""One URL per page and language, the visitor's language for unprefixed ones, the switcher."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import translation

from tests.factories import make_category, make_order, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop):
    return make_product(make_category(title="Kramas"), title="Red Krama", price="6.50", stock=5)


@pytest.mark.parametrize(
    ("accept_language", "default", "expected"),
    [
        ("km-KH,km;q=0.9,en-US;q=0.8", "en", "/km/"),
        ("en-US,en;q=0.9", "km", "/en/"),
        ("fr-FR,fr;q=0.9", "km", "/km/"),  # names neither: the owner's default
        ("fr-FR,fr;q=0.9", "en", "/en/"),
        ("fr-FR,en;q=0.5", "km", "/en/"),  # English is the first of ours it names
        ("", "km", "/km/"),
    ],
)
def test_first_visit_opens_in_the_browsers_language_or_the_owners_default(
    shop, accept_language, default, expected
):
    shop.default_language = default
    shop.save()
    response = Client(HTTP_ACCEPT_LANGUAGE=accept_language).get("/")
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response.get("Vary", "")


def test_a_chosen_language_wins_over_the_browser(shop):
    client = Client(HTTP_ACCEPT_LANGUAGE="km")
    response = client.get("/language/en/?next=/km/")
    assert response.status_code == 302 and response["Location"] == "/en/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600
    assert client.get("/")["Location"] == "/en/"


def test_switching_keeps_the_page_and_the_cart(product):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        english_url = product.url
    assert english_url.startswith("/en/")
    response = client.post("/km/cart/add/", {"product_id": product.pk, "quantity": 2})
    assert response.status_code == 302
    response = client.get(f"/language/en/?next=/km{english_url[3:]}")
    assert response["Location"] == english_url
    cart = client.get("/en/cart/").content.decode()
    assert "Red Krama" in cart and 'value="2"' in cart


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "", "km/"]
)
def test_switcher_never_sends_anyone_elsewhere(shop, next_url):
    response = Client().get("/language/en/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/"


def test_switcher_refuses_an_unknown_language(shop):
    assert Client().get("/language/fr/?next=/km/").status_code == 404


def test_every_page_names_its_language_and_its_alternates(product):
    with translation.override("km"):
        path = product.url
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Language"] == "km"
    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "km"
    alternates = {
        link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')
    }
    assert alternates == {
        "km": "http://testserver" + path,
        "en": "http://testserver/en" + path[3:],
        "x-default": "http://testserver" + path[3:],
    }
    switch = page.select_one(".language-switch a[hreflang=en]")
    assert switch["href"] == f"/language/en/?next=%2Fkm{path[3:].replace('/', '%2F')}"


def test_links_in_old_emails_still_open_the_order(shop, details):
    order = make_order()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/orders/{order.token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/orders/{order.token}/"
    assert Client().get(response["Location"]).status_code == 200


def test_each_language_is_cached_apart(product):
    client = Client()
    english = client.get("/en/")
    khmer = client.get("/km/")
    assert english["X-Page-Cache"] == "miss" and khmer["X-Page-Cache"] == "miss"
    again = client.get("/km/")
    assert again["X-Page-Cache"] == "hit"
    assert b'<html lang="km"' in again.content and b'<html lang="en"' in client.get("/en/").content


def test_cart_and_checkout_are_never_cached_in_any_language(product):
    for path in ("/km/cart/", "/en/cart/", "/km/checkout/", "/en/accounts/login/"):
        response = Client().get(path)
        assert "X-Page-Cache" not in response, path


def test_sitemaps_per_language(product):
    client = Client()
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    locations = [loc.text for loc in BeautifulSoup(index.content, "html.parser").find_all("loc")]
    assert locations == ["http://testserver/km/sitemap.xml", "http://testserver/en/sitemap.xml"]
    with translation.override("km"):
        khmer_url = product.url
    khmer = client.get("/km/sitemap.xml").content.decode()
    english = client.get("/en/sitemap.xml").content.decode()
    assert khmer_url in khmer and "/en/" not in khmer
    assert "/en/" + khmer_url[4:] in english and "/km/" not in english
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /km/checkout/" in robots and "Disallow: /en/cart/" in robots


def test_the_api_answers_in_the_language_the_page_asks_for(shop):
    client = Client()
    client.get("/language/en/?next=/km/")  # an English choice remembered in the cookie
    response = client.get("/api/orders/not-a-token/", HTTP_ACCEPT_LANGUAGE="km")
    assert response["Content-Language"] == "km"
    response = client.get("/api/orders/not-a-token/")  # no header: the remembered choice
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_a_request_for_no_known_site_still_gets_a_language():
    from wagtail.models import Site

    Site.objects.all().delete()
    response = Client().get("/no-such-page/")
    assert response.status_code == 302 and response["Location"] == "/km/no-such-page/"


def test_search_finds_either_languages_words_from_either_languages_page(shop):
    category = make_category(title="Pantry")
    pepper = make_product(category, title="Kampot Black Pepper", khmer_name="ម្រេចខ្មៅកំពត", stock=3)
    make_product(category, title="Palm Sugar", khmer_name="ស្ករត្នោត", stock=3)
    client = Client()
    for language in ("km", "en"):
        with translation.override(language):
            link = f'href="{pepper.url}"'
        for words in ("pepper", "ម្រេច"):
            page = client.get(f"/{language}/search/", {"q": words}).content.decode()
            assert link in page and "Palm Sugar" not in page, (language, words)


def test_a_change_refreshes_the_cached_page_in_every_language(product):
    client = Client()
    with translation.override("km"):
        khmer = product.url
    english = "/en" + khmer[3:]
    for path in (khmer, english):
        client.get(path)
        assert client.get(path)["X-Page-Cache"] == "hit"
    product.title = "Red Krama, new weave"
    product.save_revision().publish()
    for path in (khmer, english):
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss" and b"new weave" in response.content, path
