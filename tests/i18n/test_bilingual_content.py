"""Content in both languages: an editor writes a product in English and Khmer on one page,
with one stock; a shopper adds it in Khmer and checks out in English; untranslated text falls
back to the other language; the demo shop reads in Khmer from end to end."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from catalog.inventory import set_stock
from catalog.models import CategoryPage, ContentPage, HomePage, ProductPage, StockRecord
from checkout.models import DeliveryMethod, Order
from tests.factories import make_category, make_product
from tests.i18n.test_khmer_pages import CHECKOUT_KM, english_left

pytestmark = pytest.mark.django_db

KHMER_LETTERS = re.compile("[\u1780-\u17ff]")


def url_in(page, language):
    with translation.override(language):
        return page.url


def text_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def product_form(category_title="Kramas"):
    return nested_form_data(
        {
            "title": "Silk Krama",
            "slug": "silk-krama",
            "sku": "SK-1",
            "price": "12.00",
            "compare_at_price": "",
            "summary": "Woven from Takeo silk.",
            "variant_label": "Colour",
            "description": streamfield([("paragraph", rich_text("<p>Soft and light.</p>"))]),
            "gallery_images": inline_formset([]),
            "specifications": inline_formset(
                [
                    {
                        "name": "Material",
                        "value": "Silk",
                        "name_km": "សាច់ក្រណាត់",
                        "value_km": "សូត្រ",
                        "ORDER": "1",
                    }
                ]
            ),
            "variants": inline_formset(
                [
                    {"name": "Red", "name_km": "ក្រហម", "sku": "SK-1-R", "price": "", "ORDER": "1"},
                    {"name": "Blue", "name_km": "ខៀវ", "sku": "SK-1-B", "price": "", "ORDER": "2"},
                ]
            ),
            # The Khmer tab
            "khmer_name": "ក្រមាសូត្រ",
            "summary_km": "ត្បាញពីសូត្រតាកែវ។",
            "description_km": streamfield([("paragraph", rich_text("<p>ទន់ និងស្រាល។</p>"))]),
            "variant_label_km": "ពណ៌",
            "seo_title_km": "",
            "search_description_km": "",
            # Promote and settings
            "seo_title": "",
            "search_description": "",
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )


def test_editor_publishes_both_languages_and_a_shopper_buys_across_them(
    shop, delivery, admin_client
):
    delivery.code = CHECKOUT_KM["delivery_method"]
    delivery.save()
    category = make_category(title="Kramas", title_km="ក្រមា")

    editor = admin_client.get(f"/admin/pages/add/catalog/productpage/{category.pk}/")
    assert editor.status_code == 200
    assert 'name="summary_km"' in editor.content.decode()  # the Khmer tab is there
    response = admin_client.post(
        f"/admin/pages/add/catalog/productpage/{category.pk}/", product_form()
    )
    assert response.status_code == 302, response.context["form"].errors
    product = ProductPage.objects.get(sku="SK-1")
    assert product.live
    red, blue = product.variants.order_by("sort_order")
    set_stock(product, 5, variant=red)
    set_stock(product, 2, variant=blue)

    # One page, one URL per language, each in its own words.
    khmer = text_of(Client().get(url_in(product, "km")))
    english = text_of(Client().get(url_in(product, "en")))
    for words in ("ក្រមាសូត្រ", "ត្បាញពីសូត្រតាកែវ។", "ទន់ និងស្រាល។", "ពណ៌", "ក្រហម", "សូត្រ"):
        assert words in khmer
    for words in ("Woven from Takeo silk.", "Soft and light.", "Colour", "Material"):
        assert words not in khmer
        assert words in english
    assert "ត្បាញពីសូត្រតាកែវ" not in english

    # Added from the Khmer page (the API answers in the page's language) ...
    shopper = Client(HTTP_ACCEPT_LANGUAGE="km")
    shopper.get("/api/cart/")
    added = shopper.post(
        "/api/cart/add/",
        {"product_id": product.pk, "variant_id": red.pk, "quantity": 2},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=shopper.cookies["csrftoken"].value,
    )
    assert added.status_code == 200, added.content
    line = added.json()["cart"]["lines"][0]
    assert (line["title"], line["variant_name"]) == ("ក្រមាសូត្រ", "ក្រហម")

    # ... and checked out in English: the same line, the same stock.
    with translation.override("en"):
        cart_page = text_of(shopper.get("/en/cart/"))
        assert "Silk Krama" in cart_page and "ក្រមាសូត្រ" not in cart_page
        assert shopper.post("/en/checkout/", CHECKOUT_KM).status_code == 302
        placed = shopper.post("/en/checkout/review/")
    assert placed.status_code == 302, placed.content
    order = Order.objects.get()
    assert order.language == "en"
    line = order.lines.get()
    assert (line.product_id, line.sku, line.quantity) == (product.pk, "SK-1-R", 2)
    assert (line.title, line.title_km) == ("Silk Krama", "ក្រមាសូត្រ")
    assert (line.variant_name, line.variant_name_km) == ("Red", "ក្រហម")
    records = StockRecord.objects.filter(product=product)
    assert sorted(records.values_list("variant_key", "quantity")) == sorted(
        [(red.pk, 3), (blue.pk, 2)]
    )
    # The shopper's order page speaks the order's language; the same order read in Khmer
    # names what was bought in Khmer.
    assert "Silk Krama" in text_of(shopper.get(placed["Location"]))
    khmer_order = text_of(shopper.get(order.get_absolute_url().replace("/en/", "/km/", 1)))
    assert "ក្រមាសូត្រ" in khmer_order and "ក្រហម" in khmer_order


def test_untranslated_text_falls_back_to_english(shop):
    category = make_category(title="Baskets", intro="<p>Woven by hand.</p>")
    product = make_product(category, title="Rattan Basket", summary="A sturdy basket.")
    khmer = text_of(Client().get(url_in(product, "km")))
    assert "Rattan Basket" in khmer and "A sturdy basket." in khmer
    khmer_category = text_of(Client().get(url_in(category, "km")))
    assert "Baskets" in khmer_category and "Woven by hand." in khmer_category

    # Once written, the Khmer replaces it on Khmer pages only.
    category.title_km = "កន្ត្រក"
    category.intro_km = "<p>ត្បាញដោយដៃ។</p>"
    category.save_revision().publish()
    khmer_category = text_of(Client().get(url_in(category, "km")))
    assert "កន្ត្រក" in khmer_category and "ត្បាញដោយដៃ។" in khmer_category
    assert "Woven by hand." not in khmer_category
    assert "Woven by hand." in text_of(Client().get(url_in(category, "en")))


def test_an_emptied_rich_text_box_counts_as_untranslated(shop):
    category = make_category(title="Baskets", intro="<p>Woven by hand.</p>", intro_km="<p></p>")
    assert "Woven by hand." in text_of(Client().get(url_in(category, "km")))


def test_search_finds_khmer_summaries_from_either_language(shop):
    category = make_category()
    product = make_product(
        category, title="Palm Sugar", summary="Sweet blocks.", summary_km="ស្ករត្នោតពីកំពង់ស្ពឺ។"
    )
    for language in ("km", "en"):
        found = Client().get(f"/{language}/search/", {"q": "កំពង់ស្ពឺ"})
        assert url_in(product, language) in found.content.decode(), language
        found = Client().get(f"/{language}/search/", {"q": "Sweet"})
        assert url_in(product, language) in found.content.decode(), language


# Codes and units a Cambodian shop writes in Latin letters in Khmer copy.
DEMO_CODES = {"g", "ml", "l", "cm", "S", "M", "L", "XL", "J", "T", "Express", "E27", "PGI"}


def test_the_demo_shop_reads_in_khmer():
    """Every demo page in Khmer: what the shop and its demo editors wrote is Khmer, apart from
    the English name shown (marked ``lang="en"``) under a product's Khmer name."""
    call_command("load_demo", verbosity=0)
    pages = [
        HomePage.objects.get(),
        *CategoryPage.objects.live(),
        *ProductPage.objects.live(),
        *ContentPage.objects.live(),
    ]
    assert len(pages) > 40
    client = Client()
    problems = {}
    for page in pages:
        response = client.get(url_in(page, "km"))
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert KHMER_LETTERS.search(html)
        left = english_left(html, allowed=DEMO_CODES)
        if left:
            problems[page.url] = left
    assert not problems, problems
    assert DeliveryMethod.objects.exclude(label_km="").count() == DeliveryMethod.objects.count()


def test_editors_preview_a_draft_in_either_language(shop):
    category = make_category()
    product = make_product(category, title="Rattan Basket", summary="A sturdy basket.")
    product.khmer_name = "កន្ត្រករំពាក់"
    product.summary_km = "កន្ត្រករឹងមាំ។"
    product.save_revision()  # a draft: the live page still has no Khmer
    draft = product.get_latest_revision_as_object()
    assert [mode for mode, _label in draft.preview_modes] == ["en", "km"]

    khmer = draft.make_preview_request(preview_mode="km")
    english = draft.make_preview_request(preview_mode="en")
    assert '<html lang="km"' in khmer.content.decode()
    assert "កន្ត្រករឹងមាំ។" in text_of(khmer) and "A sturdy basket." not in text_of(khmer)
    assert "A sturdy basket." in text_of(english) and "កន្ត្រករឹងមាំ។" not in text_of(english)
