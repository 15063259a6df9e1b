"""Dynamic KHQR payloads for one payment attempt.

What comes from the ``bakong-khqr`` package: the encoders of the fixed and simple tags
(payload format 00, point of initiation 01, individual account 29, category code 52,
currency 53, country 58, merchant name 59 and city 60, bill number in 62) and the CRC (63).
What this module does itself, because the package cannot: the amount from a ``Decimal``
without passing through ``float`` (tag 54), an expiry in minutes rather than whole days
(tag 99), and strict validation of every input before anything is built.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bakong_khqr.sdk import (
    CRC,
    MCC,
    AdditionalDataField,
    CountryCode,
    GlobalUniqueIdentifier,
    MerchantCity,
    MerchantName,
    PayloadFormatIndicator,
    PointOfInitiation,
    TransactionCurrency,
)

from kernel import money

MAX_ACCOUNT_ID = 32
MAX_NAME = 25
MAX_CITY = 15
MAX_BILL_NUMBER = 25
MAX_AMOUNT_CHARS = 13
ACCOUNT_ID_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")


class KHQRError(ValueError):
    """An input the KHQR standard or the official verifier would refuse."""


@dataclass(frozen=True)
class KHQR:
    payload: str
    md5: str
    amount: Decimal
    currency: str
    bill_number: str
    created_ms: int
    expires_ms: int


def _tlv(tag, value):
    return f"{tag}{len(value):02d}{value}"


def _check_text(label, value, limit, required=True):
    if not isinstance(value, str):
        raise KHQRError(f"The {label} must be text.")
    if required and not value.strip():
        raise KHQRError(f"The {label} is required.")
    if value != value.strip():
        raise KHQRError(f"The {label} must not start or end with spaces.")
    if len(value) > limit:
        raise KHQRError(f"The {label} is {len(value)} characters; at most {limit} are allowed.")
    # Lengths are counted in UTF-16 units by the official SDK: stay in the BMP.
    if any(ord(char) > 0xFFFF for char in value):
        raise KHQRError(f"The {label} contains characters (such as emoji) that KHQR cannot carry.")
    if any(ord(char) < 0x20 for char in value):
        raise KHQRError(f"The {label} contains control characters.")


def format_amount(amount, currency):
    """The tag-54 text of an amount: ``25``, ``10.50``, ``40000``. Refuses what the official
    generator refuses (zero or less, riel with decimals, more than 2 decimals of a dollar)."""
    if isinstance(amount, float):
        raise KHQRError("Amounts must be Decimal, not float.")
    try:
        amount = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    except InvalidOperation as exc:
        raise KHQRError(f"{amount!r} is not an amount.") from exc
    if not amount.is_finite():
        raise KHQRError("The amount must be a finite number.")
    if amount <= 0:
        raise KHQRError("The amount must be greater than zero.")
    if currency == money.KHR:
        if amount != amount.to_integral_value():
            raise KHQRError("Riel amounts must be whole numbers.")
        text = f"{amount:f}".split(".")[0]
    elif currency == money.USD:
        if amount != amount.quantize(money.CENT):
            raise KHQRError("Dollar amounts can have at most 2 decimals.")
        whole = amount == amount.to_integral_value()
        text = f"{amount.to_integral_value():f}" if whole else f"{amount.quantize(money.CENT):f}"
    else:
        raise KHQRError("KHQR supports USD and KHR only.")
    if len(text) > MAX_AMOUNT_CHARS:
        raise KHQRError("The amount is too large for a KHQR code.")
    return text


def build_khqr(
    *,
    amount,
    currency,
    bill_number,
    account_id,
    merchant_name,
    merchant_city,
    expires_in_minutes,
    now_ms=None,
):
    """A dynamic (one-time) individual KHQR for ``amount`` in ``currency``.

    ``bill_number`` is the order number; the code expires ``expires_in_minutes`` after
    ``now_ms`` (default: now). Raises ``KHQRError`` with a clear message for bad input.
    """
    _check_text("Bakong account id", account_id, MAX_ACCOUNT_ID)
    if not ACCOUNT_ID_PATTERN.match(account_id):
        raise KHQRError("The Bakong account id must look like name@bank.")
    _check_text("merchant name", merchant_name, MAX_NAME)
    _check_text("merchant city", merchant_city, MAX_CITY)
    _check_text("bill number", bill_number, MAX_BILL_NUMBER)
    if not isinstance(expires_in_minutes, int) or expires_in_minutes < 1:
        raise KHQRError("The payment window must be a whole number of minutes, at least 1.")
    amount_text = format_amount(amount, currency)

    created_ms = int(now_ms if now_ms is not None else time.time() * 1000)
    expires_ms = created_ms + expires_in_minutes * 60_000
    timestamps = _tlv("00", str(created_ms)) + _tlv("01", str(expires_ms))

    payload = (
        PayloadFormatIndicator().value()
        + PointOfInitiation().dynamic()
        + GlobalUniqueIdentifier().value(account_id)
        + MCC().value()
        + TransactionCurrency().value(currency)
        + _tlv("54", amount_text)
        + CountryCode().value()
        + MerchantName().value(merchant_name)
        + MerchantCity().value(merchant_city)
        + AdditionalDataField().value(bill_number=bill_number)
        + _tlv("99", timestamps)
    )
    payload += CRC().value(payload)
    return KHQR(
        payload=payload,
        md5=qr_md5(payload),
        amount=Decimal(amount_text),
        currency=currency,
        bill_number=bill_number,
        created_ms=created_ms,
        expires_ms=expires_ms,
    )


def qr_md5(payload):
    """The Bakong lookup key of a QR: md5 of the exact string, CRC included, lower-case hex."""
    return hashlib.md5(payload.encode("utf-8"), usedforsecurity=False).hexdigest()


def parse_tlv(payload):
    """``{tag: value}`` of a KHQR string's top level (sub-templates left as strings)."""
    fields, position = {}, 0
    while position < len(payload):
        tag = payload[position : position + 2]
        try:
            length = int(payload[position + 2 : position + 4])
        except ValueError as exc:
            raise KHQRError("Not a KHQR string.") from exc
        value = payload[position + 4 : position + 4 + length]
        if len(tag) != 2 or len(value) != length:
            raise KHQRError("Not a KHQR string.")
        fields[tag] = value
        position += 4 + length
    return fields


def read_khqr(payload):
    """The facts a wallet reads off a KHQR: account, amount, currency, bill number, expiry."""
    fields = parse_tlv(payload)
    currency = {"840": money.USD, "116": money.KHR}.get(fields.get("53"))
    account = parse_tlv(fields["29"]).get("00") if "29" in fields else None
    if account is None and "30" in fields:
        account = parse_tlv(fields["30"]).get("00")
    extra = parse_tlv(fields["62"]) if "62" in fields else {}
    times = parse_tlv(fields["99"]) if "99" in fields else {}
    return {
        "account_id": account,
        "amount": Decimal(fields["54"]) if "54" in fields else None,
        "currency": currency,
        "bill_number": extra.get("01"),
        "merchant_name": fields.get("59"),
        "created_ms": int(times["00"]) if "00" in times else None,
        "expires_ms": int(times["01"]) if "01" in times else None,
    }
