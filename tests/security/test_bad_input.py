"""The audit's bad-input reproductions (issue 12): each used to answer 500 on MariaDB.

Every one is sent the way a client would send it (raw bytes where a browser or a script could
produce them) and must get a clear 4xx (or the form again with its errors), never a 500.
"""

import json
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.models import User
from django.test import Client

from checkout.models import Address, Order
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

# 312 characters: a valid address by the e-mail validator's rules (and the form field's old
# default max_length of 320), too long for the Order.email column (254).
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def product(shop, delivery):
    return make_product(make_category(), stock=20)


def html_client(product, enforce_csrf=False):
    client = Client(enforce_csrf_checks=enforce_csrf, raise_request_exception=False)
    response = client.post("/en/cart/add/", {"product_id": product.pk, "quantity": 1})
    assert response.status_code == 302
    return client


def form_body(**changes):
    data = CHECKOUT_BODY | {"delivery_method": "phnom-penh"} | changes
    return "&".join(
        f"{key}={urllib.request.quote(value, safe='', encoding='utf-8', errors='surrogatepass')}"
        for key, value in data.items()
    )


def raw_form_body(**raw_changes):
    """A form body where the changed fields are given already percent-encoded."""
    data = {
        key: urllib.request.quote(value, safe="") for key, value in CHECKOUT_BODY.items()
    } | raw_changes
    return "&".join(f"{key}={value}" for key, value in data.items())


def assert_api_error(response, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if status is not None:
        assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "error"
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def api_client():
    api = ApiClient()
    api.client.raise_request_exception = False
    return api


# --- e-mail longer than the column ----------------------------------------------------------


def test_long_email_through_the_html_checkout_is_a_form_error(product):
    client = html_client(product)
    response = client.post("/en/checkout/", form_body(email=LONG_EMAIL), content_type=FORM)
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    # Nothing bad was saved for the review step, and the review sends the shopper back.
    review = client.post("/en/checkout/review/")
    assert review.status_code == 302 and review["Location"] == "/en/checkout/"
    assert not Order.objects.exists()


def test_long_email_through_the_api_names_the_field(product):
    api = api_client()
    api.add(product)
    error = assert_api_error(api.post("/api/checkout/", CHECKOUT_BODY | {"email": LONG_EMAIL}), 400)
    assert "email" in error["fields"]
    assert not Order.objects.exists()


def test_bad_details_already_in_a_session_send_the_shopper_back_with_the_errors(product):
    """A session saved before the fix (or by any other path) holds a value the database
    cannot store: the review step must not fail on every retry."""
    client = html_client(product)
    session = client.session
    session["checkout_details"] = {
        "name": "Sok \ud800Dara",
        "email": LONG_EMAIL,
        "phone": "+85512345678",
        "province": "Phnom Penh",
        "address": "No. 1, Street 240",
        "delivery_method": "phnom-penh",
        "currency": "USD",
        "note": "",
    }
    session.save()
    for _ in range(2):  # a retry does the same, it does not fail
        for method in ("get", "post"):
            response = getattr(client, method)("/en/checkout/review/")
            assert response.status_code == 302, response.status_code
            assert response["Location"] == "/en/checkout/"
    details = client.get("/en/checkout/")
    assert details.status_code == 200
    errors = details.context["form"].errors
    assert "email" in errors and "name" in errors
    assert not Order.objects.exists()
    # Corrected details go through.
    response = client.post("/en/checkout/", form_body(), content_type=FORM)
    assert response.status_code == 302
    assert client.post("/en/checkout/review/").status_code == 302
    assert Order.objects.count() == 1


# --- characters utf8mb4 cannot store -----------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "address", "note"])
@pytest.mark.parametrize("value", ["Sok \ud800Dara", "Sok \udfffDara", "Sok\x00Dara"])
def test_unstorable_characters_in_the_api_checkout_name_the_field(product, field, value):
    api = api_client()
    api.add(product)
    raw = json.dumps(CHECKOUT_BODY | {field: value})  # json escapes them as \ud800, \u0000
    error = assert_api_error(api.post("/api/checkout/", raw=raw), 400)
    assert field in error["fields"], error
    assert not Order.objects.exists()


@pytest.mark.parametrize("field", ["name", "address", "note"])
@pytest.mark.parametrize("raw_value", ["Sok%ED%A0%80Dara", "Sok%00Dara", "%ED%BF%BF"])
def test_unstorable_characters_in_the_html_checkout(product, field, raw_value):
    client = html_client(product)
    response = client.post("/en/checkout/", raw_form_body(**{field: raw_value}), content_type=FORM)
    assert response.status_code < 500
    if response.status_code == 302:
        # Undecodable bytes arrive as U+FFFD, which the database stores: the order goes through.
        assert client.post("/en/checkout/review/").status_code == 302
        order = Order.objects.get()
        assert "\ufffd" in getattr(order, field) or field == "note"
    else:
        assert field in response.context["form"].errors


def test_surrogate_bytes_in_a_form_body(product):
    """The UTF-8 encoding of a lone surrogate (what some clients send for one)."""
    client = html_client(product)
    body = form_body(name="Sok \ud800Dara").encode("utf-8", "surrogatepass")
    response = client.post("/en/checkout/", body, content_type=f"{FORM}; charset=utf-8")
    assert response.status_code < 500


def test_unstorable_characters_in_the_account_address_form(shop):
    user = User.objects.create_user("dara", "dara@example.com", "pw-dara-12345")
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for name in ("Sok%ED%A0%80Dara", "Sok%00Dara"):
        body = f"name={name}&phone=012345678&province=Phnom+Penh&address=Street+1"
        response = client.post("/en/account/addresses/", body, content_type=FORM)
        assert response.status_code < 500
    assert not Address.objects.filter(name__contains="\x00").exists()


def test_nul_and_surrogates_in_the_api_add_to_cart(product):
    api = api_client()
    for value in ("\ud800", "\x00", "1\x00"):
        assert_api_error(api.post("/api/cart/add/", raw=json.dumps({"product_id": value})), 400)


# --- nesting and size -----------------------------------------------------------------------


NESTED = "[" * 200 + "]" * 200
DEEP_OBJECT = '{"product_id": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}"
VERY_DEEP = "[" * 100_000 + "]" * 100_000

API_WRITES = [
    ("post", "/api/cart/add/"),
    ("post", "/api/checkout/"),
    ("patch", "/api/cart/lines/1/"),
    ("delete", "/api/cart/lines/1/"),
]


@pytest.mark.parametrize(("method", "path"), API_WRITES)
@pytest.mark.parametrize("raw", [NESTED, DEEP_OBJECT, VERY_DEEP], ids=["list", "object", "100k"])
def test_deeply_nested_json_is_a_clear_400(product, method, path, raw):
    api = api_client()
    api.add(product)
    response = api.send(method, path, raw=raw)
    if method == "delete":  # DELETE takes no body and never reads one
        assert_api_error(response, 404)  # the line is not in this cart
        return
    error = assert_api_error(response, 400)
    assert error["code"] == "malformed_request"
    assert "nested too deeply" in error["message"]


THREE_MB = 3 * 1024 * 1024


@pytest.mark.parametrize(("method", "path"), API_WRITES)
@pytest.mark.parametrize("content_type", ["application/json", FORM])
def test_a_3mb_api_body_with_a_made_up_csrf_token_is_refused_in_the_api_shape(
    product, method, path, content_type
):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/api/cart/")
    if content_type == FORM:
        raw = "csrfmiddlewaretoken=" + "x" * 32 + "&note=" + "x" * THREE_MB
    else:
        raw = json.dumps({"note": "x" * THREE_MB})
    response = getattr(client, method)(
        path, data=raw, content_type=content_type, HTTP_X_CSRFTOKEN="made-up-token"
    )
    error = assert_api_error(response)
    if method == "post":  # the CSRF check reads a POST's body, the others are refused first
        expected = (
            (413, "request_too_large") if content_type != FORM else (415, "unsupported_media_type")
        )
        assert (response.status_code, error["code"]) == expected
    else:
        assert (response.status_code, error["code"]) == (403, "csrf_failed")


HTML_WRITES = [
    "/en/cart/add/",
    "/en/cart/lines/1/",
    "/en/cart/lines/1/remove/",
    "/en/checkout/",
    "/en/checkout/review/",
    "/en/orders/not-a-token/new-payment/",
    "/en/orders/not-a-token/cancel/",
    "/en/account/addresses/",
    "/en/accounts/login/",
    "/en/accounts/signup/",
    "/en/accounts/password/reset/",
    "/en/search/",
]


@pytest.mark.parametrize("path", HTML_WRITES)
@pytest.mark.parametrize("content_type", [FORM, "multipart/form-data; boundary=BoUnDaRy"])
def test_a_3mb_form_with_a_made_up_csrf_token_is_a_plain_error_page(product, path, content_type):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/en/cart/")
    if content_type == FORM:
        raw = "csrfmiddlewaretoken=" + "x" * 32 + "&note=" + "x" * THREE_MB
    else:
        raw = (
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            + "x" * 32
            + '\r\n--BoUnDaRy\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
            + "x" * THREE_MB
            + "\r\n--BoUnDaRy--\r\n"
        )
    response = client.post(path, data=raw, content_type=content_type)
    assert response.status_code in (400, 403, 413), response.status_code
    assert response["Content-Type"].startswith("text/html")


def test_many_form_fields_are_refused_too(product):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/en/cart/")
    raw = "csrfmiddlewaretoken=" + "x" * 32 + "".join(f"&f{n}=1" for n in range(5000))
    response = client.post("/en/checkout/", data=raw, content_type=FORM)
    assert response.status_code in (400, 403, 413)
    api = client.post("/api/cart/add/", data=raw, content_type=FORM, HTTP_X_CSRFTOKEN="x" * 32)
    assert_api_error(api)


# --- API paths with odd characters -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/foo%0Abar", "/api/foo%0A", "/api/%0D%0A/", "/api/cart/%0A"])
def test_api_paths_with_newlines_get_the_json_404(shop, path):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    error = assert_api_error(response, 404)
    assert error["code"] == "not_found"
    assert_api_error(client.post(path, "{}", content_type="application/json"), 404)


# --- open redirect on the add-to-cart error path ----------------------------------------------


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/?testserver",
        "https://evil.example/?shop.example.com",
        "https://testserver.evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
    ],
)
def test_add_to_cart_errors_never_redirect_off_the_site(shop, referer):
    client = Client(raise_request_exception=False)
    for method in ("get", "post"):
        response = getattr(client, method)(
            "/en/cart/add/", {"product_id": "nope"}, HTTP_REFERER=referer
        )
        assert response.status_code == 302
        assert response["Location"] == "/", response["Location"]


def test_add_to_cart_errors_go_back_to_a_page_on_the_site(product):
    client = Client(HTTP_HOST="localhost")
    for referer in (product.full_url, "http://localhost/cart/", "/en/cart/"):
        response = client.post("/en/cart/add/", {"product_id": "nope"}, HTTP_REFERER=referer)
        assert response.status_code == 302
        assert response["Location"] == referer


# --- the Bakong sandbox's token renewal ------------------------------------------------------


def _renew(server, body, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}/v1/renew_token",
        data=data,
        headers={"Content-Type": content_type},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_sandbox_renew_token_needs_the_registered_email(bakong):
    for body in ({}, {"email": ""}, {"email": 5}, None, [], b"not json"):
        status, envelope = _renew(bakong, body)
        assert status == 400
        assert envelope["responseCode"] == 1 and envelope["errorCode"] == 5
        assert envelope["data"] is None
    for email in ("someone@example.com", "owner@example.com.evil", "x owner@example.com"):
        status, envelope = _renew(bakong, {"email": email})
        assert status == 400
        assert envelope["responseCode"] == 1 and envelope["errorCode"] == 10
        assert envelope["data"] is None
        assert "test-token" not in json.dumps(envelope)
    status, envelope = _renew(bakong, {"email": "owner@example.com"})
    assert status == 200 and envelope["responseCode"] == 0
    assert envelope["data"] == {"token": "test-token"}


def test_sandbox_with_its_own_registered_email():
    import threading

    from devtools.bakong_sandbox import make_server

    server = make_server("127.0.0.1", 0, token="t-1", email="merchant@shop.example")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address
    server.url = f"http://{host}:{port}"
    try:
        assert _renew(server, {"email": "owner@example.com"})[1]["errorCode"] == 10
        assert _renew(server, {"email": "merchant@shop.example"})[1]["data"] == {"token": "t-1"}
    finally:
        server.shutdown()
        server.server_close()
