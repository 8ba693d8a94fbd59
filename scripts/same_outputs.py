"""Show that a change kept SmartPick's answers: `smartpick solve --json` and `smartpick calibration` on the bundled
data, run from two versions of the code, must print the same.

Example:
    python scripts/same_outputs.py 10c0b42          # that commit against the working tree
    python scripts/same_outputs.py 10c0b42 main     # two commits

Each version is exported with `git archive` into a temporary folder and run with this Python (whose installed
packages both versions use), its bundled data found through the `smartpick_data` and `smartpick_scenarios`
names as an installed copy would. The one field that differs from run to run, `solve_seconds` (the solver's
wall time), is left out of the comparison. Exit code 0 when every output is the same, 1 otherwise (the first
differing lines are printed).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = {
    "solve --json": ["solve", "--json"],
    "solve --objective match --json": ["solve", "--objective", "match", "--json"],
    "calibration": ["calibration"],
}
VOLATILE = ("solve_seconds",)


def export(revision: str | None, into: Path) -> Path:
    """The code of `revision` (None: the working tree as it is) in a folder of its own, importable."""
    root = into / (revision or "working-tree")
    if revision is None:
        root = REPO
    else:
        root.mkdir(parents=True)
        archive = into / f"{revision}.tar"
        subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "-o", str(archive), revision],
                       check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(root, filter="data")
    names = into / f"names-{revision or 'working-tree'}"
    names.mkdir()
    # the installed package names of the bundled data (pyproject's package-dir), pointing at this version's folders
    for name, folder in (("smartpick_data", "data"), ("smartpick_scenarios", "scenarios")):
        (names / name).symlink_to(root / folder, target_is_directory=True)
    return root


def run(root: Path, names: Path, args: list[str], workdir: Path) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(names), str(root)]), COLUMNS="120",
               PYTHONDONTWRITEBYTECODE="1")
    entry = "optimizer.cli" if (root / "optimizer" / "cli.py").exists() else "cli"
    done = subprocess.run([sys.executable, "-m", entry, *args], cwd=workdir, env=env, capture_output=True,
                          text=True)
    text = done.stdout + (f"\n[exit code {done.returncode}]\n{done.stderr}" if done.returncode else "")
    if "--json" in args and done.returncode == 0:
        payload = json.loads(done.stdout)
        for key in VOLATILE:
            payload.pop(key, None)
        text = json.dumps(payload, indent=1, sort_keys=True)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the version before (a commit, tag or branch)")
    parser.add_argument("head", nargs="?", default=None, help="the version after (default: the working tree)")
    args = parser.parse_args(argv)
    same = True
    with tempfile.TemporaryDirectory(prefix="smartpick-same-") as temp:
        temp_path = Path(temp)
        versions = []
        for revision in (args.base, args.head):
            root = export(revision, temp_path)
            versions.append((revision or "working tree", root, temp_path / f"names-{revision or 'working-tree'}"))
        workdir = temp_path / "run"
        workdir.mkdir()
        for label, command in RUNS.items():
            (base_label, base_root, base_names), (head_label, head_root, head_names) = versions
            before = run(base_root, base_names, command, workdir)
            after = run(head_root, head_names, command, workdir)
            if before == after:
                print(f"same: smartpick {label} ({len(after.splitlines())} lines)")
                continue
            same = False
            print(f"DIFFERENT: smartpick {label}")
            diff = difflib.unified_diff(before.splitlines(), after.splitlines(), base_label, head_label, lineterm="")
            for line in list(diff)[:40]:
                print("  " + line)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
