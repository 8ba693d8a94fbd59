"""The list size by size, as linear programs: exact corners instead of a branch-and-bound search.

With the list size n fixed, and when the ERAS fee is one price per program up to a count and (at most) one higher
price after it, the same for every specialty (cost = p1 x n + (p2 - p1) x the programs past the cheap block, so the
budget caps one total), the problem is nearly a flow in a network: each listed program is one unit of flow from its
specialty (through that specialty's cheap or dear fee arc, and through its signal pool when signaled) to its tier;
the tier bands, the per-specialty limits, the signal allowances and the budget are capacities. When every signal
goes to one program and no limit per region or state is set, it is exactly a network, whose linear program has
whole-number corners: OR-Tools' simplex (GLOP) returns the best list of that size exactly, with the prices of its
capacities (the duals). An Internal Medicine signal covering an institution's categorical and preliminary tracks
(a column per set of listed tracks) and a limit per region or state (another partition of the programs) make it
only nearly one: corners are then whole in practice, and a size whose corner is not, if it could beat the best
list, hands the budget to CP-SAT. The duals bound what every other size can reach (weak duality holds for any
prices), so only sizes whose bound beats the best list found are solved: usually one or two linear programs per
budget, against a CP-SAT search of a few hundred milliseconds. Every answer is checked (whole numbers, every limit,
one signal per unit, the allowances, the objective recomputed); a check that fails hands the budget back to CP-SAT.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, replace

import numpy as np

from optimizer.solver.constraints import group_of, tier_bounds, violations
from optimizer.model.scoring import TIERS

TOLERANCE = 1e-7  # a size whose bound is within this of the best list cannot beat it by more (values ~1e-2)
WHOLE = 1e-6  # a linear program's value this close to a whole number is that number
MAX_UNIT = 3  # an institution signal covering more tracks than this is left to CP-SAT (columns grow as 2^tracks)


def network_ready(model) -> bool:
    """Whether SizeNetwork takes the model's problem (see the module's docstring)."""
    fees = model.limits.fees
    if fees.first_block_programs or len(fees.tiers) > 2:
        return False
    if not model.items:  # nothing to choose: CP-SAT's model says so plainly
        return False
    return all(len(members) <= MAX_UNIT for by_kind in _unit_members(model).values() for members in by_kind.values())


def _unit_members(model) -> dict[tuple, dict[str, list[tuple[int, object]]]]:
    """Unit -> kind -> [(CP-SAT variable, program)]: the programs a signal of that kind to the unit would count."""
    out: dict[tuple, dict[str, list]] = {}
    for var, c, kind in model.signal_vars:
        out.setdefault(model.signals.unit_of(c), {}).setdefault(kind, []).append((var, c))
    return out


@dataclass(frozen=True)
class Column:
    """One way a program (or, for a signal covering an institution's tracks, a few programs) is on the list."""

    cpsat_vars: tuple[int, ...]  # the CP-SAT model's variables that are 1 when this column is chosen (besides x);
    # for an institution unit: the unit's signal, then each listed track's "counts as signaled"
    members: tuple  # the candidates it lists
    kind: str | None = None  # the signal they count with (None: no signal)
    unit: tuple | None = None  # the unit holding that signal


def _columns(model) -> list[Column]:
    """Listed without a signal, per program; listed with a signal of a kind, per program of a one-program unit and
    per set of listed tracks of an institution unit (its one signal counts for every listed track)."""
    columns = [Column((listed_var,), (c,)) for listed_var, c in model.items]
    for unit, by_kind in _unit_members(model).items():
        for kind, members in sorted(by_kind.items()):
            unit_var = model.units[unit][kind]
            if len(members) == 1 and members[0][0] == unit_var:  # a one-program unit: its own signal variable
                columns.append(Column((unit_var,), (members[0][1],), kind, unit))
                continue
            for size in range(1, len(members) + 1):
                for subset in itertools.combinations(members, size):
                    columns.append(Column((unit_var, *(var for var, _ in subset)), tuple(c for _, c in subset), kind,
                                          unit))
    return columns


class SizeNetwork:
    """The fixed-size linear program of a PortfolioModel, solved with GLOP, and the size search over it."""

    def __init__(self, model):
        # ortools takes 0.07-0.41 s to import (measured): loaded only when this runs
        from ortools.linear_solver import pywraplp

        self.model = model
        limits, fees = model.limits, model.limits.fees
        solver = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("this OR-Tools installation has no GLOP solver")
        self.cheap_block = fees.tiers[0].last if len(fees.tiers) == 2 else None
        self.cheap_fee_usd = fees.tiers[0].usd if fees.tiers else 0.0
        self.dear_fee_usd = fees.tiers[1].usd if len(fees.tiers) == 2 else None
        # columns (see _columns), then per specialty its programs at the dear price
        self.columns = _columns(model)
        must = {c.program_id for c in model.must}
        specialties = sorted({c.program.specialty for col in self.columns for c in col.members})
        lower, upper = [], []
        for col in self.columns:
            units = {model.signals.unit_of(c) for c in col.members if c.p_with_signal} - {None}
            fixed = {model.signals.fixed_kind(unit) for unit in units} - {None}
            # a unit with the applicant's own signal holds that signal, and its listed programs count with it
            lower.append(0)
            upper.append(0 if fixed and col.kind not in fixed else 1)
        first_dear = len(self.columns)
        for _ in specialties:
            lower.append(0)
            upper.append(limits.max_programs if self.dear_fee_usd is not None else 0)
        self.dear = dict(zip(specialties, range(first_dear, first_dear + len(specialties))))
        # rows, kept as sparse triples for the bound: (row, column, coefficient)
        rows: list[tuple[float, float]] = []
        triples: list[tuple[int, int, float]] = []

        def row(coefs: dict[int, float], lo: float, hi: float) -> int:
            row_index = len(rows)
            rows.append((lo, hi))
            for col_index, coefficient in coefs.items():
                triples.append((row_index, col_index, coefficient))
            return row_index

        def counted(test) -> dict[int, float]:
            """Column -> how many of its programs pass `test` (columns with none left out)."""
            out = {}
            for col_index, col in enumerate(self.columns):
                count = sum(1 for c in col.members if test(c))
                if count:
                    out[col_index] = count
            return out

        by_program: dict[str, list[int]] = {}
        for col_index, col in enumerate(self.columns):
            for c in col.members:
                by_program.setdefault(c.program_id, []).append(col_index)
        for program_id, col_indices in by_program.items():
            if len(col_indices) == 1:
                lower[col_indices[0]] = max(lower[col_indices[0]], 1 if program_id in must else 0)
            else:
                # a program is listed once, with at most one signal (a must-apply program: exactly once)
                row({col_index: 1 for col_index in col_indices}, 1 if program_id in must else 0, 1)
        signal_columns: dict[tuple, dict[int, float]] = {}
        institutions = set()  # units whose one signal counts for several tracks (their columns say so)
        for col_index, col in enumerate(self.columns):
            if col.kind is not None:
                signal_columns.setdefault(col.unit, {})[col_index] = 1
                if len(col.cpsat_vars) > 1:
                    institutions.add(col.unit)
        for unit in sorted(institutions):
            # one signal per institution (a one-program unit has it from its program's row); the applicant's own
            # signal stays
            row(signal_columns[unit], 1 if model.signals.fixed_kind(unit) else 0, 1)
        self.tier_rows = {tier: row(counted(lambda c, tier=tier: c.tier == tier), 0, 0) for tier in TIERS}
        self.total_row = row(counted(lambda c: True), 0, 0)
        self.specialty_rows = {}
        # a minimum for a specialty with no program here can never be met
        self.unmet_minimum = any(low > 0 for specialty, low in limits.min_per_specialty.items()
                                 if specialty not in specialties)
        for specialty in specialties:
            mine = counted(lambda c, specialty=specialty: c.program.specialty == specialty)
            lo = limits.min_per_specialty.get(specialty, 0)
            hi = limits.max_per_specialty.get(specialty, limits.max_programs)
            row(mine, lo, hi)
            if self.cheap_block is not None:
                # the programs past the cheap block are paid at the dear price: programs = cheap + dear with
                # 0 <= cheap <= cheap block, i.e. -cheap block <= dear - programs <= 0
                dear_minus_all = {**{col_index: -count for col_index, count in mine.items()}, self.dear[specialty]: 1}
                self.specialty_rows[specialty] = row(dear_minus_all, -self.cheap_block, 0)
            else:
                self.specialty_rows[specialty] = None
        for attribute, lows, highs in (("region", limits.min_per_region, limits.max_per_region),
                                       ("state", limits.min_per_state, limits.max_per_state)):
            for group in sorted(set(lows) | set(highs)):
                # a limit per region or state: another partition of the programs, so corners may stop being whole
                # (each is checked)
                row(counted(lambda c, attribute=attribute, group=group: group_of(c, attribute) == group),
                    lows.get(group, 0), highs.get(group, limits.max_programs))
        allowance: dict[tuple, dict[int, float]] = {}
        for unit, coefs in signal_columns.items():
            for col_index in coefs:
                allowance.setdefault((unit[0], self.columns[col_index].kind), {})[col_index] = 1
        for (specialty, kind), coefs in sorted(allowance.items()):
            row(coefs, 0, model.signals.allowance(specialty, kind))
        for first, second in model.duplicate_pairs:
            # one program written twice: at most one of the two is signaled (another row across the network, so
            # corners are checked)
            pair = {first.program_id, second.program_id}
            row({col_index: 1 for col_index, col in enumerate(self.columns)
                 if col.kind is not None and any(c.program_id in pair for c in col.members)}, 0, 1)
        self.budget_row = row(dict.fromkeys(self.dear.values(), 1), 0, 0)  # the dear programs, within the budget
        self.lower, self.upper = np.array(lower, float), np.array(upper, float)
        self.vars = [solver.NumVar(lo, hi, "") for lo, hi in zip(lower, upper)]
        self.row_lo = np.array([lo for lo, _ in rows], float)
        self.row_hi = np.array([hi for _, hi in rows], float)
        row_ids, col_ids, coefficients = (np.array(part) for part in zip(*triples))
        self.coef_rows, self.coef_cols = row_ids.astype(int), col_ids.astype(int)
        self.coefs = coefficients.astype(float)
        self.constraints = []
        for lo, hi in rows:
            self.constraints.append(solver.Constraint(lo, hi))
        for row_index, col_index, coefficient in triples:
            self.constraints[row_index].SetCoefficient(self.vars[col_index], coefficient)
        self.objective = solver.Objective()
        self.objective.SetMaximization()
        self._objective_of = None

    # -- the objective follows the model's value function (reweigh may change it) ------------------------------
    def _set_objective(self) -> np.ndarray:
        model = self.model
        column_values = np.zeros(len(self.vars))
        for col_index, col in enumerate(self.columns):
            column_values[col_index] = sum(model.value_of[member.program_id] if col.kind is None
                                           else model.value(member, col.kind) for member in col.members)
        if self._objective_of is None or not np.array_equal(column_values, self._objective_of):
            for col_index, value in enumerate(column_values):
                self.objective.SetCoefficient(self.vars[col_index], float(value))
            self._objective_of = column_values
        return column_values

    # -- what depends on the size and the budget ---------------------------------------------------------------
    def _bounds_at(self, size: int, budget: float) -> dict[int, tuple[float, float]]:
        """Row -> (lo, hi) of the rows that change with the size (tier bands, total, dear programs)."""
        limits = self.model.limits
        out = {self.total_row: (size, size)}
        for tier in TIERS:
            out[self.tier_rows[tier]] = tier_bounds(size, limits.bands[tier])
        left = budget - limits.fees.transcript_usd - self.cheap_fee_usd * size
        if self.dear_fee_usd is None:
            dear = 0 if left >= -1e-9 else -1
        else:
            dear = math.floor(left / (self.dear_fee_usd - self.cheap_fee_usd) + 1e-9)
        out[self.budget_row] = (0, dear)
        return out

    def _solve_size(self, size: int, budget: float):
        """(status, solution, row prices: the duals) of the linear program with `size` programs."""
        # ortools takes 0.07-0.41 s to import (measured): loaded only when this runs
        from ortools.linear_solver import pywraplp

        changing = self._bounds_at(size, budget)
        if changing[self.budget_row][1] < 0 or any(lo > hi for lo, hi in changing.values()):
            # no list of this size fits (e.g. no whole number of programs fills a tier band of a short list):
            # said here rather than by OR-Tools, which logs contradictory bounds on stderr
            return "infeasible", None, None
        for row, (lo, hi) in changing.items():
            self.constraints[row].SetBounds(lo, hi)
        status = self.solver.Solve()
        if status == pywraplp.Solver.INFEASIBLE:
            return "infeasible", None, None
        if status != pywraplp.Solver.OPTIMAL:
            return "failed", None, None
        solution = np.array([var.solution_value() for var in self.vars])
        prices = np.array([con.dual_value() for con in self.constraints])
        return "optimal", solution, prices

    def _size_rows(self, sizes: np.ndarray, budget: float) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Row -> (lows, highs) over `sizes` of the rows that change with the size (see _bounds_at): worked out once
        per budget, for every bound and check that reads them."""
        each = [self._bounds_at(int(size), budget) for size in sizes]
        return {row: (np.array([bounds[row][0] for bounds in each], float),
                      np.array([bounds[row][1] for bounds in each], float)) for row in each[0]}

    def _some_size_feasible(self, size_rows: dict[int, tuple[np.ndarray, np.ndarray]]) -> bool:
        """False when no size has a list: the sizes' rows loosened to their widest, one program."""
        # ortools takes 0.07-0.41 s to import (measured): loaded only when this runs
        from ortools.linear_solver import pywraplp

        if any(lows.min() > highs.max() for lows, highs in size_rows.values()):
            return False  # a row no size can meet (said here, not in OR-Tools' log of contradictory bounds)
        for row, (lows, highs) in size_rows.items():
            self.constraints[row].SetBounds(float(lows.min()), float(highs.max()))
        return self.solver.Solve() != pywraplp.Solver.INFEASIBLE

    def _bound(self, column_values: np.ndarray, prices: np.ndarray,
               size_rows: dict[int, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """An upper bound on the objective of every list of each size of `size_rows` (_size_rows), from row prices
        (any prices give one: with c the column values, A the rows and y the prices, c.x = y.(Ax) + (c - A'y).x,
        and each term is at most its largest value within its bounds); -inf for a size whose rows cannot be met."""
        prices = prices.copy()
        # a price pushing against an unbounded side bounds nothing: drop it (still a valid bound)
        prices[(prices > 0) & np.isinf(self.row_hi)] = 0
        prices[(prices < 0) & np.isinf(self.row_lo)] = 0
        reduced = column_values - np.bincount(self.coef_cols, weights=self.coefs * prices[self.coef_rows],
                                              minlength=len(column_values))
        columns = np.maximum(reduced * self.lower, reduced * self.upper).sum()
        fixed = np.ones(len(prices), bool)
        fixed[list(size_rows)] = False
        with np.errstate(invalid="ignore"):
            rows_fixed = np.where(fixed, np.maximum(prices * self.row_lo, prices * self.row_hi), 0.0)
        total = np.nan_to_num(rows_fixed, nan=0.0).sum() + columns
        out = np.full(len(next(iter(size_rows.values()))[0]), total)
        for row, (lows, highs) in size_rows.items():
            out += np.maximum(prices[row] * lows, prices[row] * highs)
            out[highs < lows] = -np.inf
        return out

    def solve(self, budget: float, lowest: int, highest: int):
        """The best list of lowest..highest programs at `budget`: (status, values for the CP-SAT model, seconds),
        status optimal or infeasible; None when a check failed (the caller solves with CP-SAT instead)."""
        start = time.perf_counter()
        column_values = self._set_objective()
        if highest < lowest or self.unmet_minimum:
            return "infeasible", None, time.perf_counter() - start
        sizes = np.arange(lowest, highest + 1)
        size_rows = self._size_rows(sizes, budget)
        bound = np.full(len(sizes), np.inf)
        best, best_solution, best_size, checked = -np.inf, None, None, False
        unsettled = -np.inf  # the best linear-program value of a size whose corner was not whole
        while True:
            open_ = bound > best + TOLERANCE
            if not open_.any():
                break
            # the size with the highest bound next (the longest of equals: lists are usually as long as affordable)
            index = int(max(np.flatnonzero(open_), key=lambda index: (bound[index], index)))
            size = int(sizes[index])
            status, solution, prices = self._solve_size(size, budget)
            if status == "failed":
                return None
            if status == "infeasible":
                bound[index] = -np.inf
                if best_solution is None and not checked:  # perhaps no size has a list: one program says so
                    checked = True
                    if not self._some_size_feasible(size_rows):
                        break
                continue
            bound = np.minimum(bound, self._bound(column_values, prices, size_rows))
            bound[index] = -np.inf  # this size is settled: by its best list, or by its linear program's value
            whole = np.round(solution)
            if np.abs(solution - whole).max() > WHOLE:
                # a corner that is not whole (an institution signal over two tracks makes this possible): its
                # value bounds the size, which matters only if no list found beats it
                unsettled = max(unsettled, float(column_values @ solution))
                continue
            value = float(column_values @ whole)
            if value > best:
                best, best_solution, best_size = value, whole, size
        seconds = time.perf_counter() - start
        if unsettled > best + TOLERANCE:
            return None  # a size may hold a better list: let CP-SAT decide
        if best_solution is None:
            return "infeasible", None, seconds
        best_solution = self._ties_by_program_id(best_solution, column_values)
        if not self._meets_every_limit(best_solution, best_size, budget):
            return None
        return "optimal", self._values(best_solution, best_size), seconds

    def _ties_by_program_id(self, solution: np.ndarray, column_values: np.ndarray) -> np.ndarray:
        """The same list with ties broken as CP-SAT's model breaks them: in each class (programs sharing every
        limit's coefficients), the programs listed without a signal are the first by value, then program_id."""
        plain = {col.members[0].program_id: col_index for col_index, col in enumerate(self.columns) if col.kind is None}
        signaled = {member.program_id for col_index, col in enumerate(self.columns)
                    if col.kind and solution[col_index] > 0.5 for member in col.members}
        out = solution.copy()
        for members in self.model.classes.values():  # each in order of value, then program_id
            free = [member.program_id for member in members if member.program_id not in signaled]
            taken = sum(1 for pid in free if solution[plain[pid]] > 0.5)
            for position, pid in enumerate(free):
                out[plain[pid]] = 1.0 if position < taken else 0.0
        return out if column_values @ out >= column_values @ solution - 1e-12 else solution

    def _meets_every_limit(self, solution: np.ndarray, size: int, budget: float) -> bool:
        """The list read from `solution`, checked against the limits as compare checks any list (violations),
        and its signals: one per unit, within the allowances, the applicant's own where fixed."""
        model = self.model
        chosen_columns = [col for col_index, col in enumerate(self.columns) if solution[col_index] > 0.5]
        chosen = [c for col in chosen_columns for c in col.members]
        ids = [c.program_id for c in chosen]
        if len(ids) != size or len(set(ids)) != size:
            return False
        if violations(chosen, replace(model.limits, budget_usd=budget)):
            return False
        given: dict[tuple, set[str]] = {}
        for col in chosen_columns:
            if col.kind is not None:
                given.setdefault(col.unit, set()).add(col.kind)
        if any(len(kinds) > 1 for kinds in given.values()):
            return False  # two signals to one unit
        signaled = {c.program_id for col in chosen_columns if col.kind is not None for c in col.members}
        if any(first.program_id in signaled and second.program_id in signaled
               for first, second in model.duplicate_pairs):
            return False  # both of one program written twice
        plain_units = {model.signals.unit_of(col.members[0]) for col in chosen_columns
                       if col.kind is None and col.members[0].p_with_signal}
        for unit, kind in model.signals.fixed.items():
            if given.get(unit) != {kind} or unit in plain_units:
                return False  # the applicant's own signal stays, on every listed program of its unit
        used: dict[tuple, int] = {}
        for unit, kinds in given.items():
            for kind in kinds:
                used[(unit[0], kind)] = used.get((unit[0], kind), 0) + 1
        return all(count <= model.signals.allowance(specialty, kind) for (specialty, kind), count in used.items())

    def _values(self, solution: np.ndarray, size: int) -> tuple[int, ...]:
        """The CP-SAT model's variables for this list (listed, signals, size, fee segments)."""
        model = self.model
        values = [0] * len(model.model.names)
        listed_var_of = {c.program_id: var for var, c in model.items}
        for col_index, col in enumerate(self.columns):
            if solution[col_index] > 0.5:
                for var in col.cpsat_vars:
                    values[var] = 1  # listed; with a signal, the signal's (and the unit's) variables
                for c in col.members:
                    values[listed_var_of[c.program_id]] = 1
        values[model.count_var] = size
        for specialty, segments in model.fee_segments.items():
            count = sum(values[var] for var, c in model.items if c.program.specialty == specialty)
            for var, length in segments:
                take = min(count, length)
                values[var] = take
                count -= take
        return tuple(values)
