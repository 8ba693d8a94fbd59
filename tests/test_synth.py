"""Synthetic national sheets: deterministic, exact size, unique, national, anchored on the published shares."""

from __future__ import annotations

import re
from collections import Counter
from statistics import mean

import pytest

from optimizer.programs import CANONICAL_COLUMNS, PROGRAM_TYPES, PROGRAM_VISAS
from optimizer.synth import (COLUMNS, DEFAULT_SPECIALTIES, STATE_WEIGHTS, SYNTHETIC, synthetic_programs,
                             synthetic_programs_by_specialty)

ALL_STATES = set(STATE_WEIGHTS)  # 50 states and DC


@pytest.fixture(scope="module")
def national():
    return synthetic_programs(3000, seed=7)


@pytest.fixture(scope="module")
def internal_medicine():
    return synthetic_programs(4000, seed=3, specialties=("Internal Medicine",))


def test_same_seed_same_rows_other_seed_other_rows():
    assert synthetic_programs(400, seed=11) == synthetic_programs(400, seed=11)
    assert synthetic_programs(400, seed=11) != synthetic_programs(400, seed=12)


@pytest.mark.parametrize("n", [0, 1, 37, 51, 500, 10000])
def test_size_is_exact(n):
    assert len(synthetic_programs(n, seed=1)) == n


def test_ids_and_names_are_unique_and_marked_synthetic():
    rows = synthetic_programs(10000, seed=1)
    assert len({r["program_id"] for r in rows}) == len(rows)
    assert len({r["program"] for r in rows}) == len(rows)
    assert all(re.fullmatch(r"SYN-\d{10}", r["program_id"]) for r in rows)
    assert {r["data_source"] for r in rows} == {SYNTHETIC}


def test_rows_have_the_canonical_columns_in_canonical_form(national):
    assert COLUMNS[:len(CANONICAL_COLUMNS)] == CANONICAL_COLUMNS and COLUMNS[-1] == "data_source"
    for row in national:
        assert tuple(row) == COLUMNS
        assert row["program_type"] in PROGRAM_TYPES
        assert row["visa"] in PROGRAM_VISAS
        assert 0 <= row["img_pct"] <= 100
        assert row["step2_cutoff"] == "" or 210 <= row["step2_cutoff"] <= 240
        assert row["max_years_since_graduation"] == "" or 3 <= row["max_years_since_graduation"] <= 10
        assert row["usce_required"] in ("yes", "no") and row["accepts_signals"] in ("yes", "no")
        assert 4 <= row["positions"] <= 40
        assert row["program"].startswith(row["institution"])


def test_every_state_and_dc_is_present_when_n_allows():
    assert {r["state"] for r in synthetic_programs(51, seed=5)} == ALL_STATES
    assert {r["state"] for r in synthetic_programs(400, seed=5)} == ALL_STATES


def test_big_states_get_more_programs(national):
    per_state = Counter(r["state"] for r in national)
    for big in ("NY", "CA", "TX", "PA"):
        assert per_state[big] > 5 * per_state["WY"]
    assert per_state["NY"] == max(per_state.values())


def test_specialty_mix_follows_national_sizes(national):
    per_specialty = Counter(r["specialty"] for r in national)
    assert set(per_specialty) == set(DEFAULT_SPECIALTIES)
    assert per_specialty["Family Medicine"] > per_specialty["Internal Medicine"] > per_specialty["Psychiatry"] \
        > per_specialty["Pediatrics"]


def test_exact_counts_per_specialty_and_excluded_states():
    counts = {"Internal Medicine": 120, "Transitional Year": 9, "Internal Medicine (Preliminary)": 40}
    rows = synthetic_programs_by_specialty(counts, seed=2, exclude_states=("IL",))
    assert Counter(r["specialty"] for r in rows) == counts
    assert "IL" not in {r["state"] for r in rows}
    assert {r["state"] for r in rows} == ALL_STATES - {"IL"}


def test_program_type_mix(national):
    share = {t: c / len(national) for t, c in Counter(r["program_type"] for r in national).items()}
    assert share["university"] == pytest.approx(0.25, abs=0.05)
    assert share["university-affiliated"] == pytest.approx(0.30, abs=0.05)
    assert share["community"] == pytest.approx(0.45, abs=0.05)


def test_img_share_is_higher_at_community_programs(internal_medicine):
    by_type = {t: mean(r["img_pct"] for r in internal_medicine if r["program_type"] == t) for t in PROGRAM_TYPES}
    assert by_type["community"] > by_type["university-affiliated"] > by_type["university"]
    assert 5 <= min(r["img_pct"] for r in internal_medicine if r["program_type"] == "university")
    assert max(r["img_pct"] for r in internal_medicine if r["program_type"] == "university") <= 40
    assert min(r["img_pct"] for r in internal_medicine if r["program_type"] == "community") >= 30


def test_visa_policy_is_anchored_on_the_im_survey(internal_medicine):
    # Tiako et al. 2022: 63.7% of IM programs accept J-1; ~22% of all also sponsor H-1B; community less likely.
    visas = Counter(r["visa"] for r in internal_medicine)
    n = len(internal_medicine)
    assert (visas["J-1"] + visas["J-1+H-1B"]) / n == pytest.approx(0.637, abs=0.04)
    assert visas["J-1+H-1B"] / n == pytest.approx(0.22, abs=0.04)
    assert visas["H-1B"] / n < 0.05

    def j1_share(kind):
        rows = [r for r in internal_medicine if r["program_type"] == kind]
        return sum("J-1" in r["visa"] for r in rows) / len(rows)

    assert j1_share("community") < j1_share("university-affiliated") < j1_share("university")


def test_stated_limits_appear_on_some_programs(internal_medicine):
    n = len(internal_medicine)
    assert sum(r["step2_cutoff"] != "" for r in internal_medicine) / n == pytest.approx(0.30, abs=0.06)
    assert sum(r["max_years_since_graduation"] != "" for r in internal_medicine) / n == pytest.approx(0.35, abs=0.06)
    assert 0.05 < sum(r["usce_required"] == "yes" for r in internal_medicine) / n < 0.40


def test_preliminary_tracks_share_institutions_with_categorical_im():
    rows = synthetic_programs_by_specialty({"Internal Medicine": 300, "Internal Medicine (Preliminary)": 100}, seed=4)
    im_institutions = {r["institution"] for r in rows if r["specialty"] == "Internal Medicine"}
    prelims = [r for r in rows if r["specialty"] == "Internal Medicine (Preliminary)"]
    assert sum(r["institution"] in im_institutions for r in prelims) / len(prelims) > 0.6


@pytest.mark.parametrize("bad", [-1, 2.5, "10"])
def test_bad_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="whole number"):
        synthetic_programs(bad)


def test_unknown_specialty_or_state_is_refused():
    with pytest.raises(ValueError, match="no synthetic profile for 'Dermatology'"):
        synthetic_programs(10, specialties=("Dermatology",))
    with pytest.raises(ValueError, match="unknown state codes"):
        synthetic_programs(10, exclude_states=("ZZ",))
