"""The house: rooms that read as the data flow, imports that only point down, an import graph without cycles, and a
core that neither prints nor formats (inputs/, model/, solver/). Every import counts: those inside functions and
under `if TYPE_CHECKING:` too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "optimizer"
CORE = ("inputs", "model", "solver")

# The floors, bottom first: a module may import its own floor and those below, never one above.
RANKS = {
    "optimizer": 0,  # the package itself: its version (the API's names load lazily, by importlib, on first use)
    "optimizer.errors": 0,  # one error family, for every floor
    "optimizer.interrupt": 0,  # Ctrl-C, checked by the solver's loops
    "optimizer.inputs": 1,  # what users write, read and checked
    "optimizer.model": 2,  # chances, fees, signals, outcomes (of inputs)
    "optimizer.solver": 3,  # choosing one list (model and inputs)
    "optimizer.pipeline": 4,  # the whole job of one list: load, score, limits, solve, evaluate
    "optimizer.studies": 5,  # many lists through the pipeline: scenarios, compare, calibration
    "optimizer.output": 6,  # what people read: anything below, never a door
    "optimizer.api": 7,  # the doors
    "optimizer.cli": 7,
    "optimizer.cohort": 7,
    "optimizer.web": 7,
}
FLOOR_NAMES = {0: "the foundation (errors, interrupt)", 1: "inputs", 2: "model", 3: "solver", 4: "pipeline",
               5: "studies", 6: "output", 7: "the doors (cli, api, cohort, web)"}
# Up-reaches allowed for now, each with the reason and when it goes.
WAITING = {
    ("optimizer.solver.scenarios", "optimizer.studies.scenarios"): "re-export for optimizer/web/ until it imports "
                                                                   "optimizer.studies (issue 26, at the merge)",
    ("optimizer.solver.compare", "optimizer.studies.compare"): "re-export for optimizer/web/ until it imports "
                                                               "optimizer.studies (issue 26, at the merge)",
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _import_lines(path: Path, name: str, known: set[str]) -> list[tuple[str, int]]:
    """(module imported, line) for every import of a module of the package in the file at `path`, wherever it
    stands; `from optimizer import pipeline` imports optimizer.pipeline (not the package)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: from the module's own package up
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([module] if module else [])])
            submodules = [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in known]
            targets = submodules + ([module] if len(submodules) < len(node.names) else [])
        else:
            continue
        found += [(t, node.lineno) for t in targets if t in known and t != name]
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    return {target for target, _ in _import_lines(path, name, known)}


def rank(module: str) -> int:
    """The floor of a module: that of its longest prefix in RANKS."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in RANKS:
            return RANKS[".".join(parts[:n])]
    raise KeyError(module)


def test_every_module_has_a_floor():
    unplaced = [name for name in _modules() if not any(name == r or name.startswith(r + ".") for r in RANKS)]
    assert not unplaced, f"modules on no floor: {unplaced}. Add each to RANKS in tests/test_layout.py (and the " \
                         "picture: python scripts/draw_layers.py)."


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
            f"{name} no longer imports {target}: remove it from WAITING in tests/test_layout.py ({why})"


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
