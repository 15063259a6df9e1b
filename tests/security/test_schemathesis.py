"""Schemathesis, driven by the API's own OpenAPI schema: no generated request produces a
500 or a reply that breaks the schema. Runs in-process against the WSGI application."""

import json

import pytest
import schemathesis

# Imported here, at collection, rather than lazily inside the test: CPython 3.11.7's parser
# can fail with "AST constructor recursion depth mismatch" when pytest's assertion rewriting
# parses a module this deep in a call stack (fixed in 3.11.8, CPython issue 106905).
import schemathesis.specs.openapi.schemas  # noqa: F401, E402
import werkzeug.test
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import make_category, make_product


@pytest.fixture
def keep_the_test_connection():
    """The real WSGI handler closes database connections it finds inside a transaction when a
    request starts or ends; the test's own transaction must survive (Django's test client
    does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


EXPECTED_OPERATIONS = {
    "GET /api/cart/",
    "POST /api/cart/add/",
    "PATCH /api/cart/lines/{line_id}/",
    "DELETE /api/cart/lines/{line_id}/",
    "GET /api/checkout/options/",
    "POST /api/checkout/",
    "GET /api/payments/{md5}/",
}


def shopper_cookies(app, product):
    """A shopper's session with a cart and a CSRF token, so generated writes reach the views
    (without them every write stops at the CSRF check). Made through the WSGI application,
    like the generated requests (Django's test client would reconnect the signal that closes
    the test's database connection)."""
    browser = werkzeug.test.Client(app)
    browser.get("/api/cart/")
    token = browser.get_cookie("csrftoken").value
    response = browser.post(
        "/api/cart/add/",
        data=json.dumps({"product_id": product.pk, "quantity": 1}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.text
    cookies = {name: browser.get_cookie(name).value for name in ("csrftoken", "sessionid")}
    return cookies, {"X-CSRFToken": token}


def exercise(app, operation, product, examples, with_session):
    """Generated requests for one operation: none answers 500 or breaks the schema."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        cookies, headers = shopper_cookies(app, product) if with_session else ({}, {})
        response = case.call(cookies=cookies, headers=headers)
        assert response.status_code < 500, (case.method, case.path, response.text[:300])
        # A schema-valid body may still break the shop's rules (a phone number that is not
        # Cambodian, an unknown delivery code): a documented 400, not a contract break.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    run()


def test_the_api_keeps_its_contract(db, shop, delivery, keep_the_test_connection):
    category = make_category()
    product = make_product(category, stock=100_000)
    make_product(category, variants=[("S", None, 2)])
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        exercise(app, operation, product, examples=100, with_session=True)
        exercise(app, operation, product, examples=20, with_session=False)
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert set(checked) == EXPECTED_OPERATIONS, checked
