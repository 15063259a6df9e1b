"""Shop staff in the Wagtail admin, in a real browser: the dashboard's chart and an order."""

import pytest

from checkout.models import Cart, CartLine, DeliveryMethod
from checkout.orders import CheckoutDetails, place_order
from checkout.status import change_status
from kernel.models import ShopSettings
from tests.e2e.conftest import VIEWPORTS
from tests.factories import make_category, make_product, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paid_order():
    from wagtail.models import Site

    product = make_product(
        make_category(title="Ceramics"), title="Celadon Rice Bowl", price="9.00", stock=8
    )
    method = DeliveryMethod.objects.create(code="pickup", label="Pick up at the shop")
    shop = ShopSettings.for_site(Site.objects.get(is_default_site=True))
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    details = CheckoutDetails(
        "dara@example.com",
        "Sok Dara",
        "+85512345678",
        "No. 1, Street 240",
        "Phnom Penh",
        method,
        "USD",
    )
    order = place_order(cart, details, shop)[0]
    change_status(order.pk, "paid", reason="Paid at the counter")
    return order


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_staff_dashboard_and_order_inspect(
    browser, live_server, staff_user, paid_order, screenshot_dir, device
):
    page = browser.new_page(viewport=VIEWPORTS[device])
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "sreyleak")
    page.fill("#id_password", "a-long-password-1")
    page.fill("#id_code", totp_code(staff_user.totp_secret))
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/admin/")
    page.locator("#shop-revenue-chart").wait_for()
    page.wait_for_function(
        "window.Chart && Chart.getChart(document.getElementById('shop-revenue-chart'))"
    )
    assert "1" in page.locator(".shop-figures li").first.inner_text()
    page.screenshot(path=screenshot_dir / f"admin-dashboard-{device}.png", full_page=True)

    page.goto(live_server.url + f"/admin/orders/inspect/{paid_order.pk}/")
    assert "Celadon Rice Bowl" in page.content()
    assert page.get_by_role("button", name="Mark shipped").is_visible()
    page.screenshot(path=screenshot_dir / f"admin-order-{device}.png", full_page=True)

    page.goto(live_server.url + "/admin/orders/")
    # Status and payment are on screen without scrolling, on a phone too.
    for name in ("Status", "Payment"):
        header = page.get_by_role("columnheader", name=name)
        box = header.bounding_box()
        assert box and box["x"] + box["width"] <= VIEWPORTS[device]["width"], (name, box)
    page.screenshot(path=screenshot_dir / f"admin-orders-{device}.png", full_page=True)
    page.close()
