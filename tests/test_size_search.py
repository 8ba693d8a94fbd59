"""PortfolioModel.solve's two exact paths, the network linear programs (optimizer/solver/network.py) and CP-SAT's
size-by-size search, against brute force and the single CP-SAT model they replace: several specialties, each with
its own fees and signal allowance, with and without signals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer.solver.constraints import list_cost, violations
from optimizer.solver.optimize import PortfolioModel
from optimizer.model.signals import SignalRule
from tests.helpers import setup_candidates, setup_limits
from tests.test_optimize import brute_force
from tests.test_signals import brute_force as brute_force_with_signals

THREE = ("Internal Medicine", "Family Medicine", "Psychiatry")
# a cheap first block of 2 programs per specialty, then $30: how the list is split between specialties matters
STEEP_FEES = {"season": "test", "transcript_fee_usd": 80,
              "fees": {"per_program": [{"from": 1, "to": 2, "usd": 11}, {"from": 3, "usd": 30}]}}
RULES = {"Internal Medicine": SignalRule("Internal Medicine", (("gold", 1), ("silver", 1))),
         "Family Medicine": SignalRule("Family Medicine", (("standard", 1),)),
         "Psychiatry": SignalRule("Psychiatry", (("standard", 2),))}
KINDS = {"Internal Medicine": (("gold", 3.0), ("silver", 1.8)), "Family Medicine": (("standard", 2.5),),
         "Psychiatry": (("standard", 2.0),)}


PATHS = ("network", "cp-sat search")


def on_path(model: PortfolioModel, path: str) -> PortfolioModel:
    """The model, solved by the network linear programs or (with the network switched off) by CP-SAT's search."""
    if path == "network":
        assert model.network is not None, "these fees and signals are a network: the fast path must be taken"
    else:
        model.network = None
    return model


def assert_equals_brute_force(solution, expected: float | None, limits, tolerance: float) -> None:
    """A solution against brute force's best objective (None: no list fits, so the solution is 'infeasible')."""
    if expected is None:
        assert solution.status == "infeasible"
        return
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(expected, abs=tolerance)
    assert violations(list(solution.chosen), limits) == []


def single_model(model: PortfolioModel, budget: float):
    """What the model gave before the size-by-size search: one CP-SAT solve of the whole model."""
    model.backend.set_row_upper(model.budget_row, model._budget_cents(budget))
    return model._read(model.backend.solve(), budget)


def budget_activity_usd(model: PortfolioModel, values) -> float:
    """What the model's budget row counts for these values, in dollars, with the transcript fee."""
    coefs = model.model.rows[model.budget_row][1]
    return sum(c * values[i] for i, c in coefs.items()) / 100 + model.limits.fees.transcript_usd


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("seed", range(6))
def test_three_specialties_without_signals_equal_brute_force(seed, path):
    candidates = setup_candidates(13, seed=seed, specialties=THREE, eligible_share=1.0)
    budget = 80 + 6 * 11 + 30 * (seed % 3)
    limits = setup_limits(min_programs=5, max_programs=8, budget=budget, fees=STEEP_FEES)
    solution = on_path(PortfolioModel(candidates, limits), path).solve()
    expected = brute_force(candidates, limits)
    assert_equals_brute_force(solution, expected, limits, tolerance=1e-5)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("seed", range(4))
def test_three_specialties_with_signals_equal_brute_force(seed, path):
    candidates = setup_candidates(10, seed=seed, specialties=THREE, eligible_share=1.0, signal_kinds=KINDS)
    limits = setup_limits(min_programs=4, max_programs=6, budget=80 + 6 * 11 + 30 * (seed % 2), fees=STEEP_FEES)
    solution = on_path(PortfolioModel(candidates, limits, signal_rules=RULES), path).solve()
    expected = brute_force_with_signals(candidates, limits, RULES)
    assert_equals_brute_force(solution, expected, limits, tolerance=1e-5)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("signals", [False, True])
def test_size_by_size_equals_the_single_model_at_many_budgets(signals, path):
    candidates = setup_candidates(900, seed=11, specialties=THREE, signal_kinds=KINDS if signals else None)
    limits = setup_limits(min_programs=40, max_programs=150, budget=2000)
    model = on_path(PortfolioModel(candidates, limits, signal_rules=RULES if signals else None), path)
    for budget in (500, 700, 900, 1300, 2000, 9000):
        searched = model.solve(budget_usd=budget)
        single = single_model(model, budget)
        assert searched.status == single.status
        if single.objective is None:
            continue
        assert searched.status == "optimal" and searched.gap == 0.0
        assert searched.objective == pytest.approx(single.objective, abs=1e-6)
        assert violations(list(searched.chosen), replace(limits, budget_usd=budget)) == []


@pytest.mark.parametrize("path", PATHS)
def test_each_specialty_is_priced_exactly_by_the_model(path):
    candidates = setup_candidates(600, seed=4, specialties=THREE, signal_kinds=KINDS)
    limits = setup_limits(min_programs=30, max_programs=120, budget=1700)
    model = on_path(PortfolioModel(candidates, limits, signal_rules=RULES), path)
    for budget in (900, 1300, 1700):
        solution = model.solve(budget_usd=budget)
        cost = list_cost(solution.chosen, limits.fees)
        counts = {}
        for c in solution.chosen:
            counts[c.program.specialty] = counts.get(c.program.specialty, 0) + 1
        assert len(counts) == 3
        assert cost.per_specialty == {s: limits.fees.specialty_fee(n) for s, n in counts.items()}
        assert budget_activity_usd(model, solution.values) == pytest.approx(cost.total_usd, abs=1e-9)
        assert cost.total_usd <= budget


@pytest.mark.parametrize("path", PATHS)
def test_the_search_is_deterministic(path):
    candidates = setup_candidates(900, seed=2, specialties=THREE, signal_kinds=KINDS)
    limits = setup_limits(min_programs=40, max_programs=150, budget=1400)
    runs = [on_path(PortfolioModel(candidates, limits, signal_rules=RULES), path).solve() for _ in range(2)]
    assert runs[0].values == runs[1].values


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("signals", [False, True])
def test_a_model_kept_to_its_largest_budget_has_the_same_optimum(signals, path):
    candidates = setup_candidates(900, seed=8, specialties=THREE, signal_kinds=KINDS if signals else None)
    limits = setup_limits(min_programs=40, max_programs=200, budget=1200)
    rules = RULES if signals else None
    full = PortfolioModel(candidates, limits, signal_rules=rules)
    for budget in (700, 1200, 2500):
        kept = on_path(PortfolioModel(candidates, limits, signal_rules=rules, max_budget_usd=budget), path)
        assert len(kept.items) < len(full.items)
        small, large = kept.solve(budget_usd=budget), single_model(full, budget)
        assert small.status == large.status == "optimal"
        assert small.objective == pytest.approx(large.objective, abs=1e-6)


def test_a_kept_model_refuses_a_larger_budget():
    candidates = setup_candidates(300, seed=1, specialties=THREE)
    model = PortfolioModel(candidates, setup_limits(min_programs=20, max_programs=60, budget=900),
                           max_budget_usd=900)
    with pytest.raises(ValueError, match="max_budget_usd"):
        model.solve(budget_usd=1000)
