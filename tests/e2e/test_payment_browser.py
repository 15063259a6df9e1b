"""A guest checks out, sees the KHQR, "pays" it through the Bakong sandbox, and the page
becomes a thank-you page within 10 seconds, without a reload."""

import subprocess
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checkout.models import DeliveryMethod, Payment
from tests.checkout.test_bakong_client import control
from tests.e2e.conftest import VIEWPORTS, demo_image
from tests.factories import make_category, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def zbar(path):
    return subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def pepper():
    product = make_product(
        make_category(title="Pantry", show_in_menus=True),
        title="Kampot Black Pepper",
        price="8.90",
        stock=20,
        images=[demo_image("pepper-pay", "dots")],
    )
    DeliveryMethod.objects.create(code="pickup", label="Pick up at the shop", fee=Decimal("0"))
    return product


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_guest_pays_by_khqr_and_sees_the_receipt(
    browser, live_server, bakong, pepper, screenshot_dir, device
):
    page = browser.new_page(viewport=VIEWPORTS[device])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + pepper.url)
    page.get_by_role("button", name="Add to cart").click()
    page.locator("[data-form-message]").filter(has_text="Item added").wait_for()
    page.goto(live_server.url + "/en/checkout/")
    page.fill("#id_name", "Chan Sophea")
    page.fill("#id_email", "sophea@example.com")
    page.fill("#id_phone", "+855 97 765 4321")
    page.fill("#id_address", "No. 12, Street 63, BKK1")
    page.get_by_role("button", name="Review order").click()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/orders/**")

    qr_image = page.locator(".khqr-image")
    expect(qr_image).to_be_visible()
    assert page.locator(".khqr-amount").inner_text() == "$8.90"
    assert page.locator(".khqr-merchant").inner_text()
    expect(page.locator("[data-countdown]")).to_contain_text("Expires in 1")
    assert qr_image.evaluate("img => img.complete && img.naturalWidth > 0")
    # The "Open in Bakong" button is offered on phones only, and so is the advice to tap it.
    steps = page.locator(".pay-instructions ol").inner_text()
    if device == "phone":
        expect(page.locator(".deeplink")).to_be_visible()
        assert "Open in Bakong" in steps
    else:
        expect(page.locator(".deeplink")).to_be_hidden()
        assert "Open in Bakong" not in steps and "point it at the code" in steps
    page.screenshot(path=screenshot_dir / f"payment-{device}.png", full_page=True)

    page.evaluate("window.__noReload = true")
    payment = Payment.objects.get()
    # The code on screen has every module the same whole number of pixels, and a scanner
    # reads exactly the stored string from it; the PNG offered for saving does too.
    modules = int(qr_image.get_attribute("width"))
    shown = qr_image.evaluate("img => img.getBoundingClientRect().width")
    assert shown == int(shown) and int(shown) % modules == 0, (shown, modules)
    qr_image.screenshot(path=screenshot_dir / f"payment-qr-{device}.png")
    assert zbar(screenshot_dir / f"payment-qr-{device}.png") == payment.qr_string
    saved = page.locator(".khqr-save a").get_attribute("href")
    assert saved.endswith(f"/media/qrcodes/{payment.md5}.png")
    control(bakong, "/sandbox/pay/", {"qr": payment.qr_string})
    paid_at = time.monotonic()
    expect(page.locator("[data-thank-you]")).to_be_visible(timeout=10_000)
    assert time.monotonic() - paid_at < 10
    assert page.evaluate("window.__noReload") is True
    assert "Thank you, Chan Sophea!" in page.locator("h1").inner_text()
    assert page.locator("[data-order-status]").get_attribute("data-order-status") == "paid"
    page.screenshot(path=screenshot_dir / f"payment-thank-you-{device}.png", full_page=True)
    assert errors == []
    page.close()
