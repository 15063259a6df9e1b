"""The compose tests need a Docker engine and the stand-in images, and take minutes: they run
only when asked for (`.ci/run compose` does), never as part of the ordinary suite."""

import os

if os.environ.get("SHOP_COMPOSE_TESTS") != "1":
    collect_ignore_glob = ["test_*.py"]


def pytest_configure(config):
    # The stack's certificate is self-signed (Let's Encrypt cannot be reached from here).
    config.addinivalue_line("filterwarnings", "ignore::urllib3.exceptions.InsecureRequestWarning")
