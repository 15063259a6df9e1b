"""Two ``migrate`` runs against one MySQL database take turns (kernel/management/commands/
migrate.py): two servers each starting the compose stack against one managed database, or a
migrate job started again while the first still runs, must not both create the same tables.
MySQL cannot roll a half-done schema change back, so a collision would leave the database
broken; run at the same time without the lock, the second run fails with "table exists"."""

import os
import subprocess
import sys
import time
from pathlib import Path

import MySQLdb
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database(mysql_only, db):
    """A new, empty database on the test server, and how to reach it."""
    settings = connection.settings_dict
    name = f"{settings['NAME']}_migrate_lock"[:64]
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": int(settings["PORT"] or 3306),
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    admin = MySQLdb.connect(**server)
    admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin.cursor().execute(
        f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.test",
        DB_NAME=name,
        DB_HOST=server["host"],
        DB_PORT=str(server["port"]),
        DB_USER=server["user"],
        DB_PASSWORD=server["password"],
        DB_COLLATION="utf8mb4_unicode_ci",
    )
    yield {"name": name, "server": server, "env": env}
    admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin.close()


def manage(env, *args):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def table_count(server, name):
    link = MySQLdb.connect(**server)
    try:
        cursor = link.cursor()
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s", [name]
        )
        return cursor.fetchone()[0]
    finally:
        link.close()


def test_two_runs_on_an_empty_database_take_turns_and_both_succeed(empty_database):
    runs = [manage(empty_database["env"], "migrate", "--noinput") for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-3000:]
    errors = [err for _, err in outputs]
    # They overlapped (a fresh database takes far longer to migrate than a start-up), and the
    # one that came second waited instead of colliding.
    assert sum("Another migrate run is working on this database" in e for e in errors) == 1, errors
    assert table_count(empty_database["server"], empty_database["name"]) > 50
    # Both runs saw the same end state: nothing is left to apply.
    check = manage(empty_database["env"], "migrate", "--check")
    out, err = check.communicate(timeout=300)
    assert check.returncode == 0, out + err


def test_a_run_gives_up_with_a_clear_message_when_the_lock_is_never_released(empty_database):
    holder = MySQLdb.connect(**empty_database["server"])
    try:
        cursor = holder.cursor()
        cursor.execute("SELECT GET_LOCK(%s, 0)", [f"shop-migrate:{empty_database['name']}"])
        assert cursor.fetchone()[0] == 1
        started = time.monotonic()
        run = manage(empty_database["env"], "migrate", "--noinput", "--lock-timeout", "3")
        out, err = run.communicate(timeout=300)
        assert run.returncode == 1
        assert "Another migrate run has held the lock" in err, err
        assert "SHOW PROCESSLIST" in err
        assert time.monotonic() - started >= 3
        # It changed nothing while it waited.
        assert table_count(empty_database["server"], empty_database["name"]) == 0

        # Reading what is unapplied does not queue behind a running migration: a web task
        # waiting for the migrate job (docker/entrypoint.sh) asks this every 5 seconds.
        check = manage(empty_database["env"], "migrate", "--check")
        out, err = check.communicate(timeout=300)
        assert check.returncode == 1  # unapplied migrations, answered at once
        assert "Another migrate run" not in err
    finally:
        holder.close()
