"""Configuration the shop checks for itself.

- ``refuse_unencrypted_connection``: when the database settings require TLS, every new
  MySQL connection must really be encrypted. MariaDB's client library (Debian's, and the
  image's) connects in plain text to a server that offers no TLS under ``ssl_mode=REQUIRED``;
  this closes such a connection and says why.
"""

from django.db.utils import OperationalError

TLS_REQUIRED_MODES = ("REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")


def refuse_unencrypted_connection(sender, connection, **kwargs):
    """``connection_created`` receiver: one query per new connection, only when TLS is
    required (connections are kept open between requests, so this is rare)."""
    if connection.vendor != "mysql":
        return
    mode = connection.settings_dict["OPTIONS"].get("ssl_mode")
    if mode not in TLS_REQUIRED_MODES:
        return
    with connection.connection.cursor() as cursor:
        cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        row = cursor.fetchone()
    if row and row[1]:
        return
    connection.close()
    where = f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT'] or 3306}"
    raise OperationalError(
        f"The database connection to {where} is not encrypted, but the settings require TLS "
        f"(ssl mode {mode}): the server offered no TLS. Turn TLS on in the database server, "
        "or check that DB_HOST / DATABASE_URL names the right server."
    )
