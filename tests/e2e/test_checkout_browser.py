"""A guest adds two products without a page reload, changes a quantity, checks out and
reaches the "awaiting payment" step, in headless Chromium."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import StockRecord
from checkout.models import DeliveryMethod, Order
from tests.e2e.conftest import VIEWPORTS, demo_image
from tests.factories import make_category, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop_with_products():
    category = make_category(title="Pantry", show_in_menus=True)
    pepper = make_product(
        category,
        title="Kampot Black Pepper",
        price="8.90",
        stock=20,
        images=[demo_image("pepper", "dots")],
    )
    shirt = make_product(
        category,
        title="Angkor T-Shirt",
        price="12.00",
        variants=[("S", None, 0), ("M", None, 6)],
        images=[demo_image("shirt", "stripes")],
    )
    DeliveryMethod.objects.create(
        code="phnom-penh", label="Phnom Penh delivery", fee=Decimal("1.50")
    )
    DeliveryMethod.objects.create(code="pickup", label="Pick up at the shop", fee=Decimal("0"))
    return {"pepper": pepper, "shirt": shirt}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_guest_adds_to_cart_with_ajax_and_checks_out(
    browser, live_server, shop_with_products, screenshot_dir, device
):
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    pepper, shirt = shop_with_products["pepper"], shop_with_products["shirt"]
    badge = page.locator("[data-cart-count-value]")

    page.goto(live_server.url + pepper.url)
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Add to cart").click()
    page.locator("[data-form-message]").filter(has_text="Item added to cart").wait_for()
    expect(badge).to_have_text("1")
    assert page.evaluate("window.__noReload") is True  # same document: no reload happened

    page.goto(live_server.url + shirt.url)
    assert page.locator(
        f"input[name=variant_id][value='{shirt.variants.get(name='S').pk}']"
    ).is_disabled()
    page.evaluate("window.__noReload = true")
    page.locator(".variant-option", has_text="M").click()
    page.fill("input[name=quantity]", "2")
    page.get_by_role("button", name="Add to cart").click()
    page.locator("[data-form-message]").filter(has_text="Item added to cart").wait_for()
    expect(badge).to_have_text("3")
    assert page.evaluate("window.__noReload") is True
    page.screenshot(path=screenshot_dir / f"product-added-{device}.png")

    page.locator("[data-cart-link]").click()
    page.wait_for_url("**/cart/")
    assert page.locator(".cart-line").count() == 2
    pepper_line = page.locator(".cart-line", has_text="Kampot Black Pepper")
    pepper_line.locator("input[name=quantity]").fill("3")
    pepper_line.get_by_role("button", name="Update").click()
    page.wait_for_load_state()
    assert (
        page.locator(".cart-line", has_text="Kampot Black Pepper")
        .locator("input[name=quantity]")
        .input_value()
        == "3"
    )
    assert "$50.70" in page.locator(".cart-summary").inner_text()  # 3 × 8.90 + 2 × 12.00
    expect(badge).to_have_text("5")  # filled by a request after the page loads
    page.screenshot(path=screenshot_dir / f"cart-{device}.png", full_page=True)

    page.get_by_role("link", name="Check out").click()
    page.fill("#id_name", "Sok Dara")
    page.fill("#id_email", "dara@example.com")
    page.fill("#id_phone", "012 345 678")
    page.select_option("#id_province", "Siem Reap")
    page.fill("#id_address", "No. 5, Sivatha Boulevard")
    page.locator("label.choice", has_text="Phnom Penh delivery").click()
    page.locator("label.choice", has_text="Riel (KHR)").click()
    page.screenshot(path=screenshot_dir / f"checkout-{device}.png", full_page=True)
    page.get_by_role("button", name="Review order").click()
    page.wait_for_url("**/checkout/review/")
    assert "Sok Dara" in page.content()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/orders/**")
    assert (
        page.locator("[data-order-status]").get_attribute("data-order-status") == "awaiting_payment"
    )
    assert page.locator("h1").inner_text().startswith("Order ")
    page.screenshot(path=screenshot_dir / f"order-awaiting-payment-{device}.png", full_page=True)

    order = Order.objects.get()
    assert order.currency == "KHR"
    # 8.90 → 36,490 → 36,500 riel; 12.00 → 49,200; fee 1.50 → 6,200.
    assert order.total == Decimal("3") * 36500 + Decimal("2") * 49200 + 6200
    assert StockRecord.objects.get(product=pepper).quantity == 17
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
    context.close()
