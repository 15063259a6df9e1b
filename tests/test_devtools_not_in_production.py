"""The development stand-ins (devtools) stay out of production: its settings do not install
them, and no production module imports them."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Scanned always; any other of the shop's packages that production installs is scanned too.
PRODUCTION_PACKAGES = ("kernel", "catalog", "checkout", "website")
# The settings that do install devtools.
ALLOWED = {ROOT / "website" / "settings" / "dev.py", ROOT / "website" / "settings" / "test.py"}


def _run(code, settings_module="website.settings.production"):
    """Run ``code`` in a fresh interpreter with these settings (production by default, with
    real-looking values), as tests/website/test_settings.py imports production: nothing
    leaks into this process."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        DEBUG="False",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="shop.example.com",
        DJANGO_SETTINGS_MODULE=settings_module,
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _installed_apps(settings_module):
    out = _run(
        f"import json, {settings_module} as s; print(json.dumps(s.INSTALLED_APPS))",
        settings_module,
    )
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production_apps():
    return _installed_apps("website.settings.production")


def test_production_settings_do_not_install_devtools(production_apps):
    assert "checkout" in production_apps  # the production settings really were read
    assert not [app for app in production_apps if app.split(".")[0] == "devtools"]


def test_the_dev_and_test_settings_install_devtools():
    assert "devtools" in settings.INSTALLED_APPS  # the test settings, which run this
    assert "devtools" in _installed_apps("website.settings.dev")


def _imports_devtools(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "devtools":
                yield node.lineno, name


def test_no_production_module_imports_devtools(production_apps):
    installed = {app.split(".")[0] for app in production_apps}
    packages = sorted(
        set(PRODUCTION_PACKAGES) | {name for name in installed if (ROOT / name).is_dir()}
    )
    assert "devtools" not in packages
    offenders = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path in ALLOWED:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            offenders += [
                f"{path.relative_to(ROOT)}:{line} imports {name}"
                for line, name in _imports_devtools(tree)
            ]
    assert offenders == []


def test_production_has_no_bakong_sandbox_command():
    out = _run(
        "import django; django.setup();"
        "from django.core.management import get_commands;"
        "print('bakong_sandbox' in get_commands())"
    )
    assert out.strip().splitlines()[-1] == "False"
