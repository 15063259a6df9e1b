"""Bad input to the API gets the JSON error shape with a 4xx status, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.checkout.conftest import CHECKOUT_BODY, ApiClient
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(shop, delivery):
    category = make_category()
    live = make_product(category, title="Live", stock=5)
    hidden = make_product(category, title="Hidden", stock=5)
    hidden.unpublish()
    gone = make_product(category, title="Gone", stock=0)
    return {"live": live, "hidden": hidden, "gone": gone}


def assert_error_shape(response, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if status is not None:
        assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "error"
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


BAD_ADDS = [
    ({}, 400, "invalid"),
    ({"quantity": 1}, 400, "invalid"),
    ({"product_id": "LIVE", "quantity": 0}, 400, "invalid"),
    ({"product_id": "LIVE", "quantity": -1}, 400, "invalid"),
    ({"product_id": "LIVE", "quantity": 10**9}, 400, "invalid"),
    ({"product_id": "LIVE", "quantity": "abc"}, 400, "invalid"),
    ({"product_id": "LIVE", "quantity": 1.5}, 400, "invalid"),
    ({"product_id": "LIVE", "quantity": True}, 400, "invalid"),
    ({"product_id": "LIVE", "quantity": None}, 400, "invalid"),
    ({"product_id": "abc"}, 400, "invalid"),
    ({"product_id": -5}, 400, "invalid"),
    ({"product_id": [1]}, 400, "invalid"),
    ({"product_id": 987654321}, 404, "product_not_found"),
    ({"product_id": "HIDDEN"}, 404, "product_not_found"),
    ({"product_id": "GONE"}, 409, "out_of_stock"),
    ({"product_id": "LIVE", "variant_id": 5}, 404, "variant_not_found"),
    ({"product_id": "LIVE", "quantity": 6}, 409, "insufficient_stock"),
]


@pytest.mark.parametrize(("body", "status", "code"), BAD_ADDS)
def test_bad_add_to_cart_bodies(api, catalog, body, status, code):
    names = {"LIVE": "live", "HIDDEN": "hidden", "GONE": "gone"}
    body = {
        key: catalog[names[value]].pk if isinstance(value, str) and value in names else value
        for key, value in body.items()
    }
    error = assert_error_shape(api.post("/api/cart/add/", body), status)
    assert error["code"] == code


def test_malformed_json(api, catalog):
    error = assert_error_shape(api.post("/api/cart/add/", raw="{not json"), 400)
    assert error["code"] == "malformed_request"


def test_json_that_is_not_an_object(api, catalog):
    assert_error_shape(api.post("/api/cart/add/", raw="[1, 2]"), 400)
    assert_error_shape(api.post("/api/checkout/", raw='"text"'), 400)


def test_wrong_content_type(api, catalog):
    response = api.post(
        "/api/cart/add/", raw=f"product_id={catalog['live'].pk}", content_type="text/plain"
    )
    assert assert_error_shape(response, 415)["code"] == "unsupported_media_type"


def test_missing_csrf_token(api, catalog):
    response = api.post("/api/cart/add/", {"product_id": catalog["live"].pk}, csrf=False)
    assert assert_error_shape(response, 403)["code"] == "csrf_failed"


def test_wrong_method_and_unknown_endpoints(api, catalog):
    assert assert_error_shape(api.get("/api/cart/add/"), 405)["code"] == "method_not_allowed"
    assert assert_error_shape(api.get("/api/nope/"), 404)["code"] == "not_found"
    assert_error_shape(api.send("patch", "/api/cart/lines/abc/", {"quantity": 1}), 404)


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "not-an-email"},
        {"phone": "12345"},
        {"phone": "+1 212 555 0100"},
        {"province": "Atlantis"},
        {"delivery_method": "teleport"},
        {"currency": "EUR"},
        {"name": "   "},
        {"address": ""},
        {"note": "x" * 600},
    ],
)
def test_bad_checkout_bodies_name_the_field(api, catalog, changes):
    api.add(catalog["live"])
    error = assert_error_shape(api.post("/api/checkout/", CHECKOUT_BODY | changes), 400)
    assert set(changes) <= set(error["fields"])


def test_checkout_with_an_empty_cart(api, catalog):
    error = assert_error_shape(api.post("/api/checkout/", CHECKOUT_BODY), 409)
    assert error["code"] == "cart_empty"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
PAYLOADS = (
    st.dictionaries(
        st.sampled_from(
            ["product_id", "variant_id", "quantity", "email", "phone", "currency", "province", "x"]
        ),
        JSON_VALUES,
        max_size=6,
    )
    | JSON_VALUES
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(payload=PAYLOADS, endpoint=st.sampled_from(["/api/cart/add/", "/api/checkout/"]))
def test_random_payloads_never_cause_a_server_error(catalog, payload, endpoint):
    api = ApiClient()
    response = api.post(endpoint, raw=json.dumps(payload))
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert_error_shape(response)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(line_id=st.integers(min_value=-(10**12), max_value=10**12), body=JSON_VALUES)
def test_random_line_changes_never_cause_a_server_error(catalog, line_id, body):
    api = ApiClient()
    for method in ("patch", "delete"):
        response = api.send(method, f"/api/cart/lines/{line_id}/", raw=json.dumps(body))
        assert 400 <= response.status_code < 500
        assert_error_shape(response)


def test_openapi_schema_describes_the_endpoints(client, shop):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ["/api/cart/", "/api/cart/add/", "/api/cart/lines/{line_id}/", "/api/checkout/"]:
        assert path in schema["paths"], path
    add = schema["paths"]["/api/cart/add/"]["post"]
    assert add["requestBody"]["content"]["application/json"]
