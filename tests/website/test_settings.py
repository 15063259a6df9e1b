"""Settings: the database choice, MySQL connection options, and production's refusals."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from website.settings import base


def _clear_db_env(monkeypatch):
    for name in ("DATABASE_URL", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_HOST", "DB_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_no_database_configured_means_sqlite(monkeypatch):
    _clear_db_env(monkeypatch)
    config = base.database_config()
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_db_variables_configure_mysql_with_utf8mb4_read_committed_and_health_checks(monkeypatch):
    _clear_db_env(monkeypatch)
    monkeypatch.setenv("DB_NAME", "ecommerceforfinal")
    monkeypatch.setenv("DB_USER", "shop")
    monkeypatch.setenv("DB_PASSWORD", "secret")
    monkeypatch.setenv("DB_HOST", "db")
    monkeypatch.setenv("DB_COLLATION", "utf8mb4_0900_ai_ci")
    config = base.database_config()
    assert config["ENGINE"] == "django.db.backends.mysql"
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "ecommerceforfinal",
        "shop",
        "db",
        "3306",
    )
    assert config["OPTIONS"]["charset"] == "utf8mb4"
    assert config["OPTIONS"]["collation"] == "utf8mb4_0900_ai_ci"
    assert config["OPTIONS"]["isolation_level"] == "read committed"
    assert "STRICT_TRANS_TABLES" in config["OPTIONS"]["init_command"]
    assert config["TEST"] == {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_0900_ai_ci"}
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] > 0


def test_database_url_wins(monkeypatch):
    _clear_db_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", "mysql://u:p@dbhost:3307/shopdb")
    monkeypatch.setenv("DB_NAME", "ignored")
    config = base.database_config()
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("shopdb", "dbhost", 3307)
    assert config["OPTIONS"]["charset"] == "utf8mb4"


@pytest.mark.django_db
def test_mysql_connection_is_utf8mb4_strict_read_committed_and_matches_the_database(mysql_only):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT @@character_set_connection, @@collation_connection, @@collation_database,"
            " @@sql_mode"
        )
        charset, collation, database_collation, sql_mode = cursor.fetchone()
        variable = "tx_isolation" if connection.mysql_is_mariadb else "transaction_isolation"
        cursor.execute(f"SELECT @@{variable}")
        isolation = cursor.fetchone()[0]
    assert charset == "utf8mb4"
    assert collation == database_collation == settings.DATABASES["default"]["TEST"]["COLLATION"]
    assert "STRICT_TRANS_TABLES" in sql_mode
    assert isolation == "READ-COMMITTED"


def _import_production(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import website.settings.production"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_debug():
    result = _import_production(DEBUG="True", SECRET_KEY="x" * 50, ALLOWED_HOSTS="shop.example.com")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize("secret", ["", base.INSECURE_DEV_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_placeholder_secret_key(secret):
    result = _import_production(DEBUG="False", SECRET_KEY=secret, ALLOWED_HOSTS="shop.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_real_settings():
    result = _import_production(
        DEBUG="False", SECRET_KEY="k" * 50, ALLOWED_HOSTS="shop.example.com"
    )
    assert result.returncode == 0, result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    read = set()
    for path in (root / "website" / "settings").glob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', path.read_text()))
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    assert read - listed == set()
