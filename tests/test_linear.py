"""Backends report SmartPick's own statuses: a time-limited PuLP/CBC answer is never called optimal."""

from __future__ import annotations

import pulp

from optimizer.solver.linear import CpSatBackend, LinearModel, PulpBackend


def small_model() -> LinearModel:
    m = LinearModel()
    a = m.var("a", objective=3.0)
    b = m.var("b", objective=2.0)
    c = m.var("c", objective=1.0)
    m.row("at most two", {a: 1, b: 1, c: 1}, hi=2)
    return m


def test_both_backends_solve_a_small_model_optimally():
    for backend in (CpSatBackend, PulpBackend):
        raw = backend(small_model()).solve()
        assert raw.status == "optimal"
        assert raw.values == (1, 1, 0) and raw.objective == 5.0


def test_pulp_time_limited_optimal_status_with_a_feasible_solution_is_feasible(monkeypatch):
    backend = PulpBackend(small_model())

    def fake_solve(solver):
        # what CBC does when its time limit stops it: status "Optimal" (1), solution status integer feasible (2)
        backend.problem.status = pulp.LpStatusOptimal
        backend.problem.sol_status = pulp.LpSolutionIntegerFeasible
        for var, value in zip(backend.vars, (1, 0, 1)):
            var.varValue = value
        return 1

    monkeypatch.setattr(backend.problem, "solve", fake_solve)
    raw = backend.solve(time_limit=1)
    assert raw.status == "feasible"
    assert raw.objective == 4.0


def test_pulp_no_solution_in_time_is_time_limit(monkeypatch):
    backend = PulpBackend(small_model())

    def fake_solve(solver):
        backend.problem.status = pulp.LpStatusNotSolved
        backend.problem.sol_status = pulp.LpSolutionNoSolutionFound
        return 0

    monkeypatch.setattr(backend.problem, "solve", fake_solve)
    assert backend.solve(time_limit=1).status == "time_limit"


def test_cpsat_infeasible_is_reported():
    m = small_model()
    m.row("impossible", {0: 1}, lo=2)
    assert CpSatBackend(m).solve().status == "infeasible"


def test_moving_a_row_and_starting_from_a_hint_give_the_fresh_optimum():
    for backend_class in (CpSatBackend, PulpBackend):
        backend = backend_class(small_model())
        first = backend.solve()
        backend.set_row_upper(0, 1)
        moved = backend.solve(hint=first.values)
        assert moved.status == "optimal" and moved.values == (1, 0, 0) and moved.objective == 3.0
        fresh = small_model()
        fresh.rows[0] = ("at most one", fresh.rows[0][1], float("-inf"), 1)
        assert backend_class(fresh).solve().values == moved.values


def test_cpsat_objective_can_be_replaced():
    backend = CpSatBackend(small_model())
    backend.set_objective({0: 1.0, 1: 2.0, 2: 3.0})
    raw = backend.solve()
    assert raw.status == "optimal" and raw.values == (0, 1, 1) and raw.objective == 5.0
