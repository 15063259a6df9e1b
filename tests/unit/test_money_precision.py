"""One precision for every stored and served amount (``kernel.money.AMOUNT_DIGITS`` and
``AMOUNT_PLACES``), so an amount copied from one record to another always fits. Exchange
rates (fields named ``khr_per_usd``) are not amounts and keep their own precision."""

import inspect

import pytest
from django.apps import apps
from django.db import models
from rest_framework import serializers

from checkout import serializers as checkout_serializers
from kernel.money import AMOUNT_DIGITS, AMOUNT_PLACES

pytestmark = pytest.mark.unit

APPS = ("kernel", "catalog", "checkout", "notifications")
RATE_FIELDS = {"khr_per_usd"}
RATE_PRECISION = (10, 2)

# Amount fields that must exist: the check below would pass vacuously if introspection
# stopped finding fields.
KNOWN_MODEL_AMOUNTS = {
    "catalog.ProductPage.price",
    "catalog.ProductPage.compare_at_price",
    "catalog.ProductVariant.price",
    "checkout.DeliveryMethod.fee",
    "checkout.Order.subtotal",
    "checkout.Order.delivery_fee",
    "checkout.Order.total",
    "checkout.OrderLine.base_unit_price",
    "checkout.OrderLine.unit_price",
    "checkout.OrderLine.line_total",
    "checkout.Payment.amount",
    "checkout.Payment.paid_amount",
}
KNOWN_MODEL_RATES = {"kernel.ShopSettings.khr_per_usd", "checkout.Order.khr_per_usd"}


def model_decimal_fields():
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.DecimalField) and field.model is model:
                yield f"{model._meta.label}.{field.name}", field


def serializer_decimal_fields():
    """``(path, field)`` for every DecimalField of every serializer class in
    ``checkout.serializers``, nested serializers and lists included."""

    def walk(path, serializer):
        if isinstance(serializer, serializers.ListSerializer):
            yield from walk(path, serializer.child)
            return
        for name, field in serializer.fields.items():
            if isinstance(field, serializers.DecimalField):
                yield f"{path}.{name}", field
            elif isinstance(field, serializers.BaseSerializer):
                yield from walk(f"{path}.{name}", field)

    for name, cls in inspect.getmembers(checkout_serializers, inspect.isclass):
        if (
            issubclass(cls, serializers.Serializer)
            and cls.__module__ == checkout_serializers.__name__
        ):
            yield from walk(name, cls())


def test_every_model_amount_has_the_amount_precision():
    found = dict(model_decimal_fields())
    assert set(found) >= KNOWN_MODEL_AMOUNTS | KNOWN_MODEL_RATES
    wrong = {
        path: (field.max_digits, field.decimal_places)
        for path, field in found.items()
        if field.name not in RATE_FIELDS
        and (field.max_digits, field.decimal_places) != (AMOUNT_DIGITS, AMOUNT_PLACES)
    }
    assert wrong == {}, f"not ({AMOUNT_DIGITS}, {AMOUNT_PLACES}): {wrong}"


def test_exchange_rates_keep_their_own_precision():
    rates = {path: field for path, field in model_decimal_fields() if field.name in RATE_FIELDS}
    assert set(rates) == KNOWN_MODEL_RATES
    for path, field in rates.items():
        assert (field.max_digits, field.decimal_places) == RATE_PRECISION, path


def test_every_serialized_amount_has_the_amount_precision():
    found = dict(serializer_decimal_fields())
    amounts = {path for path in found if path.rsplit(".", 1)[1] not in RATE_FIELDS}
    # The order and payment shapes are there: an empty walk must not pass.
    assert {"OrderSerializer.total", "PaymentSerializer.amount"} <= amounts, sorted(found)
    wrong = {
        path: (found[path].max_digits, found[path].decimal_places)
        for path in amounts
        if (found[path].max_digits, found[path].decimal_places) != (AMOUNT_DIGITS, AMOUNT_PLACES)
    }
    assert wrong == {}, f"not ({AMOUNT_DIGITS}, {AMOUNT_PLACES}): {wrong}"


def test_serialized_rates_keep_the_rate_precision():
    rates = {
        path: field
        for path, field in serializer_decimal_fields()
        if path.rsplit(".", 1)[1] in RATE_FIELDS
    }
    assert rates
    for path, field in rates.items():
        assert (field.max_digits, field.decimal_places) == RATE_PRECISION, path
