"""The layering rule of docs/architecture.md, checked on every test run (and so in CI).

- no function-level imports of the shop's own modules (tests/architecture/function_imports.py);
- the import-linter contracts in pyproject.toml: each layer imports only the layers below it,
  and no import cycles inside a package (run as ``lint-imports``, as bin/check-layers does);
- no import cycles between single modules, a package's ``__init__`` included
  (tests/architecture/cycles.py).

The self-tests feed the same checks small made-up cases, so that a checker that silently
stops finding anything fails here too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
import pytest

from tests.architecture.cycles import build_graph, find_cycles
from tests.architecture.function_imports import (
    PROJECT_PACKAGES,
    REPO_ROOT,
    find_function_imports,
    scan,
)

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess[str]:
    # The packages are found from the working directory, never from an inherited PYTHONPATH.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- the real tree ---------------------------------------------------------------------------


def test_no_function_level_imports_of_project_modules():
    found = scan()
    assert not found, (
        "Imports of the shop's own modules inside a function, method or class body "
        "(move them to the top of the module; if that makes a cycle, the code is in the "
        "wrong layer: see docs/architecture.md):\n" + "\n".join(str(item) for item in found)
    )


def test_import_linter_contracts_are_kept():
    result = lint_imports(REPO_ROOT, REPO_ROOT / "pyproject.toml")
    assert result.returncode == 0, (
        "lint-imports found imports that break docs/architecture.md's layering rule:\n"
        + result.stdout
        + result.stderr
    )


def test_no_import_cycles_between_modules():
    cycles = find_cycles(build_graph())
    assert not cycles, "Import cycles between the shop's modules:\n" + "\n\n".join(cycles)


def test_every_project_package_is_linted():
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert sorted(config["root_packages"]) == sorted(PROJECT_PACKAGES)
    for package in PROJECT_PACKAGES:
        assert (REPO_ROOT / package / "__init__.py").is_file(), f"{package}/ is not a package"


# --- self-tests of the function-level import scanner -----------------------------------------


def scan_snippet(source: str, path: str = "checkout/views.py"):
    return find_function_imports(textwrap.dedent(source), path)


def test_scanner_reports_a_function_level_import():
    found = scan_snippet(
        """\
        import os

        def place(request):
            from checkout.x import y
            return y
        """
    )
    assert [(f.path, f.line, f.scope) for f in found] == [("checkout/views.py", 4, "place")]
    assert str(found[0]) == "checkout/views.py:4: from checkout.x import y  (in place)"


@pytest.mark.parametrize(
    "body",
    [
        "class Admin:\n    def get(self):\n        import kernel.money\n",
        "class Admin:\n    from catalog import models\n",
        "async def fetch():\n    from . import helpers\n",
        "def outer():\n    def inner():\n        from .khqr import builder\n",
        "def load():\n    return importlib.import_module('notifications.receivers')\n",
        "def load():\n    if True:\n        try:\n            from website.settings import base\n"
        "        except ImportError:\n            pass\n",
    ],
)
def test_scanner_reports_imports_in_methods_class_bodies_and_relative_imports(body):
    assert len(scan_snippet(body)) == 1


def test_scanner_allows_imports_in_ready_of_an_apps_py():
    source = """\
        from django.apps import AppConfig

        class CheckoutConfig(AppConfig):
            name = "checkout"

            def ready(self):
                from checkout import receivers  # noqa: F401
        """
    assert scan_snippet(source, "checkout/apps.py") == []
    # The same method anywhere else is not the exception.
    assert len(scan_snippet(source, "checkout/models.py")) == 1


def test_scanner_allows_migrations_module_level_and_third_party_imports():
    migration = "def forwards(apps, schema_editor):\n    from catalog.blocks import Body\n"
    assert scan_snippet(migration, "catalog/migrations/0002_data.py") == []
    assert len(scan_snippet(migration, "catalog/blocks.py")) == 1
    assert scan_snippet("from checkout.orders import place_order\n") == []
    assert scan_snippet("def f():\n    import json\n    from django.db import models\n") == []
    assert scan_snippet("def f(s):\n    return import_module(s)\n") == []


# --- self-test of the import-linter contracts ------------------------------------------------


def make_tree(root: Path, files: dict[str, str]) -> Path:
    """A stand-in of the project: every package, the files given, and pyproject.toml's
    import-linter configuration. Returns the configuration file."""
    for package in PROJECT_PACKAGES:
        (root / package).mkdir()
        (root / package / "__init__.py").write_text("")
    for name, source in files.items():
        (root / name).write_text(source)
    real = (REPO_ROOT / "pyproject.toml").read_text()
    config = root / "pyproject.toml"
    config.write_text(real[real.index("[tool.importlinter]") :])
    return config


def test_contracts_pass_on_a_tree_that_follows_the_rule(tmp_path):
    config = make_tree(
        tmp_path,
        {
            "kernel/money.py": "",
            "catalog/models.py": "import kernel.money\n",
            "checkout/orders.py": "import catalog.models\n",
            "notifications/receivers.py": "import checkout.orders\n",
            "accounts/views.py": "import checkout.orders\nimport kernel.money\n",
            "backoffice/views.py": "import accounts.views\nimport notifications.receivers\n",
            "devtools/sandbox.py": "import checkout.orders\n",
            "website/urls.py": "import backoffice.views\nimport devtools.sandbox\n",
        },
    )
    result = lint_imports(tmp_path, config)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"kernel/money.py": "import catalog.models\n", "catalog/models.py": ""}, "kernel.money"),
        (
            {"catalog/models.py": "def f():\n    from checkout import orders\n"},
            "catalog.models -> checkout",
        ),
        (
            {"accounts/views.py": "import notifications.outbox\n", "notifications/outbox.py": ""},
            "accounts.views -> notifications.outbox",
        ),
        (
            {"notifications/outbox.py": "import accounts.views\n", "accounts/views.py": ""},
            "notifications.outbox -> accounts.views",
        ),
        (
            {
                "checkout/orders.py": "import checkout.payments\n",
                "checkout/payments.py": "import checkout.orders\n",
            },
            "No cycles are allowed in checkout",
        ),
    ],
    ids=[
        "upward",
        "upward-in-function",
        "accounts-to-notifications",
        "notifications-to-accounts",
        "cycle",
    ],
)
def test_contracts_catch_upward_imports_between_siblings_and_cycles(tmp_path, files, expected):
    config = make_tree(tmp_path, files)
    result = lint_imports(tmp_path, config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout + result.stderr


# --- self-test of the module-level cycle finder ----------------------------------------------


def test_cycle_finder_reports_cycles_that_acyclic_siblings_misses(tmp_path, monkeypatch):
    package = tmp_path / "layers_selftest_shop"
    (package / "models").mkdir(parents=True)
    sources = {
        "__init__.py": "",
        # A package's __init__ and its own module: not siblings, still a cycle.
        "models/__init__.py": "Base = object\nfrom layers_selftest_shop.models.pages import Page\n",
        "models/pages.py": "from layers_selftest_shop.models import Base, helpers\nPage = Base\n",
        "models/helpers.py": "",
        # Three modules round, one link made inside a function.
        "orders.py": "import layers_selftest_shop.payments\n",
        "payments.py": "import layers_selftest_shop.tasks\n",
        "tasks.py": "def run():\n    import layers_selftest_shop.orders\n",
        # No cycle.
        "money.py": "",
        "cart.py": "import layers_selftest_shop.money\nimport layers_selftest_shop.models\n",
    }
    for name, source in sources.items():
        (package / name).write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))

    cycles = find_cycles(grimp.build_graph("layers_selftest_shop", cache_dir=None))

    assert cycles == [
        "  layers_selftest_shop.models -> layers_selftest_shop.models.pages (l.2)\n"
        "  layers_selftest_shop.models.pages -> layers_selftest_shop.models (l.1)",
        "  layers_selftest_shop.orders -> layers_selftest_shop.payments (l.1)\n"
        "  layers_selftest_shop.payments -> layers_selftest_shop.tasks (l.1)\n"
        "  layers_selftest_shop.tasks -> layers_selftest_shop.orders (l.2)",
    ]
