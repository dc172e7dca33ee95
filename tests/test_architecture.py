"""The house: imports point inward with no circles, and only the edges read the
environment. Read from the source with ``ast``, so a function-level import counts too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each package may import only itself and the packages listed for it.
LAYERS: dict[str, set[str]] = {
    "cycle": set(),
    "models": {"cycle"},
    "calendars": {"cycle"},
    "services": {"cycle", "models", "calendars"},
    "flows": {"cycle", "models", "calendars", "services"},
    "web": {"cycle", "calendars", "services"},
    "cli": {"cycle", "models", "calendars", "services", "flows", "web"},
}
# Where a process meets its environment: the CLI; a deployed flow run, which has no
# command line; the feed server's and the web application's worker processes, which
# uvicorn starts by import string.
EDGES = {"cli", "flows.runtime.context", "calendars.server", "web.serving"}


def _modules() -> Iterator[tuple[str, Path]]:
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # alembic's generated scripts
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


MODULES = dict(_modules())


def _imports(name: str, path: Path) -> set[str]:
    """Project modules that ``name`` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_every_package_of_the_house_is_read() -> None:
    assert {"cycle.plan", "models.revisions", "services.settings", "flows.plan", "cli.main"} <= (
        set(MODULES)
    )
    assert "models.database" in GRAPH["models.plan"]  # relative imports are resolved


def test_imports_point_inward() -> None:
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if (top := target.split(".")[0]) != name.split(".")[0]
        and top not in LAYERS[name.split(".")[0]]
    )
    assert wrong == []


def test_prefect_plumbing_does_not_import_the_flow_bodies() -> None:
    """The flow bodies use the plumbing; the plumbing finds flows by entrypoint."""
    bodies = {m for m in MODULES if m.startswith("flows.") and not m.startswith("flows.runtime")}
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name.startswith("flows.runtime")
        for target in targets & bodies
    )
    assert wrong == []


def test_there_are_no_import_circles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert circles == []


def _reads_environment(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")) or (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(a.name in ("environ", "getenv") for a in node.names)
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_edges_read_the_environment(name: str) -> None:
    at_edge = any(name == edge or name.startswith(f"{edge}.") for edge in EDGES)
    if not at_edge:
        assert _reads_environment(MODULES[name]) == [], f"{name} reads os.environ"
