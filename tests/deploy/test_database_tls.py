"""MySQL over TLS, as managed databases hand it out: a private MariaDB with TLS on (a
self-signed CA and a server certificate made with openssl), and Django connections built
from the settings' ``database_config()`` exactly as the shop builds its own."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.mysql.base import DatabaseWrapper
from django.db.utils import ConnectionHandler

from tests.deploy.db_restart import PrivateMariaDB
from website.settings import base

pytestmark = pytest.mark.mysql

CLIENT_USER = "shop_x509"  # an account that must present a client certificate


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_ca(directory, name):
    key, cert = directory / f"{name}-key.pem", directory / f"{name}.pem"
    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert),
    )  # fmt: skip
    return cert, key


def make_certificate(directory, name, ca, ca_key, alt_names):
    key, csr, cert = (directory / f"{name}{suffix}" for suffix in ("-key.pem", ".csr", ".pem"))
    extensions = directory / f"{name}.ext"
    extensions.write_text(f"subjectAltName={alt_names}\n")
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
        "-keyout", str(key), "-out", str(csr),
    )  # fmt: skip
    openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "2", "-extfile", str(extensions), "-out", str(cert),
    )  # fmt: skip
    return cert, key


class MariaDBServer(PrivateMariaDB):
    """PrivateMariaDB (tests/deploy/db_restart.py), started with extra server options."""

    def sql(self, statement):
        subprocess.run(
            ["mysql", "-uroot", "-h127.0.0.1", f"-P{self.port}", "-e", statement],
            check=True,
            capture_output=True,
            timeout=30,
        )


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    ca, ca_key = make_ca(directory, "shop-test-ca")
    wrong_ca, _ = make_ca(directory, "someone-elses-ca")
    server, server_key = make_certificate(
        directory, "server", ca, ca_key, "IP:127.0.0.1,DNS:localhost"
    )
    client, client_key = make_certificate(directory, "shop-client", ca, ca_key, "DNS:shop")
    return {
        "ca": ca,
        "wrong_ca": wrong_ca,
        "server": server,
        "server_key": server_key,
        "client": client,
        "client_key": client_key,
    }


def _server(workdir, *options):
    server = MariaDBServer(workdir, *options)
    server.install()
    server.start()
    server.sql("CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    return server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, certificates):
    """TLS offered, not required: a client without TLS options still gets in, in plain text,
    so what the shop's options change is visible."""
    server = _server(
        tmp_path_factory.mktemp("mariadb-tls"),
        f"--ssl-ca={certificates['ca']}",
        f"--ssl-cert={certificates['server']}",
        f"--ssl-key={certificates['server_key']}",
    )
    server.sql(
        f"CREATE USER '{CLIENT_USER}'@'%' REQUIRE SUBJECT '/CN=shop-client';"
        f" GRANT ALL ON shop.* TO '{CLIENT_USER}'@'%'"
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    """No TLS at all."""
    server = _server(tmp_path_factory.mktemp("mariadb-plain"))
    yield server
    server.stop()


@pytest.fixture
def configure(monkeypatch):
    """Set the environment an operator would set, then build the shop's database settings."""

    def configure(**variables):
        for name in ("DATABASE_URL", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_HOST", "DB_PORT"):
            monkeypatch.delenv(name, raising=False)
        for name in ("DB_SSL_MODE", "DB_SSL_CA", "DB_SSL_CERT", "DB_SSL_KEY"):
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, str(value))
        return base.database_config()

    return configure


def db_variables(server, **extra):
    return {
        "DB_NAME": "shop",
        "DB_USER": "root",
        "DB_PASSWORD": "",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": server.port,
        **extra,
    }


@pytest.fixture
def session_cipher(django_db_blocker):
    """Open a Django connection with the given settings; the session's TLS cipher ('' when
    the connection is in plain text)."""

    def session_cipher(config):
        settings = ConnectionHandler().configure_settings({"default": config})["default"]
        connection = DatabaseWrapper(settings, alias="tls-test")
        with django_db_blocker.unblock():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
                    return cursor.fetchone()[1]
            finally:
                connection.close()

    return session_cipher


def test_db_ssl_mode_required_encrypts_the_connection(
    mysql_only, tls_server, configure, session_cipher
):
    config = configure(**db_variables(tls_server, DB_SSL_MODE="REQUIRED"))
    assert session_cipher(config) != ""


def test_without_tls_options_the_connection_is_plain_text(
    mysql_only, tls_server, certificates, configure, session_cipher
):
    assert session_cipher(configure(**db_variables(tls_server))) == ""
    # DISABLED means no TLS even with a CA configured (MariaDB's client would use it).
    disabled = db_variables(tls_server, DB_SSL_MODE="DISABLED", DB_SSL_CA=certificates["ca"])
    assert session_cipher(configure(**disabled)) == ""


@pytest.mark.parametrize(
    "query",
    [
        "ssl-mode=REQUIRED",  # DigitalOcean's form
        "ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}",
        "ssl_mode=VERIFY_CA&ssl_ca={ca}",
        "ssl=true",
        "ssl-mode=required&connect_timeout=5",
    ],
)
def test_database_url_tls_forms_encrypt_the_connection(
    mysql_only, tls_server, certificates, configure, session_cipher, query
):
    query = query.format(ca=certificates["ca"])
    config = configure(DATABASE_URL=f"mysql://root:@127.0.0.1:{tls_server.port}/shop?{query}")
    assert session_cipher(config) != ""


def test_verify_identity_with_the_right_ca_and_a_client_certificate(
    mysql_only, tls_server, certificates, configure, session_cipher
):
    variables = db_variables(
        tls_server,
        DB_USER=CLIENT_USER,
        DB_SSL_MODE="VERIFY_IDENTITY",
        DB_SSL_CA=certificates["ca"],
        DB_SSL_CERT=certificates["client"],
        DB_SSL_KEY=certificates["client_key"],
    )
    assert session_cipher(configure(**variables)) != ""
    # The account requires that client certificate: without it the server says no.
    del variables["DB_SSL_CERT"], variables["DB_SSL_KEY"]
    with pytest.raises(OperationalError, match="Access denied"):
        session_cipher(configure(**variables))


@pytest.mark.parametrize("form", ["variables", "url"])
def test_verify_ca_with_the_wrong_ca_is_refused(
    mysql_only, tls_server, certificates, configure, session_cipher, form
):
    if form == "variables":
        config = configure(
            **db_variables(tls_server, DB_SSL_MODE="VERIFY_CA", DB_SSL_CA=certificates["wrong_ca"])
        )
    else:
        config = configure(
            DATABASE_URL=f"mysql://root:@127.0.0.1:{tls_server.port}/shop"
            f"?ssl-mode=VERIFY_CA&ssl-ca={certificates['wrong_ca']}"
        )
    with pytest.raises(OperationalError, match="certificate"):
        session_cipher(config)


def test_required_tls_is_refused_when_the_server_offers_none(
    mysql_only, plain_server, configure, session_cipher
):
    config = configure(**db_variables(plain_server, DB_SSL_MODE="REQUIRED"))
    with pytest.raises(OperationalError, match="not encrypted, but the settings require TLS"):
        session_cipher(config)
    # Without the requirement the same server is fine (in plain text).
    assert session_cipher(configure(**db_variables(plain_server))) == ""


def test_backups_reach_a_database_that_wants_tls_and_a_client_certificate(
    tls_server, certificates, tmp_path
):
    """backup.sh takes the same DB_SSL_* settings: the account here is only let in over TLS
    with the client certificate, and a wrong CA is refused."""
    (tmp_path / "media").mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATABASE_"))},
        **db_variables(tls_server, DB_USER=CLIENT_USER),
        "DB_SSL_MODE": "VERIFY_IDENTITY",
        "DB_SSL_CA": str(certificates["ca"]),
        "DB_SSL_CERT": str(certificates["client"]),
        "DB_SSL_KEY": str(certificates["client_key"]),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env = {name: str(value) for name, value in env.items()}
    script = str(Path(__file__).resolve().parents[2] / "docker" / "backup" / "backup.sh")
    made = subprocess.run(["bash", script], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert list((tmp_path / "backups").glob("backup-*.ok"))

    refused = subprocess.run(
        ["bash", script],
        env={**env, "DB_SSL_CA": str(certificates["wrong_ca"])},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "FAILED while dumping" in refused.stderr
