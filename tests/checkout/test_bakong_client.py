"""The Bakong client against the stand-in server, over real HTTP: every outcome and error."""

import json
import time
import urllib.request
from decimal import Decimal

import pytest

from checkout.khqr.builder import build_khqr
from checkout.khqr.client import (
    BakongClient,
    BakongUnauthorized,
    BakongUnavailable,
    Failed,
    NotFound,
    Paid,
)


def control(server, path, body):
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def fresh_qr(amount="12.50", currency="USD", bill="261124-AAAAA"):
    return build_khqr(
        amount=Decimal(amount),
        currency=currency,
        bill_number=bill,
        account_id="angkormarket@aclb",
        merchant_name="Angkor Market",
        merchant_city="Phnom Penh",
        expires_in_minutes=15,
    )


@pytest.fixture
def client(bakong):
    return BakongClient(base_url=bakong.url, token="test-token", timeout=(1.0, 1.0))


def test_paid(bakong, client):
    qr = fresh_qr()
    control(bakong, "/sandbox/pay/", {"qr": qr.payload})
    outcome = client.check_md5(qr.md5)
    assert isinstance(outcome, Paid)
    tx = outcome.transaction
    assert (tx.amount, tx.currency, tx.to_account) == (Decimal("12.5"), "USD", "angkormarket@aclb")
    assert len(tx.hash) == 64 and tx.from_account and tx.created_ms
    assert tx.external_ref.startswith("100FT")


def test_riel_amounts_arrive_exact(bakong, client):
    qr = fresh_qr("86300", "KHR")
    control(bakong, "/sandbox/pay/", {"qr": qr.payload})
    tx = client.check_md5(qr.md5).transaction
    assert (tx.amount, tx.currency) == (Decimal("86300"), "KHR")


def test_not_found(bakong, client):
    assert isinstance(client.check_md5(fresh_qr().md5), NotFound)


def test_failed(bakong, client):
    qr = fresh_qr()
    control(bakong, "/sandbox/fail/", {"md5": qr.md5})
    assert isinstance(client.check_md5(qr.md5), Failed)
    assert isinstance(client.check_md5_list([qr.md5])[qr.md5], Failed)


def test_wrong_token_is_unauthorized(bakong):
    client = BakongClient(base_url=bakong.url, token="expired-token", timeout=(1.0, 1.0))
    with pytest.raises(BakongUnauthorized):
        client.check_md5(fresh_qr().md5)


@pytest.mark.parametrize("mode", ["401"])
def test_401_mode_is_unauthorized(bakong, client, mode):
    control(bakong, "/sandbox/mode/", {"mode": mode})
    with pytest.raises(BakongUnauthorized):
        client.check_md5(fresh_qr().md5)


@pytest.mark.parametrize("mode", ["429", "500", "garbage", "nulldata"])
def test_errors_and_odd_replies_are_unavailable_not_unpaid(bakong, client, mode):
    qr = fresh_qr()
    control(bakong, "/sandbox/pay/", {"qr": qr.payload})
    control(bakong, "/sandbox/mode/", {"mode": mode})
    with pytest.raises(BakongUnavailable):
        client.check_md5(qr.md5)


def test_timeout_is_unavailable(bakong, client):
    control(bakong, "/sandbox/mode/", {"mode": "slow", "delay": 3})
    started = time.monotonic()
    with pytest.raises(BakongUnavailable):
        client.check_md5(fresh_qr().md5)
    assert time.monotonic() - started < 2.5


def test_connection_refused_is_unavailable():
    client = BakongClient(base_url="http://127.0.0.1:9", token="x", timeout=(0.5, 0.5))
    with pytest.raises(BakongUnavailable):
        client.check_md5("0" * 32)


def test_batches_of_fifty(bakong, client):
    codes = [fresh_qr(bill=f"261124-{n:05d}") for n in range(60)]
    for code in codes[:3]:
        control(bakong, "/sandbox/pay/", {"qr": code.payload})
    outcomes = client.check_md5_list([code.md5 for code in codes])
    assert len(outcomes) == 60
    assert sum(isinstance(o, Paid) for o in outcomes.values()) == 3
    assert sum(isinstance(o, NotFound) for o in outcomes.values()) == 57
    calls = [name for name, _ in bakong.state.calls]
    assert calls.count("check_transaction_by_md5_list") == 2


def test_deeplink_renew_token_and_account(bakong, client):
    qr = fresh_qr()
    link = client.deeplink(qr.payload, "Angkor Market", "http://shop/logo.svg", "http://shop/o/")
    assert link.startswith(bakong.url) and qr.md5 in link
    assert client.renew_token("owner@example.com") == "test-token"
    assert client.account_exists("angkormarket@aclb") is True
