"""Count import cycles between the core's packages (frontcounter.cases, frontcounter.plugins, ...).

Reads every module under platform/frontcounter with ast and draws an edge from package A to package B when a
module of A imports B at import time: module level, outside `if TYPE_CHECKING:` (imports inside functions are
made when called and do not tie packages together at start-up). Top-level modules (frontcounter.calendar) are
packages of their own. Prints the edges in cycles, the strongly connected groups and the number of simple
cycles. `--all` counts imports inside functions too.

    python tools/import_cycles.py [--root platform/frontcounter] [--all]
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = "frontcounter"


def package_of(module: str) -> str | None:
    """frontcounter.cases.engine -> cases; frontcounter.calendar -> calendar; others -> None."""
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    return parts[1]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(tree: ast.Module, module: str, is_package: bool, everywhere: bool) -> set[str]:
    """Modules `module` imports (absolute names), at import time unless `everywhere`."""
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = module.split(".")
                    parts = parts if is_package else parts[:-1]
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node) or everywhere:
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
            elif everywhere:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        visit([child])
                for field in ("body", "orelse", "finalbody"):
                    visit([n for n in getattr(node, field, []) if isinstance(n, ast.stmt)])

    visit(tree.body)
    return found


def package_graph(root: Path, everywhere: bool = False) -> dict[str, set[str]]:
    """Package -> packages it imports at import time."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        parts = list(relative.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        module = ".".join(parts)
        source = package_of(module)
        if source is None:
            continue
        graph.setdefault(source, set())
        for name in imported_modules(ast.parse(path.read_text()), module, is_package, everywhere):
            target = package_of(name)
            if target and target != source and ((root / target).is_dir() or (root / f"{target}.py").exists()):
                graph[source].add(target)
    return dict(graph)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's groups of packages that import each other (directly or round a loop), largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups, key=lambda g: (-len(g), g))


def simple_cycles(graph: dict[str, set[str]], limit: int = 100_000) -> list[list[str]]:
    """Every simple cycle (each listed once, from its smallest package), up to `limit`."""
    cycles: list[list[str]] = []
    nodes = sorted(graph)
    def walk(start: str, node: str, path: list[str], seen: set[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                cycles.append([*path])
            elif nxt > start and nxt not in seen and len(cycles) < limit:
                seen.add(nxt)
                walk(start, nxt, [*path, nxt], seen)
                seen.discard(nxt)

    for start in nodes:
        walk(start, start, [start], {start})
    return cycles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1] / "platform" / PACKAGE))
    parser.add_argument("--all", action="store_true", help="count imports inside functions too")
    args = parser.parse_args(argv)
    graph = package_graph(Path(args.root), everywhere=args.all)
    groups = strongly_connected(graph)
    cycles = simple_cycles(graph)
    two_way = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, ())})
    for a, b in two_way:
        print(f"two-way: {a} <-> {b}")
    for group in groups:
        print(f"tangled: {', '.join(group)}")
    print(f"packages: {len(graph)}  two-way pairs: {len(two_way)}  tangled groups: {len(groups)}  "
          f"simple cycles: {len(cycles)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
