"""Configuration the shop checks for itself.

- ``refuse_unencrypted_connection``: when the database settings require TLS, every new
  MySQL connection must really be encrypted. MariaDB's client library (Debian's, and the
  image's) connects in plain text to a server that offers no TLS under ``ssl_mode=REQUIRED``;
  this closes such a connection and says why.
- ``placeholder_secrets`` (``manage.py check --deploy``, which every container runs before
  it starts): no secret may still hold a placeholder from ``.env.example``.
"""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register
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


# A secret is a placeholder when it starts with "change-me" or is one of the example values
# .env.example gives that do not (tests/website/test_deploy_checks.py keeps this list and
# .env.example in step), or the DATABASE_URL password an earlier .env.example showed.
PLACEHOLDER_PREFIX = "change-me"
EXAMPLE_SECRETS = {"123456:ABC-your-bot-token", "password"}


def random_value_command(length):
    return f'python -c "import secrets; print(secrets.token_urlsafe({length}))"'


def database_password_hint(user, where):
    return (
        f"Choose a new password ({random_value_command(24)}), give it to the {user} "
        "(ALTER USER ... IDENTIFIED BY '...'; compose's db service sets it only when its data "
        f"volume is first created) and put it in .env {where}."
    )


HINTS = {
    "SECRET_KEY": f"Put a new random value in .env as SECRET_KEY: {random_value_command(50)}",
    "DB_PASSWORD": database_password_hint("database user", "as DB_PASSWORD"),
    "DATABASE_URL": database_password_hint("database user", "in DATABASE_URL"),
    "DB_ROOT_PASSWORD": database_password_hint("database's root user", "as DB_ROOT_PASSWORD"),
    "EMAIL_HOST_PASSWORD": "Put the app password of EMAIL_HOST_USER's Gmail account in .env "
    "as EMAIL_HOST_PASSWORD (Google account, Security, App passwords; not the account's own "
    "password), or leave it empty if the SMTP server needs none.",
    "BAKONG_API_TOKEN": "Put the API token Bakong issued for the shop's account in .env as "
    "BAKONG_API_TOKEN (docs/operations.md, 'Renewing the Bakong token').",
    "TELEGRAM_BOT_TOKEN": "Put the token @BotFather gave the shop's bot in .env as "
    "TELEGRAM_BOT_TOKEN, or leave it empty to send nothing to Telegram.",
}


def is_placeholder(value):
    value = str(value or "").strip()
    return value.lower().startswith(PLACEHOLDER_PREFIX) or value in EXAMPLE_SECRETS


def configured_secrets():
    """(variable, value) for every secret the running configuration uses."""
    database = settings.DATABASES["default"]
    secrets = [("SECRET_KEY", settings.SECRET_KEY)]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        source = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "DB_PASSWORD"
        secrets.append((source, database.get("PASSWORD", "")))
    if "DB_ROOT_PASSWORD" in os.environ:  # compose's db service is created with it
        secrets.append(("DB_ROOT_PASSWORD", os.environ["DB_ROOT_PASSWORD"]))
    secrets += [
        ("EMAIL_HOST_PASSWORD", settings.EMAIL_HOST_PASSWORD),
        ("BAKONG_API_TOKEN", settings.BAKONG_API_TOKEN),
        ("TELEGRAM_BOT_TOKEN", settings.TELEGRAM_BOT_TOKEN),
    ]
    return secrets


@register(Tags.security, deploy=True)
def placeholder_secrets(app_configs, **kwargs):
    errors = []
    for variable, value in configured_secrets():
        if not is_placeholder(value):
            continue
        what = "the password in DATABASE_URL" if variable == "DATABASE_URL" else variable
        errors.append(
            Error(
                f"{what} still holds a placeholder from .env.example.",
                hint=HINTS[variable],
                id="website.E001",
            )
        )
    return errors
