"""A Khmer-speaking shopper on a phone (375 px) finds a product, buys it and pays by KHQR
without meeting an English word the shop wrote. Screenshots of every step go to
artifacts/screenshots/khmer-*.png."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from checkout.models import DeliveryMethod, Order, Payment
from tests.checkout.test_bakong_client import control
from tests.e2e.conftest import VIEWPORTS, demo_image
from tests.factories import make_category, make_product
from tests.i18n.test_khmer_pages import english_left

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def km(message):
    with translation.override("km"):
        return gettext(message)


@pytest.fixture
def khmer_catalog(shop):
    shop.shop_name = "ផ្សារអង្គរ"
    shop.tagline = "ផលិតផលខ្មែរ"
    shop.default_language = "en"  # the browser's Khmer must win over the owner's default
    shop.save()
    DeliveryMethod.objects.create(code="phnom-penh", label="ដឹកក្នុងភ្នំពេញ", fee=Decimal("1.50"))
    category = make_category(title="ម្ហូប", show_in_menus=True)
    return make_product(
        category,
        title="ម្រេចកំពត",
        sku="PP-1",
        price="8.90",
        stock=20,
        summary="ម្រេចខ្មៅពីកំពត។",
        images=[demo_image("pepper-km", "dots")],
    )


def check_page(page, name, screenshot_dir, allowed=()):
    assert page.evaluate("document.documentElement.lang") == "km", name
    left = english_left(page.content(), allowed)
    assert not left, f"English on the {name} page: {left}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the {name} page is {width} px wide on a 375 px phone"
    page.screenshot(path=screenshot_dir / f"khmer-{name}.png", full_page=True)


def test_khmer_shopper_buys_and_pays_on_a_phone(
    browser, live_server, bakong, khmer_catalog, screenshot_dir
):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="km-KH")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # A first visit to the bare domain opens in the browser's language.
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/km/"
    check_page(page, "home", screenshot_dir)

    page.get_by_role("link", name="ម្ហូប").first.click()
    page.get_by_role("link", name=re.compile("ម្រេចកំពត")).first.click()
    check_page(page, "product", screenshot_dir, allowed={"PP"})

    page.locator("form[data-add-to-cart] button[type=submit]").click()
    message = page.locator("[data-form-message]")
    expect(message).to_contain_text(km("Item added to cart."))
    check_page(page, "product-added", screenshot_dir, allowed={"PP"})
    message.get_by_role("link").click()
    page.wait_for_url("**/km/cart/")
    check_page(page, "cart", screenshot_dir)

    page.locator('a[href="/km/checkout/"]').last.click()
    page.wait_for_url("**/km/checkout/")
    check_page(page, "checkout", screenshot_dir)
    page.fill("#id_name", "ចាន់ សុភា")
    page.fill("#id_email", "sophea@example.com")
    page.fill("#id_phone", "097 765 4321")
    page.fill("#id_address", "ផ្ទះលេខ ១២ ផ្លូវ ៦៣ បឹងកេងកង")
    page.locator("form.checkout-form button[type=submit]").click()
    page.wait_for_url("**/km/checkout/review/")
    check_page(page, "review", screenshot_dir)

    page.locator("form[data-once] button[type=submit]").click()
    page.wait_for_url("**/km/orders/**")
    order = Order.objects.get()
    assert order.language == "km"
    number_words = set(re.findall(r"[A-Za-z]+", order.number))
    expect(page.locator(".khqr-image")).to_be_visible()
    check_page(page, "payment", screenshot_dir, allowed=number_words)

    control(bakong, "/sandbox/pay/", {"qr": Payment.objects.get().qr_string})
    expect(page.locator("[data-thank-you]")).to_be_visible(timeout=10_000)
    # The receipt shows Bakong's reference (a code such as 100FT...): letters, not English.
    reference = Payment.objects.get().external_ref
    check_page(
        page, "paid", screenshot_dir, allowed=number_words | set(re.findall("[A-Za-z]+", reference))
    )
    assert errors == []
    context.close()
