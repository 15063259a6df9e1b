"""Fulfilment: couriers and tracking on shipment, a message at each step, order pages whose
words fit the status, and the packing slip and receipt as PDFs in the order's language."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from checkout.khqr.client import Paid
from checkout.models import Courier, Order, Status
from checkout.orders import ship_order
from checkout.payments import apply_outcome
from checkout.status import change_status
from notifications.messages import render
from notifications.models import Notification
from tests.factories import bakong_transaction, make_category, make_order, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def courier(db):
    return Courier.objects.create(
        name="J&T Express", name_km="ជេ អ៊ែន ធី", tracking_url="https://jt.example/track?no={number}"
    )


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def fonts_of(reader):
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_a_courier_needs_a_tracking_page_with_a_place_for_the_number(db):
    with pytest.raises(ValidationError):
        Courier(name="X", tracking_url="https://x.example/track").full_clean()
    with pytest.raises(ValidationError):
        Courier(name="X", tracking_url="javascript:alert({number})").full_clean()
    Courier(name="Riders", tracking_url="").full_clean()


def test_shipping_with_a_courier_tells_the_shopper_how_to_follow_the_parcel(
    shop, courier, admin_client
):
    order = make_order(Status.PROCESSING, shop=shop)
    response = admin_client.post(
        reverse("orders:action", args=[order.pk, "shipped"]),
        {"courier": str(courier.pk), "tracking_number": " JT 123/45 "},
        follow=True,
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Status.SHIPPED and order.shipped_at is not None
    assert order.courier_name == "J&T Express"
    assert order.tracking_number == "JT 123/45"
    assert order.tracking_url == "https://jt.example/track?no=JT%20123%2F45"
    _subject, text, html = render(Notification.objects.get(kind="order_shipped"))
    assert "Courier: J&T Express, tracking number JT 123/45" in text
    assert "https://jt.example/track?no=JT%20123%2F45" in html
    page = admin_client.get(order.get_absolute_url()).content.decode()
    assert "Your order is on its way with J&amp;T Express." in page
    assert 'href="https://jt.example/track?no=JT%20123%2F45"' in page


def test_a_tracking_number_needs_its_courier_and_an_unknown_courier_is_refused(shop, admin_client):
    order = make_order(Status.PROCESSING, shop=shop)
    for data in ({"tracking_number": "123"}, {"courier": "99999"}, {"courier": "x"}):
        response = admin_client.post(
            reverse("orders:action", args=[order.pk, "shipped"]), data, follow=True
        )
        assert response.status_code == 200
        assert Order.objects.get(pk=order.pk).status == Status.PROCESSING


def test_each_step_sends_its_message_and_the_order_page_says_where_it_is(shop, client):
    order = make_order(Status.PAID, shop=shop)
    assert "We’ll send it to you soon." in client.get(order.get_absolute_url()).content.decode()
    for target, kind, words in [
        (Status.PROCESSING, "order_processing", "We are preparing your order."),
        (Status.SHIPPED, "order_shipped", "Your order is on its way."),
        (Status.DELIVERED, "order_delivered", "Delivered on"),
    ]:
        if target == Status.SHIPPED:
            ship_order(order.pk, None)
        else:
            change_status(order.pk, target)
        assert Notification.objects.filter(kind=kind, order=order).count() == 1
        page = client.get(order.get_absolute_url()).content.decode()
        assert words in page
        assert "We’ll send it to you soon." not in page


def test_the_receipt_carries_the_order_number_and_the_bakong_reference(shop, client):
    order = make_order(Status.AWAITING_PAYMENT, shop=shop)
    payment = order.payments.get()
    transaction = bakong_transaction(payment, external_ref="100FT77777ABCDE")
    assert apply_outcome(payment.pk, Paid(transaction)) == "paid"
    order.refresh_from_db()
    assert order.is_paid
    response = client.get(reverse("checkout:order_receipt", args=[order.token]))
    assert response["Content-Type"] == "application/pdf"
    text, reader = pdf_text(response.content)
    assert order.number in text
    assert "100FT77777ABCDE" in text
    assert "Receipt" in text
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    a5 = client.get(reverse("checkout:order_receipt", args=[order.token]) + "?size=A5")
    assert PdfReader(io.BytesIO(a5.content)).pages[0].mediabox.width == pytest.approx(420, abs=1)


def test_an_unpaid_order_has_no_receipt(shop, client):
    order = make_order(Status.AWAITING_PAYMENT, shop=shop)
    assert client.get(reverse("checkout:order_receipt", args=[order.token])).status_code == 404
    assert client.get("/en/orders/not-a-token/receipt.pdf").status_code == 404


def test_a_khmer_order_gets_a_khmer_packing_slip_with_the_khmer_font(shop, admin_client):
    product = make_product(make_category(), title="Krama", price="6.50", stock=5)
    product.khmer_name = "ក្រមាក្រហម"
    product.save()
    order = make_order(Status.PAID, shop=shop, items=[(product, 2)])
    Order.objects.filter(pk=order.pk).update(language="km")
    response = admin_client.get(reverse("orders:document", args=[order.pk, "packing-slip"]))
    assert response.status_code == 200
    text, reader = pdf_text(response.content)
    assert order.number in text
    assert "ក្រមា" in text.replace("\u200b", "")
    # The shop's Noto Sans Khmer, under the family name the document gives it.
    assert any("Shop-Khmer" in name for name in fonts_of(reader)), fonts_of(reader)


def test_documents_are_for_staff_who_may_see_orders(shop, client):
    order = make_order(Status.PAID, shop=shop)
    response = client.get(reverse("orders:document", args=[order.pk, "receipt"]))
    assert response.status_code in (302, 403)
    assert response.get("Content-Type") != "application/pdf"
