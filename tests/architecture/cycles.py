"""Finds import cycles between the shop's modules, module by module.

import-linter's ``acyclic_siblings`` contract looks at the children of each package with
subpackages taken whole, so it does not see a cycle between a package's ``__init__`` and one
of its own modules (``catalog.models`` importing ``catalog.models.pages``, which imports
``catalog.models``). This check follows every import edge between single modules, including
imports made inside functions, and reports each cycle as a chain with line numbers.

Run ``python -m tests.architecture.cycles`` from the repository root to list them.
"""

from __future__ import annotations

import sys
from collections import deque

import grimp

from tests.architecture.function_imports import PROJECT_PACKAGES, REPO_ROOT


def _strongly_connected_components(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm, without recursion; components of two or more modules only."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append(
                        (
                            successor,
                            iter(sorted(graph.find_modules_directly_imported_by(successor))),
                        )
                    )
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return sorted(components)


def _shortest_cycle_through(graph: grimp.ImportGraph, start: str, members: set[str]) -> list[str]:
    """The shortest chain start -> ... -> start that stays inside ``members``."""
    previous: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for successor in sorted(graph.find_modules_directly_imported_by(node) & members):
            if successor == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(previous[chain[-1]])
                return [*reversed(chain), start]
            if successor not in seen:
                seen.add(successor)
                previous[successor] = node
                queue.append(successor)
    return [start]


def _describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    steps = []
    for importer, imported in zip(cycle, cycle[1:], strict=False):
        details = graph.get_import_details(importer=importer, imported=imported)
        lines = ", ".join(f"l.{d['line_number']}" for d in details)
        steps.append(f"  {importer} -> {imported} ({lines})")
    return "\n".join(steps)


def find_cycles(graph: grimp.ImportGraph) -> list[str]:
    """One shortest cycle for each group of modules that import each other, described."""
    return [
        _describe(graph, _shortest_cycle_through(graph, component[0], set(component)))
        for component in _strongly_connected_components(graph)
    ]


def build_graph(packages: tuple[str, ...] = PROJECT_PACKAGES) -> grimp.ImportGraph:
    existing = [p for p in packages if (REPO_ROOT / p / "__init__.py").is_file()]
    return grimp.build_graph(*existing, cache_dir=None)


def main() -> int:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    cycles = find_cycles(build_graph())
    for cycle in cycles:
        print(f"Import cycle:\n{cycle}")
    print(f"{len(cycles)} import cycle(s) between modules", file=sys.stderr)
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
