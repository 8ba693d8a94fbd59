"""Tests for optimizer/model/outcomes.py: exact against brute force, statistical against Monte Carlo, properties."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model import outcomes
from optimizer.errors import InputError
from optimizer.model.outcomes import (
    AT_LEAST_KS, RANK_ASSUMPTION, MatchCurve, at_least_upper_bound, correlated_distribution, evaluate,
    interview_distribution, latent_intercepts, load_match_curve, match_upper_bound, mean_sd, p_at_least, p_match,
)

LATENT_SD = 0.8  # the assumed default the lead puts in data/model.toml


def setup_curve(**changes) -> MatchCurve:
    """A concave, nondecreasing test curve shaped like a published IMG curve (test data, not a source)."""
    entry = {"applicant_type": "non-US IMG", "specialty": "all", "year": 2024, "source": "test fixture",
             "assumption": True, "note": "made up for tests", "ranks": [1, 2, 3, 5, 8, 12, 16],
             "p_match": [0.35, 0.48, 0.57, 0.68, 0.78, 0.86, 0.9]}
    entry.update(changes)
    return MatchCurve.from_dict(entry)


def setup_probabilities(n: int, seed: int, high: float = 0.4) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, high, n)


def brute_force_distribution(p: np.ndarray) -> np.ndarray:
    """P(N = k) by summing the probability of every one of the 2^n offer patterns."""
    dist = np.zeros(p.size + 1)
    for pattern in itertools.product((0, 1), repeat=p.size):
        offers = np.array(pattern)
        dist[offers.sum()] += np.prod(np.where(offers == 1, p, 1.0 - p))
    return dist


def simulate_counts(p: np.ndarray, draws: int, seed: int, sigma: float | None = None) -> np.ndarray:
    """Interview counts of `draws` simulated seasons; with sigma, each season first draws the applicant's z."""
    rng = np.random.default_rng(seed)
    intercepts = latent_intercepts(p, sigma) if sigma is not None else None
    counts = []
    for start in range(0, draws, 10_000):
        size = min(10_000, draws - start)
        if sigma is None:
            chances = np.broadcast_to(p, (size, p.size))
        else:
            z = rng.standard_normal(size)
            chances = 1.0 / (1.0 + np.exp(-(intercepts[None, :] + sigma * z[:, None])))
        counts.append((rng.random((size, p.size)) < chances).sum(axis=1))
    return np.concatenate(counts)


def assert_matches_simulation(dist: np.ndarray, counts: np.ndarray, ks) -> None:
    """P(N = k) for each k and the mean within four standard errors of the simulated ones."""
    draws = counts.size
    for k in ks:
        expected = dist[k]
        standard_error = math.sqrt(expected * (1 - expected) / draws)
        assert abs(np.mean(counts == k) - expected) <= 4 * standard_error, k
    mean, sd = mean_sd(dist)
    assert abs(counts.mean() - mean) <= 4 * sd / math.sqrt(draws)


# --- the independent distribution -------------------------------------------------------------------------------

def test_distribution_equals_brute_force_on_twelve_programs():
    p = setup_probabilities(12, seed=7, high=1.0)
    np.testing.assert_allclose(interview_distribution(p), brute_force_distribution(p), rtol=0, atol=1e-14)


def test_distribution_edge_cases():
    np.testing.assert_array_equal(interview_distribution([]), [1.0])
    np.testing.assert_allclose(interview_distribution([0.0, 1.0, 1.0]), [0, 0, 1, 0])
    np.testing.assert_allclose(interview_distribution([0.5, 0.5]), [0.25, 0.5, 0.25])


@pytest.mark.parametrize("bad", [[0.2, 1.5], [-0.1], [float("nan")]])
def test_probabilities_outside_zero_one_are_rejected(bad):
    with pytest.raises(ValueError):
        interview_distribution(bad)


def test_two_thousand_programs_stay_a_distribution():
    p = setup_probabilities(2000, seed=3, high=1.0)
    dist = interview_distribution(p)
    assert dist.shape == (2001,)
    assert np.all(dist >= 0)
    assert dist.sum() == pytest.approx(1.0, abs=1e-12)
    mean, sd = mean_sd(dist)
    assert mean == pytest.approx(p.sum(), rel=1e-12)
    assert sd == pytest.approx(math.sqrt(np.sum(p * (1 - p))), rel=1e-9)


def test_distribution_agrees_with_monte_carlo():
    p = setup_probabilities(120, seed=11, high=0.2)
    dist = interview_distribution(p)
    counts = simulate_counts(p, 100_000, seed=12)
    assert_matches_simulation(dist, counts, ks=[4, 8, 10, 12, 15, 20])


def test_p_at_least_is_a_tail_sum_and_monotone():
    dist = interview_distribution(setup_probabilities(40, seed=5))
    tails = [p_at_least(dist, k) for k in range(-1, 45)]
    assert tails[0] == tails[1] == 1.0
    assert all(b <= a for a, b in zip(tails, tails[1:]))
    assert p_at_least(dist, 41) == 0.0
    assert p_at_least(dist, 6) == pytest.approx(dist[6:].sum(), abs=1e-15)


# --- the correlated view ----------------------------------------------------------------------------------------

def test_latent_intercepts_keep_each_programs_chance():
    p = np.array([1e-9, 0.01, 0.2, 0.5, 0.9, 1 - 1e-9])
    intercepts = latent_intercepts(p, LATENT_SD)
    z, w = np.polynomial.hermite_e.hermegauss(32)
    w = w / w.sum()
    chances = 1.0 / (1.0 + np.exp(-(intercepts[:, None] + LATENT_SD * z[None, :]))) @ w
    np.testing.assert_allclose(chances, p, rtol=1e-10, atol=1e-15)
    assert np.all(np.abs(intercepts) >= np.abs(np.log(p / (1 - p))) - 1e-12)  # pulled away from 0.5


def test_certain_programs_stay_certain_in_the_correlated_view():
    dist = correlated_distribution([0.0, 1.0, 0.3], LATENT_SD)
    assert dist[0] == 0.0 and dist[3] == 0.0
    assert dist[1] + dist[2] == pytest.approx(1.0)


def test_correlated_mean_is_unchanged_and_spread_is_wider():
    p = setup_probabilities(120, seed=21, high=0.3)
    independent = interview_distribution(p)
    correlated = correlated_distribution(p, LATENT_SD)
    assert correlated.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(correlated >= 0)
    assert mean_sd(correlated)[0] == pytest.approx(mean_sd(independent)[0], abs=1e-6)
    assert mean_sd(correlated)[1] > mean_sd(independent)[1]


def test_zero_latent_sd_is_the_independent_view():
    p = setup_probabilities(30, seed=2)
    np.testing.assert_allclose(correlated_distribution(p, 0.0), interview_distribution(p), atol=1e-14)


def test_correlated_distribution_agrees_with_monte_carlo():
    p = setup_probabilities(120, seed=31, high=0.2)
    dist = correlated_distribution(p, LATENT_SD)
    counts = simulate_counts(p, 100_000, seed=32, sigma=LATENT_SD)
    assert_matches_simulation(dist, counts, ks=[0, 2, 5, 8, 12, 20])


@pytest.mark.parametrize("sigma", [-0.1, float("inf")])
def test_bad_latent_sd_is_rejected(sigma):
    with pytest.raises(ValueError, match="latent_sd"):
        correlated_distribution([0.2], sigma)


@settings(max_examples=40, deadline=None)
@given(sigma=st.floats(0.0, 3.0), p=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_correlated_mean_and_variance_properties(sigma, p):
    independent_mean, independent_sd = mean_sd(interview_distribution(p))
    mean, sd = mean_sd(correlated_distribution(p, sigma))
    assert mean == pytest.approx(independent_mean, abs=1e-6)
    assert sd >= independent_sd - 1e-7


# --- the match curve ----------------------------------------------------------------------------------------------

def test_curve_interpolates_linearly_and_is_flat_beyond_the_last_rank():
    curve = setup_curve()
    assert curve.p_match_given(0) == 0.0
    assert curve.p_match_given(1) == pytest.approx(0.35)
    assert curve.p_match_given(4) == pytest.approx((0.57 + 0.68) / 2)
    assert curve.p_match_given(16) == curve.p_match_given(200) == pytest.approx(0.9)
    values = curve.values(20)
    assert values.shape == (21,)
    assert values[4] == pytest.approx(curve.p_match_given(4))
    assert np.all(np.diff(values) >= 0)


def test_curve_concavity():
    assert setup_curve().is_concave()
    bumpy = setup_curve(ranks=[1, 2, 3, 4], p_match=[0.3, 0.35, 0.6, 0.7])
    assert not bumpy.is_concave()
    hull = bumpy.concave_majorant()
    assert hull.is_concave()
    assert np.all(hull.values(10) >= bumpy.values(10) - 1e-12)
    assert hull.ranks == (0, 1, 3, 4)


@pytest.mark.parametrize("changes, key", [
    ({"ranks": [1, 1, 2], "p_match": [0.1, 0.2, 0.3]}, "ranks"),
    ({"ranks": [1, 2], "p_match": [0.1]}, "p_match"),
    ({"p_match": [35, 48, 57, 68, 78, 86, 90]}, "p_match"),
    ({"p_match": [0.35, 0.48, 0.57, 0.5, 0.78, 0.86, 0.9]}, "p_match"),
    ({"ranks": [0, 1], "p_match": [0.1, 0.2]}, "p_match"),
    ({"ranks": [1.5, 2], "p_match": [0.1, 0.2]}, "ranks"),
    ({"assumption": "yes"}, "assumption"),
])
def test_bad_curves_are_input_errors_naming_the_key(changes, key):
    with pytest.raises(InputError) as error:
        setup_curve(**changes)
    assert error.value.problems[0].column == key


def test_missing_curve_key_is_an_input_error():
    entry = {"applicant_type": "US IMG", "specialty": "all", "source": "x", "ranks": [1]}
    with pytest.raises(InputError, match="p_match"):
        MatchCurve.from_dict(entry)


CURVES_FILE = {"curves": [
    {"applicant_type": "non-US IMG", "specialty": "all", "year": 2024, "source": "all-specialty test",
     "assumption": True, "note": "", "ranks": [1, 5, 10], "p_match": [0.3, 0.7, 0.85]},
    {"applicant_type": "non-US IMG", "specialty": "Internal Medicine", "year": 2024, "source": "IM test",
     "assumption": True, "note": "", "ranks": [1, 5, 10], "p_match": [0.35, 0.75, 0.9]},
    {"applicant_type": "US IMG", "specialty": "Family Medicine", "year": 2024, "source": "FM only",
     "assumption": True, "note": "", "ranks": [1, 5], "p_match": [0.4, 0.8]},
]}


@pytest.fixture
def bundled_curves(monkeypatch):
    real = outcomes.datafiles.load_bundled_toml
    monkeypatch.setattr(outcomes.datafiles, "load_bundled_toml",
                        lambda name: CURVES_FILE if name == "match_curves.toml" else real(name))


def test_load_match_curve_prefers_the_file_then_the_derived_curve_then_all(bundled_curves):
    assert load_match_curve("non-US IMG", "Internal Medicine").source == "IM test"
    # Psychiatry has published 2026 figures of its own: its curve is derived from them, not borrowed
    psych = load_match_curve("non-US IMG", "Psychiatry")
    assert psych.source.startswith("Derived from NRMP") and "Psychiatry" in psych.source
    assert load_match_curve("non-US IMG", "Transitional Year").source == "all-specialty test"
    assert load_match_curve("non-US IMG").source == "all-specialty test"


def test_load_match_curve_unknown_type_names_the_valid_types(bundled_curves):
    with pytest.raises(InputError) as error:
        load_match_curve("Martian")
    message = str(error.value)
    assert "'non-US IMG'" in message and "'US IMG'" in message and "Martian" in message


def test_load_match_curve_without_a_fallback_names_the_specialties(bundled_curves):
    with pytest.raises(InputError, match="'Family Medicine'"):
        load_match_curve("US IMG", "Transitional Year")  # no published figures to derive one from either


def test_every_bundled_curve_loads():
    from optimizer.inputs.datafiles import load_bundled_toml

    entries = load_bundled_toml("match_curves.toml")["curves"]
    for i, entry in enumerate(entries):
        curve = MatchCurve.from_dict(entry, where=f"curves[{i}].")
        assert load_match_curve(curve.applicant_type, curve.specialty).applicant_type == curve.applicant_type


# --- P(match) and the bounds ------------------------------------------------------------------------------------

def test_p_match_sums_the_curve_over_the_distribution():
    curve = setup_curve()
    assert p_match([0.25, 0.5, 0.25], curve) == pytest.approx(0.5 * 0.35 + 0.25 * 0.48)
    assert p_match([1.0], curve) == 0.0


probability_lists = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(p=probability_lists, data=st.data())
def test_p_match_is_a_probability_and_rises_with_any_programs_chance(p, data):
    curve = setup_curve()
    i = data.draw(st.integers(0, len(p) - 1))
    higher = list(p)
    higher[i] = data.draw(st.floats(p[i], 1.0))
    for distribution in (interview_distribution, lambda q: correlated_distribution(q, LATENT_SD)):
        before, after = p_match(distribution(p), curve), p_match(distribution(higher), curve)
        assert 0.0 <= before <= 1.0
        assert after >= before - 1e-9


@settings(max_examples=60, deadline=None)
@given(p=probability_lists, slack=st.floats(0.0, 5.0), k=st.integers(1, 15))
def test_bounds_hold_for_any_list(p, slack, k):
    curve = setup_curve()
    max_expected = float(np.sum(p)) + slack
    independent = interview_distribution(p)
    correlated = correlated_distribution(p, LATENT_SD)
    bound = match_upper_bound(max_expected, curve)
    assert p_match(independent, curve) <= bound + 1e-9
    assert p_match(correlated, curve) <= bound + 1e-9
    at_least = at_least_upper_bound(max_expected, k)
    assert p_at_least(independent, k) <= at_least + 1e-9
    assert p_at_least(correlated, k) <= at_least + 1e-9


def test_bounds_on_random_portfolios_from_a_pool():
    curve = setup_curve()
    rng = np.random.default_rng(41)
    pool = rng.uniform(0.0, 0.3, 200)
    best_expected = np.sort(pool)[-60:].sum()  # the largest E[N] of any 60-program list
    bound = match_upper_bound(best_expected, curve)
    for _ in range(50):
        chosen = pool[rng.choice(pool.size, size=60, replace=False)]
        assert p_match(interview_distribution(chosen), curve) <= bound
        assert p_at_least(interview_distribution(chosen), 10) <= at_least_upper_bound(best_expected, 10)


def test_match_bound_needs_a_concave_curve():
    bumpy = setup_curve(ranks=[1, 2, 3, 4], p_match=[0.3, 0.35, 0.6, 0.7])
    with pytest.raises(ValueError, match="concave"):
        match_upper_bound(3.0, bumpy)
    assert match_upper_bound(3.0, bumpy.concave_majorant()) >= bumpy.p_match_given(3.0)


def test_bound_argument_checks():
    with pytest.raises(ValueError):
        at_least_upper_bound(5.0, 0)
    with pytest.raises(ValueError):
        match_upper_bound(-1.0, setup_curve())
    assert at_least_upper_bound(30.0, 5) == 1.0
    assert at_least_upper_bound(2.0, 5) == pytest.approx(0.4)


# --- evaluate -------------------------------------------------------------------------------------------------------

def test_evaluate_independent_only():
    p = setup_probabilities(120, seed=51, high=0.2)
    curve = setup_curve()
    result = evaluate(p, curve)
    dist = interview_distribution(p)
    assert result.expected_interviews == pytest.approx(p.sum())
    assert result.sd == pytest.approx(mean_sd(dist)[1])
    assert len(result.distribution) == 121
    assert sorted(result.p_at_least) == list(AT_LEAST_KS)
    assert result.p_at_least[5] == pytest.approx(p_at_least(dist, 5), abs=1e-14)
    assert result.p_match == pytest.approx(p_match(dist, curve))
    assert result.expected_home_interviews is None
    assert result.correlated_distribution is None and result.correlated_p_match is None


def test_evaluate_with_home_flags_and_correlation():
    p = [0.5, 0.2, 0.1, 0.4]
    result = evaluate(p, setup_curve(), home=[True, False, False, True], sigma=LATENT_SD)
    assert result.expected_home_interviews == pytest.approx(0.9)
    assert result.latent_sd == LATENT_SD
    assert result.correlated_p_at_least[15] == 0.0
    assert result.correlated_sd > result.sd
    assert result.correlated_p_match == pytest.approx(p_match(correlated_distribution(p, LATENT_SD), setup_curve()))
    plain = result.as_dict()
    assert plain["p_at_least"]["1"] == result.p_at_least[1]
    assert plain["match_curve"]["source"] == "test fixture"
    assert plain["rank_assumption"] == RANK_ASSUMPTION


def test_evaluate_home_flags_must_match_the_list():
    with pytest.raises(ValueError, match="home"):
        evaluate([0.1, 0.2], setup_curve(), home=[True])


def test_poisson_tail_bound_holds_for_independent_lists_and_beats_markov():
    from optimizer.model.outcomes import at_least_upper_bound, interview_distribution, p_at_least

    rng = np.random.default_rng(11)
    for _ in range(200):
        n = int(rng.integers(5, 120))
        p = rng.beta(0.8, 8, size=n)
        mean = float(p.sum())
        k = int(np.ceil(mean + 1)) + int(rng.integers(0, 5))
        exact = p_at_least(interview_distribution(p), k)
        bound = at_least_upper_bound(mean, k, independent=True)
        assert exact <= bound + 1e-12
        assert bound <= at_least_upper_bound(mean, k) + 1e-12
    assert at_least_upper_bound(4.9, 8, independent=True) < 0.2 < at_least_upper_bound(4.9, 8)
