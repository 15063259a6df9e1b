"""The shop's admin views in Khmer: staff who choose Khmer in their Wagtail account (or whose
shop speaks Khmer, when they chose nothing) read the Shop menu's views in Khmer; Wagtail's own
admin stays English. Spreadsheet exports keep their values as they are (only the headings
are translated), and every admin page loads the shop's Khmer font.

The expected words are read from the Khmer catalogue (``gettext`` under Khmer), so these tests
follow the translations; each one also checks that the catalogue does have Khmer for it.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from catalog.models import StockRecord
from checkout.models import Cart, CartLine
from checkout.orders import place_order
from checkout.status import change_status
from tests.checkout.test_admin import member_of
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

KHMER = re.compile("[\u1780-\u17ff]")


def khmer(message):
    """``message`` as the Khmer catalogue has it; fails if the catalogue has no Khmer for it."""
    with translation.override("km"):
        text = translation.gettext(message)
    assert KHMER.search(text), f"no Khmer for {message!r}: run bin/messages compile"
    return text


def staff_client(username, language=None):
    user, client = member_of("Shop staff", username)
    if language:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    return client


@pytest.fixture
def khmer_staff():
    return staff_client("sreymom", "km")


@pytest.fixture
def english_staff():
    return staff_client("james", "en")


@pytest.fixture
def order(shop, details, delivery):
    product = make_product(make_category(), title="Celadon Bowl", price="9.00", stock=6)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    details.phone = "+85512999888"
    return place_order(cart, details, shop)[0]


@pytest.fixture
def paid_order(order):
    change_status(order.pk, "paid")
    order.refresh_from_db()
    return order


def page_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return response.content.decode()


# Each shop view with words it shows (the English a Khmer reader must not see).
SHOP_VIEWS = {
    "dashboard": (
        lambda order: reverse("wagtailadmin_home"),
        ["Shop today", "paid orders today", "Last 30 days", "Open the sales report"],
    ),
    "orders": (
        lambda order: reverse("orders:index"),
        ["Placed between", "Customer", "Delivery"],
    ),
    "order": (
        lambda order: reverse("orders:inspect", args=[order.pk]),
        ["Status history", "Staff notes", "Open the customer's order page", "Subtotal"],
    ),
    "payments": (
        lambda order: reverse("payments:index"),
        ["Needs attention", "What to do", "Amount"],
    ),
    "payment": (
        lambda order: reverse("payments:inspect", args=[order.payments.get().pk]),
        ["Amount asked", "Last asked Bakong", "KHQR string"],
    ),
    "inventory": (
        lambda order: reverse("inventory:index"),
        ["Stock level", "Low stock (at or below threshold)", "Available", "Low at"],
    ),
    "stock": (
        lambda order: reverse("inventory:edit", args=[StockRecord.objects.get().pk]),
        [
            "Units available to sell.",
            "Why the level changes: a delivery arrived, a count, breakage...",
        ],
    ),
    "delivery methods": (
        lambda order: reverse("delivery_methods:index"),
        ["Delivery methods", "Sort order", "Is active"],
    ),
    "sales report": (
        lambda order: reverse("sales_report:index"),
        ["Sales report", "Net revenue in USD", "Download CSV"],
    ),
}


@pytest.mark.parametrize("view", SHOP_VIEWS)
def test_staff_who_chose_khmer_read_the_shop_views_in_khmer(khmer_staff, order, view):
    url, words = SHOP_VIEWS[view]
    page = page_of(khmer_staff, url(order))
    for english in words:
        assert khmer(english) in page, (view, english)
        assert f">{english}<" not in page and f"{english}</" not in page, (view, english)


@pytest.mark.parametrize("view", SHOP_VIEWS)
def test_staff_who_chose_english_read_the_shop_views_in_english(english_staff, order, view):
    url, words = SHOP_VIEWS[view]
    page = page_of(english_staff, url(order))
    for english in words:
        assert english in page and khmer(english) not in page, (view, english)


def test_staff_who_chose_nothing_read_the_language_the_shop_set_for_its_owner(shop, order):
    client = staff_client("sokha")
    assert "Shop today" in page_of(client, reverse("wagtailadmin_home"))
    shop.owner_language = "km"
    shop.save()
    assert khmer("Shop today") in page_of(client, reverse("wagtailadmin_home"))


def test_the_shop_menu_and_its_items_are_in_khmer(khmer_staff, order):
    page = page_of(khmer_staff, reverse("orders:index"))
    # The sidebar is drawn from JSON, where Khmer is written as \\u escapes.
    for label in ("Shop", "Orders", "Payments", "Inventory", "Delivery methods", "Sales report"):
        escaped = khmer(label).encode("ascii", "backslashreplace").decode()
        assert f'"label": "{escaped}"' in page, label
    # Menu item names stay the same in every language (hooks and the sidebar's state use them).
    assert '"name": "shop"' in page and '"name": "orders"' in page


def test_wagtail_itself_stays_english(khmer_staff, order):
    page = page_of(khmer_staff, reverse("orders:index"))
    assert "Search term" in page  # Wagtail ships no Khmer


def test_staff_messages_and_form_errors_are_in_khmer(khmer_staff, order):
    payment = order.payments.get()
    response = khmer_staff.post(
        reverse("payments:action", args=[payment.pk, "no-such-action"]), follow=True
    )
    assert khmer("Unknown action.") in response.content.decode()

    page = page_of(khmer_staff, reverse("sales_report:index"), start="1990-01-01")
    with translation.override("km"):
        error = translation.gettext("Choose a date between %(earliest)s and %(latest)s.")
    assert KHMER.search(error) and error.split("%(")[0] in page


def test_dashboard_chart_words_come_from_the_page_in_khmer(khmer_staff, paid_order):
    page = page_of(khmer_staff, reverse("wagtailadmin_home"))
    for attribute, english in (
        ("data-revenue-label", "Revenue (USD)"),
        ("data-orders-label", "Paid orders"),
        ("data-orders-axis", "Orders"),
    ):
        assert f'{attribute}="{khmer(english)}"' in page
    # Figures keep the shop's number style: $19.50, not a decimal comma, in any language.
    assert "$19.50" in page
    script = (Path(settings.BASE_DIR) / "static/js/dashboard.js").read_text()
    assert "dataset" in script and "revenueLabel" in script


# --- exports ------------------------------------------------------------------------------


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode())))


def test_orders_csv_has_khmer_headings_and_the_same_values(khmer_staff, english_staff, paid_order):
    english = csv_rows(english_staff.get(reverse("orders:index"), {"export": "csv"}))
    khmer_rows = csv_rows(khmer_staff.get(reverse("orders:index"), {"export": "csv"}))
    assert english[0][0] == "Number" and english[0][-1] == "Paid at"
    assert khmer_rows[0] == [khmer(heading) for heading in english[0]]
    assert khmer_rows[1:] == english[1:]  # values: codes, plain numbers, ISO dates
    row = dict(zip(english[0], khmer_rows[1], strict=True))
    assert row["Number"] == paid_order.number and row["Total"] == "19.50"
    assert row["Status"] == "paid" and not KHMER.search(",".join(khmer_rows[1]))


def test_orders_xlsx_has_khmer_headings_and_the_same_values(khmer_staff, english_staff, paid_order):
    def sheet(client):
        response = client.get(reverse("orders:index"), {"export": "xlsx"})
        return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active

    english, khmer_sheet = sheet(english_staff), sheet(khmer_staff)
    english_rows, khmer_rows = list(english.iter_rows()), list(khmer_sheet.iter_rows())
    assert [cell.value for cell in khmer_rows[0]] == [khmer(cell.value) for cell in english_rows[0]]
    for english_row, khmer_row in zip(english_rows[1:], khmer_rows[1:], strict=True):
        assert [c.value for c in khmer_row] == [c.value for c in english_row]
        # Dates are shown the same way too (no Khmer words in the cell format).
        assert [c.number_format for c in khmer_row] == [c.number_format for c in english_row]


def test_sales_report_csv_has_khmer_headings_and_the_same_values(
    khmer_staff, english_staff, paid_order
):
    today = timezone.localdate().isoformat()
    params = {"start": today, "end": today, "format": "csv"}
    english = csv_rows(english_staff.get(reverse("sales_report:index"), params))
    khmer_rows = csv_rows(khmer_staff.get(reverse("sales_report:index"), params))
    assert english[0] == [
        "date",
        "paid orders",
        "revenue USD",
        "revenue KHR",
        "discounts in USD",
        "refunds in USD",
        "net revenue in USD",
    ]
    assert khmer_rows[0] == [khmer(heading) for heading in english[0]]
    assert khmer_rows[1] == english[1] == [today, "1", "19.50", "0", "0.00", "0", "19.50"]
    assert khmer_rows[2][0] == khmer("total") and khmer_rows[2][1:] == english[2][1:]


# --- the Khmer font -------------------------------------------------------------------------

ADMIN_CSS_LINK = '<link rel="stylesheet" href="/static/css/admin.css">'


@pytest.mark.parametrize(
    "url", ["wagtailadmin_home", "orders:index", "sales_report:index", "wagtailadmin_account"]
)
def test_every_admin_page_loads_the_khmer_font(khmer_staff, order, url):
    assert ADMIN_CSS_LINK in page_of(khmer_staff, reverse(url)), url


def test_the_login_page_loads_the_khmer_font(db):
    assert ADMIN_CSS_LINK in Client().get(reverse("wagtailadmin_login")).content.decode()


def test_the_admin_stylesheet_puts_the_khmer_font_first_for_khmer_text_only():
    path = finders.find("css/admin.css")
    assert path, "static/css/admin.css is missing"
    css = Path(path).read_text()
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    assert faces and all('font-family: "Noto Sans Khmer"' in face for face in faces)
    for face in faces:
        assert "unicode-range: U+1780-17FF, U+19E0-19FF, U+200B-200D;" in face
        (font,) = re.findall(r'url\("\.\./([^"]+)"\)', face)
        assert finders.find(font), font
    # Wagtail's font stack, with the Khmer font in front (Latin text keeps Wagtail's fonts).
    assert re.search(r'--w-font-sans:\s*"Noto Sans Khmer",\s*-apple-system', css)
