"""Time the risk objectives against the interviews objective on the bundled data (issue 23, item 3).

Example:
    python benchmarks/bench_risk.py --runs 3
    python benchmarks/bench_risk.py --runs 3 --no-robust   # a version without --robust

The bundled IM applicant on J-1 applying to two (Internal Medicine, Family Medicine) and three (+ Psychiatry)
specialties, bundled sheet, signals on. For each, the median wall time of whole processes, run in one series:
  `smartpick solve --objective interviews --json`  (the yardstick),
  `smartpick solve --objective match --json`, `... --objective at-least:5 --json`,
  and, unless --no-robust, the same two with `--robust`.
It prints P(match) (correlated view, as shown), its range, the objective, the proven bound and gap, the status and
the ratio of each time to the interviews objective. Targets: match <= 3 x interviews, robust <= 5 x.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import _common as common

LADDER = ("Internal Medicine", "Family Medicine", "Psychiatry")


def write_profiles(workdir: Path) -> dict[int, Path]:
    """The bundled IM applicant (J-1) with the first 2 and 3 specialties of the ladder."""
    out = {}
    for k in (2, 3):
        path = workdir / f"profile_{k}.toml"
        path.write_text(common.profile_text({"specialties": common.specialty_list(LADDER[:k])}), encoding="utf-8")
        out[k] = path
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3; the median is shown)")
    parser.add_argument("--no-robust", action="store_true", help="leave out --robust (a version without it)")
    parser.add_argument("--smartpick", default=None, help="the smartpick command to time (default: this venv's)")
    args = parser.parse_args(argv)
    exe = args.smartpick or common.smartpick()
    cases = [("interviews", []), ("match", []), ("at-least:5", [])]
    if not args.no_robust:
        cases += [("match", ["--robust"]), ("at-least:5", ["--robust"])]

    rows = [("specialties", "objective", "median", "x interviews", "status", "P(match)", "range", "objective",
             "bound", "gap")]
    with tempfile.TemporaryDirectory(prefix="smartpick-bench-") as temp:
        workdir = Path(temp)
        common.use_bytecode_cache(workdir)
        profiles = write_profiles(workdir)
        for k, profile in profiles.items():
            commands = [[exe, "solve", "--profile", str(profile), "--objective", objective, "--json", *extra]
                        for objective, extra in cases]
            common.run(commands[0])  # warm the file cache and bytecode once, untimed
            times: list[list[float | None]] = [[] for _ in commands]
            results: list[dict] = [{} for _ in commands]
            for _ in range(args.runs):
                for i, cmd in enumerate(commands):
                    seconds, out = common.time_process(cmd)
                    times[i].append(seconds)
                    results[i] = common.parse_json(out)
            yardstick = common.median(times[0])
            for (objective, extra), series, r in zip(cases, times, results):
                median = common.median(series)
                low, high = r.get("p_match_range") or (float("nan"), float("nan"))
                gap = r.get("gap")
                rows.append((str(k), " ".join([objective, *extra]), common.seconds(median),
                             f"{median / yardstick:.2f}", r["status"], f"{r['p_match']:.4f}",
                             f"{low:.3f}-{high:.3f}", f"{r['objective']:.4f}",
                             "" if r.get("bound") is None else f"{r['bound']:.4f}",
                             "" if gap is None else f"{gap:.4f}"))
    common.print_table("Risk objectives, bundled data, J-1 IM applicant, whole process", rows)
    print(f"\nmachine: {common.machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
