import json

import pytest
from django.test import Client

CHECKOUT_BODY = {
    "email": "dara@example.com",
    "name": "Sok Dara",
    "phone": "012 345 678",
    "address": "No. 1, Street 240",
    "province": "Phnom Penh",
    "delivery_method": "phnom-penh",
    "currency": "USD",
    "note": "",
}


class ApiClient:
    """A shopper's browser session speaking JSON, with CSRF checks on as in production. Like
    the storefront script on an English page, it asks for answers in English."""

    def __init__(self, language="en"):
        self.client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
        self.client.get("/api/cart/")  # sets the CSRF cookie, as the storefront script does
        self.token = self.client.cookies["csrftoken"].value

    def get(self, path):
        return self.client.get(path, HTTP_ACCEPT="application/json")

    def send(self, method, path, body=None, raw=None, content_type="application/json", csrf=True):
        headers = {"HTTP_X_CSRFTOKEN": self.token} if csrf else {}
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method)(path, data=data, content_type=content_type, **headers)

    def post(self, path, body=None, **kwargs):
        return self.send("post", path, body, **kwargs)

    def add(self, product, quantity=1, variant=None):
        body = {"product_id": product.pk, "quantity": quantity}
        if variant is not None:
            body["variant_id"] = variant.pk
        return self.post("/api/cart/add/", body)


@pytest.fixture
def api(shop):
    return ApiClient()


@pytest.fixture
def other_api(shop):
    return ApiClient()
