"""The Prometheus and Alertmanager configuration as shipped in docker/: valid for the real
tools (Debian's prometheus and prometheus-alertmanager packages, `bin/setup --dev`), and the
alert rules fire on what they are meant for (docker/prometheus/tests/*.yml)."""

import shutil
import subprocess

import pytest
import yaml

from tests.deploy.native_stack import ROOT

PROMETHEUS_DIR = ROOT / "docker" / "prometheus"
ALERTMANAGER_CONFIG = ROOT / "docker" / "alertmanager" / "alertmanager.yml"
RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))


def tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (bin/setup --dev installs it)")
    return path


def run(*command):
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_there_are_rule_tests():
    assert RULE_TESTS


@pytest.mark.parametrize("tests", RULE_TESTS, ids=lambda path: path.name)
def test_alert_rules_fire_when_they_should(tests):
    assert "SUCCESS" in run(tool("promtool"), "test", "rules", str(tests))


def test_alert_rules_are_valid():
    output = run(tool("promtool"), "check", "rules", str(PROMETHEUS_DIR / "alerts.yml"))
    assert "SUCCESS: 13 rules found" in output


def test_prometheus_config_is_valid():
    # --syntax-only: the token file and rule path exist only inside the container.
    run(
        tool("promtool"), "check", "config", "--syntax-only", str(PROMETHEUS_DIR / "prometheus.yml")
    )


def test_alertmanager_config_is_valid():
    assert "SUCCESS" in run(tool("amtool"), "check-config", str(ALERTMANAGER_CONFIG))


def test_every_alert_says_what_to_do():
    groups = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    for rule in rules:
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"] and len(rule["annotations"]["description"]) > 80
    tested = "".join(path.read_text() for path in RULE_TESTS)
    untested = [rule["alert"] for rule in rules if f"alertname: {rule['alert']}\n" not in tested]
    assert not untested
