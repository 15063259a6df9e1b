"""Customers' data: a customer downloads their data and deletes their account; staff look a
guest up by phone or e-mail, download and erase their data; the retention job anonymises old
finished orders and deletes old contact messages."""

import json
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from accounts.models import CustomerDataLog, PrivacySettings
from backoffice.privacy import ERASED_MESSAGE, apply_retention
from catalog.models import ContactPage
from checkout.models import (
    Address,
    CustomerKey,
    Order,
    OrderStatusChange,
    Payment,
    PaymentStatus,
    Status,
)
from checkout.privacy import ERASED, ERASED_NAME, OrdersStillOpen, anonymise_orders
from notifications.models import EMAIL, Notification
from tests.factories import give_totp, home_page, make_category, make_order, make_product

pytestmark = pytest.mark.django_db

PASSWORD = "kampot-pepper-2026"
DARA = {"email": "dara@example.com", "name": "Sok Dara", "phone": "+85512345678"}
VANNA = {
    "email": "vanna@example.com",
    "name": "Chan Vanna",
    "phone": "+85598765432",
    "address": "House 9, Street 63",
}


# --- helpers ----------------------------------------------------------------------------------


def finished_days_ago(order, days):
    """Move everything about ``order`` ``days`` into the past, as an old order would be: placed,
    changed and its payment codes long expired (a payment left pending when it was marked
    paid by hand has expired by then too)."""
    moment = timezone.now() - timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(created_at=moment, expires_at=moment)
    OrderStatusChange.objects.filter(order=order).update(created_at=moment)
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.EXPIRED
    )
    Payment.objects.filter(order=order).update(created_at=moment, expires_at=moment)
    order.refresh_from_db()
    return order


def order_for(status, days=30, **kwargs):
    order = make_order(status, **kwargs)
    return finished_days_ago(order, days) if days else order


def sent_email(order, kind="payment_received", recipient=None, text="Dear Sok Dara, thanks"):
    return Notification.objects.create(
        event_key=f"order:{order.pk}:{kind}",
        channel=EMAIL,
        recipient=recipient or order.email,
        kind=kind,
        subject=f"Receipt for order {order.number}",
        body_text=text,
        order=order,
        state=Notification.State.SENT,
        sent_at=timezone.now(),
    )


@pytest.fixture
def customer(shop):
    return User.objects.create_user("dara", DARA["email"], PASSWORD)


@pytest.fixture
def signed_in(customer):
    client = Client()
    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def contact_page(shop):
    page = ContactPage(title="Contact us", slug="contact")
    home_page().add_child(instance=page)
    return page


def message_from(page, days=0, **data):
    submission = FormSubmission.objects.create(
        page=page,
        form_data={"name": "Sok Dara", "phone": "", "email": "", "message": "Hello", **data},
    )
    if days:
        FormSubmission.objects.filter(pk=submission.pk).update(
            submit_time=timezone.now() - timedelta(days=days)
        )
    return submission


def admin_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shop_staff(shop):
    user = User.objects.create_user("sreyleak", "sreyleak@example.com", "pw-123456")
    user.groups.add(Group.objects.get(name="Shop staff"))
    return user


@pytest.fixture
def data_officer(shop_staff):
    """A member of Shop staff who was also given the permission to manage customers' data."""
    shop_staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="manage_customer_data")
    )
    return User.objects.get(pk=shop_staff.pk)  # fresh permission cache


CUSTOMER_DATA = "/admin/customer_data/"


def staff_post(client, **data):
    return client.post(CUSTOMER_DATA, data)


# --- the customer's download ------------------------------------------------------------------


def test_the_download_holds_the_customers_data_and_nobody_elses(signed_in, customer):
    product = make_product(make_category(), title="Celadon Bowl", price="9.00", stock=9)
    mine = order_for(Status.DELIVERED, user=customer, shopper=DARA, items=[(product, 2)])
    Address.objects.create(
        user=customer, name="Sok Dara", phone=DARA["phone"], province="Kampot", address="Rd 3"
    )
    other = User.objects.create_user("vanna", VANNA["email"], PASSWORD)
    theirs = order_for(Status.DELIVERED, user=other, shopper=VANNA)
    Address.objects.create(
        user=other, name="Chan Vanna", phone=VANNA["phone"], province="Kandal", address="Rd 9"
    )
    # A guest order with the customer's address: not linked to the account, not theirs to get.
    guest = order_for(Status.DELIVERED, shopper=DARA)
    secret = give_totp(customer)

    response = signed_in.get(reverse("accounts:account_data_download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode()
    data = json.loads(body)
    assert data["account"]["email"] == DARA["email"]
    assert data["account"]["two_factor_authentication"] == [Authenticator.Type.TOTP]
    assert [address["province"] for address in data["addresses"]] == ["Kampot"]
    assert [order["number"] for order in data["orders"]] == [mine.number]
    [exported] = data["orders"]
    assert exported["delivery"]["name"] == "Sok Dara"
    assert exported["total"] == str(mine.total)
    assert [(line["title"], line["quantity"]) for line in exported["lines"]] == [
        ("Celadon Bowl", 2)
    ]
    assert [change["status"] for change in exported["status_history"]][-1] == "delivered"
    assert exported["payments"] and "qr_string" not in exported["payments"][0]
    for kept_out in (theirs.number, guest.number, VANNA["name"], "Kandal", mine.token, secret):
        assert kept_out not in body
    customer.refresh_from_db()
    assert customer.password not in body
    assert "staff_notes" not in exported


def test_the_data_page_shows_what_is_kept_in_both_languages(signed_in, customer):
    order_for(Status.DELIVERED, user=customer, shopper=DARA)
    english = signed_in.get("/en/account/data/")
    assert english.status_code == 200
    page = english.content.decode()
    assert "Download your data" in page and "1 order, with the name" in page
    assert "/en/account/delete/" in page
    khmer = signed_in.get("/km/account/data/")
    assert khmer.status_code == 200
    assert '<html lang="km"' in khmer.content.decode()
    assert "/km/account/data/download/" in khmer.content.decode()


def test_the_data_pages_need_a_login(client, shop):
    for url in ("/en/account/data/", "/en/account/data/download/", "/en/account/delete/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- deleting the account ---------------------------------------------------------------------


def delete(client, password=PASSWORD, understood=True):
    data = {"secret": password}
    if understood:
        data["understood"] = "on"
    return client.post("/en/account/delete/", data)


def test_deleting_the_account_anonymises_orders_deletes_addresses_and_logs_out(signed_in, customer):
    order = order_for(Status.DELIVERED, user=customer, shopper=DARA)
    lines = list(order.lines.values_list("title", "quantity", "unit_price", "line_total"))
    total, token = order.total, order.token
    Address.objects.create(
        user=customer, name="Sok Dara", phone=DARA["phone"], province="Kampot", address="Rd 3"
    )
    kept = order_for(Status.DELIVERED, shopper=VANNA)  # somebody else's
    # The checkout's lock rows of both phone numbers (cash on delivery orders make them).
    for phone in (DARA["phone"], VANNA["phone"]):
        CustomerKey.objects.create(key=f"phone:{phone}")

    response = delete(signed_in)

    assert response.status_code == 302
    assert not User.objects.filter(pk=customer.pk).exists()
    assert not Address.objects.exists()
    order.refresh_from_db()
    assert (order.name, order.phone, order.email, order.address) == (
        ERASED_NAME,
        ERASED,
        "",
        ERASED,
    )
    assert order.user_id is None and order.token != token
    assert order.total == total and order.status == Status.DELIVERED
    assert list(order.lines.values_list("title", "quantity", "unit_price", "line_total")) == lines
    assert order.notes.filter(text__contains="deleted their account").exists()
    kept.refresh_from_db()
    assert kept.name == VANNA["name"] and kept.phone == VANNA["phone"]
    assert not CustomerKey.objects.filter(key=f"phone:{DARA['phone']}").exists()
    assert CustomerKey.objects.filter(key=f"phone:{VANNA['phone']}").exists()
    record = CustomerDataLog.objects.get()
    assert record.action == "erase" and record.source == "customer"
    assert record.order_numbers == [order.number]
    # Logged out: the account pages send the browser to the login page.
    assert signed_in.get("/en/account/").status_code == 302


def test_deleting_needs_the_right_password_and_the_tick(signed_in, customer):
    response = delete(signed_in, password="wrong")
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    response = delete(signed_in, understood=False)
    assert response.status_code == 200
    assert User.objects.filter(pk=customer.pk).exists()


def test_guessing_the_password_on_the_delete_page_is_throttled(signed_in, customer):
    for _attempt in range(10):
        delete(signed_in, password="wrong")
    response = delete(signed_in)  # right, but too many tries
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=customer.pk).exists()


def test_a_huge_password_is_refused_with_a_message(signed_in, customer):
    response = delete(signed_in, password="x" * 100_000)
    assert response.status_code == 200
    assert User.objects.filter(pk=customer.pk).exists()


@pytest.mark.parametrize(
    "status", [Status.AWAITING_PAYMENT, Status.PROCESSING, Status.SHIPPED, Status.PAID]
)
def test_deleting_is_refused_while_an_order_is_open(signed_in, customer, status):
    closed = order_for(Status.DELIVERED, user=customer, shopper=DARA)
    still_open = make_order(status, user=customer, shopper=DARA)

    page = signed_in.get("/en/account/delete/").content.decode()
    assert still_open.number in page and "cannot be deleted now" in page
    assert closed.number not in page

    response = delete(signed_in)
    assert response.status_code == 200
    assert User.objects.filter(pk=customer.pk).exists()
    for order in (closed, still_open):
        order.refresh_from_db()
        assert order.name == DARA["name"]


def test_cash_not_collected_and_late_money_keep_an_order_open(customer):
    delivered_unpaid = make_order(Status.AWAITING_CONFIRMATION, user=customer, shopper=DARA)
    Order.objects.filter(pk=delivered_unpaid.pk).update(status=Status.DELIVERED)
    late = order_for(Status.EXPIRED, user=customer, shopper=DARA)
    Payment.objects.filter(order=late).update(status=PaymentStatus.LATE)
    for order in (delivered_unpaid, late):
        with pytest.raises(OrdersStillOpen, match="not finished yet"):
            anonymise_orders([order.pk])
        order.refresh_from_db()
        assert order.phone == DARA["phone"]


def test_staff_accounts_cannot_delete_themselves_here(shop):
    boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    client = Client()
    client.force_login(boss)
    page = client.get("/en/account/delete/").content.decode()
    assert "cannot be deleted here" in page
    delete(client)
    assert User.objects.filter(pk=boss.pk).exists()


# --- staff: a guest's data --------------------------------------------------------------------


def test_shop_staff_without_the_permission_get_403(shop_staff):
    client = admin_client(shop_staff)
    assert client.get(CUSTOMER_DATA).status_code == 403
    assert staff_post(client, who="012 345 678", action="erase", confirm="1").status_code == 403


def test_staff_with_the_permission_and_superusers_open_the_page(data_officer, shop):
    assert admin_client(data_officer).get(CUSTOMER_DATA).status_code == 200
    boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    assert admin_client(boss).get(CUSTOMER_DATA).status_code == 200


def test_the_menu_item_shows_only_with_the_permission(shop_staff, data_officer):
    page = admin_client(data_officer).get("/admin/").content.decode()
    assert CUSTOMER_DATA in page
    other = User.objects.create_user("vibol", "vibol@example.com", "pw-123456")
    other.groups.add(Group.objects.get(name="Shop staff"))
    assert CUSTOMER_DATA not in admin_client(other).get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("dara@", "not an e-mail address"),
        ("12", "phone number like 012 345 678"),
        ("x" * 5000, "at most 254 characters"),
        ("sok dara", "phone number like 012 345 678"),
    ],
)
def test_bad_input_gets_a_clear_message(data_officer, typed, message):
    response = staff_post(admin_client(data_officer), who=typed)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_unknown_phone_number_finds_nothing(data_officer):
    order_for(Status.DELIVERED, shopper=DARA)
    response = staff_post(admin_client(data_officer), who="097 000 0000")
    assert response.status_code == 200
    assert "data-nothing-found" in response.content.decode()


@pytest.fixture
def guest_world(customer, contact_page):
    """Dara's guest orders and message, Vanna's order and message, and an order Dara placed
    from her account, all with Dara's phone number."""
    return {
        "dara": order_for(Status.DELIVERED, shopper=DARA),
        "dara_cancelled": order_for(Status.CANCELLED, shopper=DARA),
        "vanna": order_for(Status.DELIVERED, shopper=VANNA),
        "account": order_for(Status.DELIVERED, shopper=DARA, user=customer),
        "dara_message": message_from(contact_page, phone=DARA["phone"], message="Call me"),
        "vanna_message": message_from(contact_page, phone=VANNA["phone"], name="Chan Vanna"),
    }


def test_staff_find_a_guest_by_phone_in_any_usual_form(data_officer, guest_world):
    for typed in ("012 345 678", "+855 12 345 678", "85512345678", "012-345-678"):
        page = staff_post(admin_client(data_officer), who=typed).content.decode()
        assert guest_world["dara"].number in page and guest_world["dara_cancelled"].number in page
        assert guest_world["vanna"].number not in page
        assert "Call me" in page


def test_staff_erase_a_guest_by_phone_with_an_audit(data_officer, guest_world):
    dara, vanna, account = guest_world["dara"], guest_world["vanna"], guest_world["account"]
    total = dara.total
    receipt = sent_email(dara)
    owner_copy = sent_email(dara, kind="owner_order_paid", recipient="owner@example.com")
    client = admin_client(data_officer)
    page = staff_post(client, who="012 345 678").content.decode()
    assert 'name="orders"' in page

    numbers = sorted([dara.number, guest_world["dara_cancelled"].number])
    response = staff_post(
        client,
        who="012 345 678",
        action="erase",
        confirm="1",
        orders=",".join(numbers),
        messages="1",
    )

    assert response.status_code == 302
    dara.refresh_from_db()
    assert (dara.name, dara.phone, dara.email, dara.address) == (ERASED_NAME, ERASED, "", ERASED)
    assert dara.total == total and dara.lines.exists()
    note = dara.notes.get(text__contains="at the customer's request")
    assert note.author == data_officer
    for untouched in (vanna, account):
        untouched.refresh_from_db()
        assert untouched.phone in (DARA["phone"], VANNA["phone"])
        assert untouched.name != ERASED_NAME
    assert not FormSubmission.objects.filter(pk=guest_world["dara_message"].pk).exists()
    assert FormSubmission.objects.filter(pk=guest_world["vanna_message"].pk).exists()
    receipt.refresh_from_db()
    assert (receipt.recipient, receipt.body_text, receipt.subject) == ("", ERASED_MESSAGE, "")
    owner_copy.refresh_from_db()
    assert owner_copy.recipient == "owner@example.com" and owner_copy.body_text == ERASED_MESSAGE
    record = CustomerDataLog.objects.get(action="erase")
    assert record.source == "staff" and record.staff == data_officer
    assert record.order_numbers == numbers and record.contact_messages == 1
    assert "012" not in record.orders and DARA["phone"] not in str(record.__dict__)


def test_staff_erasure_needs_the_tick(data_officer, guest_world):
    response = staff_post(
        admin_client(data_officer), who="012 345 678", action="erase", orders="", messages="1"
    )
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    guest_world["dara"].refresh_from_db()
    assert guest_world["dara"].name == DARA["name"]
    assert not CustomerDataLog.objects.exists()


def test_staff_erasure_stops_when_the_orders_changed_since_staff_looked(data_officer, guest_world):
    response = staff_post(
        admin_client(data_officer),
        who="012 345 678",
        action="erase",
        confirm="1",
        orders=guest_world["dara"].number,  # the cancelled one was not seen
        messages="1",
    )
    assert "changed since you looked" in response.content.decode()
    guest_world["dara"].refresh_from_db()
    assert guest_world["dara"].name == DARA["name"]


def test_staff_erasure_is_refused_while_a_guest_order_is_open(data_officer, guest_world):
    still_open = make_order(Status.PROCESSING, shopper=DARA)
    client = admin_client(data_officer)
    page = staff_post(client, who="012345678").content.decode()
    assert "data-open-orders" in page and still_open.number in page
    numbers = sorted([guest_world["dara"].number, guest_world["dara_cancelled"].number])
    numbers = sorted([*numbers, still_open.number])
    response = staff_post(
        client,
        who="012345678",
        action="erase",
        confirm="1",
        orders=",".join(numbers),
        messages="1",
    )
    assert "not finished yet" in response.content.decode()
    for order in (guest_world["dara"], still_open):
        order.refresh_from_db()
        assert order.name == DARA["name"]
    assert FormSubmission.objects.filter(pk=guest_world["dara_message"].pk).exists()


def test_staff_download_a_guests_data_by_email_and_it_is_recorded(data_officer, guest_world):
    dara = guest_world["dara"]
    sent_email(dara, text="Your receipt, Sok Dara")
    message_from(FormSubmission.objects.first().page, email="DARA@example.com", message="By e-mail")
    response = staff_post(admin_client(data_officer), who="Dara@Example.com", action="download")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    numbers = {order["number"] for order in data["orders"]}
    assert numbers == {dara.number, guest_world["dara_cancelled"].number}
    assert [sent["text"] for sent in data["messages_sent"]] == ["Your receipt, Sok Dara"]
    assert [message["message"] for message in data["contact_messages"]] == ["By e-mail"]
    assert "staff_notes" in data["orders"][0]
    body = response.content.decode()
    assert guest_world["vanna"].number not in body and dara.token not in body
    record = CustomerDataLog.objects.get()
    assert record.action == "download" and record.staff == data_officer


# --- retention --------------------------------------------------------------------------------


def retention(order_days, contact_days):
    privacy = PrivacySettings.for_default_site()
    privacy.order_retention_days = order_days
    privacy.contact_retention_days = contact_days
    privacy.save()


def test_retention_anonymises_only_finished_orders_older_than_the_setting(shop, contact_page):
    retention(order_days=90, contact_days=30)
    old_delivered = order_for(Status.DELIVERED, days=120, shopper=DARA)
    old_cancelled = order_for(Status.CANCELLED, days=100, shopper=VANNA)
    young = order_for(Status.DELIVERED, days=60, shopper=DARA)
    old_but_open = order_for(Status.SHIPPED, days=200, shopper=DARA)
    receipt = sent_email(old_delivered)
    old_message = message_from(contact_page, days=40, phone=DARA["phone"])
    young_message = message_from(contact_page, days=20, phone=DARA["phone"])

    counts = apply_retention()

    assert counts["orders"] == 2 and counts["contact_messages"] == 1
    for order in (old_delivered, old_cancelled):
        order.refresh_from_db()
        assert order.name == ERASED_NAME and order.phone == ERASED
        assert order.notes.filter(text__contains="privacy settings").exists()
    for order in (young, old_but_open):
        order.refresh_from_db()
        assert order.name == DARA["name"] and order.phone == DARA["phone"]
    receipt.refresh_from_db()
    assert receipt.body_text == ERASED_MESSAGE and receipt.recipient == ""
    assert not FormSubmission.objects.filter(pk=old_message.pk).exists()
    assert FormSubmission.objects.filter(pk=young_message.pk).exists()
    assert CustomerDataLog.objects.filter(source="retention").exists()
    # A second run finds nothing more to do.
    assert apply_retention() == {"orders": 0, "contact_messages": 0, "outbox_messages": 0}


def test_retention_keeps_an_old_order_whose_late_payment_is_not_settled(shop):
    retention(order_days=90, contact_days=None)
    order = order_for(Status.EXPIRED, days=200, shopper=DARA)
    Payment.objects.filter(order=order).update(status=PaymentStatus.LATE)
    assert apply_retention()["orders"] == 0
    order.refresh_from_db()
    assert order.name == DARA["name"]
    Payment.objects.filter(order=order).update(resolved_at=timezone.now())
    assert apply_retention()["orders"] == 1


def test_the_retention_counts_from_when_an_order_finished(shop):
    retention(order_days=90, contact_days=None)
    order = order_for(Status.DELIVERED, days=200, shopper=DARA)
    # Delivered a week ago after a long journey: its details stay.
    order.status_changes.filter(to_status=Status.DELIVERED).update(
        created_at=timezone.now() - timedelta(days=7)
    )
    apply_retention()
    order.refresh_from_db()
    assert order.name == DARA["name"]


@pytest.mark.parametrize("keep_forever", [0, None])
def test_zero_or_empty_keeps_everything(shop, contact_page, keep_forever):
    retention(order_days=keep_forever, contact_days=keep_forever)
    order = order_for(Status.DELIVERED, days=5000, shopper=DARA)
    message = message_from(contact_page, days=5000)
    apply_retention()
    order.refresh_from_db()
    assert order.name == DARA["name"]
    assert FormSubmission.objects.filter(pk=message.pk).exists()


def test_the_defaults_keep_orders_five_years_and_messages_one_year(shop, contact_page):
    privacy = PrivacySettings.for_default_site()
    assert (privacy.order_retention_days, privacy.contact_retention_days) == (1825, 365)
    four_years = order_for(Status.DELIVERED, days=4 * 365, shopper=DARA)
    six_years = order_for(Status.DELIVERED, days=6 * 365, shopper=VANNA)
    apply_retention()
    four_years.refresh_from_db()
    six_years.refresh_from_db()
    assert four_years.name == DARA["name"] and six_years.name == ERASED_NAME


def test_the_worker_clears_outbox_copies_after_a_customer_deleted_their_account(
    signed_in, customer
):
    retention(order_days=None, contact_days=None)
    order = order_for(Status.DELIVERED, user=customer, shopper=DARA)
    receipt = sent_email(order)
    # The "delivered" e-mail the status change queued, not sent yet.
    waiting = Notification.objects.get(order=order, kind="order_delivered")
    assert waiting.state == Notification.State.PENDING and waiting.recipient == DARA["email"]
    assert delete(signed_in).status_code == 302

    counts = apply_retention()

    assert counts["outbox_messages"] == 1
    receipt.refresh_from_db()
    assert receipt.body_text == ERASED_MESSAGE and receipt.recipient == ""
    assert not Notification.objects.filter(pk=waiting.pk).exists()  # never sent now


def test_the_privacy_settings_refuse_a_period_the_calendar_cannot_count(shop):
    privacy = PrivacySettings.for_default_site()
    privacy.order_retention_days = 10_000_000
    with pytest.raises(ValidationError):
        privacy.full_clean()


def test_only_the_owner_edits_the_privacy_settings(shop_staff, shop):
    url = reverse("wagtailsettings:edit", args=["accounts", "privacysettings"])
    assert admin_client(shop_staff).get(url).status_code in (302, 403)
    boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    response = admin_client(boss).get(url, follow=True)
    assert response.status_code == 200
    assert "contact form messages for (days)" in response.content.decode()
