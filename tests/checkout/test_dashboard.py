"""The admin dashboard's shop figures and the sales report."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.reports import dashboard_figures
from checkout.models import Cart, CartLine, Order
from checkout.orders import place_order
from checkout.status import change_status
from tests.checkout.test_admin import member_of
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(shop, details):
    product = make_product(make_category(), title="Bowl", price="10.00", stock=50)
    orders = []
    for currency in ("USD", "USD", "KHR"):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        details.currency = currency
        order = place_order(cart, details, shop)[0]
        change_status(order.pk, "paid")
        orders.append(order)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    place_order(cart, details, shop)  # awaiting payment: not revenue
    return orders


def test_dashboard_shows_todays_paid_orders_and_revenue(sales):
    _, client = member_of("Shop staff", "sophal")
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Shop today" in page
    usd = sum(o.total for o in sales if o.currency == "USD")
    khr = sum(o.total for o in sales if o.currency == "KHR")
    assert f"${usd:,.2f}" in page and f"{khr:,.0f} KHR" in page
    # The headline figure is the chart's bar for today: riel orders at their own rate.
    figures = dashboard_figures()
    khr_order = next(o for o in sales if o.currency == "KHR")
    all_in_usd = usd + (khr_order.total / khr_order.khr_per_usd).quantize(Decimal("0.01"))
    assert figures["today"]["usd_equivalent"] == all_in_usd
    assert figures["chart"]["revenue"][-1] == float(all_in_usd)
    assert f"${all_in_usd:,.2f}</span> revenue today, in dollars" in page
    assert 'id="shop-chart-data"' in page and "chart.umd.min" in page


def test_editors_dashboard_has_no_shop_figures(sales):
    _, client = member_of("Editors", "dara")
    assert "Shop today" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_sales_report_and_its_csv(sales):
    _, client = member_of("Shop staff", "sophal")
    today = timezone.localdate().isoformat()
    page = client.get(reverse("sales_report:index"), {"start": today, "end": today})
    assert page.status_code == 200
    response = client.get(
        reverse("sales_report:index"), {"start": today, "end": today, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "date"
    day = rows[1]
    assert day[0] == today and day[1] == "3"
    khr_order = next(o for o in sales if o.currency == "KHR")
    expected_usd = sum(o.total for o in sales if o.currency == "USD")
    assert Decimal(day[2]) == expected_usd and Decimal(day[3]) == khr_order.total
    # Then discounts (none here), refunds (none) and the net revenue in dollars.
    assert (Decimal(day[4]), Decimal(day[5])) == (0, 0)
    assert Decimal(day[6]) == expected_usd + (khr_order.total / khr_order.khr_per_usd).quantize(
        Decimal("0.01")
    )


@pytest.mark.parametrize(
    "query",
    [{"start": "nonsense"}, {"end": "2026-13-45"}, {"start": "2030-01-01", "end": "2020-01-01"}],
)
def test_sales_report_survives_bad_dates(sales, query):
    _, client = member_of("Shop staff", "sophal")
    assert client.get(reverse("sales_report:index"), query).status_code == 200


def test_sales_report_is_for_shop_staff_only(sales):
    _, client = member_of("Editors", "dara")
    assert client.get(reverse("sales_report:index")).status_code in (302, 403)
    assert Order.objects.count() == 4


def _jwt(expires):
    import base64
    import json

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part({'exp': int(expires.timestamp())})}.signature"


@pytest.mark.parametrize(("days", "warned"), [(-1, "expired"), (5, "expires on"), (60, None)])
def test_staff_are_warned_before_the_bakong_token_runs_out(settings, sales, days, warned):
    from datetime import timedelta

    settings.BAKONG_API_TOKEN = _jwt(timezone.now() + timedelta(days=days))
    _, client = member_of("Shop staff", "sophal")
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    if warned:
        assert "The Bakong API token" in page and warned in page
    else:
        assert "The Bakong API token" not in page
