"""Time `smartpick solve --objective match` at national scale (issue 5, item 6).

Example:
    python benchmarks/bench_match.py --runs 5

On the synthetic 10,000-program sheet and profile of bench_solve.py, it takes the median wall time of
  (a) the whole `smartpick solve --objective match --json --no-signals` process,
  (b) the same with signals (the default command),
and prints the status, P(match) reached, the proven bound and the gap each printed (`--json` "bound", "gap").
Target: under 2 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import _common as common

SECONDS_TARGET = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5; the median is shown)")
    parser.add_argument("--programs", type=int, default=10000, help="programs in the synthetic sheet")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic sheet")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the sheet and profile here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="smartpick-bench-") as temp:
        workdir = args.workdir or Path(temp)
        sheet, profile = common.prepare(workdir, args.programs, args.seed)
        match_plain = [common.smartpick(), "solve", "--programs", str(sheet), "--profile", str(profile),
                       "--objective", "match", "--json", "--no-signals"]
        match_signals = match_plain[:-1]
        common.run(match_plain)  # warm the file cache and bytecode once, untimed

        times: dict[str, list[float | None]] = {"a": [], "b": []}
        results: dict[str, dict] = {}
        for _ in range(args.runs):
            for key, cmd in (("a", match_plain), ("b", match_signals)):
                seconds, out = common.time_process(cmd)
                times[key].append(seconds)
                results[key] = common.parse_json(out)

    rows = [("measure", "median", "runs", "status", "P(match)", "bound", "gap")]
    for key, label in (("a", "(a) solve --objective match --no-signals"), ("b", "(b) solve --objective match")):
        r = results[key]
        rows.append((label, common.seconds(common.median(times[key])), str(len(times[key])), r["status"],
                     f"{r['objective']:.6f}", f"{r['bound']:.6f}", f"{r['gap']:.6f}"))
    common.print_table(f"P(match) objective, {args.programs} programs, whole process", rows)
    print("\ncommands:")
    for label, cmd in (("(a)", match_plain), ("(b)", match_signals)):
        print(f"  {label} {common.shown(cmd)}")
    for key in "ab":
        median = common.median(times[key])
        print(f"({key}) {median:.3f} s  (target < {SECONDS_TARGET:g} s): "
              f"{'met' if median < SECONDS_TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
