"""KHQR payloads: built from Decimal amounts, validated strictly, and accepted by the
National Bank of Cambodia's own verifier (npm bakong-khqr, run with Node)."""

import json
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from checkout.khqr.builder import KHQRError, build_khqr, format_amount, parse_tlv, qr_md5

VERIFIER = Path(__file__).resolve().parent.parent / "khqr_verifier" / "verify.js"
GOOD = {
    "account_id": "angkormarket@aclb",
    "merchant_name": "Angkor Market",
    "merchant_city": "Phnom Penh",
    "bill_number": "261124-7K3QD",
    "expires_in_minutes": 15,
}


def official_verify(*payloads):
    result = subprocess.run(
        ["node", str(VERIFIER)],
        input="\n".join(payloads) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("amount", "currency", "text", "code"),
    [
        (Decimal("10.50"), "USD", "10.50", "840"),
        (Decimal("25"), "USD", "25", "840"),
        (Decimal("25.00"), "USD", "25", "840"),
        (Decimal("0.01"), "USD", "0.01", "840"),
        (Decimal("1.005").quantize(Decimal("0.01")), "USD", "1", "840"),
        (Decimal("40000"), "KHR", "40000", "116"),
        (Decimal("86300.00"), "KHR", "86300", "116"),
    ],
)
def test_fresh_payloads_pass_the_official_verifier(amount, currency, text, code):
    before_ms = int(time.time() * 1000)
    khqr = build_khqr(amount=amount, currency=currency, **GOOD)
    [result] = official_verify(khqr.payload)
    assert result["isValid"] is True
    data = result["data"]
    assert data["transactionAmount"] == text
    assert data["transactionCurrency"] == code
    assert data["billNumber"] == GOOD["bill_number"]
    assert data["bakongAccountID"] == GOOD["account_id"]
    assert data["merchantName"] == GOOD["merchant_name"]
    assert data["pointofInitiationMethod"] == "12"
    created, expires = int(data["creationTimestamp"]), int(data["expirationTimestamp"])
    assert before_ms <= created <= before_ms + 5000
    assert expires - created == 15 * 60 * 1000
    assert khqr.md5 == qr_md5(khqr.payload) and len(khqr.md5) == 32


def test_a_tampered_payload_fails_the_official_verifier():
    payload = build_khqr(amount=Decimal("5"), currency="USD", **GOOD).payload
    tampered = payload.replace("54015", "54016")
    [result] = official_verify(tampered)
    assert result["isValid"] is False


def test_an_expired_payload_fails_the_official_verifier():
    an_hour_ago = int(time.time() * 1000) - 3_600_000
    payload = build_khqr(amount=Decimal("5"), currency="USD", now_ms=an_hour_ago, **GOOD).payload
    assert official_verify(payload)[0]["isValid"] is False


def test_the_payload_carries_the_window_in_minutes():
    khqr = build_khqr(amount=Decimal("5"), currency="USD", now_ms=1_800_000_000_000, **GOOD)
    times = parse_tlv(parse_tlv(khqr.payload)["99"])
    assert (times["00"], times["01"]) == ("1800000000000", "1800000900000")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"account_id": "angkormarket"}, "name@bank"),
        ({"account_id": "a" * 30 + "@bk"}, "at most 32"),
        ({"merchant_name": "A" * 26}, "at most 25"),
        ({"merchant_city": "Sihanoukville City"}, "at most 15"),
        ({"merchant_name": "Angkor 🛍"}, "emoji"),
        ({"merchant_name": ""}, "required"),
        ({"bill_number": "x" * 26}, "at most 25"),
        ({"expires_in_minutes": 0}, "at least 1"),
        ({"amount": Decimal("1.5"), "currency": "KHR"}, "whole numbers"),
        ({"amount": Decimal("1.005")}, "at most 2 decimals"),
        ({"amount": Decimal("0")}, "greater than zero"),
        ({"amount": Decimal("-3")}, "greater than zero"),
        ({"amount": 1.5}, "not float"),
        ({"amount": Decimal("NaN")}, "finite"),
        ({"currency": "EUR"}, "USD and KHR"),
        ({"amount": Decimal("12345678901234")}, "too large"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(changes, message):
    arguments = GOOD | {"amount": Decimal("10"), "currency": "USD"} | changes
    with pytest.raises(KHQRError, match=message):
        build_khqr(**arguments)


def test_amount_formatting_never_goes_through_float():
    # 0.1 + 0.2 as a float is 0.30000000000000004; as Decimal it stays exact.
    assert format_amount(Decimal("0.1") + Decimal("0.2"), "USD") == "0.30"
    assert format_amount(Decimal("9999999.99"), "USD") == "9999999.99"
