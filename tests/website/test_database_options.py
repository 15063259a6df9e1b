"""database_config(): options in DATABASE_URL are kept, TLS parameters and DB_SSL_* become
mysqlclient's ssl_mode and ssl options, and a wrong value is refused with a clear message.
(Connections over TLS to a real server: tests/deploy/test_database_tls.py.)"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from website.settings import base

VARIABLES = (
    "DATABASE_URL",
    "DB_NAME",
    "DB_USER",
    "DB_PASSWORD",
    "DB_HOST",
    "DB_PORT",
    "DB_SSL_MODE",
    "DB_SSL_CA",
    "DB_SSL_CERT",
    "DB_SSL_KEY",
)


@pytest.fixture
def configure(monkeypatch):
    def configure(**variables):
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return base.database_config()

    return configure


def test_database_url_options_are_kept_next_to_the_shops_own(configure):
    config = configure(
        DATABASE_URL="mysql://u:p@db.example.com:25060/shop?ssl-mode=REQUIRED&connect_timeout=5"
    )
    options = config["OPTIONS"]
    assert options["ssl_mode"] == "REQUIRED"
    assert options["connect_timeout"] == 5
    assert options["charset"] == "utf8mb4"
    assert options["isolation_level"] == "read committed"
    assert "STRICT_TRANS_TABLES" in options["init_command"]
    # mysqlclient knows none of the URL spellings: they must not reach connect().
    assert not {"ssl-mode", "ssl_ca", "ssl-ca", "sslmode"} & set(options)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ssl-mode=REQUIRED", {"ssl_mode": "REQUIRED"}),
        ("sslmode=verify_identity", {"ssl_mode": "VERIFY_IDENTITY"}),
        (
            "ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/ca.pem",
            {"ssl_mode": "VERIFY_IDENTITY", "ssl": {"ca": "/etc/ssl/ca.pem"}},
        ),
        (
            "ssl_mode=VERIFY_CA&ssl_ca=/c/ca.pem&ssl_cert=/c/cert.pem&ssl_key=/c/key.pem",
            {
                "ssl_mode": "VERIFY_CA",
                "ssl": {"ca": "/c/ca.pem", "cert": "/c/cert.pem", "key": "/c/key.pem"},
            },
        ),
        ("ssl=true", {"ssl_mode": "REQUIRED"}),
        ("ssl=1", {"ssl_mode": "REQUIRED"}),
        ("ssl=false", {"ssl_mode": "DISABLED"}),
        ("ssl-mode=DISABLED&ssl-ca=/etc/ssl/ca.pem", {"ssl_mode": "DISABLED"}),
        ("", {}),
    ],
)
def test_database_url_tls_parameters(configure, query, expected):
    options = configure(DATABASE_URL=f"mysql://u:p@db:3306/shop?{query}")["OPTIONS"]
    tls = {key: options[key] for key in ("ssl_mode", "ssl") if key in options}
    assert tls == expected


def test_db_ssl_variables_for_the_db_form(configure):
    options = configure(
        DB_NAME="shop",
        DB_HOST="db.example.com",
        DB_SSL_MODE="verify_ca",
        DB_SSL_CA="/run/secrets/ca.pem",
        DB_SSL_CERT="/run/secrets/client.pem",
        DB_SSL_KEY="/run/secrets/client-key.pem",
    )["OPTIONS"]
    assert options["ssl_mode"] == "VERIFY_CA"
    assert options["ssl"] == {
        "ca": "/run/secrets/ca.pem",
        "cert": "/run/secrets/client.pem",
        "key": "/run/secrets/client-key.pem",
    }


def test_without_tls_settings_nothing_is_added(configure):
    options = configure(DB_NAME="shop")["OPTIONS"]
    assert "ssl_mode" not in options and "ssl" not in options


def test_db_ssl_variables_complete_a_database_url_that_does_not_name_them(configure):
    options = configure(
        DATABASE_URL="mysql://u:p@db:3306/shop?ssl-mode=VERIFY_IDENTITY",
        DB_SSL_MODE="REQUIRED",
        DB_SSL_CA="/run/secrets/ca.pem",
    )["OPTIONS"]
    assert options["ssl_mode"] == "VERIFY_IDENTITY"  # the URL wins
    assert options["ssl"] == {"ca": "/run/secrets/ca.pem"}


def test_a_wrong_ssl_mode_is_refused_with_the_choices(configure):
    with pytest.raises(ImproperlyConfigured) as error:
        configure(DB_NAME="shop", DB_SSL_MODE="yes-please")
    message = str(error.value)
    assert "DB_SSL_MODE must be one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, " in message
    assert "(got 'yes-please')" in message

    with pytest.raises(ImproperlyConfigured, match="ssl-mode in DATABASE_URL must be one of"):
        configure(DATABASE_URL="mysql://u:p@db/shop?ssl-mode=ON")
    with pytest.raises(ImproperlyConfigured, match="ssl in DATABASE_URL must be true or false"):
        configure(DATABASE_URL="mysql://u:p@db/shop?ssl=maybe")


def test_sqlite_ignores_the_tls_variables(configure):
    config = configure(DB_SSL_MODE="REQUIRED")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "OPTIONS" not in config
