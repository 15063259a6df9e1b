"""MariaDB killed and restarted in the middle of load (issue 7): requests fail only during
the outage and recover without restarting gunicorn; every order a shopper was told about is
intact, and stock adds up item by item (initial = sold or reserved + remaining)."""

import shutil

import pytest

from tests.deploy import db_restart

pytestmark = pytest.mark.skipif(
    shutil.which("mariadb-install-db") is None, reason="needs the MariaDB server package"
)


def test_database_restart_under_load(tmp_path):
    report = db_restart.run(tmp_path, shoppers=8, before=4, outage=3, after=6, stock=150)
    print(report)
    phases = report["phases"]

    # The load was real and the outage hit it.
    assert phases["before"]["ok"] >= 20, report
    assert phases["outage"]["failed"] >= 1, report
    # Nothing failed before the database went away, nor once it was back.
    assert phases["before"]["failed"] == 0, report
    assert phases["after"]["failed"] == 0, report
    assert phases["after"]["ok"] >= 20, report
    assert report["last_failure_after_restart"] < 2.0, report
    assert report["orders_confirmed_after_recovery"] >= 1, report

    # The same gunicorn, the same workers: recovery needed no restart.
    assert report["gunicorn_master_alive"], report
    assert report["workers_after"] == report["workers_before"], report
    assert report["workers_timed_out_or_crashed"] == 0, report
    assert report["readyz_after"] == 200, report

    # Every order a shopper was told about is there, whole; none told twice.
    assert report["orders_confirmed"] >= 5, report
    assert report["orders_confirmed_unique"] == report["orders_confirmed"], report
    assert report["confirmed_orders_missing"] == [], report
    assert report["inconsistent_orders"] == [], report

    # Stock adds up for every item, and nothing was sold beyond what there was.
    for product, row in report["stock"].items():
        assert row["adds_up"], (product, row)
        assert row["remaining"] >= 0
    assert report["units_sold_or_reserved"] <= report["units_initial"]
