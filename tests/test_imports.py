"""The modules of src/aikg import each other in one direction: no import cycle, not even through
an import inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "aikg"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, name: str, modules: set[str], *, is_package: bool = False) -> set[str]:
    """The aikg modules that module ``name`` (its text: ``source``) imports anywhere, functions included."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # aikg.store.open_store -> aikg.store
                target = target.rpartition(".")[0]
            if target and target != name and target != "aikg":
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, modules, is_package=path.name == "__init__.py")
        for name, path in files.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import():
    graph = {"aikg.a": {"aikg.b"}, "aikg.b": {"aikg.c"}, "aikg.c": {"aikg.a"}, "aikg.d": set()}
    assert find_cycle(graph) == ["aikg.a", "aikg.b", "aikg.c", "aikg.a"]
    modules = {"aikg.store", "aikg.cli", "aikg.cli.app"}
    assert imports_of("def f():\n    from aikg.store import open_store\n", "aikg.x", modules) == {"aikg.store"}
    assert imports_of("from .app import app\n", "aikg.cli.serve", modules) == {"aikg.cli.app"}


def test_no_import_cycle_among_aikg_modules():
    graph = import_graph()
    assert {"aikg.query", "aikg.store", "aikg.results", "aikg.sparql", "aikg.serve"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_query_records_have_one_home():
    graph = import_graph()
    assert "aikg.query" not in graph["aikg.store"] and "aikg.store" in graph["aikg.query"]
    assert graph["aikg.results"] <= {"aikg.errors", "aikg.sparql"}
