"""The swarm tests need a Docker engine, the stand-in images (tests/deploy/standins/build.sh
swarm) and a quarter of an hour: they run only when asked for (`.ci/run swarm` does), never as
part of the ordinary suite."""

import os

if os.environ.get("SHOP_SWARM_TESTS") != "1":
    collect_ignore_glob = ["test_*.py"]


def pytest_configure(config):
    # The stack's certificate is self-signed (Let's Encrypt cannot be reached from here).
    config.addinivalue_line("filterwarnings", "ignore::urllib3.exceptions.InsecureRequestWarning")
