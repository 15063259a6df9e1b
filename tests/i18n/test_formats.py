"""Money, dates and digits as Cambodian shops write them, and Khmer digits for display only."""

import datetime
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import formats, translation

from checkout.models import Payment
from kernel.money import format_money
from tests.factories import make_category, make_order, make_product

KHMER_DIGIT = re.compile("[០-៩]")


@pytest.mark.parametrize(
    ("language", "digits", "usd", "khr"),
    [
        ("en", False, "$1,234.50", "36,500 ៛"),
        ("en", True, "$1,234.50", "36,500 ៛"),  # Khmer digits are for Khmer pages only
        ("km", False, "$1,234.50", "36,500 រៀល"),
        ("km", True, "$១,២៣៤.៥០", "៣៦,៥០០ រៀល"),
    ],
)
def test_money_for_people(language, digits, usd, khr):
    with translation.override(language):
        assert format_money(Decimal("1234.5"), "USD", khmer_digits=digits) == usd
        assert format_money(Decimal("36500"), "KHR", khmer_digits=digits) == khr


def test_khmer_dates_and_numbers():
    with translation.override("km"):
        assert formats.date_format(datetime.date(2026, 12, 5)) == "5 ធ្នូ 2026"
        assert formats.date_format(datetime.date(2026, 12, 5), "SHORT_DATE_FORMAT") == "05/12/2026"
        # Dollars keep the decimal point in Khmer (Django's own km formats use a comma).
        assert formats.number_format(Decimal("4100.5"), 2, force_grouping=True) == "4,100.50"


@pytest.fixture
def khmer_digits_shop(shop):
    shop.khmer_digits = True
    shop.save()
    return shop


@pytest.mark.django_db
def test_khmer_digits_show_on_khmer_pages_only(khmer_digits_shop):
    product = make_product(make_category(), title="Pepper", price="8.90", stock=5)
    with translation.override("km"):
        khmer_path = product.url
    khmer = Client().get(khmer_path).content.decode()
    assert "$៨.៩០" in khmer and "៣៦,៥០០ រៀល" in khmer
    english = Client().get("/en" + khmer_path[3:]).content.decode()
    assert "$8.90" in english and not KHMER_DIGIT.search(english.split("<main", 1)[1])


@pytest.mark.django_db
def test_khmer_digits_never_reach_forms_json_or_the_qr(khmer_digits_shop):
    product = make_product(make_category(), title="Pepper", price="8.90", stock=5)
    shopper = Client(HTTP_ACCEPT_LANGUAGE="km")
    shopper.post("/km/cart/add/", {"product_id": product.pk, "quantity": 2})
    cart = shopper.get("/km/cart/").content.decode()
    assert "$១៧.៨០" in cart  # shown in Khmer digits...
    quantity = BeautifulSoup(cart, "html.parser").select_one("input[name=quantity]")
    assert quantity["value"] == "2"  # ...the form value stays 0-9
    api = shopper.get("/api/cart/").json()
    assert not KHMER_DIGIT.search(str(api))
    with translation.override("km"):
        order = make_order(items=[(product, 1)])
    payment = Payment.objects.get(order=order)
    assert not KHMER_DIGIT.search(payment.qr_string)
    page = Client().get(f"/km/orders/{order.token}/").content.decode()
    assert "$" in page and KHMER_DIGIT.search(page)
