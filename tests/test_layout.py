"""The house: rooms that read as the data flow, imports that only point down, an import graph without cycles, and a
core that neither prints nor formats (inputs/, model/, solver/). Every import counts: those inside functions and
under `if TYPE_CHECKING:` too."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "optimizer"
CORE = ("inputs", "model", "solver")

# The floors, the allowed up-reaches and the import reader are the picture's (scripts/draw_layers.py): one table
# draws docs/layers.md and is checked here.
_spec = importlib.util.spec_from_file_location("draw_layers", Path(__file__).parents[1] / "scripts" / "draw_layers.py")
layers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(layers)
RANKS, FLOOR_NAMES, WAITING = layers.RANKS, layers.FLOOR_NAMES, layers.WAITING


def _modules() -> dict[str, Path]:
    return layers.modules(PACKAGE)


def _import_lines(path: Path, name: str, known: set[str]) -> list[tuple[str, int]]:
    return layers.import_lines(path, name, known)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    return {target for target, _ in _import_lines(path, name, known)}


rank = layers.rank  # the floor of a module: that of its longest prefix in RANKS


def test_every_module_has_a_floor():
    unplaced = [name for name in _modules() if not any(name == r or name.startswith(r + ".") for r in RANKS)]
    assert not unplaced, f"modules on no floor: {unplaced}. Add each to RANKS in scripts/draw_layers.py (and " \
                         "run it: docs/layers.md draws them)."


def test_imports_only_point_down():
    modules = _modules()
    known = set(modules)
    reaching_up = []
    for name, path in sorted(modules.items()):
        for target, line in _import_lines(path, name, known):
            if rank(target) > rank(name) and (name, target) not in WAITING:
                reaching_up.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {name} ({FLOOR_NAMES[rank(name)]}) imports {target} "
                    f"({FLOOR_NAMES[rank(target)]}), a floor above it. Move the code that needs {target} up to "
                    f"{FLOOR_NAMES[rank(target)]} (or above), or move what it uses down to "
                    f"{FLOOR_NAMES[rank(name)]}; a door or study can then call both.")
    assert not reaching_up, "imports that reach up a floor:\n" + "\n".join(reaching_up)


def test_the_waiting_up_reaches_still_exist():
    modules = _modules()
    for (name, target), why in WAITING.items():
        assert name in modules and target in _imports(modules[name], name, set(modules)), \
            f"{name} no longer imports {target}: remove it from WAITING in scripts/draw_layers.py ({why})"


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
    for room in (*CORE, "studies", "output"):
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
        outputs = {m for m in imported if m.startswith("optimizer.output")}
        assert not outputs, f"{name} imports the presentation layer: {sorted(outputs)}"


def test_the_picture_of_the_layers_is_up_to_date():
    assert (Path(__file__).parents[1] / "docs" / "layers.md").read_text(encoding="utf-8") == layers.draw(), \
        "docs/layers.md is stale: run python scripts/draw_layers.py and commit docs/layers.md"
