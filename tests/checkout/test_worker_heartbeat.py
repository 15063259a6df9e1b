"""The worker's heartbeat and its health check: ``worker_health`` fails before the worker's
loop has gone round, passes while it goes round (idle included), and fails again once the
worker is frozen (SIGSTOP) for longer than --max-age."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.deploy.native_stack import free_port
from website.management.commands.shop_worker import Heartbeat

pytestmark = pytest.mark.django_db(transaction=True)

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "SECRET_KEY": "worker-heartbeat-test-secret-key-0123456789-abcdefghijkl",
    "ALLOWED_HOSTS": "shop.example.com",
}


def start_worker(heartbeat):
    database = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        **PRODUCTION,
        "DB_NAME": database["NAME"],
        "DB_USER": database["USER"],
        "DB_PASSWORD": database["PASSWORD"],
        "DB_HOST": database["HOST"] or "127.0.0.1",
        "DB_PORT": str(database["PORT"] or 3306),
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "BAKONG_API_BASE_URL": "http://127.0.0.1:9",
        "SCHEDULER_INTERVAL_SECONDS": "1",
        "SHOP_WORKER_HEARTBEAT_FILE": str(heartbeat),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "shop_worker", "--no-startup-delay", "-v", "0"],
        cwd=django_settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def worker_health(heartbeat, max_age):
    """The health check as compose runs it, with no database or cache reachable at all."""
    closed = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DB_")},
        **PRODUCTION,
        "DB_NAME": "unreachable",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(closed),
        "REDIS_URL": f"redis://127.0.0.1:{closed}/0",
        "SHOP_WORKER_HEARTBEAT_FILE": str(heartbeat),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "worker_health", "--max-age", str(max_age)],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_until_healthy(heartbeat, timeout=60):
    deadline = time.monotonic() + timeout
    while (result := worker_health(heartbeat, max_age=2)).returncode != 0:
        assert time.monotonic() < deadline, f"worker_health still fails: {result.stderr}"
        time.sleep(0.3)


def test_worker_health_follows_the_worker_loop(mysql_only, tmp_path):
    heartbeat = tmp_path / "heartbeat"
    before = worker_health(heartbeat, max_age=2)
    assert before.returncode == 1
    assert f"No worker heartbeat at {heartbeat}" in before.stderr

    worker = start_worker(heartbeat)
    try:
        wait_until_healthy(heartbeat)
        # Idle (nothing queued but the periodic jobs): still beating well after --max-age.
        time.sleep(3)
        healthy = worker_health(heartbeat, max_age=2)
        assert healthy.returncode == 0, healthy.stderr
        assert "Worker heartbeat" in healthy.stdout

        os.killpg(worker.pid, signal.SIGSTOP)  # a worker stuck for good
        time.sleep(3.5)
        stuck = worker_health(heartbeat, max_age=2)
        assert stuck.returncode == 1
        assert "The worker's last heartbeat was" in stuck.stderr
        assert "more than --max-age 2 s" in stuck.stderr

        os.killpg(worker.pid, signal.SIGCONT)
        wait_until_healthy(heartbeat)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def test_the_worker_beats_when_its_loop_goes_round(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SHOP_WORKER_HEARTBEAT_FILE = str(tmp_path / "heartbeat")
    call_command("shop_worker", batch=True, no_scheduler=True, startup_delay=False, verbosity=0)
    assert Heartbeat(tmp_path / "heartbeat").age() < 5
    assert os.listdir(tmp_path) == ["heartbeat"]  # written atomically: no temporary left


def test_worker_health_exit_codes_and_messages(settings, tmp_path, capsys):
    path = tmp_path / "heartbeat"
    settings.SHOP_WORKER_HEARTBEAT_FILE = str(path)
    with pytest.raises(SystemExit) as exit_:
        call_command("worker_health", max_age=120)
    assert exit_.value.code == 1
    assert "the worker has not started its loop yet" in capsys.readouterr().err

    Heartbeat(path).beat()
    call_command("worker_health", max_age=120)
    assert "Worker heartbeat 0 s ago." in capsys.readouterr().out

    old = time.time() - 300
    os.utime(path, (old, old))
    with pytest.raises(SystemExit) as exit_:
        call_command("worker_health", max_age=120)
    assert exit_.value.code == 1
    assert "last heartbeat was 300 s ago (more than --max-age 120 s)" in capsys.readouterr().err


def test_a_heartbeat_that_cannot_be_written_is_logged_once(tmp_path, caplog):
    heartbeat = Heartbeat(tmp_path / "missing-folder" / "heartbeat", every=0)
    heartbeat.beat()
    heartbeat.beat()
    assert heartbeat.age() is None
    errors = [r for r in caplog.records if "Could not write the worker heartbeat" in r.message]
    assert len(errors) == 1
