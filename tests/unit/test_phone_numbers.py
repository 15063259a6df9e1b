"""One phone rule for checkout, accounts, the contact page and privacy requests
(kernel/phones.py): every usual way of writing a Cambodian number is stored the same way, a
number from abroad keeps its country code, and anything else gets a message showing how."""

import pytest
from django.core.exceptions import ValidationError

from kernel import phones


@pytest.mark.parametrize(
    "typed",
    [
        "012 345 678",
        "012-345-678",
        "(012) 345.678",
        "+855 12 345 678",
        "85512345678",
        "+85512345678",
    ],
)
def test_every_usual_way_of_writing_a_cambodian_number_is_stored_alike(typed):
    assert phones.cambodian_phone(typed) == "+85512345678"
    assert phones.any_phone(typed) == "+85512345678"


def test_nine_digit_mobile_numbers_keep_all_their_digits():
    assert phones.cambodian_phone("097 123 4567") == "+855971234567"


@pytest.mark.parametrize("typed", ["+66 81 234 5678", "+1 (202) 555-0143"])
def test_numbers_from_abroad_are_welcome_on_the_contact_page_but_not_at_checkout(typed):
    assert phones.any_phone(typed) == phones.compact(typed)
    with pytest.raises(ValidationError) as refused:
        phones.cambodian_phone(typed)
    assert refused.value.code == "invalid_phone"
    assert "012 345 678" in refused.value.messages[0]


@pytest.mark.parametrize(
    "typed", ["", "12345", "0012345678", "012 345 67", "call me", "+0123456789"]
)
def test_anything_else_is_refused_with_an_example(typed):
    for parse in (phones.cambodian_phone, phones.any_phone):
        with pytest.raises(ValidationError) as refused:
            parse(typed)
        assert refused.value.code == "invalid_phone"
        assert "012 345 678" in refused.value.messages[0]
    assert phones.cambodian_or_none(typed) is None
