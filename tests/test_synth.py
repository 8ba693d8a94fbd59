"""Synthetic national sheets: deterministic, exact size, unique, national, drawn from the published distributions."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.inputs.programs import CANONICAL_COLUMNS, PROGRAM_TYPES, PROGRAM_VISAS
from smartpick_data.synth import (COLUMNS, DEFAULT_SPECIALTIES, STATE_WEIGHTS, SYNTHETIC, _scaled_to_total,
                             img_quantile_knots, national_distributions, positions_per_program, quantile,
                             rank_densities, rank_for, synthetic_programs, synthetic_programs_by_specialty,
                             type_shares)
from smartpick_data.distributions import empirical_quantile

PUBLISHED = national_distributions()["specialties"]

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
        assert isinstance(row["positions"], int) and 1 <= row["positions"] <= 100
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


def test_program_type_mix_is_the_freida_im_mix(national):
    share = {t: c / len(national) for t, c in Counter(r["program_type"] for r in national).items()}
    for kind, expected in type_shares():  # FREIDA 2025 IM: 145 university, 324 affiliated, 186 community
        assert share[kind] == pytest.approx(expected, abs=0.05), kind


def test_type_rank_densities_mix_to_uniform():
    # the specialty's quantiles are the published ones only if the type mix of the rank densities is uniform
    share = dict(type_shares())
    for u in [i / 100 + 0.005 for i in range(100)]:
        mixed = 0.0
        for kind, bins in rank_densities().items():
            mixed += share[kind] * next(d for end, d in bins if u <= end)
        assert mixed == pytest.approx(1.0)
    for kind in share:
        assert rank_for(kind, 0.0) == 0.0 and rank_for(kind, 1.0) == pytest.approx(1.0)
        ranks = [rank_for(kind, v / 50) for v in range(51)]
        assert ranks == sorted(ranks)


@pytest.mark.parametrize("specialty", sorted(PUBLISHED))
def test_quantile_function_passes_through_the_published_quantiles(specialty):
    knots = img_quantile_knots(PUBLISHED[specialty])
    for p, value in PUBLISHED[specialty]["img_quantiles"]:
        assert quantile(knots, p) == pytest.approx(value)
    assert quantile(knots, 0.0) == 0 and quantile(knots, 1.0) == 100
    if "img_50_or_more" in PUBLISHED[specialty]:  # not given where the quantiles are derived
        assert quantile(knots, 1 - PUBLISHED[specialty]["img_50_or_more"]) == pytest.approx(50)


@pytest.mark.parametrize("specialty", ["Internal Medicine", "Family Medicine", "Transitional Year"])
def test_img_share_quantiles_follow_the_published_ones(specialty):
    rows = synthetic_programs_by_specialty({specialty: 3000}, seed=9)
    img = [r["img_pct"] for r in rows]
    for p, value in PUBLISHED[specialty]["img_quantiles"]:
        assert empirical_quantile(img, p) == pytest.approx(value, abs=3), p


def test_img_share_medians_by_type_follow_freida(internal_medicine):
    # FREIDA 2025, IM: university 9%, community-based university-affiliated 62%, community-based 41%
    medians = national_distributions()["program_types"]["img_median"]
    for kind, expected in medians.items():
        mine = [r["img_pct"] for r in internal_medicine if r["program_type"] == kind]
        assert empirical_quantile(mine, 0.5) == pytest.approx(expected, abs=5), kind


def test_im_is_bimodal(internal_medicine):
    # FREIDA 2025: 43% of IM programs have 50% or more IMGs, a quarter have 9% or fewer
    img = [r["img_pct"] for r in internal_medicine]
    assert sum(x >= 50 for x in img) / len(img) == pytest.approx(0.43, abs=0.03)
    assert sum(x <= 9 for x in img) / len(img) == pytest.approx(0.25, abs=0.03)


@pytest.mark.parametrize("specialty", sorted(PUBLISHED))
def test_visa_shares_follow_the_published_ones(specialty):
    rows = synthetic_programs_by_specialty({specialty: 2000}, seed=5)
    visas = Counter(r["visa"] for r in rows)
    n = len(rows)
    assert (visas["J-1"] + visas["J-1+H-1B"]) / n == pytest.approx(PUBLISHED[specialty]["j1"], abs=0.03)
    assert (visas["H-1B"] + visas["J-1+H-1B"]) / n == pytest.approx(PUBLISHED[specialty]["h1b"], abs=0.03)
    assert visas["H-1B"] / n < 0.03


def test_visa_policy_depends_on_type_as_published(internal_medicine):
    def share(kind, visa):
        rows = [r for r in internal_medicine if r["program_type"] == kind]
        return sum(visa in r["visa"] for r in rows) / len(rows)

    # community programs less likely to accept J-1 (Tiako et al. 2022); H-1B: university 34%, affiliated 27%,
    # community 19% of IM programs reporting (FREIDA 2025), scaled to the 20% of all programs
    assert share("community", "J-1") < share("university-affiliated", "J-1")
    assert share("community", "H-1B") < share("university-affiliated", "H-1B") < share("university", "H-1B")


def test_positions_add_up_to_the_requested_total_and_keep_the_published_shape():
    rows = synthetic_programs_by_specialty({"Internal Medicine": 700, "Family Medicine": 300}, seed=8,
                                           positions={"Internal Medicine": 10000})
    im = [r["positions"] for r in rows if r["specialty"] == "Internal Medicine"]
    fm = [r["positions"] for r in rows if r["specialty"] == "Family Medicine"]
    assert sum(im) == 10000 and min(im) >= 1
    assert sum(fm) == round(300 * positions_per_program("Family Medicine"))  # NRMP positions per program
    # FREIDA's IM shape: p90 / p10 = 41 / 6, p75 / p25 = 25 / 10
    assert empirical_quantile(im, 0.9) / empirical_quantile(im, 0.1) == pytest.approx(41 / 6, rel=0.25)
    assert empirical_quantile(im, 0.75) / empirical_quantile(im, 0.25) == pytest.approx(25 / 10, rel=0.2)


def test_too_few_positions_are_refused():
    with pytest.raises(ValueError, match="cannot give each"):
        synthetic_programs_by_specialty({"Internal Medicine": 10}, positions={"Internal Medicine": 9})


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


@given(sizes=st.lists(st.floats(min_value=0.1, max_value=100), min_size=1, max_size=60),
       extra=st.integers(min_value=0, max_value=3000))
def test_scaled_to_total_adds_up_exactly_and_gives_everyone_a_position(sizes, extra):
    total = len(sizes) + extra
    scaled = _scaled_to_total(sizes, total)
    assert sum(scaled) == total and min(scaled) >= 1
    # proportional: a larger program never gets more than one position fewer than a smaller one
    for i, j in zip(range(len(sizes)), range(1, len(sizes))):
        if sizes[i] > sizes[j]:
            assert scaled[i] >= scaled[j] - 1


@given(u=st.floats(min_value=0, max_value=1), w=st.floats(min_value=0, max_value=1),
       specialty=st.sampled_from(sorted(PUBLISHED)), kind=st.sampled_from(("university", "university-affiliated",
                                                                          "community")))
def test_quantile_and_rank_functions_are_monotone_and_in_range(u, w, specialty, kind):
    knots = img_quantile_knots(PUBLISHED[specialty])
    low, high = sorted((u, w))
    assert 0 <= quantile(knots, low) <= quantile(knots, high) <= 100
    assert 0 <= rank_for(kind, low) <= rank_for(kind, high) <= 1


def test_a_specialty_outside_the_shared_stream_leaves_the_others_rows_as_they_were():
    base = {"Internal Medicine": 120, "Family Medicine": 80, "Internal Medicine (Preliminary)": 30}
    alone = synthetic_programs_by_specialty(base, seed=4)
    more = synthetic_programs_by_specialty({**base, "Pathology": 40, "Surgery (Preliminary)": 25}, seed=4)
    assert [r for r in more if r["specialty"] in base] == alone
    assert sum(r["specialty"] == "Pathology" for r in more) == 40
    # the new specialties draw from their own streams: the same with or without each other
    path_only = synthetic_programs_by_specialty({**base, "Pathology": 40}, seed=4)
    assert [r for r in more if r["specialty"] == "Pathology"] == [r for r in path_only
                                                                  if r["specialty"] == "Pathology"]


def test_preliminary_surgery_tracks_sit_with_general_surgery_where_they_can():
    rows = synthetic_programs_by_specialty({"General Surgery": 200, "Surgery (Preliminary)": 100}, seed=9)
    surgery = {(r["institution"], r["state"]) for r in rows if r["specialty"] == "General Surgery"}
    prelims = [r for r in rows if r["specialty"] == "Surgery (Preliminary)"]
    assert sum((r["institution"], r["state"]) in surgery for r in prelims) / len(prelims) > 0.6
    assert all(r["program_id"].startswith("SYN-440") for r in prelims)
