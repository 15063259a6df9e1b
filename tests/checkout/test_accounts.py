"""Customer accounts: sign up, log in by e-mail, reset a password by e-mail, saved addresses,
order history, and a login rate limit that sees the real client address."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from checkout.models import Address, Cart, CartLine
from checkout.orders import place_order
from tests.checkout.conftest import CHECKOUT_BODY
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(shop):
    return User.objects.create_user("dara", "dara@example.com", "kampot-pepper-2026")


def login(client, email, password, **headers):
    return client.post("/en/accounts/login/", {"login": email, "password": password}, **headers)


def test_sign_up_log_out_and_log_in_by_email(client, shop):
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "sophea@example.com",
            "password1": "mondulkiri-coffee-9",
            "password2": "mondulkiri-coffee-9",
        },
    )
    # The address is confirmed with the code e-mailed to it, typed on the next page.
    assert response.status_code == 302 and response["Location"] == "/en/accounts/confirm-email/"
    assert client.get("/en/account/").status_code == 302
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[-1].body).group(1)
    response = client.post("/en/accounts/confirm-email/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/en/account/"
    assert client.get("/en/account/").status_code == 200
    client.post("/en/accounts/logout/")
    assert client.get("/en/account/").status_code == 302
    response = login(client, "sophea@example.com", "mondulkiri-coffee-9")
    assert response.status_code == 302 and response["Location"] == "/en/account/"
    assert User.objects.get(email="sophea@example.com")


def test_wrong_password_is_refused_with_a_message(client, customer):
    response = login(client, "dara@example.com", "wrong")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_by_email_end_to_end(client, customer, smtp):
    client.post("/en/accounts/password/reset/", {"email": "dara@example.com"})
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "dara@example.com"
    link = re.search(
        r"http://testserver(/en/accounts/password/reset/key/\S+)", message.get_content()
    )
    assert link, message.get_content()
    page = client.get(link.group(1), follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    response = client.post(
        form_url, {"password1": "a-new-pass-2026", "password2": "a-new-pass-2026"}
    )
    assert response.status_code == 302
    assert login(Client(), "dara@example.com", "a-new-pass-2026").status_code == 302
    assert login(Client(), "dara@example.com", "kampot-pepper-2026").status_code == 200


def test_change_password(client, customer):
    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/en/accounts/password/change/",
        {
            "oldpassword": "kampot-pepper-2026",
            "password1": "river-krama-77",
            "password2": "river-krama-77",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password("river-krama-77")


def test_failed_logins_are_rate_limited_per_client_address_behind_nginx(settings, shop):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker, neighbour = Client(), Client()
    for attempt in range(10):
        login(attacker, f"victim{attempt}@example.com", "guess", HTTP_X_FORWARDED_FOR="203.0.113.9")
    blocked = login(attacker, "victim99@example.com", "guess", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert "Too many failed login attempts" in blocked.content.decode()
    # Another shopper behind the same nginx (a different client address) is not blocked.
    allowed = login(neighbour, "someone@example.com", "guess", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert "Too many failed login attempts" not in allowed.content.decode()
    assert "not correct" in allowed.content.decode()


def test_repeated_failures_on_one_account_are_limited_whatever_the_address(settings, customer):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        login(Client(), "dara@example.com", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    client = Client()
    response = login(
        client, "dara@example.com", "kampot-pepper-2026", HTTP_X_FORWARDED_FOR="192.0.2.200"
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/en/account/").status_code == 302  # even the right password waits


def test_saved_address_prefills_checkout(client, customer, delivery):
    Address.objects.create(
        user=customer,
        name="Sok Dara",
        phone="+85512345678",
        province="Kampot",
        address="Riverside road",
        is_default=True,
    )
    product = make_product(make_category(), stock=5)
    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/en/cart/add/", {"product_id": product.pk, "quantity": "1"})
    page = client.get("/en/checkout/").content.decode()
    assert 'value="Sok Dara"' in page and 'value="+85512345678"' in page
    assert '<option value="Kampot" selected>' in page and "Riverside road" in page
    assert 'value="dara@example.com"' in page


def test_checkout_can_save_the_address(client, customer, delivery):
    product = make_product(make_category(), stock=5)
    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/en/cart/add/", {"product_id": product.pk, "quantity": "1"})
    client.post("/en/checkout/", CHECKOUT_BODY | {"save_address": "on"})
    address = Address.objects.get(user=customer)
    assert (address.name, address.province, address.is_default) == ("Sok Dara", "Phnom Penh", True)


def test_address_book(client, customer):
    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/en/account/addresses/",
        {"name": "Dara", "phone": "097 765 4321", "province": "Siem Reap", "address": "Wat Bo"},
    )
    assert response.status_code == 302
    address = Address.objects.get()
    assert address.phone == "+855977654321" and address.is_default
    bad = client.post(
        "/en/account/addresses/", {"name": "X", "phone": "12", "province": "Mars", "address": ""}
    )
    assert bad.status_code == 200 and Address.objects.count() == 1
    other = User.objects.create_user("other", "other@example.com", "pw-other-123")
    foreign = Address.objects.create(
        user=other, name="O", phone="+85511111111", province="Kep", address="x"
    )
    assert client.post(f"/en/account/addresses/{foreign.pk}/delete/").status_code == 404
    client.post(f"/en/account/addresses/{address.pk}/delete/")
    assert not Address.objects.filter(user=customer).exists()


def test_order_history_and_detail_are_the_customers_own(client, customer, shop, details):
    product = make_product(make_category(), title="Silk Scarf", stock=5)
    cart = Cart.objects.create(user=customer)
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    mine = place_order(cart, details, shop, user=customer)[0]
    stranger = User.objects.create_user("x", "x@example.com", "pw-x-12345")
    cart = Cart.objects.create(user=stranger)
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    theirs = place_order(cart, details, shop, user=stranger)[0]

    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    history = client.get("/en/account/").content.decode()
    assert mine.number in history and theirs.number not in history
    assert client.get(f"/en/account/orders/{mine.number}/").status_code == 200
    assert client.get(f"/en/account/orders/{theirs.number}/").status_code == 404
