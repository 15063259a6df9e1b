"""Running the shop from the Wagtail admin: orders, payments, permissions."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalog.models import StockRecord
from checkout.models import Cart, CartLine, Order, Payment
from checkout.orders import place_order
from checkout.status import change_status
from notifications.models import Notification
from tests.factories import home_page, make_category, make_product

pytestmark = pytest.mark.django_db


def member_of(group_name, username):
    user = User.objects.create_user(username, f"{username}@example.com", "pw-123456")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def staff():
    return member_of("Shop staff", "sreyleak")


@pytest.fixture
def editor():
    return member_of("Editors", "vibol")


@pytest.fixture
def order(shop, details):
    product = make_product(make_category(), title="Celadon Bowl", price="9.00", stock=6)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    details.phone = "+85512999888"
    return place_order(cart, details, shop)[0]


def stock_of(order):
    return StockRecord.objects.get(product_id=order.lines.get().product_id).quantity


ORDER_VIEWS = ["orders:index", "payments:index", "inventory:index", "delivery_methods:index"]


@pytest.mark.parametrize("view", ORDER_VIEWS)
def test_shop_staff_can_open_every_shop_view(staff, order, view):
    assert staff[1].get(reverse(view)).status_code == 200


@pytest.mark.parametrize("view", ORDER_VIEWS)
def test_editors_see_no_orders_payments_or_stock(editor, order, view):
    response = editor[1].get(reverse(view))
    assert response.status_code in (302, 403)
    assert b"Sok Dara" not in response.content


@pytest.mark.parametrize("view", ORDER_VIEWS)
def test_anonymous_visitors_are_sent_to_the_login(client, order, view):
    response = client.get(reverse(view))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editors_cannot_open_an_order_or_act_on_it(editor, order):
    client = editor[1]
    assert client.get(reverse("orders:inspect", args=[order.pk])).status_code in (302, 403)
    response = client.post(reverse("orders:action", args=[order.pk, "cancel"]), {"reason": "x"})
    assert response.status_code in (302, 403)
    assert Order.objects.get(pk=order.pk).status == "awaiting_payment"


def test_shop_staff_cannot_edit_pages_or_site_settings(staff, order):
    client = staff[1]
    home = home_page()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[home.pk])).status_code in (302, 403)
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    settings_url = reverse("wagtailsettings:edit", args=["kernel", "shopsettings", site.pk])
    assert client.get(settings_url).status_code in (302, 403)


def test_editors_can_edit_pages(editor, order):
    home = home_page()
    assert editor[1].get(reverse("wagtailadmin_pages:edit", args=[home.pk])).status_code == 200


def test_orders_cannot_be_created_or_deleted_in_the_admin(staff, order):
    client = staff[1]
    assert client.get("/admin/orders/new/").status_code == 404
    assert client.post(f"/admin/orders/delete/{order.pk}/").status_code == 404
    assert client.get(f"/admin/orders/edit/{order.pk}/").status_code == 404
    assert Order.objects.filter(pk=order.pk).exists()


def test_order_list_filters_search_and_exports(staff, order, shop, details):
    client = staff[1]
    index = reverse("orders:index")
    assert order.number in client.get(index, {"q": "12999888"}).content.decode()
    assert order.number not in client.get(index, {"q": "no-such-phone"}).content.decode()
    assert order.number in client.get(index, {"status": "awaiting_payment"}).content.decode()
    assert order.number not in client.get(index, {"status": "paid"}).content.decode()
    assert order.number in client.get(index, {"payment_state": "pending"}).content.decode()
    assert order.number in client.get(index, {"delivery_method": "phnom-penh"}).content.decode()

    response = client.get(index, {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["Number"] == order.number and rows[0]["Total"] == "19.50"
    response = client.get(index, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert order.number in [cell.value for cell in sheet["A"]]


def test_inspect_shows_lines_payments_and_history(staff, order):
    page = staff[1].get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert "Celadon Bowl" in page
    assert order.payments.get().short_md5 in page
    assert "Order placed" in page
    assert "Mark paid by hand" in page and "Cancel (gives stock back)" in page


def test_actions_go_through_the_state_machine_and_record_who_and_why(staff, order):
    user, client = staff

    def act(action, reason=""):
        client.post(reverse("orders:action", args=[order.pk, action]), {"reason": reason})
        return Order.objects.get(pk=order.pk)

    assert act("mark_paid").status == "awaiting_payment"  # a reason is required
    assert act("mark_paid", "Cash at the shop").status == "paid"
    # A second click (or a colleague's) changes nothing and says so, not "Done."
    client.get(reverse("orders:inspect", args=[order.pk]))  # shows (and clears) "Done."
    again = client.post(
        reverse("orders:action", args=[order.pk, "mark_paid"]), {"reason": "Again"}, follow=True
    )
    shown = [str(message) for message in again.context["messages"]]
    assert shown == ["This order is no longer waiting for a payment; nothing was changed."]
    assert act("delivered").status == "paid"  # not allowed before shipping
    assert act("processing").status == "processing"
    assert act("shipped").status == "shipped"
    assert act("delivered").status == "delivered"
    assert act("refund").status == "delivered"  # a reason is required
    assert act("refund", "Broken in transit").status == "refunded"
    changes = list(
        Order.objects.get(pk=order.pk).status_changes.values_list(
            "to_status", "changed_by", "reason"
        )
    )
    assert ("paid", user.pk, "Marked paid by hand: Cash at the shop") in changes
    assert changes[-1] == ("refunded", user.pk, "Refunded in full: Broken in transit")


def test_cancelling_in_the_admin_gives_the_stock_back(staff, order):
    assert stock_of(order) == 4
    change_status(order.pk, "paid")
    staff[1].post(reverse("orders:action", args=[order.pk, "cancel"]), {"reason": "Customer asked"})
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert stock_of(order) == 6


def test_resending_the_receipt_queues_a_new_email(staff, order):
    change_status(order.pk, "paid")
    before = Notification.objects.filter(kind="payment_received").count()
    staff[1].post(reverse("orders:action", args=[order.pk, "resend_receipt"]))
    assert Notification.objects.filter(kind="payment_received").count() == before + 1


def test_staff_notes(staff, order):
    staff[1].post(
        reverse("orders:action", args=[order.pk, "note"]), {"reason": "Called: deliver after 5pm"}
    )
    page = staff[1].get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert "Called: deliver after 5pm" in page


def test_late_payments_are_highlighted_with_what_to_do_and_can_be_reinstated(staff, order):
    payment = order.payments.get()
    Payment.objects.filter(pk=payment.pk).update(
        status="late",
        bakong_hash="a" * 64,
        paid_amount=Decimal("19.50"),
        paid_currency="USD",
        attention_reason="Paid after the code expired.",
    )
    change_status(order.pk, "expired")  # the order had closed and given its stock back
    client = staff[1]
    listing = client.get(reverse("payments:index"), {"needs_attention": "true"}).content.decode()
    assert payment.short_md5 in listing and "reinstate the order if stock allows" in listing
    page = client.get(reverse("payments:inspect", args=[payment.pk])).content.decode()
    assert "Reinstate the order as paid" in page
    client.post(reverse("payments:action", args=[payment.pk, "reinstate"]))
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert Payment.objects.get(pk=payment.pk).needs_attention is False
    assert stock_of(order) == 4


def test_resolving_a_payment_locks_it_and_leaves_a_note_once(staff, order):
    payment = order.payments.get()
    Payment.objects.filter(pk=payment.pk).update(
        status="mismatch",
        bakong_hash="b" * 64,
        paid_amount=Decimal("5.00"),
        paid_currency="USD",
        attention_reason="Received $5.00 instead of $19.50.",
    )
    user, client = staff
    action = reverse("payments:action", args=[payment.pk, "resolve"])
    refused = client.post(action, {"reason": "  "}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Say how it was resolved (for example: refunded by ABA transfer)."
    ]
    client.post(action, {"reason": "Refunded $5 by ABA transfer"}, follow=True)
    resolved = Payment.objects.get(pk=payment.pk)
    assert resolved.resolution == "Refunded $5 by ABA transfer" and resolved.resolved_at
    note = order.notes.get()
    assert (note.author, note.text) == (
        user,
        f"Payment {payment.short_md5} resolved: Refunded $5 by ABA transfer",
    )
    again = client.post(action, {"reason": "Refunded twice?"}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "This payment no longer needs attention; nothing was changed."
    ]
    assert order.notes.count() == 1
    assert Payment.objects.get(pk=payment.pk).resolution == "Refunded $5 by ABA transfer"


def test_a_status_move_made_stale_by_a_colleague_changes_nothing_and_says_so(staff, order):
    change_status(order.pk, "paid")
    user, client = staff
    client.post(reverse("orders:action", args=[order.pk, "shipped"]), follow=True)
    # A colleague's page still offered "Mark processing"; the order has shipped since.
    stale = client.post(reverse("orders:action", args=[order.pk, "processing"]), follow=True)
    assert [str(m) for m in stale.context["messages"]] == [
        "This order can no longer be moved there; nothing was changed."
    ]
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_the_admin_offers_exactly_the_moves_the_state_machine_allows(staff, order):
    from checkout.models import PAID_STATES, STAFF_MOVES, TRANSITIONS, Status
    from checkout.staff import available_actions

    for status in Status:
        # A paid order in the states that follow a payment, as a KHQR order stands.
        paid_at = timezone.now() if status in PAID_STATES else None
        Order.objects.filter(pk=order.pk).update(status=status, paid_at=paid_at)
        offered = {key for key, _label, _needs in available_actions(Order.objects.get(pk=order.pk))}
        moves = {
            # Confirming a cash on delivery order is the move to "processing", by its own name.
            "confirm"
            if (status, target) == (Status.AWAITING_CONFIRMATION, Status.PROCESSING)
            else action
            for target, (action, _l, _n) in STAFF_MOVES.items()
            if target in TRANSITIONS[status]
            # A paid order that comes back is a refund, not "returned unpaid".
            and not (target == Status.RETURNED and paid_at is not None)
        }
        assert moves <= offered, status
        assert offered - moves <= {"resend_payment", "resend_receipt"}, status


def test_old_shop_settings_links_still_open_the_settings(client, shop, admin_user):
    from wagtail.models import Site

    client.force_login(admin_user)
    site = Site.objects.get(is_default_site=True)
    response = client.get(f"/admin/settings/website/shopsettings/{site.pk}/")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "wagtailsettings:edit", args=["kernel", "shopsettings", site.pk]
    )
