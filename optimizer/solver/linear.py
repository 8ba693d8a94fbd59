"""A solver-neutral integer linear model, and the two backends that solve it (OR-Tools CP-SAT, PuLP).

Both backends report through `_status`, which maps their statuses to SmartPick's own: optimal, feasible (with
its proven gap), infeasible, time_limit (no list found in the time allowed).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from dataclasses import dataclass, field

OBJECTIVE_SCALE = 1_000_000  # CP-SAT needs integer objective coefficients: values are kept to 1e-6


@dataclass
class LinearModel:
    """Maximize sum(objective[v] * v) subject to rows lo <= sum(coef * var) <= hi; variables are integers."""

    names: list[str] = field(default_factory=list)
    lower: list[int] = field(default_factory=list)
    upper: list[int] = field(default_factory=list)
    objective: dict[int, float] = field(default_factory=dict)
    rows: list[tuple[str, dict[int, int], float, float]] = field(default_factory=list)  # name, coefs, lo, hi

    def var(self, name: str, lower: int = 0, upper: int = 1, objective: float = 0.0) -> int:
        self.names.append(name)
        self.lower.append(lower)
        self.upper.append(upper)
        index = len(self.names) - 1
        if objective:
            self.objective[index] = objective
        return index

    def row(self, name: str, coefs: dict[int, int], lo: float = float("-inf"), hi: float = float("inf")) -> int:
        self.rows.append((name, coefs, lo, hi))
        return len(self.rows) - 1


@dataclass(frozen=True)
class RawSolution:
    status: str  # optimal, feasible, infeasible, time_limit
    values: tuple[int, ...] | None
    objective: float | None
    bound: float | None
    seconds: float


def _bound_int(x: float, up: bool) -> int:
    return int(math.floor(x + 1e-9)) if up else int(math.ceil(x - 1e-9))


# The CP-SAT settings SmartPick uses (SatParameters, in their text format):
# - one worker with a fixed seed: the same inputs give the same list every time;
# - linearization level 2: the LP relaxation of the signal constraints is what proves optimality quickly (level 1
#   left a 7% gap open for a minute on 10,000 programs with signals; level 2 closes it in under a second);
# - no probing at presolve: it costs more than it saves on these models (measured: 17 budgets, 2.4 s -> 1.1 s);
# - Ctrl-C is the caller's: CP-SAT catching it would end the search early and return that list as a result.
SAT_PARAMETERS = ("num_workers:1", "random_seed:0", "linearization_level:2", "cp_model_probing_level:0",
                  "catch_sigint_signal:false")


class CpSatBackend:
    """OR-Tools CP-SAT through OR-Tools' documented linear-solver API (`ortools.linear_solver.pywraplp`, solver
    "CP-SAT"): the same solver and parameters as `ortools.sat.python.cp_model`, whose import also imports pandas
    (about a quarter of a second at every start, measured in benchmarks/RESULTS.md). The model's integer
    coefficients reach CP-SAT unchanged; the objective is scaled to integers as CP-SAT needs."""

    name = "cpsat"

    def __init__(self, model: LinearModel):
        # ortools takes 0.07-0.41 s to import (measured): loaded only when this runs
        from ortools.linear_solver import pywraplp

        self._pywraplp = pywraplp
        self.model = model
        solver = self.solver = pywraplp.Solver.CreateSolver("CP-SAT")
        if solver is None:
            raise RuntimeError("this OR-Tools installation has no CP-SAT solver")
        infinity = solver.infinity()
        self.vars = [solver.IntVar(lo, hi, name) for name, lo, hi in zip(model.names, model.lower, model.upper)]
        self.rows = []
        for _name, coefs, lo, hi in model.rows:
            row = solver.Constraint(-infinity if lo == float("-inf") else _bound_int(lo, up=False),
                                    infinity if hi == float("inf") else _bound_int(hi, up=True))
            for i, c in coefs.items():
                row.SetCoefficient(self.vars[i], c)
            self.rows.append(row)
        self.objective = solver.Objective()
        self.cutoff = solver.Constraint(-infinity, infinity)  # objective >= a value, when set_cutoff asks
        self.set_objective(model.objective)

    def set_objective(self, objective: dict[int, float]) -> None:
        """Replace the objective (maximized; values kept to 1e-6 as integer coefficients)."""
        self.model.objective = dict(objective)
        self.objective.Clear()
        self.cutoff.Clear()
        self.scaled = {i: round(c * OBJECTIVE_SCALE) for i, c in objective.items()}
        for i, c in self.scaled.items():
            self.objective.SetCoefficient(self.vars[i], c)
            self.cutoff.SetCoefficient(self.vars[i], c)
        self.objective.SetMaximization()

    def scaled_objective(self, values: tuple[int, ...]) -> int:
        """The objective of `values` as CP-SAT counts it (integer coefficients)."""
        return sum(c * values[i] for i, c in self.scaled.items())

    def set_cutoff(self, at_least: int | None) -> None:
        """Accept only solutions whose scaled objective is at least `at_least` (None: any)."""
        self.cutoff.SetLb(-self.solver.infinity() if at_least is None else at_least)

    def set_bounds(self, var: int, lo: int, hi: int) -> None:
        """Change one variable's bounds (the list size, when the search goes size by size)."""
        self.vars[var].SetBounds(lo, hi)

    def set_row_upper(self, row: int, hi: float) -> None:
        """Change one row's upper limit (the frontier moves the budget row)."""
        self.rows[row].SetUb(self.solver.infinity() if hi == float("inf") else _bound_int(hi, up=True))

    def solve(self, time_limit: float | None = None, hint: tuple[int, ...] | None = None,
              effort: float | None = None) -> RawSolution:
        """Solve; `hint` (the values of an earlier solution, e.g. at a nearby budget) is where the search starts;
        `effort` stops the search after that much deterministic time (reproducible, unlike seconds)."""
        pywraplp, solver = self._pywraplp, self.solver
        parameters = list(SAT_PARAMETERS)
        if time_limit:
            parameters.append(f"max_time_in_seconds:{float(time_limit)}")
        if effort:
            parameters.append(f"max_deterministic_time:{float(effort)}")
        if not solver.SetSolverSpecificParametersAsString(" ".join(parameters)):
            raise RuntimeError(f"CP-SAT refused SmartPick's parameters: {' '.join(parameters)}")
        if hint is not None:
            solver.SetHint(self.vars, [float(v) for v in hint])
        else:
            solver.SetHint([], [])
        start = time.perf_counter()
        status = solver.Solve()
        seconds = time.perf_counter() - start
        if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            values = tuple(int(round(v.solution_value())) for v in self.vars)
            objective = sum(c * values[i] for i, c in self.model.objective.items())
            bound = self.objective.BestBound() / OBJECTIVE_SCALE
            label = "optimal" if status == pywraplp.Solver.OPTIMAL else "feasible"
            return RawSolution(label, values, objective, max(bound, objective), seconds)
        if status == pywraplp.Solver.INFEASIBLE:
            return RawSolution("infeasible", None, None, None, seconds)
        if status in (pywraplp.Solver.MODEL_INVALID, pywraplp.Solver.ABNORMAL):
            raise RuntimeError("CP-SAT found the model invalid: a bug in SmartPick's model building")
        return RawSolution("time_limit", None, None, None, seconds)


class PulpBackend:
    """PuLP with HiGHS when it is installed, else CBC. A time-limited CBC run says "Optimal" in its status: the
    solution status (sol_status) is what tells a proven optimum from a feasible list."""

    name = "pulp"

    def __init__(self, model: LinearModel):
        # pulp takes 0.15 s to import (measured): loaded only when this runs
        import pulp

        self._pulp = pulp
        self.model = model
        self.problem = pulp.LpProblem("application_list", pulp.LpMaximize)
        # PuLP 3.3 attaches variables to the problem; older releases construct them on their own
        make = getattr(self.problem, "add_variable", None) or pulp.LpVariable
        self.vars = [make(f"v{i}", lowBound=lo, upBound=hi, cat="Integer")
                     for i, (lo, hi) in enumerate(zip(model.lower, model.upper))]
        self.problem += pulp.lpSum(c * self.vars[i] for i, c in model.objective.items())
        # row k becomes constraints named r{k}_lo and r{k}_hi (set_row_upper finds the upper one by name)
        for k, (_name, coefs, lo, hi) in enumerate(model.rows):
            expr = pulp.lpSum(c * self.vars[i] for i, c in coefs.items())
            if lo != float("-inf"):
                self.problem += expr >= lo, f"r{k}_lo"
            if hi != float("inf"):
                self.problem += expr <= hi, f"r{k}_hi"

    def set_objective(self, objective: dict[int, float]) -> None:
        """Replace the objective's coefficients."""
        self.model.objective = dict(objective)
        self.problem.setObjective(self._pulp.lpSum(c * self.vars[i] for i, c in objective.items()))

    def set_row_upper(self, row: int, hi: float) -> None:
        name = f"r{row}_hi"
        get = getattr(self.problem, "get_constraint_by_name", None)
        constraint = get(name) if get else self.problem.constraints[name]
        constraint.constant = -hi

    def _solver(self, time_limit):
        pulp = self._pulp
        options = dict(msg=False)
        if time_limit:
            options["timeLimit"] = float(time_limit)
        if "HiGHS" in pulp.listSolvers(onlyAvailable=True):
            return pulp.HiGHS(**options), "HiGHS"
        return pulp.PULP_CBC_CMD(**options), "CBC"

    def solve(self, time_limit: float | None = None, hint: tuple[int, ...] | None = None) -> RawSolution:
        """Solve with PuLP (the hint is not used: PuLP's solvers take no warm start through this interface)."""
        pulp = self._pulp
        solver, self.solver_name = self._solver(time_limit)
        start = time.perf_counter()
        with _quiet_stdout():  # HiGHS prints a banner even with msg=False; --json output must stay clean
            self.problem.solve(solver)
        seconds = time.perf_counter() - start
        status, sol_status = self.problem.status, self.problem.sol_status
        if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
            return RawSolution("infeasible", None, None, None, seconds)
        if sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            values = tuple(int(round(v.value() or 0)) for v in self.vars)
            objective = sum(c * values[i] for i, c in self.model.objective.items())
            if sol_status == pulp.LpSolutionOptimal:
                return RawSolution("optimal", values, objective, objective, seconds)
            return RawSolution("feasible", values, objective, self._dual_bound(objective), seconds)
        return RawSolution("time_limit", None, None, None, seconds)

    def _dual_bound(self, objective: float) -> float | None:
        """HiGHS reports its proven bound; CBC through PuLP does not, so the gap is then unknown (None)."""
        try:
            info = self.problem.solverModel.getInfo()
            return max(float(info.mip_dual_bound), objective)
        except Exception:  # noqa: BLE001 - any solver without the attribute: gap unknown
            return None


@contextlib.contextmanager
def _quiet_stdout():
    """Silence what a solver library writes to the process's standard output (file descriptor 1)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


BACKENDS = {"cpsat": CpSatBackend, "pulp": PulpBackend}
