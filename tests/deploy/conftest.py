"""Fixtures shared by the deployment tests."""

import pytest
from moto.server import ThreadedMotoServer


@pytest.fixture(scope="module")
def s3_endpoint():
    """An S3 server on loopback (moto's, speaking the real wire protocol): the off-site
    backup bucket's stand-in."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
