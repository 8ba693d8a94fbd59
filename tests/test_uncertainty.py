"""optimizer/model/uncertainty.py: batched distributions equal the exact ones; the range brackets the value shown."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model.outcomes import correlated_distribution, interview_distribution
from optimizer.model.uncertainty import MAX_COUNT, batch_distributions, describe_range


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.001, 0.6), min_size=1, max_size=60), st.sampled_from([0.0, 0.4, 0.81, 1.2]))
def test_batched_distribution_equals_the_exact_one(p, sigma):
    exact = interview_distribution(p) if sigma == 0 else correlated_distribution(p, sigma)
    got = batch_distributions(np.array([p]), np.array([sigma]))[0]
    top = min(MAX_COUNT, len(p) + 1)
    assert got[:top] == pytest.approx(exact[:top], abs=1e-7)
    assert got.sum() == pytest.approx(1.0)
    assert got[MAX_COUNT] == pytest.approx(exact[MAX_COUNT:].sum(), abs=1e-7)


def test_rows_of_different_lengths_are_padded_with_zeros():
    short, long = [0.1, 0.2], [0.05] * 30
    padded = np.zeros((2, 30))
    padded[0, :2], padded[1] = short, long
    got = batch_distributions(padded, np.array([0.8, 0.8]))
    assert got[0][:3] == pytest.approx(correlated_distribution(short, 0.8), abs=1e-7)
    assert got[1][:31] == pytest.approx(correlated_distribution(long, 0.8), abs=1e-7)


def test_ranges_read_as_whole_percent():
    assert describe_range(0.351, 0.389) == "35-39%"
    assert describe_range(0.40, 0.40) == "40%"


def test_the_range_brackets_the_value_shown(demo_solve):
    payload = demo_solve.payload
    low, high = payload["p_match_range"]
    assert low <= payload["p_match"] <= high
    assert payload["outcome_view"] == "correlated"
    # the correlated view widens the spread: fewer lists reach many interviews, so P(match) is below independent
    assert payload["p_match"] < payload["independent_p_match"]
