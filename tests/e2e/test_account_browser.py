"""A shopper signs up, saves an address, checks out with it prefilled, and finds the order
in their history, in headless Chromium."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from checkout.models import DeliveryMethod, Order
from tests.e2e.conftest import VIEWPORTS, demo_image
from tests.factories import make_category, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def krama():
    DeliveryMethod.objects.create(code="province", label="Province delivery", fee=Decimal("3.00"))
    return make_product(
        make_category(title="Textiles", show_in_menus=True),
        title="Classic Red Krama",
        price="6.50",
        stock=10,
        images=[demo_image("krama-account", "stripes")],
    )


def test_sign_up_save_an_address_check_out_prefilled_and_see_the_order(
    browser, live_server, krama, screenshot_dir
):
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(live_server.url + "/en/accounts/signup/")
    page.fill("input[name=email]", "sophea@example.com")
    page.fill("input[name=password1]", "mondulkiri-coffee-9")
    page.fill("input[name=password2]", "mondulkiri-coffee-9")
    page.locator("main button[type=submit]").click()
    # Sign-up confirms the address with a code sent to it (whether or not it has an account).
    page.wait_for_url("**/accounts/confirm-email/")
    page.screenshot(path=screenshot_dir / "signup-code-phone.png", full_page=True)
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[-1].body).group(1)
    page.fill("input[name=code]", code)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url("**/account/")

    page.goto(live_server.url + "/en/account/addresses/")
    page.fill("#id_name", "Chan Sophea")
    page.fill("#id_phone", "097 765 4321")
    page.select_option("#id_province", "Battambang")
    page.fill("#id_address", "No. 8, Street 3, Svay Por")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator(".address-list")).to_contain_text("Chan Sophea")

    page.goto(live_server.url + krama.url)
    page.get_by_role("button", name="Add to cart").click()
    page.locator("[data-form-message]").filter(has_text="Item added").wait_for()
    page.goto(live_server.url + "/en/checkout/")
    assert page.input_value("#id_name") == "Chan Sophea"
    assert page.input_value("#id_email") == "sophea@example.com"
    assert page.input_value("#id_phone") == "+855977654321"
    assert page.input_value("#id_province") == "Battambang"
    assert page.input_value("#id_address") == "No. 8, Street 3, Svay Por"
    page.screenshot(path=screenshot_dir / "checkout-prefilled-phone.png", full_page=True)
    page.get_by_role("button", name="Review order").click()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/orders/**")

    order = Order.objects.get()
    assert order.user.email == "sophea@example.com"
    page.goto(live_server.url + "/en/account/")
    history = page.locator(".order-history")
    expect(history).to_contain_text(order.number)
    expect(history).to_contain_text("Classic Red Krama")
    page.screenshot(path=screenshot_dir / "account-orders-phone.png", full_page=True)
    page.locator(".order-history a").first.click()
    expect(page.locator("h1")).to_contain_text(order.number)
    page.close()
