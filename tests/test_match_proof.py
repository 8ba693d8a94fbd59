"""The chance of matching proven (issue 23, item 1), on the bundled data as a new user runs it: the bundled IM
applicant (J-1, $2,500, 80-120 programs) applying to two and to three specialties, and to IM with Pediatrics. `--objective match` must come
with a bound no list can beat, within 1 point of the list found (status optimal), and never below the
expected-interviews list's own P(match)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import invoke_json

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "profiles" / "im_applicant.toml"
LADDERS = {"IM+FM": '["Internal Medicine", "Family Medicine"]',
           "IM+FM+Psych": '["Internal Medicine", "Family Medicine", "Psychiatry"]',
           "IM+Peds": '["Internal Medicine", "Pediatrics"]'}  # Pediatrics' curve is straight from 0 to 3 interviews


@pytest.fixture(scope="module", params=sorted(LADDERS))
def profile(request, tmp_path_factory):
    text = BUNDLED.read_text(encoding="utf-8")
    assert 'specialties = ["Internal Medicine"]' in text
    path = tmp_path_factory.mktemp("proof") / "profile.toml"
    path.write_text(text.replace('specialties = ["Internal Medicine"]', f"specialties = {LADDERS[request.param]}"),
                    encoding="utf-8")
    return path


def test_the_match_list_is_proven_within_one_point(profile):
    match = invoke_json("solve", "--profile", profile, "--objective", "match")
    interviews = invoke_json("solve", "--profile", profile)
    assert match["bound"] >= match["objective"]
    assert match["gap"] == pytest.approx(match["bound"] - match["objective"])
    assert match["gap"] <= 0.01 and match["status"] == "optimal"
    # the bound covers every list, the expected-interviews one included
    assert match["bound"] >= interviews["p_match"] - 1e-9
    assert match["objective"] >= interviews["p_match"] - 1e-9
