"""Phone numbers, one rule for the whole shop.

Cambodian numbers are written many ways (``012 345 678``, ``+855 12 345 678``,
``85512345678``, ``+855 (0)12 345 678``) and all stored as ``+855`` and the number without its leading 0, so one
shopper's orders, messages and privacy requests find each other. Visitors from abroad write
their number with its country code (``+66 81 234 5678``), kept as typed without spaces.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# 0XX XXX XXX(X), with +855 or 855 in place of the 0, or in front of it as many write it
# ("+855 (0)12 345 678").
CAMBODIAN = re.compile(r"^(?:\+?8550?|0)([1-9]\d{7,8})$")
# E.164: a + and the country code, at most 15 digits.
INTERNATIONAL = re.compile(r"^\+[1-9]\d{6,14}$")
_SEPARATORS = re.compile(r"[\s\-().]")


def compact(raw):
    """``raw`` without the spaces, dashes, dots and brackets people type between digits."""
    return _SEPARATORS.sub("", raw or "")


def cambodian_or_none(raw):
    """The stored form of a Cambodian number, or ``None`` when ``raw`` is not one."""
    match = CAMBODIAN.match(compact(raw))
    return f"+855{match.group(1)}" if match else None


def international_or_none(raw):
    """``raw`` compacted when it is a number with its country code, else ``None``."""
    number = compact(raw)
    return number if INTERNATIONAL.match(number) else None


def cambodian_phone(raw):
    """For checkout and accounts (delivery in Cambodia): a Cambodian number or a
    ``ValidationError`` that shows how to write one."""
    number = cambodian_or_none(raw)
    if number is None:
        raise ValidationError(
            _("Enter a Cambodian phone number, like 012 345 678 or +855 12 345 678."),
            code="invalid_phone",
        )
    return number


def any_phone(raw):
    """For messages to the shop: a Cambodian number, or one from abroad with its country code."""
    number = cambodian_or_none(raw) or international_or_none(raw)
    if number is None:
        raise ValidationError(
            _("Enter a phone number, like 012 345 678 or +855 12 345 678."), code="invalid_phone"
        )
    return number
