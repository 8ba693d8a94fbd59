"""The house: rooms that read as the data flow, an import graph without cycles, and a core that neither prints nor
formats (inputs/, model/, solver/). Every import counts, those inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "optimizer"
CORE = ("inputs", "model", "solver")


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known and t != name}
    return found


def test_the_import_graph_has_no_cycle():
    modules = _modules()
    graph = {name: _imports(path, name, set(modules)) for name, path in modules.items()}
    # a package importing its own submodule is not a cycle between modules
    graph = {name: {t for t in targets if not t.startswith(name + ".")} for name, targets in graph.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_rooms_hold_the_flow():
    for room in (*CORE, "output"):
        assert (PACKAGE / room / "__init__.py").read_text(encoding="utf-8").strip(), room
    flat = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert flat == ["api", "cli", "cohort", "errors", "interrupt", "pipeline"], flat


def test_the_core_neither_prints_nor_formats():
    modules = _modules()
    for name, path in modules.items():
        if not name.startswith(tuple(f"optimizer.{room}" for room in CORE)):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {node.func.id for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        assert "print" not in calls, f"{name} prints"
        imported = _imports(path, name, set(modules)) | {
            alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {"click", "rich", "argparse"} & imported, f"{name} parses flags or draws tables"
        allowed_output = {"optimizer.output.writers"}  # reading a user's file and writing one share the one writer
        outputs = {m for m in imported if m.startswith("optimizer.output")} - allowed_output
        assert not outputs, f"{name} imports the presentation layer: {sorted(outputs)}"
