"""A proven upper bound on P(match) or P(at least K interviews) of every list, node by node of the applicant's
latent strength, and the linear direction it points in.

The correlated view averages over Gauss-Hermite nodes z_j (weights w_j): given z_j the programs decide
independently, program i with chance p_i(z_j) = expit(a_i + sigma z_j), a constant per program, signal kind and
node. So the expected number of interviews at node j, mu_j(x) = sum_i x_i p_i(z_j), is linear in the list x.

Match, one specialty: m is concave and nondecreasing (or replaced by its concave majorant, which lies above it), so
by Jensen's inequality at each node E[m(N) | z_j] <= m(mu_j(x)), and P(match) = sum_j w_j E[m(N) | z_j] <=
sum_j w_j m(mu_j(x)). Several specialties: given z_j the specialties' counts N_s are independent, and
1 - prod_s (1 - m_s(N_s)) <= G(T), G(t) the best split of t interviews between them and T = sum_s N_s
(outcomes.combined_curve_values); G's concave majorant G^ gives E[...| z_j] <= G^(mu_j(x)) the same way.
At least K: given z_j, N is a sum of independent Bernoulli trials with mean mu_j, and the largest P(N >= K) of any
such sum is a nondecreasing function of the mean alone (it is attained, Hoeffding 1956, Theorem 4, with every
chance 0, 1 or one common value: computed here over every split of that kind); its concave majorant bounds
P(N >= K | z_j) by a concave function of mu_j(x). (On [0, K] that majorant is at least Markov's mu / K, so for
this objective the gain over the old bound comes from the nodes where the list's mean is above K.)

Either way the bound is a concave, piecewise linear function of x: U(x) = sum_j w_j min_k (c_k + b_k mu_j(x)).
Its maximum over the linear relaxation of the list's model (PortfolioModel's variables and rows: count window,
tier bands, fees within the budget, limits per group, signals) is a linear program, solved with OR-Tools' GLOP;
every list's value is at most that maximum. The model keeps, within each class of programs that share every
constraint coefficient, only the best by chance; a list using another program of the class is matched by one
using a better one, whose p_i(z_j) are at least as large at every node (expit is increasing in a_i, which rises
with p_i), so U does not fall: the maximum over the model is the maximum over every list.

The linear program's solution also gives a direction: the slope b_j of the piece active at each node. A program's
gain in U is about sum_j w_j b_j p_i(z_j), a linear value the PortfolioModel can maximize exactly (solve_risk uses
it to find candidate lists).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

NODES = 32  # the quadrature of the correlated view as outcomes evaluates it (outcomes._list_p_match)
VARIANCE_SHARES = (0.5, 0.8, 0.95)
# anchors' variance as a share of their mean (sum p(1-p) <= sum p), and their means 0.5 .. 29.5 (curves flatten)
ANCHOR_TOP = 30
AT_LEAST_GRID = 0.02  # step of the mean on which the at-least bound is tabulated (a step function above it)


@dataclass(frozen=True)
class NodeBound:
    """The bound's linear program, solved: its value, and the weighted slope w_j b_j of each node's active piece."""

    value: float
    node_slopes: np.ndarray


def node_chances(p: np.ndarray, sigma: float | None) -> tuple[np.ndarray, np.ndarray]:
    """(weights w_j, matrix of p_i(z_j), one row per node) for chances p; one node of weight 1 when sigma is None
    (independent decisions)."""
    from optimizer.model.outcomes import _conditional_probabilities

    p = np.asarray(p, dtype=float)
    if not sigma:
        return np.ones(1), p[None, :].copy()
    return _conditional_probabilities(p, float(sigma), NODES)


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


def match_values(curves, specialties: list[str]) -> np.ndarray:
    """P(match | t interviews) for t = 0.. up to where it stops rising: the specialty's curve (one specialty), else
    G(t), the best split of t interviews between them (several); flat after the last value."""
    from optimizer.model.outcomes import MatchCurves, combined_curve_values

    if not isinstance(curves, MatchCurves):
        return curves.values(max(curves.ranks))
    if len(specialties) == 1:
        curve = curves.curve(specialties[0])
        return curve.values(max(curve.ranks))
    chosen = MatchCurves(tuple((s, curves.curve(s)) for s in specialties))
    # G is flat once every specialty's curve is: past the sum of their last listed ranks
    return combined_curve_values(chosen, sum(max(c.ranks) for _, c in chosen.by_specialty))


@functools.lru_cache(maxsize=32)
def quadratic_cuts(values: tuple[float, ...], longest: int) -> tuple[tuple[float, float, float, float], ...]:
    """Cuts (c, b, C, D) with E[f(N)] <= c + b E[N] - C Var(N) - D log P(N = 0) for every sum N of at most
    `longest` independent Bernoulli trials, f given at t = 0.. by `values` (f(0) = 0, flat after the last value).

    Each comes from psi(t) = A + B t - C t^2 - E [t = 0] >= f(t) at every whole t in [0, longest] (N is a whole
    number), C, E >= 0: E f(N) <= E psi(N) = A + B mu - C (Var N + mu^2) - E P(N = 0). Then mu^2 >= 2 a mu - a^2 and
    P(N = 0) = exp(L) >= pi (1 + L - log pi) for any a and pi > 0, with L = sum_i log(1 - p_i), linear in the list.
    For each anchor (mean a, variance v, P(N = 0) pi as a Poisson-like count would have), psi is the lowest there (a
    small linear program). C = E = 0 gives Jensen's lines; E lets psi drop at 0 under the curve's steep first
    ranks, where Jensen's bound is loosest."""
    from scipy.optimize import linprog

    top = max(longest, len(values) - 1)
    t = np.arange(top + 1, dtype=float)
    f = np.concatenate([values, np.full(top + 1 - len(values), values[-1])])[:top + 1]
    zero = (t == 0).astype(float)
    # psi(t) >= f(t): -A - B t + C t^2 + E [t = 0] <= -f(t)
    rows = np.column_stack([-np.ones_like(t), -t, t ** 2, zero])
    cuts = []
    for a in np.arange(0.5, min(len(values), ANCHOR_TOP) + 0.5, 1.0):
        for share in VARIANCE_SHARES:
            v = share * a
            pi = math.exp(-a - (a - v) / 2)  # about P(N = 0) of small chances with this mean and variance
            found = linprog(c=[1.0, a, -(v + a * a), -pi], A_ub=rows, b_ub=-f,
                            bounds=[(None, None), (None, None), (0, None), (0, None)], method="highs")
            if found.status != 0:
                continue
            big_a, big_b, big_c, big_e = (float(x) for x in found.x)
            # lift psi over f where the solver's tolerance left it a hair below: the cut stays proven
            big_a += max(0.0, float(np.max(f - (big_a + big_b * t - big_c * t ** 2 - big_e * zero))))
            cuts.append((big_a + big_c * a * a - big_e * pi * (1 - math.log(pi)), big_b - 2 * big_c * a, big_c,
                         big_e * pi))
    return tuple(cuts)


def match_pieces(curves, specialties: list[str]) -> list[tuple[float, float]]:
    """The pieces of a concave, nondecreasing function of a node's mean interviews that bounds that node's P(match):
    the specialty's curve's concave majorant (one specialty), else G^ (several)."""
    from optimizer.model.outcomes import MatchCurves, combined_curve_values

    if not isinstance(curves, MatchCurves):
        curve = curves
    elif len(specialties) == 1:
        curve = curves.curve(specialties[0])
    else:
        chosen = MatchCurves(tuple((s, curves.curve(s)) for s in specialties))
        # G is flat once every specialty's curve is: past the sum of their last listed ranks
        top = sum(max(c.ranks) for _, c in chosen.by_specialty)
        values = combined_curve_values(chosen, top)
        return _pieces(_hull([(float(t), float(v)) for t, v in enumerate(values)]))
    ranks, values = curve._knots()
    return _pieces(_hull(list(zip(ranks.tolist(), values.tolist()))))


@functools.lru_cache(maxsize=64)
def at_least_pieces(k: int, longest: int) -> tuple[tuple[float, float], ...]:
    """The pieces of a concave, nondecreasing function of the mean that bounds P(N >= k) for every sum N of at most
    `longest` independent Bernoulli trials with that mean (see the module's docstring). Tabulated on a grid of the
    mean as a step function taken at each step's right end (valid: the largest tail never falls as the mean
    grows), then its concave hull."""
    from scipy.stats import binom, poisson

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
        tails = np.where(possible, binom.sf(need - 1, fractional[None, :], chance), 0.0).max(axis=1)
        # and the limit of many small chances (more trials than `longest` never occur, but the limit is harmless)
        tails = np.maximum(tails, poisson.sf(need - 1, rest[ok]))
        sup[ok] = np.maximum(sup[ok], tails)
    sup = np.maximum.accumulate(np.minimum(sup, 1.0))
    # at the mean k a list may hold k sure programs: the bound is 1 from there on
    corners = [(0.0, float(sup[1]) if sup.size > 1 else 1.0)]
    for i in range(1, means.size):
        corners += [(float(means[i - 1]), float(sup[i])), (float(means[i]), float(sup[i]))]
    corners.append((float(k), 1.0))
    merged: dict[float, float] = {}
    for x, y in corners:
        merged[x] = max(merged.get(x, 0.0), y)
    return tuple(_pieces(_hull(sorted(merged.items()))))


def solve_node_bound(model, node_terms: list[tuple[dict, dict, dict]], weights: np.ndarray,
                     cuts) -> NodeBound | None:
    """max sum_j w_j y_j subject to y_j <= c_k + b_k mu_j(x) - C_k V_j(x) - D_k L_j(x) for every cut k, x in the
    linear relaxation of `model` (a PortfolioModel). `node_terms[j]` maps each of the model's variables to its
    coefficient in mu_j = sum_i x_i p_i(z_j), V_j = sum_i x_i p_i(z_j)(1 - p_i(z_j)) (the count's variance at node
    j) and L_j = sum_i x_i log(1 - p_i(z_j)) (the log of P(no interview) there). None when GLOP does not reach an
    optimum (the caller keeps its older bound)."""
    from ortools.linear_solver import pywraplp

    linear = model.model
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    infinity = solver.infinity()
    xs = [solver.NumVar(float(lo), float(hi), "") for lo, hi in zip(linear.lower, linear.upper)]
    for _name, coefs, lo, hi in linear.rows:
        row = solver.Constraint(-infinity if lo == float("-inf") else float(lo),
                                infinity if hi == float("inf") else float(hi))
        for i, a in coefs.items():
            row.SetCoefficient(xs[i], float(a))
    ys, stats = [], []
    for terms in node_terms:
        y = solver.NumVar(0.0, 1.0, "")
        ys.append(y)
        # each node's mean, variance and log P(N = 0) as a variable of its own: the cut rows stay short
        node_stats = []
        for coefs in terms:
            stat = solver.NumVar(-infinity, infinity, "")
            row = solver.Constraint(0.0, 0.0)
            row.SetCoefficient(stat, -1.0)
            for i, a in coefs.items():
                row.SetCoefficient(xs[i], float(a))
            node_stats.append(stat)
        stats.append(node_stats)
        mu, var, log0 = node_stats
        for intercept, slope, curvature, zero in cuts:
            # y_j - b_k mu_j + C_k V_j + D_k L_j <= c_k: the node's chance lies under every cut
            row = solver.Constraint(-infinity, float(intercept))
            row.SetCoefficient(y, 1.0)
            row.SetCoefficient(mu, -float(slope))
            row.SetCoefficient(var, float(curvature))
            row.SetCoefficient(log0, float(zero))
    objective = solver.Objective()
    for y, w in zip(ys, weights):
        objective.SetCoefficient(y, float(w))
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # each node's slope in its mean: that of the cut lowest at the solution (where the node's chance sits)
    slopes = []
    for w, (mu, var, log0) in zip(weights, stats):
        at = (mu.solution_value(), var.solution_value(), log0.solution_value())
        slopes.append(w * min(cuts, key=lambda cut: cut[0] + cut[1] * at[0] - cut[2] * at[1] - cut[3] * at[2])[1])
    # a safety margin for GLOP's tolerances (1e-7 on rows; values are probabilities)
    return NodeBound(min(1.0, objective.Value() + 1e-6), np.array(slopes))


def node_coefficients(model, sigma: float | None, chance):
    """(weights, per node the coefficient of each of `model`'s variables in mu_j, V_j and L_j (solve_node_bound),
    and each (program_id, kind)'s chances p(z_j) per node): a program's variable carries its unsignaled terms; a
    signal's variable the change a signal of its kind makes. `chance(candidate, kind)` is the program's chance
    (with a signal of that kind)."""
    columns = [(x, c, None) for x, c in model.items] + [(s, c, kind) for s, c, kind in model.signal_vars]
    p = np.array([chance(c, kind) for _, c, kind in columns])
    base = np.array([chance(c, None) for _, c, _ in columns])
    weights, conditional = node_chances(np.concatenate([p, base]), sigma)
    n = len(columns)
    with_kind, without = conditional[:, :n], conditional[:, n:]

    def stats(q):
        q = np.clip(q, 0.0, 1.0 - 1e-15)  # a sure program: P(no interview) is 0, its log very negative
        return np.stack([q, q * (1.0 - q), np.log1p(-q)])

    node_terms = [({}, {}, {}) for _ in weights]
    by_key = {}
    for col, (var, c, kind) in enumerate(columns):
        by_key[(c.program_id, kind)] = with_kind[:, col]
        by_key.setdefault((c.program_id, None), without[:, col])
        change = stats(with_kind[:, col]) - (stats(without[:, col]) if kind is not None else 0.0)
        for j in range(weights.size):
            for which in range(3):
                v = float(change[which, j])
                if v:
                    node_terms[j][which][var] = node_terms[j][which].get(var, 0.0) + v
    return weights, node_terms, by_key


def direction(slopes: np.ndarray, by_key: dict, sigma: float | None, chance):
    """value(candidate, kind) = sum_j w_j b_j p(z_j): the bound's linear direction at its optimum, as a value
    PortfolioModel.reweigh takes (it rises with the program's chance: valid for the model's classes)."""
    def value(c, kind):
        key = (c.program_id, kind)
        if key not in by_key:
            by_key[key] = node_chances(np.array([chance(c, kind)]), sigma)[1][:, 0]
        return float(slopes @ by_key[key])
    return value
