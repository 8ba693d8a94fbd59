"""The list size by size, as a network: exact linear programs instead of a branch-and-bound search.

With the list size n fixed, and when
- the ERAS fee is one price per program up to a count and (at most) one higher price after it, the same for every
  specialty (cost = p1 x n + (p2 - p1) x the programs past the cheap block, so the budget caps one total),
- every signal goes to one program of its own specialty (no institution signal covering a second track),
- no limit per region or state is set,
the problem is a flow in a network: each listed program is one unit of flow from its specialty (through that
specialty's cheap or dear fee arc, and through its signal pool when signaled) to its tier; the tier bands, the
per-specialty limits, the signal allowances and the budget are capacities. A network's linear program has whole-
number corners, so OR-Tools' simplex (GLOP) returns the best list of that size exactly, with the prices of its
capacities (the duals). Those prices bound what every other size can reach (weak duality holds for any prices),
so only sizes whose bound beats the best list found are solved: usually one or two linear programs per budget,
against a CP-SAT search of a few hundred milliseconds. Every answer is checked (whole numbers, every limit, the
objective recomputed); a check that fails hands the budget back to CP-SAT.
"""

from __future__ import annotations

import math

import numpy as np

from optimizer.solver.constraints import tier_bounds
from optimizer.model.scoring import TIERS

TOLERANCE = 1e-7  # a size whose bound is within this of the best list cannot beat it by more (values ~1e-2)
WHOLE = 1e-6  # a linear program's value this close to a whole number is that number


def network_ready(model) -> bool:
    """Whether the model's problem is a network at fixed size (see the module's docstring)."""
    limits, fees = model.limits, model.limits.fees
    if fees.first_block_programs or len(fees.tiers) > 2:
        return False
    if limits.min_per_region or limits.max_per_region or limits.min_per_state or limits.max_per_state:
        return False
    members: dict[tuple, list] = {}
    for _, c in model.items:
        if c.p_with_signal:
            members.setdefault(model.signals.unit_of(c), []).append(c)
    return all(len(listed) == 1 and listed[0].program.specialty == unit[0] for unit, listed in members.items()
               if unit is not None)


class SizeNetwork:
    """The fixed-size linear program of a PortfolioModel, solved with GLOP, and the size search over it."""

    def __init__(self, model):
        from ortools.linear_solver import pywraplp

        self.model = model
        limits, fees = model.limits, model.limits.fees
        solver = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("this OR-Tools installation has no GLOP solver")
        self.cheap_block = fees.tiers[0].last if len(fees.tiers) == 2 else None
        self.p1 = fees.tiers[0].usd if fees.tiers else 0.0
        self.p2 = fees.tiers[1].usd if len(fees.tiers) == 2 else None
        # columns: one "listed without a signal" per program, one "listed with a signal of this kind" per signal
        # variable of the CP-SAT model, then per specialty its programs at the dear price
        self.columns: list[tuple[int, object, str | None]] = []  # (CP-SAT variable, candidate, kind or None)
        must = {c.program_id for c in model.must}
        for x, c in model.items:
            self.columns.append((x, c, None))
        for s, c, kind in model.signal_vars:
            self.columns.append((s, c, kind))
        specialties = sorted({c.program.specialty for _, c, _ in self.columns})
        lower, upper = [], []
        for _, c, kind in self.columns:
            fixed = model.signals.fixed_kind(model.signals.unit_of(c)) if c.p_with_signal else None
            if kind is None:
                lower.append(0)
                upper.append(0 if fixed is not None else 1)
            else:
                lower.append(1 if fixed == kind else 0)
                upper.append(0 if fixed is not None and fixed != kind else 1)
        first_dear = len(self.columns)
        for _ in specialties:
            lower.append(0)
            upper.append(limits.max_programs if self.p2 is not None else 0)
        self.dear = dict(zip(specialties, range(first_dear, first_dear + len(specialties))))
        # rows, kept as sparse triples for the bound: (row, column, coefficient)
        rows: list[tuple[float, float]] = []
        triples: list[tuple[int, int, float]] = []

        def row(coefs: dict[int, float], lo: float, hi: float) -> int:
            k = len(rows)
            rows.append((lo, hi))
            for j, a in coefs.items():
                triples.append((k, j, a))
            return k

        by_program: dict[str, list[int]] = {}
        for j, (_, c, _) in enumerate(self.columns):
            by_program.setdefault(c.program_id, []).append(j)
        for program_id, js in by_program.items():
            if len(js) == 1:
                lower[js[0]] = max(lower[js[0]], 1 if program_id in must else 0)
            else:
                # a program is listed once, with at most one signal (a must-apply program: exactly once)
                row({j: 1 for j in js}, 1 if program_id in must else 0, 1)
        listed = range(len(self.columns))
        self.tier_rows = {t: row({j: 1 for j in listed if self.columns[j][1].tier == t}, 0, 0) for t in TIERS}
        self.total_row = row({j: 1 for j in listed}, 0, 0)
        self.specialty_rows = {}
        # a minimum for a specialty with no program here can never be met
        self.unmet_minimum = any(low > 0 for specialty, low in limits.min_per_specialty.items()
                                 if specialty not in specialties)
        for specialty in specialties:
            mine = {j: 1 for j in listed if self.columns[j][1].program.specialty == specialty}
            lo = limits.min_per_specialty.get(specialty, 0)
            hi = limits.max_per_specialty.get(specialty, limits.max_programs)
            row(mine, lo, hi)
            if self.cheap_block is not None:
                # the programs past the cheap block are paid at the dear price: programs = cheap + dear with
                # 0 <= cheap <= cheap block, i.e. -cheap block <= dear - programs <= 0
                self.specialty_rows[specialty] = row({**{j: -1 for j in mine}, self.dear[specialty]: 1},
                                                     -self.cheap_block, 0)
            else:
                self.specialty_rows[specialty] = None
        allowance: dict[tuple, dict[int, float]] = {}
        for j, (_, c, kind) in enumerate(self.columns):
            if kind is not None:
                allowance.setdefault((model.signals.unit_of(c)[0], kind), {})[j] = 1
        for (specialty, kind), coefs in sorted(allowance.items()):
            row(coefs, 0, model.signals.allowance(specialty, kind))
        self.budget_row = row({j: 1 for j in self.dear.values()}, 0, 0)  # the dear programs, within the budget
        self.lower, self.upper = np.array(lower, float), np.array(upper, float)
        self.vars = [solver.NumVar(lo, hi, "") for lo, hi in zip(lower, upper)]
        self.row_lo = np.array([lo for lo, _ in rows], float)
        self.row_hi = np.array([hi for _, hi in rows], float)
        r, col, a = (np.array(v) for v in zip(*triples))
        self.A_rows, self.A_cols, self.A = r.astype(int), col.astype(int), a.astype(float)
        self.constraints = []
        for k, (lo, hi) in enumerate(rows):
            self.constraints.append(solver.Constraint(lo, hi))
        for k, j, a in triples:
            self.constraints[k].SetCoefficient(self.vars[j], a)
        self.objective = solver.Objective()
        self.objective.SetMaximization()
        self._objective_of = None

    # -- the objective follows the model's value function (reweigh may change it) ------------------------------
    def _set_objective(self) -> np.ndarray:
        model = self.model
        c = np.zeros(len(self.vars))
        for j, (_, cand, kind) in enumerate(self.columns):
            c[j] = model.value_of[cand.program_id] if kind is None else model.value(cand, kind)
        if self._objective_of is None or not np.array_equal(c, self._objective_of):
            for j, v in enumerate(c):
                self.objective.SetCoefficient(self.vars[j], float(v))
            self._objective_of = c
        return c

    # -- what depends on the size and the budget ---------------------------------------------------------------
    def _bounds_at(self, n: int, budget: float) -> dict[int, tuple[float, float]]:
        """Row -> (lo, hi) of the rows that change with the size n (tier bands, total, dear programs)."""
        limits = self.model.limits
        out = {self.total_row: (n, n)}
        for t in TIERS:
            out[self.tier_rows[t]] = tier_bounds(n, limits.bands[t])
        left = budget - limits.fees.transcript_usd - self.p1 * n
        if self.p2 is None:
            dear = 0 if left >= -1e-9 else -1
        else:
            dear = math.floor(left / (self.p2 - self.p1) + 1e-9)
        out[self.budget_row] = (0, dear)
        return out

    def _solve_size(self, n: int, budget: float):
        """(status, x, duals) of the linear program at size n."""
        from ortools.linear_solver import pywraplp

        changing = self._bounds_at(n, budget)
        if changing[self.budget_row][1] < 0:
            return "infeasible", None, None
        for k, (lo, hi) in changing.items():
            self.constraints[k].SetBounds(lo, hi)
        status = self.solver.Solve()
        if status == pywraplp.Solver.INFEASIBLE:
            return "infeasible", None, None
        if status != pywraplp.Solver.OPTIMAL:
            return "failed", None, None
        x = np.array([v.solution_value() for v in self.vars])
        y = np.array([con.dual_value() for con in self.constraints])
        return "optimal", x, y

    def _some_size_feasible(self, lowest: int, highest: int, budget: float) -> bool:
        """False when no size lowest..highest has a list: the sizes' rows loosened to their widest, one program."""
        from ortools.linear_solver import pywraplp

        widest = [self._bounds_at(n, budget) for n in range(lowest, highest + 1)]
        for k in widest[0]:
            self.constraints[k].SetBounds(min(w[k][0] for w in widest), max(w[k][1] for w in widest))
        return self.solver.Solve() != pywraplp.Solver.INFEASIBLE

    def _bound(self, c: np.ndarray, y: np.ndarray, sizes: np.ndarray, budget: float) -> np.ndarray:
        """An upper bound on the objective of every list of each size in `sizes`, from row prices y (any prices
        give one: c.x = y.(Ax) + (c - A'y).x, and each term is at most its largest value within its bounds)."""
        y = y.copy()
        # a price pushing against an unbounded side bounds nothing: drop it (still a valid bound)
        y[(y > 0) & np.isinf(self.row_hi)] = 0
        y[(y < 0) & np.isinf(self.row_lo)] = 0
        d = c - np.bincount(self.A_cols, weights=self.A * y[self.A_rows], minlength=len(c))
        columns = np.maximum(d * self.lower, d * self.upper).sum()
        changing_rows = [self.total_row, *self.tier_rows.values(), self.budget_row]
        fixed = np.ones(len(y), bool)
        fixed[changing_rows] = False
        with np.errstate(invalid="ignore"):
            rows_fixed = np.where(fixed, np.maximum(y * self.row_lo, y * self.row_hi), 0.0)
        rows_fixed = np.nan_to_num(rows_fixed, nan=0.0).sum()
        out = np.empty(len(sizes))
        for i, n in enumerate(sizes):
            total = rows_fixed + columns
            for k, (lo, hi) in self._bounds_at(int(n), budget).items():
                if hi < lo:
                    total = -np.inf
                    break
                total += max(y[k] * lo, y[k] * hi)
            out[i] = total
        return out

    def solve(self, budget: float, lowest: int, highest: int):
        """The best list of lowest..highest programs at `budget`: (status, values for the CP-SAT model, seconds),
        status optimal or infeasible; None when a check failed (the caller solves with CP-SAT instead)."""
        import time

        start = time.perf_counter()
        c = self._set_objective()
        if highest < lowest or self.unmet_minimum:
            return "infeasible", None, time.perf_counter() - start
        sizes = np.arange(lowest, highest + 1)
        bound = np.full(len(sizes), np.inf)
        best, best_x, best_n, checked = -np.inf, None, None, False
        while True:
            open_ = bound > best + TOLERANCE
            if not open_.any():
                break
            # the size with the highest bound next (the longest of equals: lists are usually as long as affordable)
            i = int(max(np.flatnonzero(open_), key=lambda k: (bound[k], k)))
            n = int(sizes[i])
            status, x, y = self._solve_size(n, budget)
            if status == "failed":
                return None
            if status == "infeasible":
                bound[i] = -np.inf
                if best_x is None and not checked:  # perhaps no size has a list: one program says so
                    checked = True
                    if not self._some_size_feasible(lowest, highest, budget):
                        break
                continue
            whole = np.round(x)
            if np.abs(x - whole).max() > WHOLE:
                return None  # not a corner with whole numbers: let CP-SAT decide
            value = float(c @ whole)
            bound = np.minimum(bound, self._bound(c, y, sizes, budget))
            bound[i] = -np.inf  # size n is settled: its best list is `whole`
            if value > best:
                best, best_x, best_n = value, whole, n
        seconds = time.perf_counter() - start
        if best_x is None:
            return "infeasible", None, seconds
        best_x = self._ties_by_program_id(best_x, c)
        if not self._meets_every_limit(best_x, best_n, budget):
            return None
        return "optimal", self._values(best_x, best_n), seconds

    def _ties_by_program_id(self, x: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The same list with ties broken as CP-SAT's model breaks them: in each class (programs sharing every
        limit's coefficients), the programs listed without a signal are the first by value, then program_id."""
        plain = {cand.program_id: j for j, (_, cand, kind) in enumerate(self.columns) if kind is None}
        signaled = {cand.program_id for j, (_, cand, kind) in enumerate(self.columns) if kind and x[j] > 0.5}
        out = x.copy()
        for members in self.model.classes.values():  # each in order of value, then program_id
            free = [m.program_id for m in members if m.program_id not in signaled]
            taken = sum(1 for pid in free if x[plain[pid]] > 0.5)
            for k, pid in enumerate(free):
                out[plain[pid]] = 1.0 if k < taken else 0.0
        return out if c @ out >= c @ x - 1e-12 else x

    def _meets_every_limit(self, x: np.ndarray, n: int, budget: float) -> bool:
        """The list read from x, checked against the limits as compare checks any list (constraints.violations),
        and its signals against the allowances and the applicant's fixed signals."""
        from dataclasses import replace

        from optimizer.solver.constraints import violations

        model = self.model
        chosen = [c for j, (_, c, _) in enumerate(self.columns) if x[j] > 0.5]
        ids = [c.program_id for c in chosen]
        if len(ids) != n or len(set(ids)) != n:
            return False
        if violations(chosen, replace(model.limits, budget_usd=budget)):
            return False
        used: dict[tuple, int] = {}
        for j, (_, c, kind) in enumerate(self.columns):
            fixed = model.signals.fixed_kind(model.signals.unit_of(c)) if c.p_with_signal else None
            if x[j] > 0.5 and kind is not None:
                unit = model.signals.unit_of(c)
                used[(unit[0], kind)] = used.get((unit[0], kind), 0) + 1
            if fixed is not None and (x[j] > 0.5) != (kind == fixed):
                return False  # a fixed signal's program is listed with that signal, and only so
        return all(count <= model.signals.allowance(specialty, kind) for (specialty, kind), count in used.items())

    def _values(self, x: np.ndarray, n: int) -> tuple[int, ...]:
        """The CP-SAT model's variables for this list (listed, signals, size, fee segments)."""
        model = self.model
        values = [0] * len(model.model.names)
        x_of = {c.program_id: v for v, c in model.items}
        for j, (var, cand, kind) in enumerate(self.columns):
            if x[j] > 0.5:
                values[var] = 1  # listed; with a signal, the signal's variable
                values[x_of[cand.program_id]] = 1
        values[model.count_var] = n
        for specialty, segments in model.fee_segments.items():
            count = sum(values[v] for v, c in model.items if c.program.specialty == specialty)
            for var, length in segments:
                take = min(count, length)
                values[var] = take
                count -= take
        return tuple(values)
