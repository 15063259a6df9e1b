"""Schemathesis, driven by the API's own OpenAPI schema: no generated request produces a
500 or a reply that breaks the schema. Runs in-process against the WSGI application."""

import pytest
import schemathesis

# Imported here, at collection, rather than lazily inside the test: CPython 3.11.7's parser
# can fail with "AST constructor recursion depth mismatch" when pytest's assertion rewriting
# parses a module this deep in a call stack (fixed in 3.11.8, CPython issue 106905).
import schemathesis.specs.openapi.schemas  # noqa: F401, E402
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

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


def test_the_api_keeps_its_contract(db, shop, delivery, keep_the_test_connection):
    category = make_category()
    make_product(category, stock=5)
    make_product(category, variants=[("S", None, 2)])
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        def exercise(case):
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            case.validate_response(response)

        exercise()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert len(checked) >= 7, checked
