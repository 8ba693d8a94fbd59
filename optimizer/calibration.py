"""Calibration: what the default model predicts for the advice's two worked examples on the bundled data, beside
what the advice reports and the published aggregates. `python -m optimizer.calibration` prints the table."""

from __future__ import annotations

from dataclasses import dataclass

# What the advice reports for its worked examples (../shared/FACTS.md), and the list sizes used here: the IM
# applicant applied to 120 programs; the FM applicant "applied broadly" (100 assumed).
WORKED_EXAMPLES = (
    ("IM example (Step 2 CK 233, J-1)", "profiles/im_applicant.toml", 120, 8.0),
    ("FM example (Step 2 CK 221, J-1)", "profiles/fm_applicant.toml", 100, 10.0),
)
NON_US_IMG_MATCH_RATE_2025 = 0.580  # NRMP 2025 Main Match (FACTS.md): a sanity anchor, not a target


@dataclass(frozen=True)
class CalibrationRow:
    example: str
    programs: int
    reported_interviews: float
    expected_interviews: float
    expected_interviews_no_signals: float
    p_at_least_5: float
    p_match: float
    illinois_programs: int
    illinois_interviews: float


def calibration_rows() -> list[CalibrationRow]:

    from optimizer import pipeline
    from optimizer.optimize import solve_portfolio
    from optimizer.resources import data_path
    from optimizer.signals import signal_rules

    rows = []
    for label, profile, size, reported in WORKED_EXAMPLES:
        inputs = pipeline.load_inputs(None, data_path(profile))
        candidates = pipeline.score(inputs)
        limits, _ = pipeline.make_limits(inputs, candidates, budget_usd=100_000, min_programs=size,
                                         max_programs=size)
        results = {}
        for with_signals in (True, False):
            rules = signal_rules(inputs.profile.goals.season) if with_signals else {}
            results[with_signals] = solve_portfolio(candidates, limits, signal_rules=rules)
        s = results[True]
        applied = [s.applied_p(c) for c in s.chosen]
        o = pipeline.evaluate_list(inputs, s.chosen, applied)
        in_il = [p for c, p in zip(s.chosen, applied) if c.program.state == "IL"]
        rows.append(CalibrationRow(label, size, reported, o.expected_interviews,
                                   sum(c.p_interview for c in results[False].chosen), o.p_at_least[5], o.p_match,
                                   len(in_il), sum(in_il)))
    return rows


def main() -> None:
    print("| worked example | programs | advice reports | SmartPick E[interviews] (no signals) | "
          "P(at least 5) | P(match) | Illinois programs (E interviews) |")
    print("|---|---|---|---|---|---|---|")
    for r in calibration_rows():
        print(f"| {r.example} | {r.programs} | {r.reported_interviews:g} interviews | "
              f"{r.expected_interviews:.1f} ({r.expected_interviews_no_signals:.1f}) | {r.p_at_least_5:.0%} | "
              f"{r.p_match:.0%} | {r.illinois_programs} ({r.illinois_interviews:.1f}) |")
    print(f"\nAggregate anchor: non-US IMGs matched at {NON_US_IMG_MATCH_RATE_2025:.1%} in the 2025 Match (NRMP).")


if __name__ == "__main__":
    main()
