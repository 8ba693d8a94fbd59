"""Proven upper bounds on P(match) and P(at least K interviews) of every list, node by node of the applicant's
latent strength, as linear programs over the list's relaxation (OR-Tools GLOP).

The correlated view averages over Gauss-Hermite nodes z_j (weights w_j); given z_j the programs decide
independently, program i with chance p_i(z_j) = expit(a_i + sigma z_j), a constant per program, signal kind and
node (one node of weight 1 in the independent view). The list x is a vector of the PortfolioModel's variables
(programs, and signals counted on them); every bound below is max sum_j w_j y_j over the linear relaxation of that
model's rows (count window, tier bands, fees within the budget, limits per group, signals) with y_j under cuts
that every list satisfies, so no list's value exceeds it. The model keeps, within each class of programs sharing
every constraint coefficient, only the best by chance; a list using another program of a class is matched by one
using a better one, whose p_i(z_j) are at least as large at every node, and both values bounded here rise with
every chance: the maximum over the model is the maximum over every list.

P(match) (MatchLP). Given z_j the specialties' counts N_s are independent and P(match | z_j) =
1 - prod_s E[1 - m_s(N_s) | z_j]. If the miss curve satisfies 1 - m_s(t) >= sum_z c_sz z^t at every whole t (c >= 0,
z in POWERS; z = 1 is a constant, z = 0 the indicator of t = 0), then E[1 - m_s(N_s)] >= sum_z c_sz E[z^N_s], and
E[z^N_s] = prod_i (1 - p_i(z_j)(1 - z)) = exp(L_sz(x)) with L_sz(x) = sum_{i in s} x_i log(1 - p_i(z_j)(1 - z)),
linear in the list. Expanding the product over specialties, P(match | z_j) <= 1 - sum_combos K exp(u(x)), each
u a sum of L's and K >= 0; exp(u) >= e^u0 (1 + u - u0) at any u0. So y_j <= 1 - sum_combos K e^u0 (1 + u(x) - u0)
is a linear cut valid for every list. It holds outcome by outcome (no Jensen gap); what it gives away is only the
fit of the miss curve where it is made. Cuts are made at lists found and where the relaxation's solution violates
them (Kelley's cutting planes), until none is violated.

Sums of powers alone are log-convex in t, and the miss curves are not (straight from 0 to 2 interviews in Family
Medicine, to 3 in Pediatrics): that fit gave away 2-5 points on the bundled data. So the fit also has the
indicators of t = 1, 2, 3 (COUNTS), whose expectations are P(N_s = k) = exp(L_s0) e_k(w_sj), e_k the elementary
symmetric sum of the listed programs' odds; with them the fit is within 0.15-0.25 points of the truth at the lists
found. Odds at node j are odds at a reference node times a factor of the node (every chance is
expit(a_i + sigma z_j)), so e_k(w_sj) >= kappa_j^k e_k(omega), and e_1, e_2 and a lower bound of e_3 are functions
of two sums linear in the list, the odds sum Omega_s and the sum of squared odds Omega2_s (once_terms). Their logs
are concave in Omega_s: the bound holds them from below by chords over a box [low, high] of Omega_s (set_box), and
covers the odds sums' range with boxes, split where the relaxation's solution lies, until no box's bound is more
than the tolerance above the best list found (MatchLP.branch_and_bound: a spatial branch-and-bound, one dimension
per specialty). Every cut stays valid in every box: in each, every stat is a lower bound of what it stands for.

P(at least K) (NodeBoundLP). Given z_j, N is a sum of independent trials with mean mu_j(x) = sum_i x_i p_i(z_j),
linear in x, and the largest P(N >= K) of any such sum is a nondecreasing function of the mean alone (attained,
Hoeffding 1956, Theorem 4, with every chance 0, 1 or one common value: computed here over every split of that
kind); its concave majorant bounds P(N >= K | z_j) by a concave, piecewise linear function of mu_j(x). On [0, K]
that majorant is Markov's mu / K. At a node that carries weight two facts of the model tighten it: no chance
exceeds the node's best program's, cap_j (then some extreme sum has every chance 0, cap_j or one common value:
the same argument, with the chances bounded; capped_tail_sup), and no list's mean exceeds the relaxation's
largest, M_j (largest_means): the majorant of the capped tail on [0, M_j], flat beyond, is tight at the lists of
the largest means, where the lists for P(at least K) are.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from optimizer.model.outcomes import conditional_probabilities

NODES = 32  # the quadrature of the correlated view as outcomes evaluates it (outcomes.list_p_match)
AT_LEAST_GRID = 0.02  # step of the mean on which the at-least bound is tabulated (a step function above it)
CAPPED_COARSE_GRID = 0.25  # the step beyond 2K for the bound with capped chances (coarser: looser, still valid)
CAPPED_MIN_WEIGHT = 1e-4  # nodes lighter than this keep the uncapped bound (cheaper; it is valid everywhere)
POWERS = (0.0, 0.3, 0.6, 0.8, 0.9, 1.0)  # the z of the miss curves' fits (a finer grid: < 0.1 pt)
ONE, TWO, THREE = -1.0, -2.0, -3.0  # keys of the fits' indicators of exactly 1, 2, 3 interviews (P(N = k))
COUNTS = (ONE, TWO, THREE)
FIT_TERMS = POWERS + COUNTS
NO_ONE = -30.0  # the stat of log P(N = 1) where a box reaches an odds sum of 0 (e^-30 ~ 1e-13: below the margin)
FAST_GLOP = "use_preprocessing: false use_dual_simplex: true"  # MatchLP's GLOP settings (see its __init__)
TINY = 1e-12  # the smallest coefficient of a stat GLOP is given (_stat)
MIN_NODE_WEIGHT = 1e-4  # MatchLP's nodes lighter than this get no cuts (their y_j <= 1: < 1e-4 in all, on 32 nodes)
BOTTOM_SPLIT = 0.6  # a box reaching an odds sum of 0 is split at most at this share of its top (_split_point)
BOX_ROUNDS = 3  # rounds of cuts in each box (its bound is valid after any number)
MAX_BOXES = 40  # boxes of the branch-and-bound over the specialties' odds sums (MatchLP.set_box)


@dataclass(frozen=True)
class NodeBound:
    """The at-least bound's linear program, solved: its value, and the weighted slope w_j b_j of each node's
    active piece."""

    value: float
    node_slopes: np.ndarray


def node_chances(p: np.ndarray, sigma: float | None) -> tuple[np.ndarray, np.ndarray]:
    """(weights w_j, matrix of p_i(z_j), one row per node) for chances p; one node of weight 1 when sigma is None
    (independent decisions)."""
    p = np.asarray(p, dtype=float)
    if not sigma:
        return np.ones(1), p[None, :].copy()
    return conditional_probabilities(p, float(sigma), NODES)


def _base_rows(solver, model) -> list:
    """The model's variables and rows, relaxed (continuous), in a GLOP solver: the model's list polytope."""
    linear = model.model
    infinity = solver.infinity()
    xs = [solver.NumVar(float(lo), float(hi), "") for lo, hi in zip(linear.lower, linear.upper)]
    for _name, coefs, lo, hi in linear.rows:
        row = solver.Constraint(-infinity if lo == float("-inf") else float(lo),
                                infinity if hi == float("inf") else float(hi))
        for i, a in coefs.items():
            row.SetCoefficient(xs[i], float(a))
    return xs


def _stat(solver, xs, coefs: dict[int, float]):
    """A variable equal to sum_i coefs[i] x_i (a node's statistic: the cut rows that use it stay short).
    Coefficients under TINY in size are left out (GLOP loses its precision with them; the most they move a stat,
    a few hundred times TINY, moves a bound by less than its margin of 1e-6)."""
    stat = solver.NumVar(-solver.infinity(), solver.infinity(), "")
    row = solver.Constraint(0.0, 0.0)
    row.SetCoefficient(stat, -1.0)
    for i, a in coefs.items():
        if abs(a) >= TINY:
            row.SetCoefficient(xs[i], float(a))
    return stat


def _columns(model):
    """The model's variables that carry a program's chance: (variable, program, signal kind or None)."""
    return [(x, c, None) for x, c in model.items] + [(s, c, kind) for s, c, kind in model.signal_vars]


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The upper concave hull of points sorted by their first coordinate."""
    hull: list[tuple[float, float]] = []
    for x, y in points:
        while len(hull) >= 2:
            (x0, y0), (x1, y1) = hull[-2], hull[-1]
            if (y1 - y0) * (x - x0) <= (y - y0) * (x1 - x0):
                hull.pop()
            else:
                break
        hull.append((x, y))
    return hull


def _pieces(hull: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(intercept c, slope b) of each piece of a concave hull, and the flat piece at its last value (the function
    bounded is nondecreasing and flat beyond the hull's last point)."""
    pieces = []
    for (x0, y0), (x1, y1) in zip(hull, hull[1:]):
        slope = (y1 - y0) / (x1 - x0)
        if slope > 0:
            pieces.append((y0 - slope * x0, slope))
    pieces.append((hull[-1][1], 0.0))
    return pieces


@functools.lru_cache(maxsize=64)
def at_least_pieces(k: int, longest: int) -> tuple[tuple[float, float], ...]:
    """The pieces of a concave, nondecreasing function of the mean that bounds P(N >= k) for every sum N of at most
    `longest` independent Bernoulli trials with that mean (see the module's docstring). Tabulated on a grid of the
    mean as a step function taken at each step's right end (valid: the largest tail never falls as the mean
    grows), then its concave hull."""
    # scipy takes 0.3-0.43 s to import (measured): loaded only when this runs
    from scipy.special import bdtrc, pdtrc  # binomial and Poisson upper tails (scipy.stats takes 1.5 s to import)

    means = np.arange(0.0, k + AT_LEAST_GRID / 2, AT_LEAST_GRID)
    sup = np.zeros(means.size)
    fractional = np.arange(1, max(longest, 1) + 1)  # how many trials share the common chance
    for ones in range(0, k):
        rest = means - ones
        ok = rest > 0
        if not ok.any():
            continue
        need = k - ones
        chance = np.clip(rest[ok, None] / fractional[None, :], 0.0, 1.0)
        possible = rest[ok, None] <= fractional[None, :]  # a chance above 1 is no such split
        trials = np.broadcast_to(fractional[None, :], chance.shape)
        with np.errstate(invalid="ignore"):
            # P(Binomial(n, chance) >= need); 0 when fewer trials than needed
            tails = np.where(possible & (trials >= need), bdtrc(need - 1, trials, chance), 0.0)
        tails = np.nan_to_num(tails, nan=0.0).max(axis=1)
        # and the limit of many small chances (more trials than `longest` never occur, but the limit is harmless)
        tails = np.maximum(tails, pdtrc(need - 1, rest[ok]))
        sup[ok] = np.maximum(sup[ok], tails)
    # at the mean k a list may hold k sure programs: the bound is 1 from there on
    return _step_pieces(means, sup, ((float(k), 1.0),))


def _step_pieces(means: np.ndarray, sup: np.ndarray, extra=()) -> tuple[tuple[float, float], ...]:
    """The pieces (_pieces) of the concave hull of the step function that takes, on each step of the grid `means`,
    the largest tail `sup` at the step's right end (valid where the largest tail never falls as the mean grows),
    with `extra` corners; flat beyond the grid's end."""
    sup = np.maximum.accumulate(np.minimum(sup, 1.0))
    corners = [(0.0, float(sup[1]) if sup.size > 1 else 1.0)]
    for i in range(1, means.size):
        corners += [(float(means[i - 1]), float(sup[i])), (float(means[i]), float(sup[i]))]
    corners += list(extra)
    merged: dict[float, float] = {}
    for x, y in corners:
        merged[x] = max(merged.get(x, 0.0), y)
    return tuple(_pieces(_hull(sorted(merged.items()))))


def capped_tail_sup(k: int, longest: int, cap: float, means: np.ndarray) -> np.ndarray:
    """The largest P(N >= k) over sums N of at most `longest` independent Bernoulli trials, each chance at most
    `cap`, with mean m, for each m of `means` (0 where no such sum has that mean).

    With the other chances fixed, P(N >= k) is affine in p_i + p_j and p_i p_j, so for a fixed sum of two chances
    it is largest with the two equal or one at a bound (0 or `cap`): some optimum has every chance 0, `cap` or one
    common value c <= cap (Hoeffding 1956's argument, with the chances bounded above). This takes the best of
    `a` trials at `cap` and `b` at c = (m - a cap) / b, over every a and b with a + b <= `longest`."""
    # scipy takes 0.3-0.43 s to import (measured): loaded only when this runs
    from scipy.special import gammaln, xlog1py, xlogy

    def pmf(count: int, trials: np.ndarray, chance) -> np.ndarray:
        """P(Binomial(trials, chance) = count), 0 where count > trials; xlogy and xlog1py take 0 log 0 as 0, so
        a chance of 0 or 1 is exact."""
        with np.errstate(invalid="ignore", divide="ignore"):
            log = (gammaln(trials + 1.0) - gammaln(count + 1.0) - gammaln(np.maximum(trials - count, 0) + 1.0)
                   + xlogy(count, chance) + xlog1py(np.maximum(trials - count, 0), -chance))
            return np.where(trials >= count, np.exp(log), 0.0)

    means = np.asarray(means, dtype=float)
    best = np.zeros(means.size)
    if cap <= 0 or means.size == 0:
        return best
    cap = min(float(cap), 1.0)
    for a in range(0, int(min(longest, np.floor(means.max() / cap + 1e-9))) + 1):
        # P(Binomial(a, cap) = i), i < k
        at_cap = np.array([float(pmf(i, np.array(float(a)), cap)) for i in range(k)])
        rest = means - a * cap
        ok = rest >= -1e-12
        if not ok.any():
            break
        rest = np.maximum(rest[ok], 0.0)
        trials = np.arange(1, longest - a + 1, dtype=float)
        if trials.size == 0:  # only the capped trials: their mean is a * cap
            best[ok] = np.maximum(best[ok], np.where(rest <= 1e-12, 1.0 - at_cap.sum(), 0.0))
            continue
        chance = rest[:, None] / trials[None, :]
        possible = chance <= cap + 1e-12
        chance = np.minimum(chance, cap)
        # P(Binomial(a, cap) + Binomial(b, c) <= k - 1) = sum_j P(Binomial(b, c) = j) P(Binomial(a, cap) <= k-1-j)
        capped_cdf = np.cumsum(at_cap)
        below = sum(capped_cdf[k - 1 - j] * pmf(j, trials[None, :], chance) for j in range(k))
        tails = np.where(possible, 1.0 - below, 0.0).max(axis=1)
        best[ok] = np.maximum(best[ok], tails)
    return np.clip(best, 0.0, 1.0)


@functools.lru_cache(maxsize=256)
def capped_at_least_pieces(k: int, longest: int, cap: float, top_mean: float) -> tuple[tuple[float, float], ...]:
    """Like at_least_pieces, for lists whose every chance is at most `cap` and whose mean is at most `top_mean`
    (a node of the correlated view: its best program's chance and its largest mean): far tighter where `cap` is
    well below 1. Grid: steps of AT_LEAST_GRID up to 2k, then CAPPED_COARSE_GRID; flat beyond `top_mean`."""
    end = max(top_mean, AT_LEAST_GRID)
    fine = np.arange(0.0, min(end, 2 * k), AT_LEAST_GRID)
    coarse = np.arange(2 * k, end, CAPPED_COARSE_GRID)
    # the grid ends at `top_mean` itself: a step ending beyond it would take a larger tail than any list reaches
    means = np.unique(np.concatenate([fine, coarse, [end]]))
    pieces = _step_pieces(means, capped_tail_sup(k, longest, cap, means))
    # GLOP drops coefficients near 1e-10 and can then call a feasible program infeasible: a piece that slight is
    # replaced by its largest value on [0, top_mean], flat (still above the tail there; beyond, nothing is)
    return tuple((min(1.0, intercept + slope * end + 1e-12), 0.0) if slope < 1e-9 else (intercept, slope)
                 for intercept, slope in pieces)


def largest_means(model, node_values: list[dict[int, float]], nodes: list[int]) -> dict[int, float]:
    """For each node j of `nodes`, the largest mean mu_j(x) over the linear relaxation of `model` (GLOP): no list
    of the model has a larger one. None for a node where GLOP reaches no optimum."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    xs = _base_rows(solver, model)
    objective = solver.Objective()
    out = {}
    for j in nodes:
        objective.Clear()
        objective.SetMaximization()
        for i, a in node_values[j].items():
            objective.SetCoefficient(xs[i], float(a))
        if solver.Solve() == pywraplp.Solver.OPTIMAL:
            out[j] = objective.Value()
    return out


class NodeBoundLP:
    """max sum_j w_j y_j subject to y_j <= c_k + b_k mu_j(x) for every piece k of node j (at_least_pieces, or
    capped_at_least_pieces per node), x in the linear relaxation of `model` (a PortfolioModel)."""

    def __init__(self, model, node_values: list[dict[int, float]], weights: np.ndarray, pieces):
        # ortools takes 0.07-0.41 s to import (measured): loaded only when this runs
        from ortools.linear_solver import pywraplp

        self._pywraplp = pywraplp
        solver = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("this OR-Tools installation has no GLOP solver")
        # one set of pieces for every node, or a set per node (capped_at_least_pieces)
        self.pieces = list(pieces) if isinstance(pieces, list) else [pieces] * len(node_values)
        self.weights = weights
        xs = _base_rows(solver, model)
        self.ys, self.means = [], []
        for values, node_pieces in zip(node_values, self.pieces):
            y = solver.NumVar(0.0, 1.0, "")
            mu = _stat(solver, xs, values)
            for intercept, slope in node_pieces:
                # y_j - b_k mu_j <= c_k: the node's chance lies under every piece
                row = solver.Constraint(-solver.infinity(), float(intercept))
                row.SetCoefficient(y, 1.0)
                row.SetCoefficient(mu, -float(slope))
            self.ys.append(y)
            self.means.append(mu)
        self.objective = solver.Objective()
        for y, w in zip(self.ys, weights):
            self.objective.SetCoefficient(y, float(w))
        self.objective.SetMaximization()

    def solve(self) -> NodeBound | None:
        """The bound, or None when GLOP does not reach an optimum (the caller keeps its older bound)."""
        if self.solver.Solve() != self._pywraplp.Solver.OPTIMAL:
            return None
        # each node's slope: that of the piece lowest at the solution's mean (where the node's chance sits)
        slopes = [w * min(node_pieces, key=lambda piece: piece[0] + piece[1] * mu.solution_value())[1]
                  for w, mu, node_pieces in zip(self.weights, self.means, self.pieces)]
        # a safety margin for GLOP's tolerances (1e-7 on rows; values are probabilities)
        return NodeBound(min(1.0, self.objective.Value() + 1e-6), np.array(slopes))


def node_coefficients(model, sigma: float | None, chance):
    """(weights, per node the coefficient of each of `model`'s variables in mu_j = sum_i x_i p_i(z_j), and each
    (program_id, kind)'s chances p(z_j) per node): a program's variable carries p_i(z_j) unsignaled; a signal's
    variable the change its kind makes. `chance(candidate, kind)` is the program's chance with that signal."""
    columns = _columns(model)
    p = np.array([chance(c, kind) for _, c, kind in columns])
    base = np.array([chance(c, None) for _, c, _ in columns])
    weights, conditional = node_chances(np.concatenate([p, base]), sigma)
    n = len(columns)
    with_kind, without = conditional[:, :n], conditional[:, n:]
    node_values: list[dict[int, float]] = [{} for _ in weights]
    by_key = {}
    for col, (var, c, kind) in enumerate(columns):
        by_key[(c.program_id, kind)] = with_kind[:, col]
        by_key.setdefault((c.program_id, None), without[:, col])
        change = with_kind[:, col] - (without[:, col] if kind is not None else 0.0)
        for j, v in enumerate(change):
            if v:
                node_values[j][var] = node_values[j].get(var, 0.0) + float(v)
    return weights, node_values, by_key


def direction(slopes: np.ndarray, by_key: dict, sigma: float | None, chance):
    """value(candidate, kind) = sum_j w_j b_j p(z_j): the bound's linear direction at its optimum, as a value
    PortfolioModel.reweigh takes (it rises with the program's chance: valid for the model's classes)."""
    def value(c, kind):
        key = (c.program_id, kind)
        if key not in by_key:
            by_key[key] = node_chances(np.array([chance(c, kind)]), sigma)[1][:, 0]
        return float(slopes @ by_key[key])
    return value


# --- P(match): MatchLP (see the module's docstring) ----------------------------------------------------------

def power_terms(model, node_chances_of, groups: list[str], several: bool):
    """Per (specialty, z < 1), per node j: {variable: coefficient in L_sz}. `node_chances_of(c, kind)` gives the
    program's chances per node; with `several` False every program counts in the one group "all"."""
    powers = [z for z in POWERS if z < 1.0]
    nodes = node_chances_of(model.items[0][1], None).size
    terms = {(s, z): [dict() for _ in range(nodes)] for s in groups for z in powers}

    def logs(q, z):
        return np.log1p(-np.clip(q, 0.0, 1.0) * (1.0 - z)) if z > 0 else np.log1p(-np.clip(q, 0.0, 1.0 - 1e-15))

    for var, c, kind in _columns(model):
        group = c.program.specialty if several else "all"
        for z in powers:
            change = logs(node_chances_of(c, kind), z)
            if kind is not None:
                change = change - logs(node_chances_of(c, None), z)
            table = terms[(group, z)]
            for j, v in enumerate(change):
                if v:
                    table[j][var] = table[j].get(var, 0.0) + float(v)
    return terms


def fit_basis(t: np.ndarray) -> np.ndarray:
    """The fits' terms at counts t, one column per FIT_TERMS: z^t (z = 1 a constant, z = 0 the indicator of t = 0)
    and the indicators of t = 1, 2, 3 (COUNTS)."""
    return np.column_stack([np.ones_like(t) if z == 1.0 else (t == -z).astype(float) if z < 0 else z ** t
                            for z in FIT_TERMS])


@functools.lru_cache(maxsize=256)
def _miss_fit_problem(miss: tuple[float, ...]):
    return fit_basis(np.arange(len(miss), dtype=float)), np.asarray(miss)


def fit_miss(miss: tuple[float, ...], at: np.ndarray, counts: int = 3) -> np.ndarray:
    """c >= 0 over FIT_TERMS with sum_z c_z z^t + sum_k c_k [t = k] <= miss[t] at t = 0..len-1 (and beyond, where
    miss stays at its last value and every term falls), maximizing c . at (at: each term's expectation where the cut
    is made, E z^N and P(N = k)); solved with GLOP, then scaled down where the solver's tolerance left it a hair above:
    the fit is always below. `counts`: how many of the indicators of 1, 2, 3 interviews it may use."""
    return _fits_at(miss, [at], counts)[0]


def _fits_at(miss: tuple[float, ...], points, counts: int = 3) -> list[np.ndarray]:
    """fit_miss at each of `points`, on one GLOP program whose objective alone changes (each solve starts from the
    last one's basis)."""
    # ortools takes 0.07-0.41 s to import (measured): loaded only when this runs
    from ortools.linear_solver import pywraplp

    rows, bound = _miss_fit_problem(miss)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    c = [solver.NumVar(0.0, solver.infinity() if z >= 0 or -z <= counts else 0.0, "") for z in FIT_TERMS]
    for row, limit in zip(rows, bound):
        constraint = solver.Constraint(-solver.infinity(), float(limit))
        for var, a in zip(c, row):
            if a:
                constraint.SetCoefficient(var, float(a))
    objective = solver.Objective()
    objective.SetMaximization()
    out = []
    for at in points:
        for var, a in zip(c, at):
            objective.SetCoefficient(var, float(a))
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            out.append(np.zeros(len(FIT_TERMS)))
            continue
        fit = np.maximum([var.solution_value() for var in c], 0.0)
        fitted = rows @ fit
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(fitted > 0, bound / fitted, np.inf)
        scale = min(1.0, float(ratio.min()))
        out.append(fit * scale * (1 - 1e-9))
    return out


def miss_cut(fits: dict[str, np.ndarray], logs_at: dict[tuple[str, float], float]):
    """The cut y <= const + sum_(s,z) coef_sz L_sz at a point where L_sz = logs_at[(s, z)] (z < 1, and z in COUNTS:
    a lower bound of log P(N_s = k)), from each specialty's fit c_s (fit_miss). Returns (const, {(s, z): coef}).

    The product over specialties of sum_z c_sz e^L_sz expands into one term per choice of a z in each; each term's
    tangent is K e^u0 (1 + u - u0), K e^u0 the product of the chosen a_sz = c_sz e^L_sz(point). Summed over every
    choice that factorizes: with A_s = sum_z a_sz, the cut's constant is 1 - prod_s A_s + sum_s (sum_z a_sz L_sz)
    prod_(r != s) A_r, and L_sz's coefficient -a_sz prod_(r != s) A_r (a few terms per specialty, not their
    product). A term with a_sz under TINY is left out of its fit: the fit stays below the miss curve."""
    groups = sorted(fits)
    parts: dict[str, list[tuple[float, float, float]]] = {}
    for s in groups:
        parts[s] = []
        for k, z in enumerate(FIT_TERMS):
            if fits[s][k] <= 0:
                continue
            u0 = logs_at[(s, z)] if z < 1.0 else 0.0
            a = float(fits[s][k]) * math.exp(u0)
            if a >= TINY:
                parts[s].append((z, a, u0))
    totals = {s: sum(a for _z, a, _u0 in parts[s]) for s in groups}
    others = {s: math.prod(totals[r] for r in groups if r != s) for s in groups}
    const = 1.0 - math.prod(totals.values()) + sum(sum(a * u0 for _z, a, u0 in parts[s]) * others[s] for s in groups)
    coefs: dict[tuple[str, float], float] = {}
    for s in groups:
        for z, a, _u0 in parts[s]:
            if z < 1.0:
                coefs[(s, z)] = coefs.get((s, z), 0.0) - a * others[s]
    return const, coefs


def miss_fits(miss: tuple[float, ...]) -> np.ndarray:
    """Fits (fit_miss) made at Poisson-like points of means 0.1 .. 60: one row per point, ready to be picked by
    the point a cut is made at (the best of them there)."""
    return _miss_fits(miss)


@functools.lru_cache(maxsize=64)
def _miss_fits(miss: tuple[float, ...]) -> np.ndarray:
    z = np.asarray(POWERS)
    means = np.concatenate([np.arange(0.1, 3, 0.2), np.arange(3, 12, 0.5), np.arange(12, 61, 2.0)])
    rows = []
    # fits with the indicators of up to 3, 1 and 0 interviews: where a box bounds P(N = 2) or P(N = 1) poorly (or
    # not at all) the fits without them are the best
    for counts in (3, 1, 0):
        rows += _fits_at(miss, [np.concatenate([np.exp(-a * (1.0 - z)), [np.exp(-a) * a ** k / math.factorial(k)
                                                                           for k in (1, 2, 3)]]) for a in means],
                         counts)
    return np.array(rows)


def once_terms(model, node_chances_of, groups: list[str], several: bool, weights: np.ndarray):
    """Per specialty, what bounds log P(N_s = k) below for k = 1, 2, 3 (MatchLP's COUNTS stats):
    ({variable: coefficient in the odds sum Omega_s}, {variable: coefficient in the sum of squared odds Omega2_s},
    log kappa_j per node, the largest odds). Given z_j, P(N_s = k) = E[0^N] e_k(w_j), e_k the elementary symmetric
    sum of the listed programs' odds w = q/(1 - q); every chance is expit(a_i + sigma z_j), so each odds is its
    value at a reference node times a factor of the node alone: w_ij >= kappa_j omega_i (kappa_j the smallest
    ratio over the programs, the same for all of them up to rounding), and e_k(w_j) >= kappa_j^k e_k(omega), where
    e_1 = Omega, e_2 = (Omega^2 - Omega2) / 2 and e_3 >= (Omega^3 - 3 Omega Omega2) / 6 (Newton's identities), Omega
    and Omega2 linear in the list. Programs certain (or never) to invite count for nothing (odds 0): every e_k
    stays a lower bound."""
    reference = int(np.argmax(weights))
    columns = _columns(model)
    odds_of: dict[tuple, np.ndarray] = {}

    def odds(c, kind) -> np.ndarray:
        key = (c.program_id, kind)
        if key not in odds_of:
            q = np.asarray(node_chances_of(c, kind), dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = q / (1.0 - q)
            usable = (q[reference] > 1e-12) and (q[reference] < 1.0 - 1e-9) and np.all(np.isfinite(value))
            odds_of[key] = value if usable else np.zeros_like(q)
        return odds_of[key]

    out = {s: ({}, {}, np.full(len(weights), np.inf), [0.0]) for s in groups}
    for var, c, kind in columns:
        group = c.program.specialty if several else "all"
        coefs, squares, kappa, largest = out[group]
        value = odds(c, kind)
        base = odds(c, None)
        before = base[reference] if kind is not None else 0.0
        if value[reference] - before:
            coefs[var] = coefs.get(var, 0.0) + float(value[reference] - before)
            squares[var] = squares.get(var, 0.0) + float(value[reference] ** 2 - before ** 2)
        largest[0] = max(largest[0], float(value[reference]), float(base[reference]))
        for each in (value, base):
            if each[reference] > 0:
                np.minimum(kappa, each / each[reference], out=kappa)
    result = {}
    for s, (coefs, squares, kappa, largest) in out.items():
        kappa = np.where(np.isfinite(kappa) & (kappa > 0), kappa, np.exp(NO_ONE))
        result[s] = (coefs, squares, np.log(kappa) - 1e-12, largest[0])  # rounded down: still a lower bound
    return result


class MatchLP:
    """max sum_j w_j y_j over the linear relaxation of `model`, y_j under cuts made by miss_cut (the module's
    note above POWERS): each node's P(match) through the stats L_sz of its specialties, and lower bounds of
    log P(N_s = k), k = 1, 2, 3: L_s0 + k log kappa_j + chords in Omega_s and Omega2_s (once_terms) over the box
    Omega_s is held to (set_box). Every cut is valid in every box (each stat is a lower bound of its log there), so the cuts stay as
    boxes change; branch_and_bound covers the odds sums' range with boxes, the bound the largest over them."""

    def __init__(self, model, weights: np.ndarray, terms: dict, misses: dict[str, tuple[float, ...]],
                 once: dict | None = None):
        # ortools takes 0.07-0.41 s to import (measured): loaded only when this runs
        from ortools.linear_solver import pywraplp

        self._pywraplp = pywraplp
        solver = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("this OR-Tools installation has no GLOP solver")
        # cuts and boxes change a solved program a little at a time: the dual simplex restarts from the last basis
        # (with presolve, every solve began afresh: 10 times slower on the bundled data, the same bounds)
        solver.SetSolverSpecificParametersAsString(FAST_GLOP)
        self.weights, self.misses = weights, misses
        self.fits = {s: miss_fits(miss) for s, miss in misses.items()}
        self.xs = _base_rows(solver, model)
        self.ys = [solver.NumVar(0.0, 1.0, "") for _ in weights]
        self.nodes = [j for j, w in enumerate(weights) if w >= MIN_NODE_WEIGHT]
        # each node's L_sz as a variable of its own: the cut rows stay short
        self.stats = {key: [_stat(solver, self.xs, per_node[j]) for j in self.nodes] for key, per_node in terms.items()}
        self.objective = solver.Objective()
        self._weigh_nodes()
        # the nodes without cuts count at their largest, y_j = 1
        heavy = set(self.nodes)
        self._light = float(sum(w for j, w in enumerate(weights) if j not in heavy))
        self.solution: list[float] | None = None
        self.omega, self.omega_range, self.log_kappa, self._once_rows = {}, {}, {}, {}
        self.squares, self._largest, self._square_max, self._omega_total, self._empty = {}, {}, {}, {}, False
        for s, (coefs, squares, log_kappa, largest) in (once or {}).items():
            self.omega[s] = _stat(solver, self.xs, coefs)
            self.squares[s] = _stat(solver, self.xs, squares)
            self._omega_total[s] = sum(max(0.0, c) for c in coefs.values())
            self.log_kappa[s], self._largest[s] = log_kappa, largest
            self._once_rows[s] = {}
            for k, key in enumerate(COUNTS, start=1):
                rows, stats = [], []
                for zero in self.stats[(s, 0.0)]:
                    stat = solver.NumVar(-solver.infinity(), solver.infinity(), "")
                    # stat - L_s0 - (k beta) Omega_s - gamma Omega2_s = k log kappa_j + constant (set_box)
                    row = solver.Constraint(0.0, 0.0)
                    row.SetCoefficient(stat, 1.0)
                    row.SetCoefficient(zero, -1.0)
                    rows.append(row)
                    stats.append(stat)
                self.stats[(s, key)] = stats
                self._once_rows[s][k] = rows
        if self.omega:
            self.omega_range = self._omega_range()
            self.set_box(self.omega_range)
        else:
            for s in misses:  # no odds sums: the fits' indicators are never used
                self.fits[s] = self.fits[s].copy()
                self.fits[s][:, len(POWERS):] = 0.0

    def _omega_range(self) -> dict[str, tuple[float, float]]:
        """Each odds sum's least and largest value over the relaxation (GLOP); 0 and the sum of every coefficient
        where GLOP reaches no optimum. Also the largest sum of squared odds (self._square_max)."""
        objective, ranges = self.solver.Objective(), {}
        for s, omega in self.omega.items():
            ends = []
            for maximize in (False, True):
                objective.Clear()
                objective.SetCoefficient(omega, 1.0)
                objective.SetOptimizationDirection(maximize)
                ok = self.solver.Solve() == self._pywraplp.Solver.OPTIMAL
                ends.append(omega.solution_value() if ok else None)
            total = self._omega_total[s]
            low = 0.0 if ends[0] is None else max(0.0, ends[0] * (1 - 1e-6) - 1e-9)
            high = total if ends[1] is None else ends[1] * (1 + 1e-6) + 1e-9
            ranges[s] = (low, max(high, low))
            # the largest sum of squared odds: with the largest odds, a bound of Omega2 in each box (set_box)
            objective.Clear()
            objective.SetCoefficient(self.squares[s], 1.0)
            objective.SetMaximization()
            if self.solver.Solve() == self._pywraplp.Solver.OPTIMAL:
                self._square_max[s] = self.squares[s].solution_value() * (1 + 1e-6) + 1e-9
        self._weigh_nodes()
        return ranges

    def _weigh_nodes(self) -> None:
        """The bound's objective: sum_j w_j y_j over the nodes with cuts, maximized."""
        self.objective.Clear()
        for j in self.nodes:
            self.objective.SetCoefficient(self.ys[j], float(self.weights[j]))
        self.objective.SetMaximization()

    def set_box(self, box: dict[str, tuple[float, float]]) -> None:
        """Hold each odds sum Omega_s to [low, high] and set its COUNTS stats there (below log P(N_s = k)):
        log Omega >= its chord on the box (log is concave); with u = Omega2 / low^2 <= u_max (Omega2 is at most
        the largest odds x Omega, and at most its largest over the relaxation), log e_2(omega) >= 2 log Omega + log(1 - u) - log 2 and log e_3(omega) >=
        3 log Omega + log(1 - 3u) - log 6, each log(1 - m u) above its chord from 0 to u_max. Where the box reaches 0
        (or u_max is too large for a bound) a stat is NO_ONE (P(N = k) >= 0)."""
        for s, (low, high) in box.items():
            self.omega[s].SetBounds(float(low), float(high))
            reaches_zero = low <= 1e-12 * max(high, 1e-300)
            alpha, beta = (0.0, 0.0) if reaches_zero else _log_chord(low, high)
            # Omega2 <= the largest odds x Omega, and <= its largest over the relaxation
            squares = min(self._largest[s] * high, self._square_max.get(s, math.inf))
            u_max = squares / low ** 2 if low > 0 else math.inf
            for k, rows in self._once_rows[s].items():
                m = {1: 0.0, 2: 1.0, 3: 3.0}[k]
                if reaches_zero or m * u_max >= 0.95:
                    values, slope, gamma = np.full(len(self.nodes), NO_ONE), 0.0, 0.0
                else:
                    values = k * self.log_kappa[s][self.nodes] + (k * alpha - math.lgamma(k + 1))
                    slope = k * beta
                    # log(1 - m u) >= u log(1 - m u_max) / u_max on [0, u_max], u = Omega2 / low^2
                    gamma = math.log1p(-m * u_max) / u_max / low ** 2 if m else 0.0
                for row, value in zip(rows, values):
                    row.SetCoefficient(self.omega[s], -slope)
                    row.SetCoefficient(self.squares[s], -gamma)
                    row.SetBounds(float(value), float(value))

    def add_cuts_at(self, logs: dict[tuple[str, float], np.ndarray], ys: np.ndarray | None = None) -> int:
        """Cuts at the point whose stats are `logs` ((s, z) -> L_sz per node, (s, k in COUNTS) -> log P(N_s = k) or a
        lower bound); with `ys`, only where a node's y is above its cut. Returns how many were added."""
        infinity, added = self.solver.infinity(), 0
        for k, j in enumerate(self.nodes):
            y = self.ys[j]
            fits = {}
            for s, table in self.fits.items():
                at = np.array([1.0 if z == 1.0 else math.exp(logs[(s, z)][j]) if (s, z) in logs else 0.0
                               for z in FIT_TERMS])
                fits[s] = table[int(np.argmax(table @ at))]
            point = {key: float(values[j]) for key, values in logs.items()}
            const, coefs = miss_cut(fits, point)
            if ys is not None and ys[j] <= const + sum(c * point[key] for key, c in coefs.items()) + 1e-7:
                continue
            # y_j - sum coef_sz L_sz <= const
            row = self.solver.Constraint(-infinity, float(const))
            row.SetCoefficient(y, 1.0)
            for key, c in coefs.items():
                row.SetCoefficient(self.stats[key][k], -float(c))
            added += 1
        return added

    def solve(self) -> float | None:
        """The bound, or None when GLOP does not reach an optimum (self._empty: it proved the box empty)."""
        status = self.solver.Solve()
        if status not in (self._pywraplp.Solver.OPTIMAL, self._pywraplp.Solver.INFEASIBLE):
            # GLOP starts from its last basis, which a new box's chords can leave too far off: once from scratch,
            # then with its default settings (presolve, primal simplex), which succeed where the fast ones did not
            fresh = self._pywraplp.MPSolverParameters()
            fresh.SetIntegerParam(fresh.INCREMENTALITY, fresh.INCREMENTALITY_OFF)
            status = self.solver.Solve(fresh)
            if status not in (self._pywraplp.Solver.OPTIMAL, self._pywraplp.Solver.INFEASIBLE):
                self.solver.SetSolverSpecificParametersAsString("")
                status = self.solver.Solve(fresh)
                self.solver.SetSolverSpecificParametersAsString(FAST_GLOP)
        self._empty = status == self._pywraplp.Solver.INFEASIBLE
        if status != self._pywraplp.Solver.OPTIMAL:
            return None
        self.solution = [x.solution_value() for x in self.xs]
        # a safety margin for GLOP's tolerances (1e-7 on rows; values are probabilities)
        return min(1.0, self.objective.Value() + self._light + 1e-6)

    def kelley(self, rounds: int = 30) -> float | None:
        """Solve, add the cuts the solution violates, again, until none is (or `rounds`): the bound in this box
        (None when GLOP reaches no optimum)."""
        bound = None
        for _ in range(rounds):
            found = self.solve()
            if found is None:
                return bound
            bound = found if bound is None else min(bound, found)
            logs, ys = self.point()
            if self.add_cuts_at(logs, ys) == 0:
                break
        return bound

    def branch_and_bound(self, best: float, tolerance: float, max_boxes: int = MAX_BOXES,
                         rounds: int = BOX_ROUNDS) -> float | None:
        """A bound on every list of the model: the odds sums' range split into boxes, each bounded by `rounds` of
        kelley in it, the box with the highest bound split next (at its solution's odds sums, where the chord is
        then exact), until no box's bound is more than `tolerance` above `best` (a value some list reaches) or
        `max_boxes` are made. Returns the largest bound of the boxes left (None when GLOP fails at the first)."""
        import heapq

        if not self.omega:
            return self.kelley(rounds)
        order = sorted(self.omega)
        found = self._bound_in(self.omega_range, rounds)
        if found is None:
            return best if self._empty else None  # no list in the whole range: only `best`'s own value stands
        heap, made = [(-found[0], 1, self.omega_range, found[1])], 1
        while heap:
            top = -heap[0][0]
            if top - best <= tolerance or made >= max_boxes:
                break
            _, _, box, at = heapq.heappop(heap)
            s, cut = _split_point(box, at, order)
            for low, high in ((box[s][0], cut), (cut, box[s][1])):
                child = dict(box, **{s: (low, high)})
                found = self._bound_in(child, rounds)
                made += 1
                if found is None:
                    if self._empty:
                        continue  # no list has its odds sums in this box
                    found = (top, at)  # GLOP failed here: the parent's bound still holds for the box
                heapq.heappush(heap, (-min(found[0], top), made, child, found[1]))
        self.set_box(self.omega_range)
        return max((-entry[0] for entry in heap), default=best)

    def _bound_in(self, box, rounds: int):
        """(kelley's bound in the box, the solution's odds sums), or None (self._empty: the box holds no point)."""
        self.set_box(box)
        bound = self.kelley(rounds)
        if bound is None:
            return None
        return bound, {s: omega.solution_value() for s, omega in self.omega.items()}

    def point(self) -> tuple[dict[tuple[str, float], np.ndarray], np.ndarray]:
        """The solution's stats (0 at the nodes without cuts) and y per node."""
        logs = {}
        for key, variables in self.stats.items():
            logs[key] = np.zeros(self.weights.size)
            logs[key][self.nodes] = [v.solution_value() for v in variables]
        return logs, np.array([y.solution_value() for y in self.ys])


def _log_chord(low: float, high: float) -> tuple[float, float]:
    """(alpha, beta): the chord alpha + beta x of log x over [low, high], 0 < low (below log there: it is concave);
    the constant log low where the interval is a point."""
    if high - low <= 1e-9 * high:
        return math.log(low), 0.0
    beta = (math.log(high) - math.log(low)) / (high - low)
    return math.log(low) - beta * low, beta


def _split_point(box: dict, at: dict, order: list[str]) -> tuple[str, float]:
    """(specialty, value): where to split a box of odds sums. The specialty whose chord costs most at the box's
    solution: P(N_s = 1) is about proportional to Omega_s, and the chord's stat is log Omega_s less its gap, so
    the cost is about Omega_s (1 - e^-gap) (the whole Omega_s where the box reaches 0 and the stat is NO_ONE);
    split at the solution's value (kept off the ends: the chord is then exact there; at most BOTTOM_SPLIT of the
    top where the box reaches 0)."""
    best = None
    for s in order:
        low, high = box[s]
        if high <= low:
            continue
        value = min(max(at.get(s, low), low + 0.1 * (high - low)), high - 0.1 * (high - low))
        here = max(at.get(s, 0.0), 0.0)
        if low <= 0:
            cost = here
            # the solution sits near the top (more odds, more interviews): a lower cut leaves a box without a
            # chord that holds only weaker lists, and one with a chord where the solution is
            value = min(value, BOTTOM_SPLIT * high)
        else:
            _alpha, beta = _log_chord(low, high)
            point = max(here, low)
            gap = math.log(point) - (math.log(low) + beta * (point - low))
            cost = point * (1.0 - math.exp(-gap))
        if best is None or cost > best[0]:
            best = (cost, s, value)
    if best is None:
        s = order[0]
        return s, box[s][0]
    return best[1], best[2]
