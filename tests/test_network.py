"""The network path of PortfolioModel.solve (optimizer/solver/network.py): when it applies, that its answers are
the optimum (brute force, CP-SAT), that its bounds on other list sizes hold, and that any doubt goes to CP-SAT."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from optimizer.solver import network
from optimizer.solver.constraints import list_cost, violations
from optimizer.solver.optimize import PortfolioModel
from tests.helpers import FEES_2026, setup_candidates, setup_limits
from tests.test_signals import FM_RULES, IM_RULES, brute_force, with_prelim_tracks
from tests.test_signals import KINDS as PRELIM_KINDS
from tests.test_size_search import KINDS, RULES, STEEP_FEES, THREE, assert_equals_brute_force

FIRST_BLOCK_FEES = {"season": "test", "transcript_fee_usd": 80,
                    "fees": {"first_block_programs": 3, "first_block_usd": 40, "per_program": [{"from": 4, "usd": 20}]}}
THREE_PRICES = {"season": "test", "transcript_fee_usd": 80,
                "fees": {"per_program": [{"from": 1, "to": 2, "usd": 11}, {"from": 3, "to": 4, "usd": 20},
                                         {"from": 5, "usd": 30}]}}
ONE_PRICE = {"season": "test", "transcript_fee_usd": 80, "fees": {"per_program": [{"from": 1, "usd": 25}]}}


def cpsat(model: PortfolioModel, budget: float, size: int | None = None):
    """CP-SAT's optimum on the same model (with the network switched off), at one list size if given."""
    saved, model.network = model.network, None
    try:
        if size is None:
            return model.solve(budget_usd=budget)
        model.backend.set_row_upper(model.budget_row, model._budget_cents(budget))
        model.backend.set_bounds(model.count_var, size, size)
        try:
            return model._read(model.backend.solve(), budget)
        finally:
            model.backend.set_bounds(model.count_var, 0, model.longest)
    finally:
        model.network = saved


def network_equals_brute_force(candidates, limits):
    """Solve on the network path and check it against brute force: the solution, or None when nothing fits."""
    model = PortfolioModel(candidates, limits, signal_rules=RULES)
    assert model.network is not None
    solution = model.solve()
    expected = brute_force([c for c in candidates if c.program_id not in limits.never], limits, RULES)
    assert_equals_brute_force(solution, expected, limits, tolerance=1e-9)
    if expected is None:
        return None
    assert solution.gap == 0.0
    return solution


def test_the_usual_problem_is_a_network_and_other_shapes_are_not():
    candidates = setup_candidates(60, seed=1, specialties=THREE, signal_kinds=KINDS)
    limits = setup_limits(min_programs=10, max_programs=20, budget=600)
    assert PortfolioModel(candidates, limits, signal_rules=RULES).network is not None
    assert PortfolioModel(candidates, setup_limits(10, 20, 600, fees=ONE_PRICE)).network is not None
    assert PortfolioModel(candidates, replace(limits, max_per_specialty={"Psychiatry": 3})).network is not None
    # limits per region or state: taken (their rows may make a corner fractional: checked, and CP-SAT decides)
    assert PortfolioModel(candidates, replace(limits, min_per_region={"home metro": 2})).network is not None
    assert PortfolioModel(candidates, replace(limits, max_per_state={"IL": 5})).network is not None
    # a flat first block, three prices: CP-SAT
    assert PortfolioModel(candidates, setup_limits(10, 20, 600, fees=FIRST_BLOCK_FEES)).network is None
    assert PortfolioModel(candidates, setup_limits(10, 20, 600, fees=THREE_PRICES)).network is None
    # an IM signal covering an institution's categorical and preliminary tracks: taken (columns per listed tracks)
    im = setup_candidates(12, seed=3, specialties=("Internal Medicine", "Family Medicine"), eligible_share=1.0,
                          signal_kinds=PRELIM_KINDS)
    assert PortfolioModel(with_prelim_tracks(im), limits, signal_rules={**IM_RULES, **FM_RULES}).network is not None
    # ... unless one institution has more tracks than network.MAX_UNIT
    first = next(c for c in im if c.program.specialty == "Internal Medicine")
    first = replace(first, program=replace(first.program, institution="Crowded Hospital"))
    crowded = [first if c.program_id == first.program_id else c for c in im]
    crowded += [replace(first, program=replace(first.program, program_id=f"{first.program_id}-P{k}",
                                               specialty="Internal Medicine (Preliminary)"))
                for k in range(network.MAX_UNIT)]
    assert PortfolioModel(crowded, limits, signal_rules={**IM_RULES, **FM_RULES}).network is None


@pytest.mark.parametrize("seed", range(6))
def test_institution_signals_over_two_tracks_equal_brute_force(seed):
    # one IM signal counts for the categorical and the preliminary track of its institution
    rules = {**IM_RULES, **FM_RULES}
    candidates = with_prelim_tracks(setup_candidates(9, seed=seed, specialties=("Internal Medicine", "Family Medicine"),
                                                     eligible_share=1.0, signal_kinds=PRELIM_KINDS))
    limits = setup_limits(min_programs=4, max_programs=5, budget=1000,
                          bands={"reach": (0, 1), "core": (0, 1), "safety": (0, 1)})
    model = PortfolioModel(candidates, limits, signal_rules=rules)
    assert model.network is not None
    solution = model.solve()
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(brute_force(candidates, limits, rules), abs=1e-9)
    assert solution.objective == pytest.approx(cpsat(model, 1000).objective, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_must_never_fixed_signals_and_specialty_limits_equal_brute_force(seed):
    candidates = setup_candidates(10, seed=seed, specialties=THREE, eligible_share=1.0, signal_kinds=KINDS)
    # the applicant fixed one signal (the sheet's signal column): it stays, on its program
    fixed = next(c for c in candidates if c.p_with_signal)
    kind = fixed.p_with_signal[-1][0]
    candidates = [replace(c, program=replace(c.program, signal=kind)) if c is fixed else c for c in candidates]
    eligible = [c.program_id for c in candidates if c.eligible and c is not fixed]
    limits = setup_limits(min_programs=4, max_programs=6, budget=80 + 5 * 11 + 30 * (seed % 2), fees=STEEP_FEES,
                          must=frozenset(eligible[:1]), never=frozenset(eligible[1:2]),
                          max_per_specialty={"Psychiatry": 2})
    solution = network_equals_brute_force(candidates, limits)
    if solution is not None:
        assert solution.signals[fixed.program_id] == kind


@pytest.mark.parametrize("fees", [STEEP_FEES, ONE_PRICE, FEES_2026], ids=["steep", "one price", "2026"])
@pytest.mark.parametrize("signals", [False, True])
def test_equals_cpsat_at_every_budget_and_prices_each_specialty_exactly(fees, signals):
    candidates = setup_candidates(700, seed=5, specialties=(*THREE, "Pediatrics"),
                                  signal_kinds=KINDS if signals else None)
    limits = setup_limits(min_programs=30, max_programs=160, budget=3000, fees=fees)
    model = PortfolioModel(candidates, limits, signal_rules=RULES if signals else None, max_budget_usd=3000)
    assert model.network is not None
    for budget in range(300, 3001, 225):
        fast, exact = model.solve(budget_usd=budget), cpsat(model, budget)
        assert fast.status == exact.status
        if exact.objective is None:
            continue
        assert fast.status == "optimal"
        assert fast.objective == pytest.approx(exact.objective, abs=1e-6)
        cost = list_cost(fast.chosen, limits.fees)
        assert cost.total_usd <= budget + 1e-9
        assert fast.cost == cost
        assert violations(list(fast.chosen), replace(limits, budget_usd=budget)) == []


@pytest.mark.parametrize("signals", [False, True])
def test_the_bound_on_every_size_holds(signals):
    # the duals of one size's linear program bound every other size's best list (CP-SAT, size fixed)
    candidates = setup_candidates(300, seed=9, specialties=THREE, signal_kinds=KINDS if signals else None)
    limits = setup_limits(min_programs=20, max_programs=60, budget=1100)
    model = PortfolioModel(candidates, limits, signal_rules=RULES if signals else None)
    net, budget = model.network, 1100
    objective = net._set_objective()
    status, x, y = net._solve_size(45, budget)
    assert status == "optimal"
    sizes = np.arange(20, 61)
    bound = net._bound(objective, y, net._size_rows(sizes, budget))
    assert bound[sizes == 45][0] == pytest.approx(objective @ np.round(x), abs=1e-7)  # tight where it was solved
    for n, b in zip(sizes, bound):
        best = cpsat(model, budget, size=int(n))
        if best.objective is not None:
            assert best.objective <= b + 1e-7, n


def test_a_failed_check_hands_the_budget_to_cpsat(monkeypatch):
    candidates = setup_candidates(400, seed=4, specialties=THREE, signal_kinds=KINDS)
    limits = setup_limits(min_programs=30, max_programs=90, budget=1200)
    expected = cpsat(PortfolioModel(candidates, limits, signal_rules=RULES), 1200)
    calls = []

    def fractional(self, n, budget):
        status, x, y = original(self, n, budget)
        calls.append(n)
        if x is not None:
            x = x.copy()
            x[0] = 0.5  # not a corner with whole numbers
        return status, x, y

    original = network.SizeNetwork._solve_size
    monkeypatch.setattr(network.SizeNetwork, "_solve_size", fractional)
    model = PortfolioModel(candidates, limits, signal_rules=RULES)
    solution = model.solve()
    assert calls, "the network was tried first"
    assert model._backend is not None, "CP-SAT answered"
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(expected.objective, abs=1e-6)


def test_a_list_breaking_a_limit_is_never_returned(monkeypatch):
    # the check reads the list as compare does: a list over an allowance (say a solver's slip) goes to CP-SAT
    candidates = setup_candidates(400, seed=6, specialties=THREE, signal_kinds=KINDS)
    limits = setup_limits(min_programs=30, max_programs=90, budget=1200)
    model = PortfolioModel(candidates, limits, signal_rules=RULES)
    monkeypatch.setattr(model.signals, "allowance", lambda specialty, kind: 0)
    assert not model.network._meets_every_limit(*_best(model, 1200))


def _best(model, budget):
    objective = model.network._set_objective()
    n = model._longest_affordable(budget)
    status, x, _ = model.network._solve_size(n, budget)
    while status != "optimal":
        n -= 1
        status, x, _ = model.network._solve_size(n, budget)
    assert objective @ np.round(x) > 0
    return np.round(x), n, budget


def test_reweighing_changes_the_network_objective():
    # the risk objectives solve the same model for another value: the network follows
    candidates = setup_candidates(300, seed=2, specialties=THREE, signal_kinds=KINDS)
    limits = setup_limits(min_programs=20, max_programs=60, budget=900)
    model = PortfolioModel(candidates, limits, signal_rules=RULES)
    first = model.solve()
    # a value that orders each class's programs as weight x chance does (what reweigh asks)
    model.reweigh(lambda c, kind: 0.5 * c.weight * c.p_with(kind) * (1 + c.weight * c.p_with(kind)))
    second, exact = model.solve(), cpsat(model, 900)
    assert second.objective == pytest.approx(exact.objective, abs=1e-6)
    assert second.objective != pytest.approx(first.objective)


def test_ties_are_broken_by_program_id_as_cpsat_does():
    # every program worth the same: within each class (same specialty and tier) the list takes the first programs
    # by program_id (how many from each class is a tie too, which either path may settle its own way)
    candidates = [replace(c, p_interview=0.1, weight=1.0)
                  for c in setup_candidates(200, seed=3, specialties=THREE, eligible_share=1.0)]
    limits = setup_limits(min_programs=20, max_programs=40, budget=700)
    model = PortfolioModel(candidates, limits)
    fast, exact = model.solve(), cpsat(model, 700)
    assert fast.status == exact.status == "optimal"
    assert fast.objective == pytest.approx(exact.objective, abs=1e-9)
    for members in model.classes.values():
        ids = [m.program_id for m in members]
        taken = [pid for pid in ids if pid in {c.program_id for c in fast.chosen}]
        assert taken == ids[:len(taken)]


@pytest.mark.parametrize("limits_change", [
    {"min_per_specialty": {"Psychiatry": 200}},  # more Psychiatry programs than the budget pays for
    {"min_per_specialty": {"Pediatrics": 1}},  # a specialty with no program on the sheet
    {"min_programs": 150},  # longer than any list the budget affords with the tier bands
])
def test_infeasible_limits_are_found_in_a_few_programs(limits_change, monkeypatch):
    candidates = setup_candidates(400, seed=4, specialties=THREE, signal_kinds=KINDS)
    limits = replace(setup_limits(min_programs=30, max_programs=300, budget=1500), **limits_change)
    model = PortfolioModel(candidates, limits, signal_rules=RULES)
    sizes = []
    original = network.SizeNetwork._solve_size
    monkeypatch.setattr(network.SizeNetwork, "_solve_size",
                        lambda self, n, budget: sizes.append(n) or original(self, n, budget))
    solution = model.solve()
    assert solution.status == "infeasible" and not solution.chosen
    assert model._backend is None  # the network said so itself
    assert len(sizes) <= 1
    assert cpsat(model, 1500).status == "infeasible"


@pytest.mark.parametrize("seed", range(6))
def test_limits_per_region_and_state_equal_brute_force(seed):
    candidates = setup_candidates(11, seed=seed, specialties=THREE, eligible_share=1.0, signal_kinds=KINDS)
    limits = setup_limits(min_programs=4, max_programs=6, budget=80 + 5 * 11 + 30 * (seed % 2), fees=STEEP_FEES,
                          min_per_state={"IL": 2}, max_per_region={"elsewhere": 2})
    network_equals_brute_force(candidates, limits)
