"""What the benchmark scripts share: the 10,000-program sheet, the profile that applies to it, the scored file
the straightforward model reads, timing of whole processes, medians and a small table.

Not a benchmark itself; the bench_*.py scripts import it (they run from this folder, so it is on sys.path).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
BASELINE = BENCH_DIR / "straightforward_cpsat.py"
SPECIALTIES = ("Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry")
BASE_PROFILE = REPO / "data" / "profiles" / "im_applicant.toml"
PROFILE_CHANGES = {  # applicant key -> TOML value: applies to every specialty of the sheet
    "specialties": "[" + ", ".join(f'"{s}"' for s in SPECIALTIES) + "]",
    "visa": '"J-1 or H-1B"',
    "budget_usd": "4000",
}
SCORED_COLUMNS = ("program_id", "specialty", "tier", "p_interview", "weight")
# Processes run with Python's bytecode cache on, as an installed tool runs (this sandbox sets
# PYTHONDONTWRITEBYTECODE, which makes every process recompile SmartPick's sources: about 0.05 s a start).
# The cache goes to the work directory (PYTHONPYCACHEPREFIX), never into the source tree; the untimed warm-up
# run of each command fills it.
PROCESS_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def use_bytecode_cache(workdir: Path) -> None:
    PROCESS_ENV["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")


def python() -> str:
    return sys.executable


def smartpick() -> str:
    """The `smartpick` command of the environment running this script (the venv's, not whatever is on PATH)."""
    beside = Path(sys.executable).parent / "smartpick"
    found = str(beside) if beside.exists() else shutil.which("smartpick")
    if not found:
        raise SystemExit("smartpick is not installed in this environment: pip install -e . first")
    return found


def make_sheet(workdir: Path, programs: int, seed: int) -> Path:
    """The synthetic national sheet (benchmarks/make_sheet.py) in the four specialties."""
    from make_sheet import main as make_sheet_main

    sheet = workdir / f"national_{programs}.csv"
    make_sheet_main(["--programs", str(programs), "--seed", str(seed), "--specialties", ",".join(SPECIALTIES),
                     "--out", str(sheet)])
    return sheet


def profile_text(changes: dict[str, str]) -> str:
    """The bundled IM applicant's profile with each `key = ...` line of `changes` rewritten to `key = value` (TOML
    text as written); SystemExit unless each key stands on exactly one line."""
    text = BASE_PROFILE.read_text(encoding="utf-8")
    for key, value in changes.items():
        text, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if found != 1:
            raise SystemExit(f"{BASE_PROFILE}: expected one '{key} = ' line, found {found}")
    return text


def specialty_list(specialties) -> str:
    """A TOML list of specialty names: ["Internal Medicine", "Family Medicine"]."""
    return "[" + ", ".join(f'"{s}"' for s in specialties) + "]"


def write_profile(workdir: Path) -> Path:
    """The bundled IM applicant, applying to the sheet's four specialties on J-1 or H-1B with $4,000."""
    text = profile_text(PROFILE_CHANGES)
    path = workdir / "profile.toml"
    path.write_text(text, encoding="utf-8")
    data = tomllib.loads(text)
    assert data["applicant"]["specialties"] == list(SPECIALTIES), data["applicant"]["specialties"]
    return path


def write_scored(sheet: Path, profile: Path, workdir: Path) -> tuple[Path, int]:
    """Score once with `smartpick score --out`, keep the eligible rows and the five columns the straightforward
    model reads. Returns the file and its number of programs."""
    full = workdir / "scored_all.csv"
    run([smartpick(), "score", "--programs", str(sheet), "--profile", str(profile), "--out", str(full)])
    eligible = workdir / "scored.csv"
    count = 0
    with full.open(encoding="utf-8", newline="") as source, eligible.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(SCORED_COLUMNS)
        for row in csv.DictReader(source):
            if row["eligible"].strip().lower() == "true":
                writer.writerow([row[c] for c in SCORED_COLUMNS])
                count += 1
    return eligible, count


def run(cmd: list[str], timeout: float | None = None) -> str:
    """Run a command; its stdout, or exit with its stderr when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO, env=PROCESS_ENV)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return done.stdout


def time_process(cmd: list[str], timeout: float | None = None) -> tuple[float | None, str]:
    """Wall seconds of a whole process (start to exit) and its stdout; (None, '') when it passes `timeout`."""
    start = time.perf_counter()
    try:
        out = run(cmd, timeout)
    except subprocess.TimeoutExpired:
        return None, ""
    return time.perf_counter() - start, out


def parse_json(text: str) -> dict:
    return json.loads(text)


BASELINE_LINE = re.compile(r"^budget (?P<budget>\S+)\s+status (?P<status>\S+)\s+objective (?P<objective>\S+)"
                           r"\s+count (?P<count>\d+)\s+solve (?P<solve>\S+) s", re.M)


def parse_baseline(text: str) -> list[dict]:
    """The straightforward script's lines: one dict (budget, status, objective, count, solve) per budget."""
    rows = []
    for match in BASELINE_LINE.finditer(text):
        objective = match["objective"]
        rows.append({"budget": float(match["budget"]), "status": match["status"],
                     "objective": None if objective == "-" else float(objective),
                     "count": int(match["count"]), "solve": float(match["solve"])})
    return rows


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def relative_difference(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


def machine() -> str:
    """One line: cores, CPU model, Python, OR-Tools, the bytecode cache, the commit measured, the date."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        from importlib.metadata import version

        ortools_version = version("ortools")
    except Exception:  # noqa: BLE001 - the line is informative only
        ortools_version = "?"
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True,
                            cwd=REPO).stdout.strip() or "?"
    cache = "on" if "PYTHONPYCACHEPREFIX" in PROCESS_ENV else "as the environment says"
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, OR-Tools {ortools_version}, "
            f"bytecode cache {cache}, commit {commit}, {time.strftime('%Y-%m-%d %H:%M')}, load average "
            f"{os.getloadavg()[0]:.2f} (other work on the machine slows every measure)")


def seconds(value: float | None) -> str:
    return "did not finish" if value is None else f"{value:.3f} s"


def print_table(title: str, rows: list[tuple[str, ...]]) -> None:
    """A plain text table: a title, then aligned columns (the first row is the header)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(f"\n{title}")
    for k, row in enumerate(rows):
        print("  " + "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                               enumerate(zip(row, widths))))
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))


def shown(cmd: list[str]) -> str:
    """A command line as a reader would type it (the venv's smartpick as `smartpick`, temp paths shortened)."""
    words = []
    for word in cmd:
        if word == smartpick():
            word = "smartpick"
        elif word == python():
            word = "python"
        elif os.sep in word:
            word = Path(word).name if Path(word).parent != BENCH_DIR else f"benchmarks/{Path(word).name}"
        words.append(word)
    return " ".join(words)


def prepare(workdir: Path, programs: int, seed: int) -> tuple[Path, Path]:
    """The shared start of every benchmark: bytecode cache, machine line, the synthetic sheet and the profile."""
    workdir.mkdir(parents=True, exist_ok=True)
    use_bytecode_cache(workdir)
    print(machine())
    return make_sheet(workdir, programs, seed), write_profile(workdir)
