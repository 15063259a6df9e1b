"""A thin client for the Bakong Open API, with every reply mapped to an explicit outcome.

Errors are never guessed into "unpaid": an expired token raises ``BakongUnauthorized``; a
timeout, a refused connection, 429, 5xx or a body that is not Bakong's envelope raise
``BakongUnavailable``. Callers change nothing when either is raised.
"""

import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal

import requests
from django.conf import settings

from kernel import metrics
from kernel.redact import redact

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
ERROR_NOT_FOUND = 1
ERROR_STATIC_QR = 2
ERROR_FAILED = 3
ERROR_UNAUTHORIZED = 6
ERROR_ACCOUNT_NOT_FOUND = 11


class BakongError(Exception):
    """Bakong answered, but not with something the shop can act on."""


class BakongUnauthorized(BakongError):
    """The API token is missing, invalid or expired (HTTP 401 or errorCode 6)."""


class BakongUnavailable(BakongError):
    """Bakong could not be reached or answered with an error page, 429 or 5xx."""


@dataclass(frozen=True)
class Transaction:
    hash: str
    from_account: str
    to_account: str
    currency: str
    amount: Decimal
    created_ms: int | None
    acknowledged_ms: int | None
    external_ref: str
    raw: dict = field(compare=False, repr=False)

    @classmethod
    def from_data(cls, data):
        if not isinstance(data, dict) or not data.get("hash"):
            raise BakongUnavailable("A success reply without a transaction.")
        try:
            amount = Decimal(str(data.get("amount")))
        except Exception as exc:  # noqa: BLE001
            raise BakongUnavailable("A transaction without a readable amount.") from exc

        def millis(value):
            try:
                return int(Decimal(str(value))) if value is not None else None
            except Exception:  # noqa: BLE001
                return None

        return cls(
            hash=str(data["hash"]),
            from_account=str(data.get("fromAccountId") or ""),
            to_account=str(data.get("toAccountId") or ""),
            currency=str(data.get("currency") or "").upper(),
            amount=amount,
            created_ms=millis(data.get("createdDateMs")),
            acknowledged_ms=millis(data.get("acknowledgedDateMs")),
            external_ref=str(data.get("externalRef") or ""),
            raw=data,
        )


@dataclass(frozen=True)
class Paid:
    transaction: Transaction


@dataclass(frozen=True)
class NotFound:
    pass


@dataclass(frozen=True)
class Failed:
    message: str = ""


@dataclass(frozen=True)
class StaticQR:
    pass


class BakongClient:
    def __init__(self, base_url=None, token=None, timeout=None, session=None):
        self.base_url = (base_url or settings.BAKONG_API_BASE_URL).rstrip("/")
        self.token = token if token is not None else settings.BAKONG_API_TOKEN
        self.timeout = timeout or (settings.BAKONG_CONNECT_TIMEOUT, settings.BAKONG_READ_TIMEOUT)
        self.session = session or requests.Session()

    # --- transport ---------------------------------------------------------------------

    def call(self, name, body, auth=True):
        """POST ``body`` to ``/v1/<name>``; the decoded envelope, or a ``BakongError``."""
        try:
            with metrics.timed(metrics.BAKONG_DURATION, endpoint=name):
                return self._call(name, body, auth)
        except BakongUnauthorized:
            metrics.inc(metrics.BAKONG_ERRORS, endpoint=name, kind="unauthorized")
            raise
        except BakongUnavailable:
            metrics.inc(metrics.BAKONG_ERRORS, endpoint=name, kind="unavailable")
            raise
        except BakongError:
            metrics.inc(metrics.BAKONG_ERRORS, endpoint=name, kind="refused")
            raise

    def _call(self, name, body, auth):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        # ``requests`` errors quote URLs and, for a malformed header, the Authorization
        # header with the token: the error raised here names the failure without that text
        # and is raised outside the ``except`` block, so no chained exception carries it.
        failure = None
        try:
            response = self.session.post(
                f"{self.base_url}/v1/{name}",
                data=json.dumps(body),
                headers=headers,
                timeout=self.timeout,
            )
        except requests.Timeout:
            failure = f"Bakong did not answer {name} in time."
        except requests.ConnectionError:
            failure = f"Could not reach Bakong for {name}: the connection failed."
        except requests.RequestException as exc:
            failure = f"Could not reach Bakong for {name}: {type(exc).__name__}."
        if failure is not None:
            raise BakongUnavailable(failure)

        envelope = self._envelope(response)
        if response.status_code == 401 or (envelope or {}).get("errorCode") == ERROR_UNAUTHORIZED:
            raise BakongUnauthorized("The Bakong API token is missing, invalid or expired.")
        if response.status_code == 429:
            raise BakongUnavailable("Bakong is rate limiting the shop (429).")
        if response.status_code >= 500:
            raise BakongUnavailable(f"Bakong answered {response.status_code}.")
        if envelope is None:
            raise BakongUnavailable(
                f"Bakong answered {name} with something that is not its envelope."
            )
        if response.status_code >= 400 and envelope.get("errorCode") is None:
            raise BakongError(f"Bakong refused {name} with {response.status_code}.")
        return envelope

    @staticmethod
    def _envelope(response):
        try:
            body = json.loads(response.content, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict) or "responseCode" not in body:
            return None
        return body

    # --- payments ------------------------------------------------------------------------

    @staticmethod
    def _outcome(envelope):
        if envelope.get("responseCode") == 0:
            return Paid(Transaction.from_data(envelope.get("data")))
        code = envelope.get("errorCode")
        if code == ERROR_NOT_FOUND:
            return NotFound()
        if code == ERROR_STATIC_QR:
            return StaticQR()
        if code == ERROR_FAILED:
            return Failed(redact(str(envelope.get("responseMessage") or ""))[:200])
        raise BakongError(redact(f"Unexpected Bakong reply: errorCode {code!r}."))

    def check_md5(self, md5):
        """The outcome of the payment whose QR has this md5."""
        return self._outcome(self.call("check_transaction_by_md5", {"md5": md5}))

    def check_md5_list(self, md5s):
        """``{md5: outcome}`` for many QRs, asking Bakong 50 at a time."""
        md5s = list(dict.fromkeys(md5s))
        outcomes = {}
        for start in range(0, len(md5s), BATCH_SIZE):
            batch = md5s[start : start + BATCH_SIZE]
            envelope = self.call("check_transaction_by_md5_list", batch)
            if envelope.get("responseCode") != 0 or not isinstance(envelope.get("data"), list):
                raise BakongUnavailable("Bakong's batch reply had no list of results.")
            for item in envelope["data"]:
                if not isinstance(item, dict) or item.get("md5") not in batch:
                    continue
                status = str(item.get("status", "")).upper()
                if status == "SUCCESS":
                    if isinstance(item.get("data"), dict):
                        outcomes[item["md5"]] = Paid(Transaction.from_data(item["data"]))
                    else:
                        # The batch said paid without details: ask for this one alone.
                        outcomes[item["md5"]] = self.check_md5(item["md5"])
                elif status == "NOT_FOUND":
                    outcomes[item["md5"]] = NotFound()
                elif status == "STATIC_QR":
                    outcomes[item["md5"]] = StaticQR()
                elif status == "FAILED":
                    outcomes[item["md5"]] = Failed(redact(str(item.get("message") or ""))[:200])
        return outcomes

    # --- the rest of the API the shop uses ----------------------------------------------

    def renew_token(self, email):
        """Ask for a new token (they last about 90 days); returns it."""
        envelope = self.call("renew_token", {"email": email}, auth=False)
        token = (
            (envelope.get("data") or {}).get("token") if envelope.get("responseCode") == 0 else None
        )
        if not token:
            raise BakongError(
                redact(str(envelope.get("responseMessage") or "Token renewal failed."))[:200]
            )
        return token

    def account_exists(self, account_id):
        envelope = self.call("check_bakong_account", {"accountId": account_id})
        if envelope.get("responseCode") == 0:
            return True
        if envelope.get("errorCode") == ERROR_ACCOUNT_NOT_FOUND:
            return False
        raise BakongError(
            redact(str(envelope.get("responseMessage") or "Account check failed."))[:200]
        )

    def deeplink(self, qr, app_name, app_icon_url, callback_url):
        """A short link that opens a Bakong-compatible wallet on a phone, or ``None``."""
        envelope = self.call(
            "generate_deeplink_by_qr",
            {
                "qr": qr,
                "sourceInfo": {
                    "appIconUrl": app_icon_url,
                    "appName": app_name,
                    "appDeepLinkCallback": callback_url,
                },
            },
        )
        if envelope.get("responseCode") == 0:
            link = (envelope.get("data") or {}).get("shortLink")
            return str(link) if link else None
        return None
