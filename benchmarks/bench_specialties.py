"""Time `smartpick solve` and `smartpick frontier` with one to four specialties, signals on (issue 15).

Example:
    python benchmarks/bench_specialties.py --runs 5 --frontier-runs 3 --save after.json
    python benchmarks/bench_specialties.py --smartpick /path/to/old/venv/bin/smartpick --save before.json
    python benchmarks/bench_specialties.py --compare before.json after.json

For the bundled data and a synthetic 10,000-program sheet (make_sheet.py), with the bundled IM applicant applying
to 1, 2, 3 and 4 specialties (Internal Medicine, + Family Medicine, + Psychiatry, + Pediatrics), on J-1 or H-1B,
up to 300 programs, $4,000, it takes the median wall time of whole processes:
  (a) `smartpick solve --no-signals` with one specialty: the yardstick of the targets;
  (b) `smartpick solve` (signals on, the default) with k specialties;
  (c) `smartpick frontier --budget 300:4000:50` (75 budgets, signals on) with k specialties, stopped after
      --frontier-timeout seconds;
  (d) on the 10,000-program sheet, one specialty: `smartpick frontier --budget 1500:6000:100` (46 budgets).
It checks that every answer is proven (status optimal, or infeasible below the cheapest list) and prints the
ratios to (a). Targets (bundled data): (b) with three specialties <= 2 x (a); (c) with three <= 15 x (a);
(d) under 2 s. `--save` writes every objective, so that `--compare` can check that two versions (say before and
after a change, each measured with its own `--smartpick`) give the same optima.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import _common as common

LADDER = ("Internal Medicine", "Family Medicine", "Psychiatry", "Pediatrics")
FRONTIER = "300:4000:50"
FRONTIER_10K = "1500:6000:100"
CHANGES = {"visa": '"J-1 or H-1B"', "max_programs": "300", "budget_usd": "4000"}


def write_profiles(workdir: Path) -> dict[int, Path]:
    """The bundled IM applicant with 1..4 specialties of the ladder, J-1 or H-1B, up to 300 programs, $4,000."""
    out = {}
    for k in range(1, len(LADDER) + 1):
        changes = {**CHANGES, "specialties": common.specialty_list(LADDER[:k])}
        path = workdir / f"profile_{k}.toml"
        path.write_text(common.profile_text(changes), encoding="utf-8")
        out[k] = path
    return out


def timed(cmd: list[str], runs: int, timeout: float | None) -> tuple[list[float | None], dict | None]:
    """Wall seconds of `runs` whole processes (None for one stopped at `timeout`, which ends the series) and the
    last JSON output."""
    times, result = [], None
    for _ in range(runs):
        seconds, out = common.time_process(cmd, timeout)
        times.append(seconds)
        if seconds is None:
            break
        result = json.loads(out)
    return times, result


def proven(result: dict | None) -> str:
    """'yes' when every answer is optimal (or infeasible: below the cheapest list), else the statuses seen."""
    if result is None:
        return "-"
    statuses = [p["status"] for p in result["points"]] if "points" in result else [result["status"]]
    other = sorted(set(statuses) - {"optimal", "infeasible"})
    return "yes" if not other and "optimal" in statuses else ",".join(other) or "none solved"


def objectives(result: dict | None) -> list[float | None] | None:
    if result is None:
        return None
    if "points" in result:
        return [p["objective"] for p in result["points"]]
    return [result["objective"]]


def show(times: list[float | None], timeout: float | None) -> str:
    finished = [t for t in times if t is not None]
    if not finished:
        return f"> {timeout:g} s"
    return common.seconds(common.median(finished))


def compare(before_path: Path, after_path: Path) -> int:
    before, after = (json.loads(Path(p).read_text()) for p in (before_path, after_path))
    rows = [("measure", "before", "after", "ratio", "same optima")]
    worst = 0.0
    for key, entry in after["measures"].items():
        old = before["measures"].get(key)
        if old is None:
            continue
        a, b = old["median"], entry["median"]
        same = "-"
        if old["objectives"] is not None and entry["objectives"] is not None:
            pairs = [(x, y) for x, y in zip(old["objectives"], entry["objectives"]) if x is not None or y is not None]
            diff = max((abs((x or 0) - (y or 0)) for x, y in pairs), default=0.0)
            worst = max(worst, diff)
            same = "yes" if diff <= 1e-6 else f"NO ({diff:.2e})"
        rows.append((key, "> %g s" % old["timeout"] if a is None else f"{a:.3f} s",
                     "> %g s" % entry["timeout"] if b is None else f"{b:.3f} s",
                     "-" if a is None or b is None else f"{b / a:.2f}", same))
    common.print_table(f"before ({before['machine']})\n after ({after['machine']})", rows)
    return 0 if worst <= 1e-6 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each solve (default 5)")
    parser.add_argument("--frontier-runs", type=int, default=3, help="timed runs of each frontier (default 3)")
    parser.add_argument("--frontier-timeout", type=float, default=120.0,
                        help="stop a frontier run after this many seconds (default 120)")
    parser.add_argument("--specialties", type=int, default=4, help="up to this many specialties (default 4)")
    parser.add_argument("--programs", type=int, default=10000, help="programs in the synthetic sheet")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic sheet")
    parser.add_argument("--smartpick", default=None, help="the smartpick command to time (default: this venv's)")
    parser.add_argument("--save", type=Path, default=None, help="write the medians and objectives here (JSON)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                        help="compare two --save files: times and optima")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the sheet and profiles here")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)

    smartpick = args.smartpick or common.smartpick()
    measures: dict[str, dict] = {}

    def measure(key: str, cmd: list[str], runs: int, timeout: float | None) -> None:
        times, result = timed(cmd, runs, timeout)
        finished = [t for t in times if t is not None]
        measures[key] = {"median": common.median(finished) if finished else None, "runs": len(times),
                         "timeout": timeout, "proven": proven(result), "objectives": objectives(result),
                         "command": common.shown(cmd).replace(smartpick, "smartpick"), "shown": show(times, timeout)}

    with tempfile.TemporaryDirectory(prefix="smartpick-bench-") as temp:
        workdir = args.workdir or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        common.use_bytecode_cache(workdir)
        machine = common.machine() + f", timing {smartpick}"
        print(machine)
        profiles = write_profiles(workdir)
        sheet = common.make_sheet(workdir, args.programs, args.seed)
        for label, sheet_args in (("bundled", []), (f"{args.programs // 1000}k", ["--programs", str(sheet)])):
            base = [smartpick, "solve", "--profile", str(profiles[1]), *sheet_args, "--json", "--no-signals"]
            common.run(base)  # warm the file cache and bytecode once, untimed
            measure(f"{label} (a) solve --no-signals, 1 specialty", base, args.runs, None)
            for k in range(1, args.specialties + 1):
                solve = [smartpick, "solve", "--profile", str(profiles[k]), *sheet_args, "--json"]
                measure(f"{label} (b) solve, {k} specialt{'y' if k == 1 else 'ies'}", solve, args.runs, None)
            for k in range(1, args.specialties + 1):
                frontier = [smartpick, "frontier", "--profile", str(profiles[k]), *sheet_args, "--budget", FRONTIER,
                            "--json"]
                measure(f"{label} (c) frontier {FRONTIER}, {k} specialt{'y' if k == 1 else 'ies'}", frontier,
                        args.frontier_runs, args.frontier_timeout)
        one = [smartpick, "frontier", "--profile", str(profiles[1]), "--programs", str(sheet), "--budget",
               FRONTIER_10K, "--json"]
        measure(f"{args.programs // 1000}k (d) frontier {FRONTIER_10K}, 1 specialty", one, args.frontier_runs,
                args.frontier_timeout)

    rows = [("measure", "median", "runs", "proven", "x (a)")]
    for key, entry in measures.items():
        yardstick = measures[f"{key.split()[0]} (a) solve --no-signals, 1 specialty"]["median"]
        ratio = "-" if entry["median"] is None or not yardstick else f"{entry['median'] / yardstick:.1f}"
        rows.append((key, entry["shown"], str(entry["runs"]), entry["proven"], ratio))
    common.print_table("several specialties, signals on (J-1 or H-1B, up to 300 programs, $4,000)", rows)
    a = measures["bundled (a) solve --no-signals, 1 specialty"]["median"]
    checks = [("bundled (b) solve, 3 specialties", 2.0), (f"bundled (c) frontier {FRONTIER}, 3 specialties", 15.0)]
    for key, target in checks:
        if key in measures:
            value = measures[key]["median"]
            met = value is not None and value <= target * a
            shown = "did not finish" if value is None else f"{value / a:.1f} x"
            print(f"{key}: {shown} (a)  (target <= {target:g} x): {'met' if met else 'NOT met'}")
    d = measures[f"{args.programs // 1000}k (d) frontier {FRONTIER_10K}, 1 specialty"]["median"]
    print(f"10,000 programs, 46-budget frontier with signals, 1 specialty: {common.seconds(d)} (target < 2 s): "
          f"{'met' if d is not None and d < 2 else 'NOT met'}")
    if args.save:
        args.save.write_text(json.dumps({"machine": machine, "measures": measures}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
