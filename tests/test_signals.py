"""Signals chosen with the list: brute force, allowances, fixed choices, and joint >= list-then-signal."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from optimizer.solver.constraints import violations
from optimizer.solver.optimize import default_value, explain_signals, solve_portfolio
from optimizer.model.signals import SignalRule, SignalSetup, signal_rules
from tests.helpers import setup_candidates, setup_limits

IM_RULES = {"Internal Medicine": SignalRule("Internal Medicine", (("gold", 1), ("silver", 1)), "institution",
                                            ("Internal Medicine (Preliminary)",))}
FM_RULES = {"Family Medicine": SignalRule("Family Medicine", (("standard", 2),))}
KINDS = {"Internal Medicine": (("gold", 3.0), ("silver", 1.8)), "Family Medicine": (("standard", 2.5),),
         "Internal Medicine (Preliminary)": (("gold", 3.0), ("silver", 1.8))}


def brute_force(candidates, limits, rules):
    """Best objective over every list and every placement of signals on the units the list touches."""
    setup = SignalSetup(rules, candidates)
    pool = [c for c in candidates if c.eligible]
    best = None
    for n in range(limits.min_programs, limits.max_programs + 1):
        for subset in itertools.combinations(pool, n):
            if violations(list(subset), limits):
                continue
            units = sorted({setup.unit_of(c) for c in subset if setup.unit_of(c) and c.p_with_signal})
            choices = [[None] + [k for k, _ in rules[u[0]].allowance] for u in units]
            for kinds in itertools.product(*choices):
                used = {}
                for u, k in zip(units, kinds):
                    if k:
                        used[(u[0], k)] = used.get((u[0], k), 0) + 1
                if any(v > setup.allowance(s, k) for (s, k), v in used.items()):
                    continue
                if any(setup.fixed_kind(u) not in (None, k) for u, k in zip(units, kinds)):
                    continue
                placed = dict(zip(units, kinds))
                value = sum(default_value(c, placed.get(setup.unit_of(c)) if placed.get(setup.unit_of(c)) in
                                          dict(c.p_with_signal) else None) for c in subset)
                best = value if best is None or value > best else best
    return best


def with_prelim_tracks(candidates):
    """Give a few IM programs a preliminary track at the same institution and city."""
    out = list(candidates)
    for c in candidates[:3]:
        if c.program.specialty == "Internal Medicine" and c.eligible:
            out.append(replace(c, program=replace(c.program, program_id=c.program_id + "-P",
                                                  specialty="Internal Medicine (Preliminary)")))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_brute_force_confirms_the_joint_optimum(seed):
    rules = {**IM_RULES, **FM_RULES}
    candidates = setup_candidates(9, seed=seed, specialties=("Internal Medicine", "Family Medicine"),
                                  eligible_share=1.0, signal_kinds=KINDS)
    candidates = with_prelim_tracks(candidates)
    limits = setup_limits(min_programs=4, max_programs=5, budget=1000,
                          bands={"reach": (0, 1), "core": (0, 1), "safety": (0, 1)})
    solution = solve_portfolio(candidates, limits, signal_rules=rules)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(brute_force(candidates, limits, rules), abs=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_allowances_hold_and_joint_beats_list_then_signal(seed):
    rules = signal_rules("2026")
    kinds = {s: tuple((k, m) for k, m in (("gold", 3.0), ("silver", 1.8), ("standard", 2.5))
                      if k in dict(r.allowance)) for s, r in rules.items()}
    candidates = setup_candidates(700, seed=seed, specialties=("Internal Medicine", "Family Medicine"),
                                  signal_kinds=kinds)
    limits = setup_limits(min_programs=80, max_programs=120, budget=1800 + 400 * seed)
    solution = solve_portfolio(candidates, limits, signal_rules=rules)
    setup = SignalSetup(rules, candidates)
    units = {}
    by_id = {c.program_id: c for c in solution.chosen}
    for pid, kind in solution.signals.items():
        assert pid in by_id, "a signal must go to a program on the list"
        units[setup.unit_of(by_id[pid])] = kind
    counts = {}
    for unit, kind in units.items():
        counts[(unit[0], kind)] = counts.get((unit[0], kind), 0) + 1
    for (specialty, kind), n in counts.items():
        assert n <= setup.allowance(specialty, kind)
    assert counts.get(("Internal Medicine", "gold")) == 3 and counts.get(("Family Medicine", "standard")) == 5
    report = explain_signals(candidates, limits, solution, rules)
    assert report.joint >= report.list_then_signal - 1e-6 >= report.no_signals - 1e-6
    assert violations(list(solution.chosen), limits) == []


def test_a_fixed_signal_is_kept_and_a_refusing_program_gets_none():
    rules = {**IM_RULES, **FM_RULES}
    candidates = setup_candidates(200, seed=3, signal_kinds=KINDS)
    eligible_fm = [c for c in candidates if c.eligible and c.program.specialty == "Family Medicine"]
    weakest = min(eligible_fm, key=lambda c: c.p_interview)
    best = max(eligible_fm, key=lambda c: c.p_interview)
    changed = []
    for c in candidates:
        if c.program_id == weakest.program_id:
            c = replace(c, program=replace(c.program, signal="standard"))
        if c.program_id == best.program_id:  # does not accept signals: no signal kinds when scored
            c = replace(c, program=replace(c.program, accepts_signals=False), p_with_signal=())
        changed.append(c)
    limits = setup_limits(min_programs=20, max_programs=30, budget=3000)
    solution = solve_portfolio(changed, limits, signal_rules=rules)
    assert solution.signals.get(weakest.program_id) == "standard"
    assert best.program_id not in solution.signals
    assert best.program_id in {c.program_id for c in solution.chosen}


def test_a_fixed_signal_the_program_cannot_take_is_refused_naming_the_sheet_and_row():
    from optimizer.errors import InputError
    from optimizer.model.signals import check_fixed_signals

    candidates = setup_candidates(30, seed=1, signal_kinds=KINDS, specialties=("Family Medicine",))
    target = next(c for c in candidates if c.eligible)
    wrong = replace(target, program=replace(target.program, signal="gold", row=7))
    changed = [wrong if c.program_id == target.program_id else c for c in candidates]
    with pytest.raises(InputError) as caught:
        check_fixed_signals(changed, FM_RULES, "my_programs.xlsx")
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == ("my_programs.xlsx", 7, "signal", "gold")
    assert "standard" in problem.message
