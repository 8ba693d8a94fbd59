"""Why no list meets the limits, and the changes that work (optimizer/solver/diagnose.py): every suggested value is
checked here by solving with it, and the next value over by failing."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from optimizer.solver.diagnose import explain_infeasible, suggest_fixes
from optimizer.solver.optimize import PortfolioModel
from tests.helpers import FEES_2025, FEES_2026, setup_candidates, setup_limits


def feasible(candidates, limits) -> bool:
    solution = PortfolioModel(candidates, limits).solve(time_limit=30)
    return solution.status in ("optimal", "feasible") and bool(solution.chosen)


def numbers(fix: str, flag: str) -> int:
    return int(re.search(rf"{flag} (\d+)", fix).group(1))


def no_nonsense(lines):
    text = " ".join(lines)
    assert "inf" not in re.findall(r"\$?\binf\b", text)
    assert " 0 programs" not in text and "1-0" not in text


@pytest.mark.parametrize("fees", [FEES_2026, FEES_2025], ids=["2026 fees", "2025 fees"])
def test_a_budget_too_small_gets_the_exact_budget_and_minimum_that_work(fees):
    candidates = setup_candidates(60, seed=3)
    limits = setup_limits(min_programs=20, max_programs=30, budget=200.0, fees=fees)
    assert not feasible(candidates, limits)
    fixes = suggest_fixes(candidates, limits)
    budget = numbers(next(f for f in fixes if "--budget" in f), "--budget")
    assert feasible(candidates, replace(limits, budget_usd=budget))
    assert not feasible(candidates, replace(limits, budget_usd=budget - 1))
    minimum = numbers(next(f for f in fixes if "--min" in f), "--min")
    assert minimum >= 1
    assert feasible(candidates, replace(limits, min_programs=minimum))
    assert not feasible(candidates, replace(limits, min_programs=minimum + 1))
    no_nonsense(explain_infeasible(candidates, limits) + fixes)


def test_must_apply_programs_that_break_the_tier_bands_are_named():
    candidates = setup_candidates(80, seed=5)
    reach = [c for c in candidates if c.eligible and c.tier == "reach"][:6]
    limits = setup_limits(min_programs=8, max_programs=12, budget=1000.0, must=frozenset(c.program_id for c in reach))
    assert not feasible(candidates, limits)
    reasons = explain_infeasible(candidates, limits)
    assert any("must apply" in r and reach[0].program.program in r and "reach" in r for r in reasons)
    fixes = suggest_fixes(candidates, limits)
    assert any("mark fewer programs as must apply" in f for f in fixes)
    assert feasible(candidates, replace(limits, must=frozenset()))


def test_tier_bands_that_cannot_hold_a_small_list_get_bands_that_work():
    candidates = setup_candidates(40, seed=2)
    limits = setup_limits(min_programs=1, max_programs=2, budget=1000.0)
    assert not feasible(candidates, limits)
    reasons = explain_infeasible(candidates, limits)
    assert any(r.startswith("the tier bands") for r in reasons)
    fix = next(f for f in suggest_fixes(candidates, limits) if "[goals.tiers]" in f)
    bands = dict(limits.bands)
    for tier, low, high in re.findall(r"(reach|core|safety) = \[([\d.]+), ([\d.]+)\]", fix):
        bands[tier] = (float(low), float(high))
    assert feasible(candidates, replace(limits, bands=bands))
    no_nonsense(reasons)


def test_a_per_state_minimum_that_cannot_be_met_is_named():
    candidates = setup_candidates(60, seed=4)
    limits = setup_limits(min_programs=8, max_programs=12, budget=1000.0, min_per_state={"IL": 40})
    assert not feasible(candidates, limits)
    reasons = explain_infeasible(candidates, limits)
    assert any("at least 40 programs in IL" in r and "min_per_state" in r for r in reasons)
    assert any("per-group minimums" in f for f in suggest_fixes(candidates, limits))
