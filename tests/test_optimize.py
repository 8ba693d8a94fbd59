"""The optimizer: brute force confirms the optimum, both backends agree, answers repeat, limits hold."""

from __future__ import annotations

import itertools

import pytest

from optimizer.solver.constraints import violations
from optimizer.solver.optimize import PortfolioModel, solve_portfolio
from tests.helpers import FEES_2025, setup_candidates, setup_limits


def brute_force(candidates, limits):
    """The best objective over every subset of the eligible programs (tiny instances only)."""
    pool = [c for c in candidates if c.eligible]
    best = None
    for n in range(limits.min_programs, min(limits.max_programs, len(pool)) + 1):
        for subset in itertools.combinations(pool, n):
            if not violations(list(subset), limits):
                value = sum(c.value for c in subset)
                best = value if best is None or value > best else best
    return best


@pytest.mark.parametrize("seed", range(6))
def test_brute_force_confirms_the_optimum(seed):
    candidates = setup_candidates(14, seed=seed, eligible_share=0.95)
    limits = setup_limits(min_programs=5, max_programs=8, budget=80 + 11 * 7)
    solution = solve_portfolio(candidates, limits)
    expected = brute_force(candidates, limits)
    assert expected is not None
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(expected, abs=1e-5)
    assert violations(list(solution.chosen), limits) == []


@pytest.mark.parametrize("seed", range(3))
def test_brute_force_with_a_flat_first_block_and_region_limits(seed):
    candidates = setup_candidates(13, seed=seed, eligible_share=0.95)
    limits = setup_limits(min_programs=5, max_programs=8, budget=80 + 99 + 19 * 2, fees=FEES_2025,
                          min_per_region={"elsewhere": 2}, max_per_state={"IL": 3})
    solution = solve_portfolio(candidates, limits)
    expected = brute_force(candidates, limits)
    if expected is None:
        assert solution.status == "infeasible"
    else:
        assert solution.objective == pytest.approx(expected, abs=1e-5)
        assert violations(list(solution.chosen), limits) == []


@pytest.mark.parametrize("seed", range(4))
def test_both_backends_reach_the_same_objective(seed):
    candidates = setup_candidates(600, seed=seed)
    limits = setup_limits(min_programs=80, max_programs=120, budget=1500 + 300 * seed,
                          min_per_state={"IL": 20} if seed % 2 else {})
    cpsat = solve_portfolio(candidates, limits, backend="cpsat")
    pulp = solve_portfolio(candidates, limits, backend="pulp")
    assert cpsat.status == pulp.status == "optimal"
    assert cpsat.objective == pytest.approx(pulp.objective, abs=1e-4)
    assert violations(list(pulp.chosen), limits) == []


def test_same_inputs_give_the_same_list():
    candidates = setup_candidates(2000, seed=7, specialties=("Internal Medicine", "Family Medicine", "Pediatrics"))
    limits = setup_limits(min_programs=80, max_programs=120, budget=2600)
    runs = [tuple(c.program_id for c in solve_portfolio(candidates, limits).chosen) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_budget_counts_fees_and_transcript_exactly():
    candidates = setup_candidates(400, seed=3, specialties=("Internal Medicine",))
    fees = setup_limits().fees
    budget = fees.list_cost({"Internal Medicine": 50}).total_usd  # fees of 50 programs and the transcript
    assert fees.list_cost({"Internal Medicine": 51}).total_usd > budget
    limits = setup_limits(min_programs=40, max_programs=120, budget=budget)
    solution = solve_portfolio(candidates, limits)
    assert solution.count == 50  # as many as the budget pays for, to the dollar
    assert solution.cost.total_usd == budget


def test_must_and_never_are_kept():
    candidates = setup_candidates(300, seed=2)
    worst = min((c for c in candidates if c.eligible), key=lambda c: c.value)
    best = max((c for c in candidates if c.eligible), key=lambda c: c.value)
    limits = setup_limits(min_programs=30, max_programs=40, budget=5000, must=frozenset({worst.program_id}),
                          never=frozenset({best.program_id}))
    chosen = {c.program_id for c in solve_portfolio(candidates, limits).chosen}
    assert worst.program_id in chosen and best.program_id not in chosen


def test_moving_the_budget_matches_a_fresh_model():
    candidates = setup_candidates(800, seed=5)
    limits = setup_limits(min_programs=80, max_programs=120, budget=1500)
    model = PortfolioModel(candidates, limits)
    for budget in (1200, 1900, 2600, 1500):
        moved = model.solve(budget_usd=budget)
        fresh = solve_portfolio(candidates, setup_limits(min_programs=80, max_programs=120, budget=budget))
        assert moved.status == fresh.status
        if fresh.objective is not None:
            assert moved.objective == pytest.approx(fresh.objective, abs=1e-6)
