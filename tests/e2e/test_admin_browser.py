"""Shop staff in the Wagtail admin, in a real browser: the dashboard's chart and an order."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from wagtail.users.models import UserProfile

from checkout.models import Cart, CartLine, DeliveryMethod
from checkout.orders import CheckoutDetails, place_order
from checkout.status import change_status
from kernel.models import ShopSettings
from tests.e2e.conftest import VIEWPORTS
from tests.factories import give_totp, make_category, make_product, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOP_STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("checkout", "view_order"),
    ("checkout", "change_order"),
    ("checkout", "view_payment"),
    ("checkout", "change_payment"),
    ("catalog", "view_stockrecord"),
    ("catalog", "change_stockrecord"),
]


@pytest.fixture
def staff_user():
    # Transactional tests start from an emptied database: rebuild the group as the migration does.
    group, _ = Group.objects.get_or_create(name="Shop staff")
    for app_label, codename in SHOP_STAFF_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = User.objects.create_user("sreyleak", "s@example.com", "a-long-password-1")
    user.groups.add(group)
    user.totp_secret = give_totp(user)  # the admin requires two-factor authentication
    # She reads the admin in English (her choice under Account → Preferences); the shop's
    # default for staff is the owner's language, Khmer (tests/backoffice/test_admin_khmer.py).
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


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
