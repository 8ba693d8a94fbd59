"""Draw SmartPick's layers: the rooms of optimizer/ on their floors and the imports between them, as a Mermaid graph
(GitHub renders it) in docs/layers.md. Generated from the code by reading every import (inside functions too), never
drawn by hand; tests/test_layout.py checks the same floors and that docs/layers.md is what this script writes now.

    python scripts/draw_layers.py            # rewrites docs/layers.md
    python scripts/draw_layers.py --check    # exit 1 when docs/layers.md is stale

Standard library only (ast).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "optimizer"
OUT = REPO / "docs" / "layers.md"

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
# Up-reaches allowed for now, each with the reason and when it goes (tests/test_layout.py fails once one is gone).
WAITING: dict[tuple[str, str], str] = {}


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its __init__.py)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def import_lines(path: Path, name: str, known: set[str]) -> list[tuple[str, int]]:
    """(module imported, line) for every import of a module of the package in the file at `path`, wherever it
    stands (inside functions, under `if TYPE_CHECKING:`); `from optimizer import pipeline` imports
    optimizer.pipeline, not the package."""
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
        found += [(target, node.lineno) for target in targets if target in known and target != name]
    return found


def room(module: str) -> str:
    """The room a module lives in: its longest prefix in RANKS ("optimizer.model.fees" -> "optimizer.model")."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in RANKS:
            return ".".join(parts[:n])
    raise KeyError(f"{module} is on no floor: add it to RANKS in scripts/draw_layers.py")


def rank(module: str) -> int:
    return RANKS[room(module)]


def _node(room_name: str) -> str:
    return room_name.removeprefix("optimizer.").replace(".", "_") if room_name != "optimizer" else "package"


def _label(room_name: str) -> str:
    if room_name == "optimizer":
        return "optimizer/__init__.py"
    name = room_name.removeprefix("optimizer.").replace(".", "/")
    return f"{name}/" if (PACKAGE / name).is_dir() else f"{name}.py"


def draw() -> str:
    """docs/layers.md: the floors, the rooms on each, and an arrow per room imported by another."""
    found = modules()
    known = set(found)
    arrows: dict[tuple[str, str], bool] = {}  # (importer's room, imported room) -> waiting (an allowed up-reach)
    for name, path in found.items():
        for target, _ in import_lines(path, name, known):
            key = (room(name), room(target))
            if key[0] != key[1]:
                arrows[key] = arrows.get(key, True) and (name, target) in WAITING
    rooms = sorted({room(name) for name in found}, key=lambda r: (-RANKS[r], _label(r)))
    lines = ["# SmartPick's layers", "",
             "Generated by `python scripts/draw_layers.py` from the imports in `optimizer/` (those inside functions too); "
             "do not edit by hand. tests/test_layout.py checks that every arrow points down a floor (or along one) and "
             "that this page is up to date.", "",
             "An arrow A --> B: a module in A imports one in B. Floors, top first; a dotted arrow is an up-reach "
             "allowed for now (listed below with its reason).", "",
             "```mermaid", "flowchart TB"]
    for floor in sorted(set(RANKS.values()), reverse=True):
        on_floor = [r for r in rooms if RANKS[r] == floor]
        if not on_floor:
            continue
        lines.append(f'    subgraph floor{floor}["{floor}: {FLOOR_NAMES[floor]}"]')
        lines += [f'        {_node(r)}["{_label(r)}"]' for r in on_floor]
        lines.append("    end")
    for (source, target), waiting in sorted(arrows.items(), key=lambda kv: (-RANKS[kv[0][0]], kv[0][0],
                                                                           -RANKS[kv[0][1]], kv[0][1])):
        lines.append(f"    {_node(source)} {'-.->' if waiting else '-->'} {_node(target)}")
    lines += ["```", "", "| floor | room | modules |", "|---|---|---|"]
    for r in rooms:
        members = [name.removeprefix(r + ".") for name in found if name != r and room(name) == r]
        lines.append(f"| {RANKS[r]} | `{_label(r)}` | {', '.join(members) if members else ''} |")
    if WAITING:
        lines += ["", "Up-reaches allowed for now:", ""]
        lines += [f"- `{source}` imports `{target}`: {why}" for (source, target), why in sorted(WAITING.items())]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/layers.md is stale")
    args = parser.parse_args(argv)
    text = draw()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(REPO)} is stale: run python scripts/draw_layers.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"Wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
