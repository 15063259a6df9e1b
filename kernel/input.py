"""Input the database cannot store, refused once for every form and every JSON body.

MySQL and MariaDB store text as utf8mb4: every Unicode character except a lone UTF-16
surrogate (U+D800 to U+DFFF, which Python strings can hold, JSON can carry as ``"\\ud800"``
and UTF-8 cannot encode). Text with one used to reach the database and answer 500. A NUL
character is refused too (no shopper means one), by Django's own validator that every
form ``CharField`` and DRF ``CharField`` already has.

- ``StorableTextForm`` (a form mixin) gives every text field of a form the validator below,
  so the shopper sees a field error.
- ``ShopJSONParser`` (the API's only parser) refuses lone surrogates anywhere in a JSON body
  (as field errors when they are in a top-level value), and bodies nested deeper than
  ``MAX_JSON_DEPTH``.

Form bodies never carry a lone surrogate: Django decodes undecodable bytes (``%ED%A0%80``)
as U+FFFD, which the database stores.
"""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser

UNSTORABLE = re.compile("[\ud800-\udfff]")
# What is replaced when a refused value is shown back (a NUL is refused by Django's validator).
NOT_SHOWN = re.compile("[\x00\ud800-\udfff]")

# The API's bodies are flat objects; 20 levels is far more than any client needs and far less
# than the Python recursion that deeper bodies exhaust (a 500 before).
MAX_JSON_DEPTH = 20

UNSTORABLE_MESSAGE = _(
    "This contains a character we cannot store (an unpaired UTF-16 surrogate). "
    "Please remove it or type the text again."
)


def has_unstorable(value):
    return isinstance(value, str) and UNSTORABLE.search(value) is not None


def storable(value):
    """``value`` with every character the database cannot store replaced by U+FFFD, for
    showing a rejected value back to the shopper (a lone surrogate cannot even be sent)."""
    if isinstance(value, str):
        return NOT_SHOWN.sub("\ufffd", value)
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


@deconstructible
class StorableTextValidator:
    message = UNSTORABLE_MESSAGE
    code = "unstorable_character"

    def __call__(self, value):
        if has_unstorable(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, StorableTextValidator)


validate_storable_text = StorableTextValidator()


class StorableTextForm:
    """Mix into any form (``class MyForm(StorableTextForm, forms.Form)``): every text field
    (``CharField`` and its kinds: e-mail, slug, model text fields...) refuses characters the
    database cannot store with a field error. Choice fields need nothing: a value that is not
    a choice is refused already (a lookup with a surrogate raises ``ValueError``, which
    ``ModelChoiceField`` reports as an invalid choice)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and validate_storable_text not in field.validators
            ):
                field.validators.append(validate_storable_text)

    def display_copy(self):
        """A bound copy of this (invalid) form that can be rendered: the same errors, with
        unstorable characters in the values shown as U+FFFD."""
        data = self.data.dict() if hasattr(self.data, "dict") else dict(self.data)
        copy = type(self)(data={key: storable(value) for key, value in data.items()})
        copy.is_valid()
        for name, errors in self.errors.items():
            if name not in copy.errors:
                field = None if name == NON_FIELD_ERRORS else name
                copy.add_error(field, ValidationError(errors.as_data()))
        return copy


def json_depth_exceeds(value, limit):
    """Whether ``value`` (parsed JSON) nests deeper than ``limit``; iterative, so any depth the
    parser produced can be measured."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def unstorable_paths(value):
    """Top-level keys (or "" for elsewhere) whose value holds unstorable text."""
    found = set()
    stack = [("", value, True)]
    while stack:
        key, item, top = stack.pop()
        if isinstance(item, dict):
            for child_key, child in item.items():
                if has_unstorable(child_key):
                    found.add(key)
                stack.append((child_key if top else key, child, False))
        elif isinstance(item, list):
            stack.extend((key, child, False) for child in item)
        elif has_unstorable(item):
            found.add(key)
    return found


class BodyRefused(exceptions.ParseError):
    """A JSON body refused for what it holds rather than its syntax; its message says why."""


class ShopJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit and the storable-text check.

    It also runs when the CSRF check reads a POST body, so a made-up token is not a way
    around either limit.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise BodyRefused(too_deep_message()) from exc
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise BodyRefused(too_deep_message())
        paths = unstorable_paths(data)
        if paths:
            if isinstance(data, dict) and "" not in paths:
                raise serializers.ValidationError(
                    {key: [UNSTORABLE_MESSAGE] for key in sorted(paths)}
                )
            raise BodyRefused(UNSTORABLE_MESSAGE)
        return data


def too_deep_message():
    return _("The JSON body is nested too deeply (at most %(depth)d levels).") % {
        "depth": MAX_JSON_DEPTH
    }


__all__ = [
    "BodyRefused",
    "MAX_JSON_DEPTH",
    "ShopJSONParser",
    "StorableTextForm",
    "StorableTextValidator",
    "has_unstorable",
    "storable",
    "validate_storable_text",
]
