"""The straightforward CP-SAT model the speed targets are measured against (issues 4 and 6).

Example:
    smartpick score --programs /tmp/national_10000.csv --profile me.toml --out /tmp/scored.csv
    python benchmarks/straightforward_cpsat.py --scored /tmp/scored.csv --budget 4000
    python benchmarks/straightforward_cpsat.py --scored /tmp/scored.csv --budgets 1500:6000:100

It reads an already-scored programs CSV (program_id, specialty, tier, p_interview, weight; rows with
eligible = False are dropped when that column is present) with pandas and builds the model the way one would
write it first: one yes/no variable per program, the count window, the tier share bands, and each specialty's
ERAS fee priced by linear segments ($11 for programs 1-30, $30 from the 31st, per specialty) plus the $80
transcript fee under the budget; maximize the sum of weight x p_interview (scaled to integers). CP-SAT runs with
its default parameters (all workers). `--element` prices each specialty's fee with an element constraint (a fee
table indexed by the count) instead of segments.

Run it as a whole process (`time python ...`): the measured baseline is start, import, load, build and solve.
The fee numbers are written here on purpose, not read from data/: this is the reference model, not SmartPick.
"""

from __future__ import annotations

import time

START = time.perf_counter()  # the wall time printed includes the imports below

import argparse  # noqa: E402
import sys  # noqa: E402

import pandas as pd  # noqa: E402
from ortools.sat.python import cp_model  # noqa: E402

OBJECTIVE_SCALE = 1_000_000  # weight x p kept to 1e-6, as integers for CP-SAT
FIRST_TIER_PROGRAMS = 30  # per specialty, programs 1-30 cost FIRST_TIER_CENTS each
FIRST_TIER_CENTS = 1100
LATER_CENTS = 3000  # each program from the 31st
TRANSCRIPT_CENTS = 8000  # USMLE transcript, once a season
BANDS_PERCENT = {"reach": (20, 30), "core": (50, 60), "safety": (10, 20)}


def parse_budgets(text: str) -> list[float]:
    """'1500:6000:100' (HIGH included when on the step) or '1500,2000'."""
    if ":" in text:
        low, high, step = (float(part) for part in text.split(":"))
        return [low + i * step for i in range(int((high - low) / step + 1e-9) + 1)]
    return [float(part) for part in text.split(",") if part.strip()]


def load(path: str) -> pd.DataFrame:
    programs = pd.read_csv(path)
    if "eligible" in programs.columns:
        programs = programs[programs["eligible"].astype(str).str.lower() == "true"]
    return programs.reset_index(drop=True)


def solve(programs: pd.DataFrame, budget_usd: float, min_programs: int, max_programs: int,
          element: bool = False, time_limit: float | None = None) -> tuple[str, float | None, int, float]:
    """Build and solve the model at one budget; returns (status, objective, count, solve seconds)."""
    model = cp_model.CpModel()
    # one yes/no per program
    x = {pid: model.new_bool_var(f"apply {pid}") for pid in programs["program_id"]}
    count = sum(x.values())

    # the list holds min_programs to max_programs programs
    model.add(count >= min_programs)
    model.add(count <= max_programs)

    # each tier's share of the list stays within its band (in whole percent)
    for tier, (low, high) in BANDS_PERCENT.items():
        in_tier = sum(x[pid] for pid in programs.loc[programs["tier"] == tier, "program_id"])
        model.add(100 * in_tier >= low * count)
        model.add(100 * in_tier <= high * count)

    # ERAS fees per specialty plus the transcript fee, within the budget (in cents)
    fees = []
    for specialty, group in programs.groupby("specialty"):
        n = model.new_int_var(0, max_programs, f"programs in {specialty}")
        model.add(n == sum(x[pid] for pid in group["program_id"]))
        if element:
            table = [FIRST_TIER_CENTS * min(k, FIRST_TIER_PROGRAMS) + LATER_CENTS * max(0, k - FIRST_TIER_PROGRAMS)
                     for k in range(max_programs + 1)]
            fee = model.new_int_var(0, table[-1], f"fee of {specialty}")
            model.add_element(n, table, fee)
            fees.append(fee)
        else:
            first = model.new_int_var(0, FIRST_TIER_PROGRAMS, f"{specialty} programs at $11")
            later = model.new_int_var(0, max_programs, f"{specialty} programs at $30")
            model.add(n == first + later)
            fees.append(FIRST_TIER_CENTS * first + LATER_CENTS * later)
    model.add(sum(fees) + TRANSCRIPT_CENTS <= round(budget_usd * 100))

    # maximize expected interviews weighted by place
    value = (programs["weight"] * programs["p_interview"]).tolist()
    model.maximize(sum(round(v * OBJECTIVE_SCALE) * x[pid] for pid, v in zip(programs["program_id"], value)))

    solver = cp_model.CpSolver()
    if time_limit:
        solver.parameters.max_time_in_seconds = time_limit
    start = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - start
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return name, None, 0, seconds
    chosen = [i for i, pid in enumerate(programs["program_id"]) if solver.boolean_value(x[pid])]
    return name, sum(value[i] for i in chosen), len(chosen), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scored", required=True, help="scored programs CSV (smartpick score --out)")
    parser.add_argument("--budget", type=float, default=4000.0, help="budget in US dollars (default 4000)")
    parser.add_argument("--budgets", help="solve each budget one by one: LOW:HIGH:STEP or A,B,C")
    parser.add_argument("--min", dest="min_programs", type=int, default=80)
    parser.add_argument("--max", dest="max_programs", type=int, default=120)
    parser.add_argument("--element", action="store_true", help="price fees with an element constraint")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per solve (default: none)")
    args = parser.parse_args(argv)

    programs = load(args.scored)
    budgets = parse_budgets(args.budgets) if args.budgets else [args.budget]
    for budget in budgets:
        status, objective, count, seconds = solve(programs, budget, args.min_programs, args.max_programs,
                                                  args.element, args.time_limit)
        shown = "-" if objective is None else repr(objective)
        print(f"budget {budget:.0f}  status {status}  objective {shown}  count {count}  solve {seconds:.3f} s",
              flush=True)
    print(f"programs {len(programs)}  wall {time.perf_counter() - START:.3f} s (from the first import)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
