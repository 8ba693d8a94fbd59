"""Optimizing for risk: maximize P(match) or P(at least K interviews) under the same limits.

Both are nonlinear in the list. The method, and why its answer comes with a proven bound:

1. Bound. The smaller of two proven bounds. (a) P(match) = E[m(N)], m the match-by-ranks curve, concave and
   nondecreasing; by Jensen's inequality it is at most m(E[N]) <= m(E_max), where E_max is the largest expected
   number of interviews any list under the limits reaches (a linear problem solved exactly). For P(N >= K),
   Markov's inequality gives E_max / K and, with independent decisions and K >= E_max + 1, the Poisson(E_max)
   upper tail (Hoeffding 1956; Anderson and Samuels 1967). (b) Node by node of the applicant's latent strength,
   a linear program over the list's relaxation (optimizer/solver/risk_bound.py): for P(match), cuts that hold
   outcome by outcome (the miss curves bounded below by sums of powers, whose expectations are log-linear in the
   list, and the indicators of 1-3 interviews, whose expectations are bounded below in boxes of the odds sums), made
   where lists and the relaxation's solutions are, then a branch-and-bound over those boxes while the gap is
   above the tolerance; for P(N >= K), each node's largest tail given its mean, made concave.
2. Candidates. For concave m, E[m(N)] ~ m(mean) + m''(mean)/2 * variance, and the variance of independent
   decisions, sum p(1 - p), is linear in the list. So each lam in a grid gives a linear problem: maximize
   sum p - lam * p(1 - p), solved exactly; lam > 0 favours sure programs, lam < 0 spread (useful for P(N >= K) when
   K is above the mean). Then the exact value's slope at the best list (what one more program adds, node by node)
   as a linear value, while it finds a better list; for P(match), the list nearest the bound's solution. Each
   candidate list is evaluated exactly.
3. Polish. Programs that share every constraint coefficient compete only on p, and a list with a higher p in place
   of a lower one has a stochastically larger N, so within a class the best list takes the top programs by p. A
   local search moves one program at a time between classes (swap, add, drop) while the exact value improves.
The answer's gap (bound - value) is reported; it is called optimal when the gap is within 1 point for P(match) and
2 points for P(at least K) (issue 23), feasible otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from optimizer.solver.constraints import Limits, list_cost, violations
from optimizer.solver.optimize import PortfolioModel, Solution, class_key
from optimizer.model.scoring import Candidate
from optimizer.errors import InputError
from optimizer.inputs.parsing import ParseError, objective_parts, parse_objective
from optimizer.model.outcomes import (MatchCurve, MatchCurves, at_least_upper_bound, combined_curve_values,
    correlated_distribution, interview_distribution, list_p_match, match_upper_bound, p_at_least, p_match,
    poisson_binomial_rows)
from optimizer.solver import risk_bound
from optimizer.solver.risk_bound import node_chances

LAMBDAS = (0.0, 0.15, 0.3, 0.5, 0.7, 0.9, -0.3, -0.6)
MAX_POLISH_ROUNDS = 40
MAX_LINEARIZATIONS = 6
PESSIMISTIC_SHIFTS = (0.5, 1.0)  # log-odds by which every chance is lowered for the robust list's extra candidates
MAX_PESSIMISTIC_STEPS = 3
MAX_CUT_ROUNDS = 4  # rounds of a candidate from the bound's solution, and cuts at it
MAX_KELLEY = 30  # rounds of cuts where the bound's solution violates them
MATCH_TOLERANCE = 0.01  # a list within 1 point of the bound is called optimal (issue 23)
AT_LEAST_TOLERANCE = 0.02


@dataclass(frozen=True)
class Objective:
    kind: str  # "interviews", "match" or "at-least"
    k: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> "Objective":
        """The objective from what a person wrote (optimizer/inputs/parsing.py); InputError naming --objective if unknown."""
        try:
            return cls(*objective_parts(parse_objective(text)))
        except ParseError as error:
            raise InputError(f"'{text}': {error}", file="--objective") from None

    @property
    def label(self) -> str:
        return {"interviews": "expected interviews (weighted)", "match": "P(match)"}.get(
            self.kind, f"P(at least {self.k} interviews)")

    def __str__(self) -> str:
        return self.kind if self.k is None else f"{self.kind}:{self.k}"


def risk_value(p: np.ndarray, objective: Objective, curve, sigma: float | None,
               specialties=None) -> float:
    """The exact value of a list with probabilities p for a risk objective (independent view when sigma is None).
    `curve` is a MatchCurve, or the applicant's MatchCurves with `specialties` naming each program's."""
    if objective.kind == "match" and isinstance(curve, MatchCurves):
        return list_p_match(p, curve, specialties, sigma or None)
    dist = correlated_distribution(p, sigma) if sigma else interview_distribution(p)
    return p_match(dist, curve) if objective.kind == "match" else p_at_least(dist, objective.k)


def upper_bound(e_max: float, objective: Objective, curve, independent: bool = True) -> float:
    """A proven upper bound on the objective of any list with at most e_max expected interviews. For several
    specialties' curves: G(t), the best split of t interviews between them (outcomes.combined_curve_values), bounds
    every list's P(match) as E[G(T)]; its concave majorant then gives Jensen's bound at e_max."""
    if objective.kind == "match":
        if isinstance(curve, MatchCurves):
            top = 40
            values = combined_curve_values(curve, top)
            curve = MatchCurve(applicant_type=curve.first.applicant_type, specialty="combined", year=None,
                               source="best split of interviews between the specialties", assumption=False,
                               note="", ranks=tuple(range(top + 1)), p_match=tuple(float(v) for v in values))
        return match_upper_bound(e_max, curve if curve.is_concave() else curve.concave_majorant())
    return at_least_upper_bound(e_max, objective.k, independent)


def _p(c: Candidate, kind: str | None) -> float:
    return c.p_with(kind)


def solve_risk(candidates: list[Candidate], limits: Limits, objective: Objective, curve, sigma: float | None = None,
               backend: str = "cpsat", time_limit: float | None = None, signal_rules: dict | None = None,
               rank=None) -> Solution:
    """The list (and signals) with the highest P(match) or P(at least K) found, with a proven bound and its gap.

    `rank(chosen, applied_p, value)`, when given, is a figure never above the list's objective value (`value`):
    the answer is then the list found with the highest rank, its objective that rank, and the bound still the
    objective's (so it bounds the rank of every list too). The robust list uses it: rank = the low end of the
    P(match) range."""
    model = PortfolioModel(candidates, limits, backend, value=_p, signal_rules=signal_rules,
                           max_budget_usd=limits.budget_usd)
    mean_best = model.solve(time_limit=time_limit)
    if mean_best.status in ("infeasible", "time_limit"):
        return mean_best
    bound = upper_bound(mean_best.bound if mean_best.bound is not None else mean_best.objective, objective, curve,
                        independent=not sigma)

    weights, node_values, by_key = risk_bound.node_coefficients(model, sigma, _p)
    node = None
    if objective.kind == "match":
        lp = _match_lp(model, curve, sigma, weights, by_key)
        if lp is not None:
            lp.add_cuts_at(_list_logs(lp, mean_best.chosen, mean_best.signals, by_key, sigma))
            found_bound = lp.kelley(MAX_KELLEY)
            if found_bound is not None:
                bound = min(bound, found_bound)
    else:
        lp = _at_least_lp(model, objective, weights, node_values, by_key)
        node = lp.solve() if lp is not None else None
        if lp is not None and node is None:  # GLOP reached no optimum with the capped pieces: the uncapped ones
            lp = _at_least_lp(model, objective, weights, node_values, by_key, capped=False)
            node = lp.solve()
        if node is not None:
            bound = min(bound, node.value)

    def value(chosen, signals) -> float:
        p = np.array([_p(c, signals.get(c.program_id)) for c in chosen])
        return risk_value(p, objective, curve, sigma, [c.program.specialty for c in chosen])

    best = (list(mean_best.chosen), dict(mean_best.signals))
    best_value = value(*best)
    seen = {_key(*best)}
    found_lists = [best]

    def polish_best() -> None:
        """Local search from the best list found (its signals kept)."""
        nonlocal best, best_value
        chosen, signals = best
        chosen, best_value = _polish(chosen, best_value, candidates, limits, lambda ch: value(ch, signals),
                                     keep=set(signals))
        best = (chosen, signals)

    def consider(found) -> bool:
        nonlocal best, best_value
        if found.status not in ("optimal", "feasible") or not found.chosen:
            return False
        key = _key(found.chosen, found.signals)
        if key in seen:
            return False
        seen.add(key)
        found_lists.append((list(found.chosen), dict(found.signals)))
        v = value(found.chosen, found.signals)
        if v > best_value + 1e-12:
            best, best_value = (list(found.chosen), dict(found.signals)), v
            return True
        return False

    directions = []
    if node is not None:
        # the bound's own direction: the linear value its optimum points along
        directions.append(risk_bound.direction(node.node_slopes, by_key, sigma, _p))
    for lam in LAMBDAS[1:]:
        def surrogate(c, kind, lam=lam):
            p = _p(c, kind)
            return p - lam * p * (1 - p)
        directions.append(surrogate)
    for direction in directions:
        # each value rises with p: the same model serves, with new objective coefficients
        model.reweigh(direction)
        consider(model.solve(time_limit=time_limit, start_from=mean_best))
    # then follow the exact value's own slope from the best list (a linearization of P(match) at it), while it
    # leads to a better list
    for _ in range(MAX_LINEARIZATIONS):
        model.reweigh(exact_direction(best[0], best[1], objective, curve, sigma, by_key))
        if not consider(model.solve(time_limit=time_limit, start_from=mean_best)):
            break
    polish_best()
    # the list nearest the bound's solution is one more candidate; cuts at every list found tighten the bound
    if objective.kind == "match" and lp is not None and lp.solution is not None:
        for _ in range(MAX_CUT_ROUNDS):
            model.reweigh(_nearest(model, lp.solution))
            if not consider(model.solve(time_limit=time_limit, start_from=mean_best)):
                break
            polish_best()
            if bound - best_value <= tolerance(objective) / 2:
                break
            lp.add_cuts_at(_list_logs(lp, *best, by_key, sigma))
            found_bound = lp.kelley(MAX_KELLEY)
            if found_bound is None:
                break
            bound = min(bound, found_bound)
    if objective.kind == "match" and lp is not None and bound - best_value > tolerance(objective) / 2:
        # the odds sums' range in boxes, each with its own chords of log P(N_s = k) (risk_bound.MatchLP)
        lp.add_cuts_at(_list_logs(lp, *best, by_key, sigma))
        boxed = lp.branch_and_bound(best_value, tolerance(objective) - 1e-4)
        if boxed is not None:
            bound = min(bound, boxed)
    chosen, signals = best
    if rank is not None:
        # lists that are best if every chance were lower (the range's low end is such a world): more candidates
        for shift in PESSIMISTIC_SHIFTS:
            def lowered(c, kind, shift=shift):
                p = min(max(_p(c, kind), 1e-12), 1 - 1e-12)
                return 1.0 / (1.0 + (1.0 - p) / p * np.exp(shift))
            lowered_key: dict = {}
            start = best
            for _ in range(MAX_PESSIMISTIC_STEPS):
                model.reweigh(exact_direction(*start, objective, curve, sigma, lowered_key, lowered))
                found = model.solve(time_limit=time_limit, start_from=mean_best)
                if not found.chosen or _key(found.chosen, found.signals) in seen:
                    break
                consider(found)
                start = (list(found.chosen), dict(found.signals))
        chosen, signals, best_value = _best_ranked(found_lists + [best], rank, value)
    signals = {pid: kind for pid, kind in signals.items() if pid in {c.program_id for c in chosen}}
    bound = max(bound, best_value)
    gap = max(0.0, bound - best_value)
    status = "optimal" if gap <= tolerance(objective) else "feasible"
    chosen.sort(key=lambda c: (-_p(c, signals.get(c.program_id)), c.program_id))
    return replace(mean_best, status=status, chosen=tuple(chosen), objective=best_value, bound=bound, gap=gap,
                   cost=list_cost(chosen, limits.fees), signals=signals)


def _nearest(model, solution: list[float]):
    """value(candidate, kind) that the list nearest the bound's fractional solution maximizes (ties to the higher
    chance)."""
    x_of = {c.program_id: x for x, c in model.items}
    s_of = {(c.program_id, kind): s for s, c, kind in model.signal_vars}

    def value(c, kind):
        v = solution[x_of[c.program_id]] if c.program_id in x_of else 0.0
        if kind is not None and (c.program_id, kind) in s_of:
            v += solution[s_of[(c.program_id, kind)]]
        return v + 1e-3 * _p(c, kind)
    return value


def _best_ranked(lists, rank, value):
    """(chosen, signals, rank) of the list with the highest rank (ties: the first found)."""
    best, seen = None, set()
    for chosen, signals in lists:
        key = _key(chosen, signals)
        if key in seen or not chosen:
            continue
        seen.add(key)
        applied = [_p(c, signals.get(c.program_id)) for c in chosen]
        r = min(rank(list(chosen), applied, value(chosen, signals)), value(chosen, signals))
        if best is None or r > best[2] + 1e-12:
            best = (list(chosen), dict(signals), r)
    return best


def tolerance(objective: Objective) -> float:
    """The gap within which a risk objective's list is called optimal (issue 23: 1 point for P(match), 2 for
    P(at least K))."""
    return MATCH_TOLERANCE if objective.kind == "match" else AT_LEAST_TOLERANCE


def _key(chosen, signals) -> tuple:
    return tuple(sorted(c.program_id for c in chosen)), tuple(sorted(signals.items()))


def _at_least_lp(model, objective: Objective, weights, node_values, by_key, capped: bool = True):
    """The node-by-node bound of P(at least K) (risk_bound.NodeBoundLP) on `model`, or None without programs.

    At each node that carries weight, no program's chance (with any signal) exceeds the node's best, and no list's
    mean exceeds the relaxation's largest there (risk_bound.largest_means; the sum of the `longest` best chances
    if GLOP reaches no optimum): the bound for sums of such chances (capped_at_least_pieces) holds for every list
    of the model and is far below Markov's where the best chance is well below 1. `capped=False`: the uncapped
    bound at every node."""
    if not model.items:
        return None
    longest = max(model.longest, objective.k)
    uncapped = risk_bound.at_least_pieces(objective.k, longest)
    if not capped:
        return risk_bound.NodeBoundLP(model, node_values, weights, uncapped)
    table = np.array(list(by_key.values()))  # (program, kind) x node
    best_per_program: dict[str, np.ndarray] = {}
    for (program_id, _kind), values in by_key.items():
        best_per_program[program_id] = np.maximum(best_per_program.get(program_id, 0.0), values)
    best = np.sort(np.array(list(best_per_program.values())), axis=0)[::-1]
    heavy = [j for j, weight in enumerate(weights) if weight >= risk_bound.CAPPED_MIN_WEIGHT]
    # the largest mean any list reaches at the node: the bound is flat beyond it, and its concave hull is then
    # tight at the lists of the largest means, where the lists for P(at least K) are
    largest = risk_bound.largest_means(model, node_values, heavy)
    pieces = []
    for j, weight in enumerate(weights):
        if weight < risk_bound.CAPPED_MIN_WEIGHT:
            pieces.append(uncapped)
            continue
        cap = float(np.ceil(table[:, j].max() * 1e4) / 1e4)  # rounded up: still a cap, and a cache key
        top_mean = best[:longest, j].sum()
        if j in largest:
            top_mean = min(top_mean, largest[j] + 1e-6)  # GLOP's tolerance
        top_mean = float(np.ceil(top_mean * 100) / 100)  # rounded up: still above every list's mean
        pieces.append(risk_bound.capped_at_least_pieces(objective.k, longest, min(cap, 1.0), top_mean))
    return risk_bound.NodeBoundLP(model, node_values, weights, pieces)


def _match_lp(model, curve, sigma, weights, by_key):
    """risk_bound.MatchLP on `model`: stats per specialty (one group when `curve` is one curve for every program)."""
    if not model.items:
        return None
    several = isinstance(curve, MatchCurves)
    groups = sorted({c.program.specialty for _, c in model.items}) if several else ["all"]
    misses = {}
    for s in groups:
        one = curve.curve(s) if several else curve
        misses[s] = tuple(float(1.0 - v) for v in one.values(max(one.ranks)))
    chances = _chances_of(by_key, sigma)
    return risk_bound.MatchLP(model, weights, risk_bound.power_terms(model, chances, groups, several), misses,
                              risk_bound.once_terms(model, chances, groups, several, weights))


def _chances_of(by_key, sigma):
    def chances(c, kind):
        key = (c.program_id, kind)
        if key not in by_key:
            by_key[key] = node_chances(np.array([_p(c, kind)]), sigma)[1][:, 0]
        return by_key[key]
    return chances


def _list_logs(lp, chosen, signals, by_key, sigma) -> dict:
    """L_sz of a list per node (the stats of risk_bound.MatchLP, exactly), and log P(N_s = k) per node for the
    indicators' stats (risk_bound.COUNTS)."""
    chances = _chances_of(by_key, sigma)
    nodes = lp.weights.size
    logs = {key: np.zeros(nodes) for key in lp.stats}
    several = len(lp.misses) > 1 or "all" not in lp.misses
    columns: dict[str, list[np.ndarray]] = {}
    for c in chosen:
        q = np.clip(chances(c, signals.get(c.program_id)), 0.0, 1.0)
        group = c.program.specialty if several else "all"
        columns.setdefault(group, []).append(q)
        for (s, z) in lp.stats:
            if s == group and z >= 0:
                logs[(s, z)] += np.log1p(-q * (1.0 - z)) if z > 0 else np.log1p(-np.minimum(q, 1.0 - 1e-15))
    for s in {s for s, z in lp.stats if z < 0}:
        listed = columns.get(s)
        dist = poisson_binomial_rows(np.column_stack(listed)) if listed else np.ones((nodes, 1))
        for z in risk_bound.COUNTS:
            k = int(-z)
            with np.errstate(divide="ignore"):
                exact = np.log(dist[:, k]) if k < dist.shape[1] else np.full(nodes, -np.inf)
            logs[(s, z)] = np.maximum(exact, risk_bound.NO_ONE)
    return logs


def exact_direction(chosen, signals, objective: Objective, curve, sigma: float | None, by_key: dict, chance=None):
    """value(candidate, kind): about what adding the program to the list adds to the exact objective,
    sum_j w_j D_sj p(z_j), D_sj the gain of one more interview in specialty s at node j (rises with p).
    `by_key` holds each (program_id, kind)'s chances per node (risk_bound.node_coefficients), and gains more;
    `chance(candidate, kind)` is a program's chance (default: as scored)."""
    chance_of = chance or _p

    def chances(c, kind):
        key = (c.program_id, kind)
        if key not in by_key:
            by_key[key] = node_chances(np.array([chance_of(c, kind)]), sigma)[1][:, 0]
        return by_key[key]

    names = [c.program.specialty for c in chosen]
    weights = node_chances(np.array([0.5]), sigma)[0]
    conditional = (np.column_stack([chances(c, signals.get(c.program_id)) for c in chosen]) if chosen
                   else np.zeros((weights.size, 0)))
    gains: dict[str, np.ndarray] = {}
    if objective.kind == "match":
        several = isinstance(curve, MatchCurves)
        groups = sorted(set(names) | ({s for s, _ in curve.by_specialty} if several else set()))
        chance, marginal = {}, {}
        for s in groups:
            columns = conditional[:, [i for i, name in enumerate(names) if name == s]]
            dist = poisson_binomial_rows(columns)
            m = (curve.curve(s) if several else curve).values(columns.shape[1] + 1)
            chance[s] = dist @ m[:-1]
            marginal[s] = dist @ np.diff(m)
        for s in groups:
            others = np.prod([1.0 - chance[t] for t in groups if t != s], axis=0) if len(groups) > 1 else 1.0
            gains[s] = weights * others * marginal[s]
        default = None
    else:
        dist = poisson_binomial_rows(conditional)
        k = objective.k
        default = weights * (dist[:, k - 1] if k - 1 < dist.shape[1] else np.zeros(weights.size))
    cache: dict[tuple[str, str | None], float] = {}

    def value(c, kind):
        key = (c.program_id, kind)
        if key not in cache:
            slope = gains.get(c.program.specialty, default)
            if slope is None:
                slope = weights * 0.0
            cache[key] = float(slope @ chances(c, kind))
        return cache[key]
    return value


def _polish(chosen, current, candidates, limits, value, keep=frozenset()):
    """Local search: move one program in or out (or swap) while the exact value improves and no limit breaks.
    Signaled programs stay (their signals were chosen with the list)."""
    pool = [c for c in candidates if c.eligible and c.program_id not in limits.never]
    pool.sort(key=lambda c: (-c.p_interview, c.program_id))
    fixed = set(limits.must) | set(keep)
    for _ in range(MAX_POLISH_ROUNDS):
        ids = {c.program_id for c in chosen}
        outside = [c for c in pool if c.program_id not in ids]
        # within a class only the best outside program and the worst inside one can improve the list
        best_out = _first_per_class(outside, limits)
        removable = [c for c in chosen if c.program_id not in fixed]
        worst_in = _first_per_class(sorted(removable, key=lambda c: (c.p_interview, c.program_id)), limits)
        moves = [chosen + [c] for c in best_out]
        moves += [[x for x in chosen if x is not c] for c in worst_in]
        moves += [[x for x in chosen if x is not out] + [inn] for out in worst_in for inn in best_out]
        improved = None
        for move in moves:
            if violations(move, limits):
                continue
            v = value(move)
            if v > current + 1e-12:
                improved, current = move, v
        if improved is None:
            break
        chosen = improved
    return chosen, current


def _first_per_class(ordered, limits):
    seen, out = set(), []
    for c in ordered:
        key = class_key(c, limits)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
