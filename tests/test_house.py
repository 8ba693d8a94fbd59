"""The tree carries its own sources and points at no one machine (issue 26): no symbolic links, no absolute paths
of a workstation, no citation of a file outside the project."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Words that would tie the tree to one machine or to files outside it (split so this file does not match itself).
FORBIDDEN = ("/wo" + "rk/", "/ro" + "ot/", "/ho" + "me/", "FACTS" + ".md", "../sha" + "red")


def tracked() -> list[tuple[str, str]]:
    """(mode, path) of every file git tracks; skipped when this is not a git checkout (an installed copy)."""
    try:
        out = subprocess.run(["git", "ls-files", "-s"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing to check")
    return [(line.split()[0], line.split("\t", 1)[1]) for line in out.splitlines()]


def test_no_symbolic_links_are_committed():
    links = [path for mode, path in tracked() if mode == "120000"]
    assert not links, f"symbolic links point at one machine: {links}"


def test_no_file_points_at_one_machine_or_outside_the_project():
    found = []
    for _, path in tracked():
        file = REPO / path
        if file.suffix in (".png", ".xlsx", ".ico") or not file.is_file():
            continue
        text = file.read_text(encoding="utf-8", errors="ignore")
        found += [f"{path}: {word}" for word in FORBIDDEN if word in text]
    assert not found, found


def test_every_source_the_data_names_is_described():
    sources = (REPO / "data" / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("Charting Outcomes", "FREIDA", "Residency Explorer", "ERAS", "ACGME", "Program Director"):
        assert name in sources, name


def test_the_version_is_written_in_one_place():
    import tomllib

    from optimizer import __version__

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert __version__.count(".") == 2
