"""Forms tell screen readers where their help and errors are: every ``aria-describedby`` and
``aria-labelledby`` names an element that exists on the page, before and after a bad submit."""

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def dangling_references(html):
    document = BeautifulSoup(html, "html.parser")
    ids = {element["id"] for element in document.find_all(id=True)}
    missing = []
    for attribute in ("aria-describedby", "aria-labelledby"):
        for element in document.find_all(attrs={attribute: True}):
            missing += [ref for ref in element[attribute].split() if ref not in ids]
    return missing


def references(html):
    document = BeautifulSoup(html, "html.parser")
    return [
        element["aria-describedby"]
        for element in document.find_all(attrs={"aria-describedby": True})
    ]


def assert_references_hold(response):
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert not dangling_references(html), (response.request["PATH_INFO"], dangling_references(html))
    return html


def test_checkout_form_points_at_real_help_and_errors(shop, delivery):
    delivery.code = "phnom-penh"
    delivery.save()
    product = make_product(make_category(), stock=3)
    client = Client()
    client.post("/en/cart/add/", {"product_id": product.pk, "quantity": 1})
    assert_references_hold(client.get("/en/checkout/"))
    html = assert_references_hold(
        client.post("/en/checkout/", {"email": "not-an-email", "phone": "12", "name": ""})
    )
    # The errors are announced: the fields that failed point at them.
    assert any("_error" in refs for refs in references(html))


def test_account_forms_point_at_real_help_and_errors(shop):
    client = Client()
    for path in ("/en/accounts/login/", "/en/accounts/signup/", "/en/accounts/password/reset/"):
        assert_references_hold(client.get(path))
    assert_references_hold(client.post("/en/accounts/login/", {"login": "x", "password": "y"}))
    assert_references_hold(
        client.post("/en/accounts/signup/", {"email": "x", "password1": "1", "password2": "2"})
    )
    user = get_user_model().objects.create_user("dara", "dara@example.com", "a-long-pass-9876")
    client.force_login(user)
    assert_references_hold(client.get("/en/account/addresses/"))
    assert_references_hold(client.post("/en/account/addresses/", {"phone": "1"}))


def test_account_pages_speak_the_shops_english(shop):
    """The shop's words on allauth's pages: "Log in", not "Sign In"; labels without colons;
    a shopper greeted by e-mail, never by the username Django needs internally."""
    client = Client()
    login = client.get("/en/accounts/login/").content.decode()
    for words in ("Log in", "Create an account", "Remember me"):
        assert words in login
    for words in ("Sign In", "Sign Up", "Remember Me", "Email:", "Password:"):
        assert words not in login
    user = get_user_model().objects.create_user("user8f3k2", "dara@example.com", "a-long-pass-9876")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        "/en/accounts/login/",
        {"login": "dara@example.com", "password": "a-long-pass-9876"},
        follow=True,
    )
    page = response.content.decode()
    assert "You are logged in as dara@example.com." in page
    assert "user8f3k2" not in page
