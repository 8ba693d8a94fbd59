"""The node-by-node bound of risk objectives (optimizer/solver/risk_bound.py): exact values by enumeration, every
cut above the truth on random counts, and the bound above every feasible list of tiny instances (brute force)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from optimizer.model.outcomes import MatchCurve, MatchCurves, poisson_binomial_rows
from optimizer.solver import risk_bound
from optimizer.solver.constraints import violations
from optimizer.solver.nonlinear import Objective, risk_value, solve_risk
from tests.helpers import setup_candidates, setup_limits

IM = MatchCurve.from_dict({"applicant_type": "non-US IMG", "specialty": "Internal Medicine", "year": 2026,
                           "source": "test", "ranks": [0, 1, 2, 3, 5, 8, 12], "p_match": [0, .3, .5, .6, .7, .8, .85]})
FM = MatchCurve.from_dict({"applicant_type": "non-US IMG", "specialty": "Family Medicine", "year": 2026,
                           "source": "test", "ranks": [0, 1, 2, 4, 6, 10], "p_match": [0, .4, .55, .7, .8, .9]})
CURVES = MatchCurves((("Family Medicine", FM), ("Internal Medicine", IM)))
OPEN_BANDS = {"reach": (0.0, 1.0), "core": (0.0, 1.0), "safety": (0.0, 1.0)}


def _enumerated_p_match(p, specialties, sigma):
    """sum_j w_j sum over every outcome of the list P(outcome | z_j) (1 - prod_s (1 - m_s(N_s))): no shortcut."""
    weights, conditional = risk_bound.node_chances(np.asarray(p), sigma)
    total = 0.0
    for w, q in zip(weights, conditional):
        for outcome in itertools.product((0, 1), repeat=len(p)):
            chance = np.prod([qi if o else 1 - qi for qi, o in zip(q, outcome)])
            miss = 1.0
            for s in sorted(set(specialties)):
                count = sum(o for o, name in zip(outcome, specialties) if name == s)
                miss *= 1 - CURVES.curve(s).p_match_given(count)
            total += w * chance * (1 - miss)
    return total


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("sigma", [None, 0.8])
def test_correlated_p_match_equals_enumeration(seed, sigma):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.9, size=7)
    specialties = [("Internal Medicine", "Family Medicine")[i % 2] for i in range(7)]
    if seed == 0:
        specialties = ["Internal Medicine"] * 7
    value = risk_value(p, Objective.parse("match"), CURVES, sigma, specialties)
    assert value == pytest.approx(_enumerated_p_match(p, specialties, sigma), abs=1e-12)


def _log_count(p, k: int) -> float:
    """log P(N = k) of independent chances p (-inf where N cannot be k)."""
    dist = poisson_binomial_rows(np.asarray(p, dtype=float)[None, :])[0]
    with np.errstate(divide="ignore"):
        return float(np.log(dist[k])) if k < dist.size else -np.inf


@pytest.mark.parametrize("seed", range(6))
def test_every_miss_cut_lies_above_the_truth(seed):
    """P(match | z) of random lists in two specialties is under the cut made at any other point (MatchLP's cuts),
    the stat of P(N = 1) taken exactly or lowered (any lower bound of it, as the chords of a box give)."""
    rng = np.random.default_rng(seed)
    misses = {s: tuple(float(1 - v) for v in CURVES.curve(s).values(max(CURVES.curve(s).ranks)))
              for s in ("Family Medicine", "Internal Medicine")}
    powers = [z for z in risk_bound.POWERS if z < 1]

    def logs_of(p_by, lowered=0.0):
        logs = {(s, z): float(np.sum(np.log1p(-np.minimum(p_by[s] * (1 - z), 1 - 1e-15)))) for s in misses
                for z in powers}
        logs.update({(s, key): max(_log_count(p_by[s], int(-key)) - lowered, risk_bound.NO_ONE) for s in misses
                     for key in risk_bound.COUNTS})
        return logs

    for _ in range(30):
        anchor = {s: rng.uniform(0, 1, size=int(rng.integers(0, 12))) for s in misses}
        at = logs_of(anchor)
        fits = {s: risk_bound.fit_miss(miss, np.array([1.0 if z == 1 else np.exp(at[(s, z)])
                                                       for z in risk_bound.FIT_TERMS])) for s, miss in misses.items()}
        const, coefs = risk_bound.miss_cut(fits, at)
        for _ in range(10):
            p_by = {s: rng.uniform(0, 1, size=int(rng.integers(0, 15))) ** rng.uniform(0.3, 3) for s in misses}
            truth = 1.0
            for s, p in p_by.items():
                dist = poisson_binomial_rows(p[None, :])[0]
                m = CURVES.curve(s).values(p.size)
                truth *= 1 - dist @ m
            truth = 1 - truth
            for lowered in (0.0, rng.uniform(0, 3)):
                here = logs_of(p_by, lowered)
                assert truth <= const + sum(c * here[key] for key, c in coefs.items()) + 1e-9


@pytest.mark.parametrize("miss, counts", [((1.0, 0.71, 0.42, 0.32, 0.26, 0.22, 0.2, 0.19), 1),
                                          ((1.0, 0.74, 0.48, 0.28, 0.16, 0.1, 0.08, 0.07), 3)])
def test_the_count_indicators_make_the_fit_tight(miss, counts):
    """With the indicators of 1 (a curve straight from 0 to 2 interviews, as Family Medicine's) or of 1-3 (straight
    from 0 to 3, as Pediatrics') interviews the fits reach a Poisson-binomial's E[miss] within 0.5 points, where sums
    of powers alone (log-convex in the count) fall short by more than 1 point."""
    rng = np.random.default_rng(1)
    p = rng.uniform(0.02, 0.2, size=30)
    dist = poisson_binomial_rows(p[None, :])[0]
    truth = dist @ np.concatenate([miss, np.full(dist.size - len(miss), miss[-1])])
    basis = risk_bound.fit_basis(np.arange(dist.size, dtype=float))
    at = dist @ basis
    with_counts = risk_bound.fit_miss(miss, at, counts) @ at
    powers_only = risk_bound.fit_miss(miss, at, 0) @ at
    assert with_counts <= truth + 1e-12 and powers_only <= truth + 1e-12
    assert truth - with_counts < 0.005 and truth - powers_only > 0.01


def test_miss_fits_stay_below_the_miss_curve():
    for curve in (IM, FM):
        miss = tuple(float(1 - v) for v in curve.values(max(curve.ranks)))
        fits = risk_bound.miss_fits(miss)
        basis = risk_bound.fit_basis(np.arange(60, dtype=float))
        below = np.concatenate([miss, np.full(60 - len(miss), miss[-1])])
        assert np.all(fits @ basis.T <= below[None, :] + 1e-12)


def test_the_count_stats_are_below_log_p_in_every_box():
    """MatchLP's stats of log P(N_s = k), k = 1, 2, 3, as set_box writes them (L_s0 + k log kappa_j + the chords of
    log Omega_s and log(1 - m Omega2_s / low^2) over the box), are below the exact log P(N_s = k) of random lists
    whose odds sum lies in the box, at every node."""
    from optimizer.solver.nonlinear import _chances_of, _p
    from optimizer.solver.optimize import PortfolioModel

    candidates = setup_candidates(40, seed=5, specialties=("Internal Medicine", "Family Medicine"),
                                  eligible_share=1.0)
    limits = setup_limits(min_programs=2, max_programs=30, budget=5000, bands=OPEN_BANDS)
    model = PortfolioModel(candidates, limits, value=_p)
    weights, _values, by_key = risk_bound.node_coefficients(model, 0.8, _p)
    chances = _chances_of(by_key, 0.8)
    groups = ["Family Medicine", "Internal Medicine"]
    once = risk_bound.once_terms(model, chances, groups, True, weights)
    lp = risk_bound.MatchLP(model, weights, risk_bound.power_terms(model, chances, groups, True),
                            {s: (1.0, 0.6, 0.4, 0.3) for s in groups}, once)
    rng = np.random.default_rng(0)
    pool = [(x, c) for x, c in model.items]
    checked = 0
    for _ in range(40):
        picked = [pool[i] for i in rng.choice(len(pool), size=int(rng.integers(1, 25)), replace=False)]
        omega = {s: sum(once[s][0].get(x, 0.0) for x, c in picked) for s in groups}
        squares = {s: sum(once[s][1].get(x, 0.0) for x, c in picked) for s in groups}
        box = {s: (omega[s] / rng.uniform(1.0, 1.6), omega[s] * rng.uniform(1.0, 1.6)) for s in groups}
        lp.set_box(box)
        for s in groups:
            q = np.array([chances(c, None) for _, c in picked if c.program.specialty == s])
            if not q.size:
                continue
            for k, key in enumerate(risk_bound.COUNTS, start=1):
                for row, j in zip(lp._once_rows[s][k], lp.nodes):
                    zero = float(np.sum(np.log1p(-np.minimum(q[:, j], 1 - 1e-15))))
                    # row: stat - L_s0 - a Omega - b Omega2 = constant
                    stat = (row.lb() + zero - row.GetCoefficient(lp.omega[s]) * omega[s]
                            - row.GetCoefficient(lp.squares[s]) * squares[s])
                    # NO_ONE stands for "no bound" (e^-30 ~ 1e-13, below the bound's margin of 1e-6)
                    assert np.exp(stat) <= np.exp(_log_count(q[:, j], k)) * (1 + 1e-9) + 1e-12
                    checked += 1
    assert checked > 500


@pytest.mark.parametrize("k", [1, 2, 5])
def test_at_least_pieces_lie_above_the_truth(k):
    rng = np.random.default_rng(k)
    pieces = risk_bound.at_least_pieces(k, 20)
    for _ in range(200):
        p = rng.uniform(0, 1, size=int(rng.integers(1, 21))) ** rng.uniform(0.3, 4)
        truth = poisson_binomial_rows(p[None, :])[0][k:].sum()
        assert truth <= min(c + b * p.sum() for c, b in pieces) + 1e-9


def _brute_force(candidates, limits, objective, curve, sigma):
    """Every feasible list's value (no signals)."""
    pool = [c for c in candidates if c.eligible]
    values = []
    for n in range(limits.min_programs, limits.max_programs + 1):
        for subset in itertools.combinations(pool, n):
            if violations(list(subset), limits):
                continue
            p = np.array([c.p_interview for c in subset])
            values.append(risk_value(p, objective, curve, sigma, [c.program.specialty for c in subset]))
    return values


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("text", ["match", "at-least:2", "at-least:3"])
@pytest.mark.parametrize("sigma", [None, 0.8])
def test_bound_is_never_below_a_feasible_list(seed, text, sigma):
    objective = Objective.parse(text)
    candidates = setup_candidates(10, seed=seed, specialties=("Internal Medicine", "Family Medicine"),
                                  eligible_share=1.0)
    limits = setup_limits(min_programs=2, max_programs=5, budget=80 + 11 * 4, bands=OPEN_BANDS)
    curve = CURVES if seed % 2 else IM
    values = _brute_force(candidates, limits, objective, curve, sigma)
    found = solve_risk(candidates, limits, objective, curve, sigma)
    assert found.bound >= max(values) - 1e-9
    assert found.objective <= max(values) + 1e-9
    p = np.array([found.applied_p(c) for c in found.chosen])
    assert found.objective == pytest.approx(risk_value(p, objective, curve, sigma,
                                                       [c.program.specialty for c in found.chosen]))
    assert found.gap == pytest.approx(found.bound - found.objective)
    assert (found.status == "optimal") == (found.gap <= (0.01 if text == "match" else 0.02))


def test_node_bound_is_tighter_than_the_mean_bound():
    """On a larger instance the node bound is well below Jensen's bound at the largest expected count."""
    from optimizer.solver.nonlinear import upper_bound
    from optimizer.solver.optimize import solve_portfolio

    candidates = setup_candidates(300, seed=3)
    limits = setup_limits(min_programs=8, max_programs=14, budget=250)
    mean_best = solve_portfolio(candidates, limits, value=lambda c, kind: c.p_with(kind))
    old = upper_bound(mean_best.objective, Objective.parse("match"), CURVES, independent=False)
    found = solve_risk(candidates, limits, Objective.parse("match"), CURVES, sigma=0.8)
    assert found.bound < old - 0.01
    assert found.bound >= found.objective


@pytest.mark.parametrize("k", [1, 2, 5])
@pytest.mark.parametrize("cap", [0.08, 0.3, 0.7, 1.0])
def test_the_capped_tail_bound_is_never_below_a_sum_of_capped_chances(k, cap):
    """capped_tail_sup and its pieces: above P(N >= k) of every sum of chances at most `cap` (the bound that holds at a
    node of the correlated view, whose best program's chance is the cap)."""
    rng = np.random.default_rng(int(100 * cap) + k)
    longest = 15
    pieces = risk_bound.capped_at_least_pieces(k, longest, cap, longest * cap)
    for _ in range(300):
        p = cap * rng.uniform(0, 1, size=int(rng.integers(1, longest + 1))) ** rng.uniform(0.2, 3)
        truth = poisson_binomial_rows(p[None, :])[0][k:].sum()
        assert truth <= risk_bound.capped_tail_sup(k, longest, cap, np.array([p.sum()]))[0] + 1e-9
        assert truth <= min(c + b * p.sum() for c, b in pieces) + 1e-9
    # the largest tail never falls as the mean grows (what the step function of the pieces rests on), and it is
    # attained: at the mean of `longest` chances at the cap it is their binomial tail
    means = np.linspace(0, longest * cap, 60)
    sup = risk_bound.capped_tail_sup(k, longest, cap, means)
    assert np.all(np.diff(sup) >= -1e-9)
    exact = poisson_binomial_rows(np.full((1, longest), cap))[0][k:].sum()
    assert sup[-1] == pytest.approx(exact, abs=1e-9)


def test_a_low_cap_tightens_the_at_least_bound():
    """Where no program's chance is above 0.3, the bound at a mean below K is far below Markov's mean / K."""
    capped = risk_bound.capped_at_least_pieces(5, 120, 0.3, 36.0)
    uncapped = risk_bound.at_least_pieces(5, 120)
    for mean in (1.0, 2.5, 4.0):
        low = min(c + b * mean for c, b in capped)
        high = min(c + b * mean for c, b in uncapped)
        assert low < high
        assert high >= mean / 5 - 1e-9
    assert min(c + b * 2.5 for c, b in capped) < 0.35


def test_a_sure_program_cannot_make_three_interviews_out_of_a_mean_of_one():
    """cap 1: at mean 1 the largest P(N >= 3) is that of many small chances (about 8%), far below Markov's 1/3;
    a sum with one sure trial and nothing else has P(N >= 3) = 0, not 1."""
    sup = risk_bound.capped_tail_sup(3, 40, 1.0, np.array([1.0]))[0]
    many_small = poisson_binomial_rows(np.full((1, 40), 1 / 40))[0][3:].sum()
    assert sup == pytest.approx(many_small, abs=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_every_box_of_the_branch_and_bound_stays_above_every_list(seed):
    """The bound over boxes of odds sums (MatchLP.branch_and_bound), made to split as far as it may (best 0,
    tolerance 0), is never below a feasible list's P(match): each box's chords are below log there, and the
    boxes cover every list (brute force over a tiny instance, correlated view)."""
    from optimizer.solver.nonlinear import _match_lp, _p
    from optimizer.solver.optimize import PortfolioModel

    candidates = setup_candidates(10, seed=seed, specialties=("Internal Medicine", "Family Medicine"),
                                  eligible_share=1.0)
    limits = setup_limits(min_programs=2, max_programs=5, budget=80 + 11 * 4, bands=OPEN_BANDS)
    values = _brute_force(candidates, limits, Objective.parse("match"), CURVES, 0.8)
    model = PortfolioModel(candidates, limits, value=_p)
    weights, _values, by_key = risk_bound.node_coefficients(model, 0.8, _p)
    lp = _match_lp(model, CURVES, 0.8, weights, by_key)
    assert lp.omega and all(high > low for low, high in lp.omega_range.values())
    bound = lp.branch_and_bound(0.0, 0.0, max_boxes=12)
    assert bound >= max(values) - 1e-9
