"""Helpers of the unit tier: recording what the domain announces."""

import itertools

import pytest

_uids = itertools.count()


@pytest.fixture
def record():
    """``record(signal)`` → a list that receives the keyword arguments of every send of
    ``signal`` (with ``sender``) until the test ends."""
    connected = []

    def start(signal):
        received = []

        def receiver(sender, **kwargs):
            received.append({"sender": sender, **kwargs})

        uid = f"tests.unit.record.{next(_uids)}"
        signal.connect(receiver, weak=False, dispatch_uid=uid)
        connected.append((signal, uid))
        return received

    yield start
    for signal, uid in connected:
        signal.disconnect(dispatch_uid=uid)
