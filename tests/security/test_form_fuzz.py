"""Every HTML form of the storefront (and the staff report's date parameters), fed arbitrary
text: lone surrogates, NUL, very long strings, odd Unicode, numbers as text, missing fields.
No answer may be a 500.

Deterministic for CI: hypothesis is derandomized (the same examples on every run) with a
bounded number of examples per endpoint. Requests go through Django's test client with
``raise_request_exception=False``, so a server error is seen as a status, and most examples
carry a real CSRF token (the client checks CSRF as production does and first GETs a page
with the form) so the views themselves are reached.
"""

import urllib.parse

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checkout.models import Address
from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def fuzz(examples):
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\ufffd",
    "\u202eevil",
    "\u200b",
    "𝟙𝟚𝟛",
    "១២៣",  # Khmer digits
    "١٢٣",  # Arabic-Indic digits
    "Ⅻ",
    "ស្រីពៅ",
    "🛒" * 50,
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "9" * 40,
    "9" * 5000,
    "x" * 600,
    "x" * 70_000,
    "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "Phnom Penh",
    "phnom-penh",
    "USD",
    "KHR",
    "012 345 678",
    "dara@example.com",
    "true",
    "on",
]
TEXT = st.one_of(
    st.sampled_from(ODD),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def long_email(length):
    """A valid address of exactly ``length`` characters (at least 70)."""
    domain, left = [], length - 65  # 64 for the local part, 1 for "@"
    while left > 63:
        domain.append("b" * 59)
        left -= 60
    domain.append("c" * max(left, 2))
    return "a" * 64 + "@" + ".".join(domain)


# E-mail addresses around the column's 254 characters (valid by the validator's rules).
LONG_EMAILS = st.integers(min_value=240, max_value=330).map(long_email)
FIELD_TEXT = {
    "email": st.one_of(LONG_EMAILS, st.emails(), TEXT),
    "login": st.one_of(LONG_EMAILS, st.emails(), TEXT),
}


def encode(data):
    """A form body as a browser or a script could send it: UTF-8, with lone surrogates sent
    as their (invalid) UTF-8 bytes."""
    return "&".join(
        f"{urllib.parse.quote(key, safe='')}="
        + urllib.parse.quote(value, safe="", encoding="utf-8", errors="surrogatepass")
        for key, value in data.items()
    )


def query(data):
    return "?" + encode(data) if data else ""


def fields(names, base=None, changes=None):
    """A form body: ``base`` (a valid one, where given) with up to ``changes`` fields replaced
    by arbitrary text and some fields dropped. Few changes to a valid body reach the code
    behind the validation; many changes try the validation itself."""
    base = {key: value for key, value in (base or {}).items() if key in names}
    changes = changes or len(names)
    pair = st.sampled_from(names).flatmap(
        lambda name: st.tuples(st.just(name), FIELD_TEXT.get(name, TEXT))
    )
    return st.tuples(
        st.lists(pair, max_size=changes).map(dict),
        st.sets(st.sampled_from(names), max_size=min(changes, 2)),
    ).map(
        lambda pair: {key: value for key, value in (base | pair[0]).items() if key not in pair[1]}
    )


CSRF = st.sampled_from(["real", "real", "real", "wrong", "none"])


class Browser:
    """A shopper's browser: CSRF checked as in production, 500s seen as statuses."""

    def __init__(self, page="/api/cart/"):
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        response = self.client.get(page)
        assert response.status_code < 500
        self.token = self.client.cookies["csrftoken"].value

    def get(self, path):
        return self.client.get(path)

    def post(self, path, data, csrf="real"):
        data = dict(data)
        if csrf == "real":
            data["csrfmiddlewaretoken"] = self.token
        elif csrf == "wrong":
            data["csrfmiddlewaretoken"] = "x" * 32
        return self.client.post(
            path, encode(data), content_type="application/x-www-form-urlencoded"
        )

    def add(self, product):
        response = self.post("/en/cart/add/", {"product_id": str(product.pk), "quantity": "1"})
        assert response.status_code == 302


def ok(response, what=""):
    assert response.status_code < 500, (what, response.status_code, response.content[:500])
    return response


@pytest.fixture
def store(shop, delivery):
    category = make_category()
    product = make_product(category, stock=100_000)
    variant_product = make_product(category, variants=[("S", None, 100_000)])
    return {"product": product, "variant_product": variant_product}


def logged_in_browser(user, page="/en/account/addresses/"):
    browser = Browser()
    browser.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    ok(browser.get(page))
    browser.token = browser.client.cookies["csrftoken"].value
    return browser


# --- cart -----------------------------------------------------------------------------------


@fuzz(200)
@given(data=fields(["product_id", "variant_id", "quantity"]), csrf=CSRF, method=st.booleans())
def test_cart_add(store, data, csrf, method):
    browser = Browser()
    if method:
        ok(browser.get("/en/cart/add/" + query(data)), data)
    else:
        ok(browser.post("/en/cart/add/", data, csrf), data)


@fuzz(100)
@given(
    data=fields(["quantity"]),
    line=st.one_of(st.just(None), st.integers(min_value=0, max_value=10**25)),
    csrf=CSRF,
)
def test_cart_line_update_and_remove(store, data, line, csrf):
    browser = Browser()
    browser.add(store["product"])
    if line is None:
        line = browser.client.get("/api/cart/").json()["lines"][0]["id"]
    ok(browser.post(f"/en/cart/lines/{line}/", data, csrf), data)
    ok(browser.post(f"/en/cart/lines/{line}/remove/", data, csrf), data)


# --- checkout ---------------------------------------------------------------------------------

CHECKOUT_FIELDS = [*CHECKOUT_BODY, "save_address"]


@fuzz(200)
# The audit's cases first (hypothesis seldom builds a 255-320 character address by itself).
@example(data=CHECKOUT_BODY | {"email": long_email(255)}, csrf="real", review={})
@example(data=CHECKOUT_BODY | {"email": long_email(320)}, csrf="real", review={})
@example(data=CHECKOUT_BODY | {"name": "Sok \ud800Dara", "note": "\x00"}, csrf="real", review={})
@example(data=CHECKOUT_BODY | {"address": "x" * 70_000}, csrf="real", review={})
@given(
    data=st.one_of(
        fields(CHECKOUT_FIELDS, CHECKOUT_BODY, changes=1), fields(CHECKOUT_FIELDS, CHECKOUT_BODY)
    ),
    csrf=CSRF,
    review=fields(["x", "note"]),
)
def test_checkout_details_and_review(store, data, csrf, review):
    browser = Browser()
    browser.add(store["product"])
    ok(browser.get("/en/checkout/"))
    response = ok(browser.post("/en/checkout/", data, csrf), data)
    ok(browser.get("/en/checkout/"), data)
    ok(browser.get("/en/checkout/review/"), data)
    response = ok(browser.post("/en/checkout/review/", review, csrf), data)
    if response.status_code == 302:
        ok(browser.get(response["Location"]), data)


@pytest.fixture
def order_token(store):
    api = ApiClient()
    api.add(store["product"])
    body = api.post("/api/checkout/", CHECKOUT_BODY).json()
    return body["order"]["url"].rstrip("/").rsplit("/", 1)[1]


@fuzz(120)
@given(
    token=st.one_of(st.just(None), TEXT.filter(lambda t: t and "/" not in t)),
    data=fields(["x", "reason"]),
    csrf=CSRF,
    action=st.sampled_from(["new-payment", "cancel"]),
)
def test_order_actions(order_token, token, data, csrf, action):
    browser = Browser()
    token = order_token if token is None else urllib.parse.quote(token, errors="surrogatepass")
    ok(browser.post(f"/en/orders/{token}/{action}/", data, csrf), (token, data))


# --- search -----------------------------------------------------------------------------------


@fuzz(200)
@given(data=fields(["q", "page"]))
def test_search(store, data):
    ok(Client(raise_request_exception=False).get("/en/search/" + query(data)), data)


# --- the customer's account ---------------------------------------------------------------------


@pytest.fixture
def customer(shop):
    user = User.objects.create_user("dara", "dara@example.com", "pw-dara-12345")
    address = Address.objects.create(
        user=user, name="Sok Dara", phone="+85512345678", province="Phnom Penh", address="St 1"
    )
    address.make_default()
    return user


ADDRESS_BODY = {
    "name": "Sok Dara",
    "phone": "012 345 678",
    "province": "Phnom Penh",
    "address": "No. 1, Street 240",
}


@fuzz(100)
@given(
    data=st.one_of(fields(list(ADDRESS_BODY), ADDRESS_BODY, changes=1), fields(list(ADDRESS_BODY))),
    pk=st.one_of(st.just(None), st.integers(min_value=0, max_value=10**25)),
    csrf=CSRF,
)
def test_account_addresses(customer, data, pk, csrf):
    browser = logged_in_browser(customer)
    ok(browser.post("/en/account/addresses/", data, csrf), data)
    ok(browser.get("/en/account/addresses/"))
    if pk is None:
        address = customer.addresses.order_by("pk").first() or Address.objects.create(
            user=customer, **ADDRESS_BODY | {"phone": "+85512345678"}
        )
        pk = address.pk
    for action in ("default", "delete"):
        ok(browser.post(f"/en/account/addresses/{pk}/{action}/", data, csrf), (pk, action))


# --- allauth's forms ------------------------------------------------------------------------------


ALLAUTH_FORMS = [
    ("/en/accounts/login/", ["login", "password", "remember"]),
    ("/en/accounts/signup/", ["email", "password1", "password2"]),
    ("/en/accounts/password/reset/", ["email"]),
]
ALLAUTH_BASE = {"login": "dara@example.com", "email": "dara@example.com"}
PASSWORDS = {"password1": "mondulkiri-coffee-9", "password2": "mondulkiri-coffee-9"}


@fuzz(150)
@example(form=("/en/accounts/signup/", {"email": long_email(255)} | PASSWORDS), csrf="real")
@example(form=("/en/accounts/signup/", {"email": long_email(320)} | PASSWORDS), csrf="real")
@example(form=("/en/accounts/password/reset/", {"email": long_email(300)}), csrf="real")
@example(form=("/en/accounts/login/", {"login": long_email(300), "password": "x"}), csrf="real")
@example(
    form=("/en/accounts/login/", {"login": "a\x00@example.com", "password": "\x00"}), csrf="real"
)
@given(
    form=st.sampled_from(ALLAUTH_FORMS).flatmap(
        lambda form: st.tuples(st.just(form[0]), fields(form[1], ALLAUTH_BASE))
    ),
    csrf=CSRF,
)
def test_allauth_forms(customer, form, csrf):
    path, body = form
    browser = Browser(path)
    ok(browser.post(path, body, csrf), (path, body))


# --- the staff sales report -----------------------------------------------------------------------


@pytest.fixture
def superuser_browser(shop):
    user = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-12345")
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("sales_report:index")
    # The report itself must be reached, not a login or two-factor set-up page.
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return client, url


@fuzz(150)
@given(
    data=fields(["start", "end", "format"]),
    dates=st.tuples(st.dates(), st.dates()).map(
        lambda pair: {"start": pair[0].isoformat(), "end": pair[1].isoformat()}
    ),
    use_dates=st.booleans(),
)
def test_sales_report_parameters(superuser_browser, data, dates, use_dates):
    client, url = superuser_browser
    if use_dates:
        data = data | dates
    ok(client.get(url + query(data)), data)


@pytest.mark.parametrize(
    "dates",
    [
        {"start": "9999-12-30", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "0001-01-02"},
    ],
)
def test_sales_report_at_the_ends_of_the_calendar(superuser_browser, dates):
    """Adding a day to 9999-12-31 overflows (a 500 until the report checked its dates)."""
    client, url = superuser_browser
    ok(client.get(url + query(dates)), dates)
