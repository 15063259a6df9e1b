"""Optional environment variables set to nothing mean their defaults; malformed ones stop the
start with ImproperlyConfigured naming the variable (not a bare ValueError or BadDsn). The
settings are imported in a fresh process, as a container starts."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SENTRY_SAMPLE_RATE, s.SENTRY_TRACES_SAMPLE_RATE, s.WORKER_METRICS_PORT, "
    "s.LOG_FORMAT, s.MEDIA_STORAGE, repr(s.SENTRY_DSN), s.LOG_LEVEL, s.SENTRY_ENVIRONMENT, "
    "s.EMAIL_USE_TLS)"
)
VARIABLES = (
    "SENTRY_SAMPLE_RATE",
    "SENTRY_TRACES_SAMPLE_RATE",
    "WORKER_METRICS_PORT",
    "LOG_FORMAT",
    "MEDIA_STORAGE",
    "SENTRY_DSN",
    "SENTRY_DSN_FILE",
    "LOG_LEVEL",
    "SENTRY_ENVIRONMENT",
    "EMAIL_USE_TLS",
)


def start(**variables):
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="website.settings.test", **variables)
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_empty_optional_variables_mean_their_defaults():
    result = start(**(dict.fromkeys(VARIABLES, "") | {"LOG_LEVEL": "  "}))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "1.0",
        "0.0",
        "9100",
        "plain",
        "local",
        "''",
        "INFO",
        "production",
        "True",
    ]


def test_well_formed_values_are_read():
    result = start(
        SENTRY_SAMPLE_RATE="0.25",
        SENTRY_TRACES_SAMPLE_RATE=" 0.1 ",
        WORKER_METRICS_PORT="9200",
        LOG_FORMAT="JSON",
        LOG_LEVEL="warning",
        EMAIL_USE_TLS="false",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:4] == ["0.25", "0.1", "9200", "json"]
    assert result.stdout.split()[6:] == ["WARNING", "production", "False"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SENTRY_SAMPLE_RATE", "all"),
        ("SENTRY_SAMPLE_RATE", "2"),
        ("SENTRY_TRACES_SAMPLE_RATE", "0,1"),
        ("WORKER_METRICS_PORT", "91OO"),
        ("WORKER_METRICS_PORT", "70000"),
        ("LOG_LEVEL", "chatty"),
        ("EMAIL_USE_TLS", "ture"),
        ("SENTRY_DSN", "sentry.example.com/12"),
        ("SENTRY_DSN", "https://sentry.example.com/12"),
        ("SENTRY_DSN", "https://key@sentry.example.com:port/12"),
    ],
)
def test_a_malformed_value_is_refused_naming_its_variable(name, value):
    result = start(**{name: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert name in last_line
