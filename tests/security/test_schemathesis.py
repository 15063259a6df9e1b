"""Schemathesis, driven by the API's own OpenAPI schema: no generated request produces a
500 or a reply that breaks the schema. Runs in-process against the WSGI application."""

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from tests.factories import make_category, make_product


def test_the_api_keeps_its_contract(db, shop, delivery):
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
