"""A solver-neutral integer linear model, and the two backends that solve it (OR-Tools CP-SAT, PuLP).

Both backends report through `_status`, which maps their statuses to SmartPick's own: optimal, feasible (with
its proven gap), infeasible, time_limit (no list found in the time allowed).
"""

from __future__ import annotations

import contextlib
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
    import math

    return int(math.floor(x + 1e-9)) if up else int(math.ceil(x - 1e-9))


def _sat_parameters(params, time_limit: float | None) -> None:
    """The CP-SAT settings SmartPick uses, set on a SatParameters message."""
    params.num_workers = 1  # with a fixed seed: the same inputs give the same list every time
    # Ctrl-C is the caller's: CP-SAT catching it would end the search early and return that list as a result
    params.catch_sigint_signal = False
    params.random_seed = 0
    # the LP relaxation of the signal constraints is what proves optimality quickly (level 1 left a 7% gap
    # open for a minute on 10,000 programs with signals; level 2 closes it in under a second); probing at
    # presolve costs more than it saves on these models (measured: 17 budgets, 2.4 s -> 1.1 s)
    params.linearization_level = 2
    params.cp_model_probing_level = 0
    if time_limit:
        params.max_time_in_seconds = float(time_limit)


def _domain(lo: float, hi: float) -> list[int]:
    return [-(2**62) if lo == float("-inf") else _bound_int(lo, up=False),
            2**62 if hi == float("inf") else _bound_int(hi, up=True)]


class CpSatBackend:
    """OR-Tools CP-SAT, fed the model as its protocol buffer through `cp_model_helper`: the same solver as
    `cp_model.CpModel`, without importing `cp_model` (which imports pandas: a quarter of a second at start)."""

    name = "cpsat"

    def __init__(self, model: LinearModel):
        from ortools.sat.python import cp_model_helper as cmh

        self._cmh = cmh
        self.model = model
        proto = self.proto = cmh.CpModelProto()
        for lo, hi in zip(model.lower, model.upper):
            proto.variables.add().domain.extend([lo, hi])
        self.row_protos = []
        for _name, coefs, lo, hi in model.rows:
            linear = proto.constraints.add().linear
            linear.vars.extend(list(coefs))
            linear.coeffs.extend(list(coefs.values()))
            linear.domain.extend(_domain(lo, hi))
            self.row_protos.append(linear)
        # maximize: CP-SAT minimizes, so the coefficients are negated and the scaling factor is -1
        objective = proto.objective
        objective.vars.extend(list(model.objective))
        objective.coeffs.extend([-round(c * OBJECTIVE_SCALE) for c in model.objective.values()])
        objective.scaling_factor = -1.0

    def set_objective(self, objective: dict[int, float]) -> None:
        """Replace the objective's coefficients (same variables or fewer)."""
        self.model.objective = dict(objective)
        proto = self.proto.objective
        proto.vars.clear()
        proto.coeffs.clear()
        proto.vars.extend(list(objective))
        proto.coeffs.extend([-round(c * OBJECTIVE_SCALE) for c in objective.values()])

    def set_row_upper(self, row: int, hi: float) -> None:
        """Change one row's upper limit (the frontier moves the budget row)."""
        domain = self.row_protos[row].domain
        lo = self.model.rows[row][2]
        domain.clear()
        domain.extend(_domain(lo, hi))

    def solve(self, time_limit: float | None = None, hint: tuple[int, ...] | None = None) -> RawSolution:
        """Solve; `hint` (the values of an earlier solution, e.g. at a nearby budget) is where the search starts."""
        cmh = self._cmh
        self.proto.clear_solution_hint()
        if hint is not None:
            self.proto.solution_hint.vars.extend(range(len(hint)))
            self.proto.solution_hint.values.extend(list(hint))
        params = cmh.SatParameters()
        _sat_parameters(params, time_limit)
        wrapper = cmh.SolveWrapper()
        wrapper.set_parameters(params)
        start = time.perf_counter()
        response = wrapper.solve(self.proto)
        seconds = time.perf_counter() - start
        status = response.status
        if status in (cmh.CpSolverStatus.OPTIMAL, cmh.CpSolverStatus.FEASIBLE):
            values = tuple(int(v) for v in response.solution)
            objective = sum(c * values[i] for i, c in self.model.objective.items())
            bound = response.best_objective_bound / OBJECTIVE_SCALE
            label = "optimal" if status == cmh.CpSolverStatus.OPTIMAL else "feasible"
            return RawSolution(label, values, objective, max(bound, objective), seconds)
        if status == cmh.CpSolverStatus.INFEASIBLE:
            return RawSolution("infeasible", None, None, None, seconds)
        if status == cmh.CpSolverStatus.MODEL_INVALID:
            raise RuntimeError("CP-SAT found the model invalid: a bug in SmartPick's model building")
        return RawSolution("time_limit", None, None, None, seconds)


class PulpBackend:
    """PuLP with HiGHS when it is installed, else CBC. A time-limited CBC run says "Optimal" in its status: the
    solution status (sol_status) is what tells a proven optimum from a feasible list."""

    name = "pulp"

    def __init__(self, model: LinearModel):
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
