"""The default model lands the advice's worked examples in a plausible band (README, "Calibration")."""

from __future__ import annotations

import pytest

from optimizer.calibration import calibration_rows


@pytest.fixture(scope="module")
def rows():
    return {r.example.split()[0]: r for r in calibration_rows()}


def test_im_example_is_near_the_eight_interviews_reported(rows):
    im = rows["IM"]
    # the advice's hand-made list of 120 brought 8; an optimized list should do as well, not wildly better
    assert 6.0 <= im.expected_interviews <= 14.0
    assert 6.0 <= im.expected_interviews_no_signals <= im.expected_interviews
    # the advice: 20 Illinois programs, 3 Illinois interviews
    assert 10 <= im.illinois_programs <= 35 and 1.0 <= im.illinois_interviews <= 6.0


def test_fm_example_is_near_the_ten_interviews_reported(rows):
    fm = rows["FM"]
    assert 6.0 <= fm.expected_interviews <= 15.0


def test_match_chances_are_plausible_against_the_aggregate(rows):
    # both examples matched; the aggregate non-US IMG match rate was 58% in 2025: an optimized list of a
    # reasonably strong applicant should sit above it but below certainty
    for r in rows.values():
        assert 0.58 <= r.p_match <= 0.99
        assert 0.5 <= r.p_at_least_5 <= 1.0
