"""Finds imports of the shop's own modules made inside a function, method or class body.

Such an import hides a dependency from import-linter's reading of the module and is the usual
way to dodge an import cycle; the layering rule (docs/architecture.md) forbids them, with two
exceptions:

- the body of ``ready()`` in a class of an ``apps.py`` (Django's documented place to import
  signal receivers and other modules once the app registry is ready);
- anything under a ``migrations`` folder (frozen history).

An ``importlib.import_module("checkout.x")`` or ``__import__("checkout.x")`` call with a
literal project module name inside a function counts as such an import too.

Run ``python -m tests.architecture.function_imports`` from the repository root to list them.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The shop's own top-level packages, from the top layer down.
PROJECT_PACKAGES = (
    "website",
    "devtools",
    "backoffice",
    "accounts",
    "notifications",
    "checkout",
    "catalog",
    "kernel",
)

REPO_ROOT = Path(__file__).resolve().parents[2]

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_DYNAMIC_IMPORTERS = {"import_module", "__import__"}


@dataclass(frozen=True, order=True)
class FunctionImport:
    path: str
    line: int
    scope: str  # the enclosing function or class, dotted: "OrderAdmin.get_queryset"
    statement: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.statement}  (in {self.scope})"


def _is_project_module(name: str | None, packages: Iterable[str]) -> bool:
    return bool(name) and name.split(".")[0] in set(packages)


def _imported_project_modules(node: ast.AST, packages: tuple[str, ...]) -> list[str]:
    """The project modules an import statement or dynamic import call names, if any."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if _is_project_module(a.name, packages)]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # a relative import is always one of the project's own modules
            return ["." * node.level + (node.module or "")]
        return [node.module] if _is_project_module(node.module, packages) else []
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        first = node.args[0]
        if (
            name in _DYNAMIC_IMPORTERS
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and _is_project_module(first.value, packages)
        ):
            return [first.value]
    return []


def _is_allowed_scope(path: Path, stack: list[ast.AST]) -> bool:
    """``ready()``, directly in a module-level class, in an ``apps.py``."""
    return (
        path.name == "apps.py"
        and len(stack) == 2
        and isinstance(stack[0], ast.ClassDef)
        and isinstance(stack[1], ast.FunctionDef)
        and stack[1].name == "ready"
    )


def _scope_name(stack: list[ast.AST]) -> str:
    return ".".join(getattr(node, "name", "<lambda>") for node in stack)


def find_function_imports(
    source: str, path: str | Path, packages: tuple[str, ...] = PROJECT_PACKAGES
) -> list[FunctionImport]:
    """The function-level imports of project modules in one file's source.

    ``path`` decides the exceptions (``apps.py``, ``migrations/``) and is used in the report.
    """
    path = Path(path)
    if "migrations" in path.parts[:-1]:
        return []
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines()
    found: list[FunctionImport] = []

    def visit(node: ast.AST, stack: list[ast.AST]) -> None:
        for child in ast.iter_child_nodes(node):
            if stack and not _is_allowed_scope(path, stack):
                modules = _imported_project_modules(child, packages)
                if modules:
                    statement = (
                        lines[child.lineno - 1].strip() if child.lineno <= len(lines) else ""
                    )
                    found.append(
                        FunctionImport(
                            path=path.as_posix(),
                            line=child.lineno,
                            scope=_scope_name(stack),
                            statement=statement or ", ".join(modules),
                        )
                    )
            visit(child, [*stack, child] if isinstance(child, _SCOPES) else stack)

    visit(tree, [])
    return sorted(found)


def python_files(root: Path, packages: Iterable[str]) -> Iterator[Path]:
    """The .py files of those packages that exist under ``root``."""
    for package in packages:
        directory = root / package
        if directory.is_dir():
            yield from sorted(directory.rglob("*.py"))


def scan(
    root: Path = REPO_ROOT, packages: tuple[str, ...] = PROJECT_PACKAGES
) -> list[FunctionImport]:
    """Every function-level import of a project module in the packages under ``root``."""
    found: list[FunctionImport] = []
    for file in python_files(root, packages):
        relative = file.relative_to(root)
        found.extend(find_function_imports(file.read_text(encoding="utf-8"), relative, packages))
    return sorted(found)


def main() -> int:
    found = scan()
    for item in found:
        print(item)
    print(f"{len(found)} function-level import(s) of project modules", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
