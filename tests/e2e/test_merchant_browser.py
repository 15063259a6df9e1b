"""What a Cambodian merchant runs on, in a real browser: a cash on delivery order from a
province without an e-mail address, an order with a discount code, and a partial refund
recorded by staff, with the stock it puts back."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from wagtail.models import Site

from catalog.models import StockRecord
from checkout.models import (
    PROVINCES,
    DeliveryMethod,
    DeliveryRate,
    DeliveryZone,
    Discount,
    Order,
    Status,
)
from checkout.status import change_status
from kernel.models import ShopSettings
from tests.e2e.conftest import VIEWPORTS
from tests.factories import make_category, make_order, make_product, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    krama = make_product(
        make_category(title="Textiles", show_in_menus=True),
        title="Classic Red Krama",
        price="12.00",
        stock=10,
    )
    rider = DeliveryMethod.objects.create(code="phnom-penh", label="Phnom Penh riders", fee=2)
    courier = DeliveryMethod.objects.create(code="province", label="Province courier", fee=3)
    capital = DeliveryZone.objects.create(name="Capital", provinces=["Phnom Penh"])
    others = DeliveryZone.objects.create(
        name="Provinces", provinces=[name for name in PROVINCES if name != "Phnom Penh"]
    )
    DeliveryRate.objects.create(zone=capital, method=rider, fee=Decimal("1.50"), free_from=30)
    DeliveryRate.objects.create(zone=others, method=courier, fee=Decimal("3.00"))
    settings = ShopSettings.for_site(Site.objects.get(is_default_site=True))
    settings.cash_on_delivery = True
    settings.save()
    return {"krama": krama}


def add_to_cart(page, base, product, quantity=1):
    page.goto(base + product.url)
    page.fill("input[name=quantity]", str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    page.locator("[data-form-message]").filter(has_text="Item added to cart").wait_for()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_cash_on_delivery_order_from_a_province_without_email(
    browser, live_server, shop, screenshot_dir, device
):
    page = browser.new_page(viewport=VIEWPORTS[device])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    add_to_cart(page, live_server.url, shop["krama"], 2)
    page.goto(live_server.url + "/en/checkout/")
    page.fill("input[name=name]", "Sok Dara")
    page.fill("input[name=phone]", "012 345 678")
    page.select_option("select[name=province]", "Battambang")
    # The riders do not go to Battambang: greyed out, the courier chosen with its fee there.
    riders = page.locator("[data-delivery=phnom-penh]")
    expect(riders).to_have_attribute("data-unavailable", "")
    assert riders.locator("input").is_disabled()
    courier = page.locator("[data-delivery=province]")
    assert courier.locator("input").is_checked()
    expect(courier.locator("[data-fee]")).to_have_text("$3.00")
    page.fill("textarea[name=address]", "Village 3, Battambang town")
    page.locator("[data-cash-on-delivery] input").check()
    page.screenshot(path=screenshot_dir / f"checkout-cod-{device}.png", full_page=True)
    page.locator("form.checkout-form button[type=submit]").click()
    page.wait_for_url("**/checkout/review/")
    expect(page.locator(".grand-total")).to_contain_text("Total to pay the courier")
    expect(page.locator(".grand-total")).to_contain_text("$27.00")
    page.locator("form[data-once] button[type=submit]").click()
    page.wait_for_url("**/orders/**")
    expect(page.locator("[data-cash-on-delivery-status]")).to_contain_text(
        "We will phone you at +85512345678"
    )
    page.screenshot(path=screenshot_dir / f"order-cod-{device}.png", full_page=True)
    order = Order.objects.get()
    assert (order.status, order.payment_method, order.email) == (
        Status.AWAITING_CONFIRMATION,
        "cod",
        "",
    )
    assert order.total == Decimal("27.00")
    assert StockRecord.objects.get(product=shop["krama"]).quantity == 8
    assert errors == []
    page.close()


def test_an_order_with_a_discount_code(browser, live_server, shop, screenshot_dir):
    Discount.objects.create(name="Khmer New Year", code="NEWYEAR10", value=10)
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    add_to_cart(page, live_server.url, shop["krama"], 3)
    page.goto(live_server.url + "/en/cart/")
    page.fill("#discount-code", "newyear10")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    expect(page.locator("[data-discount]")).to_contain_text("Khmer New Year")
    expect(page.locator("[data-discount]")).to_contain_text("−$3.60")
    page.screenshot(path=screenshot_dir / "cart-discount-desktop.png", full_page=True)
    page.get_by_role("link", name="Check out").click()
    page.fill("input[name=name]", "Sok Dara")
    page.fill("input[name=email]", "dara@example.com")
    page.fill("input[name=phone]", "012 345 678")
    page.fill("textarea[name=address]", "Street 240")
    page.locator("form.checkout-form button[type=submit]").click()
    page.wait_for_url("**/checkout/review/")
    # 36.00 less 3.60 is 32.40: above the riders' $30 threshold, so delivery is free.
    expect(page.locator("[data-discount]")).to_contain_text("−$3.60")
    expect(page.locator(".grand-total")).to_contain_text("$32.40")
    page.locator("form[data-once] button[type=submit]").click()
    page.wait_for_url("**/orders/**")
    expect(page.locator("[data-discount]")).to_contain_text("NEWYEAR10")
    order = Order.objects.get()
    assert (order.discount_amount, order.delivery_fee, order.total) == (
        Decimal("3.60"),
        Decimal("0.00"),
        Decimal("32.40"),
    )
    page.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_staff_record_a_partial_refund(
    browser,
    live_server,
    shop,
    staff_user,
    screenshot_dir,
    device,  # noqa: F811
):
    order = make_order(Status.PAID, items=[(shop["krama"], 2)])
    change_status(order.pk, Status.PROCESSING)
    page = browser.new_page(viewport=VIEWPORTS[device])
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "sreyleak")
    page.fill("#id_password", "a-long-password-1")
    page.fill("#id_code", totp_code(staff_user.totp_secret))
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + f"/admin/orders/inspect/{order.pk}/")
    form = page.locator("[data-refund-form]")
    form.locator("input[name=amount]").fill("12.00")
    form.locator("select[name=method]").select_option("cash")
    form.locator("input[name=reason]").fill("One krama had a hole")
    form.locator("input[type=number]").first.fill("1")
    page.screenshot(path=screenshot_dir / f"admin-refund-{device}.png", full_page=True)
    form.get_by_role("button", name="Record the refund").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Refund of $12.00 recorded.")
    expect(page.get_by_role("cell", name="One krama had a hole")).to_be_visible()
    order.refresh_from_db()
    assert order.status == Status.PROCESSING  # a part refunded: the order goes on
    assert order.refunded_total == Decimal("12.00")
    assert StockRecord.objects.get(product=shop["krama"]).quantity == 9
    page.close()
