"""The profile reader: the example profiles, defaults, friendly spellings, and one test per kind of mistake."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import ProfileError
from optimizer.inputs.profile import (APPLICANT_KEYS, GOALS_KEYS, TIER_KEYS, load_profile, parse_profile, parse_visa,
                               read_profile_data)
from optimizer.inputs.profile_types import Applicant, Goals, Profile, TierSettings
from optimizer.inputs.resources import data_path

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
IM_PROFILE = data_path("profiles", "im_applicant.toml")
FM_PROFILE = data_path("profiles", "fm_applicant.toml")


def minimal(**applicant) -> dict:
    """The shortest valid profile dict, with `applicant` keys changed."""
    return {"applicant": {"specialties": ["Internal Medicine"], "step2ck": 233, "visa": "J-1", **applicant}}


def problems_of(data: dict) -> list:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "my_profile.toml")
    return caught.value.problems


def test_im_example_profile_is_the_advice_applicant():
    profile = load_profile(IM_PROFILE)
    a, g = profile.applicant, profile.goals
    assert a.specialties == ("Internal Medicine",)
    assert (a.step1, a.step2ck, a.visa, a.applicant_type) == (210, 233, "J-1", "non-US IMG")
    assert (a.usce_months, a.usce_states, a.us_lors, a.research_items, a.ties_states) == (4.0, ("IL",), 3, 1, ("IL",))
    assert int(g.season) - a.graduation_year == 5  # five years out at the Match (2022 for 2027)
    assert (g.home_metro, g.budget_usd, g.min_programs, g.max_programs) == ("Chicago", 2500, 80, 120)
    assert g.season == Goals().season  # the newest season
    assert dict(g.weights)["home city"] == 1.5
    assert profile.source == str(IM_PROFILE)


def test_fm_example_profile():
    profile = load_profile(FM_PROFILE)
    a = profile.applicant
    assert a.specialties == ("Family Medicine",)
    assert a.step1 is None and a.step1_pass and a.step2ck == 221
    assert (a.visa, a.us_lors, a.usce_months, a.usce_states) == ("J-1", 2, 3.0, ("IL",))
    assert profile.goals.budget_usd == 2000


def test_short_profile_gets_every_default():
    profile = load_profile(FIXTURES / "short.toml")
    assert profile.applicant == Applicant(specialties=("Internal Medicine",), visa="J-1", step2ck=233)
    assert profile.goals == Goals()
    assert profile.goals.tiers == TierSettings()


@pytest.mark.parametrize("typed, visa", [
    ("J1", "J-1"), ("j-1", "J-1"), ("H1B", "H-1B"), ("h-1b", "H-1B"), ("J-1/H-1B", "J-1 or H-1B"),
    ("either", "J-1 or H-1B"), ("both", "J-1 or H-1B"), ("J-1 or H-1B", "J-1 or H-1B"), ("none", "none"),
    ("no", "none"), ("not needed", "none"), ("citizen", "none"), ("green card", "none"),
    (["J-1", "H-1B"], "J-1 or H-1B"),
])
def test_visa_spellings(typed, visa):
    assert parse_visa(typed) == visa
    assert parse_profile(minimal(visa=typed), "p.toml").applicant.visa == visa


@pytest.mark.parametrize("typed", ["Pass", "PASS", "passed", "P", "pass"])
def test_step1_pass_spellings(typed):
    applicant = parse_profile(minimal(step1=typed), "p.toml").applicant
    assert applicant.step1 is None and applicant.step1_pass


def test_friendly_values():
    data = minimal(specialties="FM", usce_states=["Illinois", "in"], ties_states="Ill.", usce_months=2.5,
                   graduation_year="2019", applicant_type="US IMG")
    data["goals"] = {"budget_usd": "$2,500", "season": 2026, "objective": "at least 8",
                     "weights": {"home_city": 2, "Home Metro": 1.5}, "min_per_state": {"Illinois": 20},
                     "min_per_specialty": {"FM": 10}, "tiers": {"reach": [20, 30]}}
    profile = parse_profile(data, "p.toml")
    a, g = profile.applicant, profile.goals
    assert a.specialties == ("Family Medicine",) and a.usce_states == ("IL", "IN") and a.ties_states == ("IL",)
    assert (a.usce_months, a.graduation_year, a.applicant_type) == (2.5, 2019, "US IMG")
    assert (g.budget_usd, g.season, g.objective) == (2500.0, "2026", "at-least:8")
    assert g.weights == (("home city", 2.0), ("home metro", 1.5))
    assert g.min_per_state == (("IL", 20),) and g.min_per_specialty == (("Family Medicine", 10),)
    assert g.tiers.reach == (0.20, 0.30)


# (fixture, key the message must name, words of the fix the message must contain)
BROKEN = [
    ("broken_not_toml.toml", None, "not valid TOML"),
    ("broken_binary.toml", None, "not a text file"),
    ("broken_unknown_visa.toml", "applicant.visa", '"J-1 or H-1B"'),
    ("broken_text_score.toml", "applicant.step2ck", "step2ck = 233"),
    ("broken_step2ck_400.toml", "applicant.step2ck", "from 1 to 300"),
    ("broken_negative_budget.toml", "goals.budget_usd", "0 or more"),
    ("broken_min_above_max.toml", "goals.min_programs", "lower min_programs or raise max_programs"),
    ("broken_no_specialty.toml", "applicant.specialties", 'specialties = ["Internal Medicine"]'),
    ("broken_unknown_specialty.toml", "applicant.specialties", 'did you mean "Internal Medicine"'),
    ("broken_misspelt_key.toml", "goals.budjet_usd", "did you mean budget_usd?"),
    ("broken_key_in_wrong_table.toml", "applicant.budget_usd", "belongs in [goals]"),
    ("broken_wrong_type.toml", "applicant.usce_months", "must be a number"),
    ("broken_wrong_type_list.toml", "goals.home_metro", 'in quotes, e.g. home_metro = "Chicago"'),
    ("broken_tier_bands.toml", "goals.tiers.reach", "smallest first"),
    ("broken_tier_sums.toml", "goals.tiers", "lower one of the minimums"),
    ("broken_unknown_metro.toml", "goals.home_metro", '"chicago"'),
    ("broken_unknown_season.toml", "goals.season", '"2026"'),
    ("broken_unknown_objective.toml", "goals.objective", '"at-least:K"'),
    ("broken_graduation_future.toml", "applicant.graduation_year", "is in the future"),
    ("broken_step_failures_negative.toml", "applicant.step_failures", "at least 0"),
    ("broken_negative_weight.toml", "goals.weights.home city", '0 or more, e.g. "home city" = 1.5'),
]


@pytest.mark.parametrize("name, key, fix", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_profile_names_file_key_and_fix(name, key, fix):
    path = FIXTURES / name
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert str(path) in message
    assert fix in message
    if key is not None:
        assert any(p.column == key for p in caught.value.problems), message
        assert f"key '{key}'" in message
    assert "Traceback" not in message


def test_every_problem_is_reported_at_once():
    with pytest.raises(ProfileError) as caught:
        load_profile(FIXTURES / "broken_many_problems.toml")
    keys = {p.column for p in caught.value.problems}
    assert keys == {"applicant.step2ck", "applicant.visa", "goals.budget_usd", "goals.min_programs"}
    assert str(caught.value).count("broken_many_problems.toml") == 4


def test_found_value_is_shown_as_typed():
    (problem,) = problems_of(minimal(visa="F-1"))
    assert problem.value == '"F-1"'
    assert "found \"F-1\"" in problem.describe()


@pytest.mark.parametrize("data, key, words", [
    ({}, "applicant", "no [applicant] table"),
    ({"applicant": {"specialties": ["IM"], "visa": "J-1"}}, "applicant.step2ck", "missing"),
    ({"applicant": {"specialties": ["IM"], "step1": "pass", "visa": "J-1"}}, "applicant.step2ck", "one score"),
    ({"applicant": {"step2ck": 233, "visa": "J-1"}}, "applicant.specialties", "missing"),
    ({"applicant": {"specialties": ["IM"], "step2ck": 233}}, "applicant.visa", "missing"),
    (minimal(step1=True), "applicant.step1", "score as a number"),
    (minimal(step2ck=233.5), "applicant.step2ck", "whole number"),
    (minimal(us_lors=2.5), "applicant.us_lors", "whole number"),
    (minimal(graduation_year=1900), "applicant.graduation_year", "1950 or later"),
    (minimal(usce_states=["Ilinoiss"]), "applicant.usce_states", "2-letter"),
    (minimal(specialties=5), "applicant.specialties", "list of names"),
    (minimal(applicant_type="alien"), "applicant.applicant_type", "non-US IMG"),
    (minimal(step2ck_delta=15), "applicant.step2ck_delta", "only works in a scenario file"),
    ({**minimal(), "goals": {"min_programs": 0}}, "goals.min_programs", "at least 1"),
    ({**minimal(), "goals": {"budget_usd": True}}, "goals.budget_usd", "must be a number"),
    ({**minimal(), "goals": {"budget_usd": float("nan")}}, "goals.budget_usd", "must be a number"),
    ({**minimal(), "goals": {"use_signals": 1}}, "goals.use_signals", "true or false"),
    ({**minimal(), "goals": {"objective": "at-least:50", "min_programs": 30, "max_programs": 40}}, "goals.objective",
     "more interviews than programs"),
    ({**minimal(), "goals": {"objective": "at-least:200"}}, "goals.objective", "from 1 to 60"),
    ({**minimal(), "goals": {"reach": [0.2, 0.3]}}, "goals.reach", "belongs in [goals.tiers]"),
    ({**minimal(), "goals": {"tiers": {"rule": "quantile"}}}, "goals.tiers.rule", '"relative"'),
    ({**minimal(), "goals": {"tiers": {"reach": 0.2}}}, "goals.tiers.reach", "two numbers"),
    ({**minimal(), "goals": {"tiers": {"reach_below": 0.5}}}, "goals.tiers.reach_below", "safety_above"),
    ({**minimal(), "goals": {"weights": {"downtown": 2}}}, "goals.weights.downtown", "home city"),
    ({**minimal(), "goals": {"min_per_state": {"XX": 2}}}, "goals.min_per_state.XX", "2-letter"),
    ({**minimal(), "goals": {"min_per_state": {"IL": 30}, "max_per_state": {"Illinois": 20}}},
     "goals.min_per_state.IL", "lower the minimum"),
    ({**minimal(), "goals": {"min_per_specialty": {"FM": 5}}}, "goals.min_per_specialty.FM", "not among"),
    ({**minimal(), "goals": 5}, "goals", "must be a table"),
    ({**minimal(), "weights": {"home city": 2}}, "weights", "[goals.weights]"),
    ({**minimal(), "budget": 2500}, "budget", "did you mean budget_usd (in [goals])?"),
])
def test_more_mistakes(data, key, words):
    problems = problems_of(data)
    assert any(p.column == key and words in p.message for p in problems), [p.describe() for p in problems]
    assert all(p.file == "my_profile.toml" for p in problems)


def test_graduation_year_up_to_the_season_is_fine():
    """A final-year student applying for the season's July start graduates that year."""
    this_year = datetime.date.today().year
    assert parse_profile(minimal(graduation_year=this_year), "p.toml").applicant.graduation_year == this_year
    problems = problems_of(minimal(graduation_year=this_year + 5))
    assert problems[0].column == "applicant.graduation_year"


def test_read_profile_data_returns_the_raw_dict():
    data = read_profile_data(FIXTURES / "short.toml")
    assert data == {"applicant": {"specialties": "IM", "step2ck": 233, "visa": "J1"}}
    with pytest.raises(ProfileError):
        read_profile_data(FIXTURES / "no_such_file.toml")


def test_key_sources_name_the_file_a_key_came_from():
    data = {**minimal(), "goals": {"budget_usd": -1, "min_programs": 0}}
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "base.toml", key_sources={("goals", "budget_usd"): "scenario.toml"})
    files = {p.column: p.file for p in caught.value.problems}
    assert files == {"goals.budget_usd": "scenario.toml", "goals.min_programs": "base.toml"}


# --- the reader never crashes: any dict gives a Profile or a ProfileError -------------------------------------

KEYS = st.sampled_from(("applicant", "goals", *APPLICANT_KEYS, *GOALS_KEYS, *TIER_KEYS, "home city", "IL", "IM",
                        "step2ck_delta")) | st.text(max_size=8)
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=12) | st.sampled_from(("pass", "J-1", "IM", "IL", "Chicago", "2026", "at-least:3", "")
           ) | st.dates() | st.datetimes())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=20)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=5), st.dictionaries(KEYS, VALUES, max_size=6),
       st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_dict_gives_a_profile_or_a_profile_error(top, applicant, goals):
    data = dict(top)
    if applicant:
        data["applicant"] = {**minimal()["applicant"], **applicant}
    if goals:
        data["goals"] = goals
    try:
        profile = parse_profile(data, "p.toml")
    except ProfileError as error:
        assert error.problems and all(p.file == "p.toml" and p.message for p in error.problems)
    else:
        assert isinstance(profile, Profile)


# --- docs/profile.md stays in step with the reader --------------------------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "profile.md"


def test_docs_describe_every_key():
    text = DOC.read_text(encoding="utf-8")
    for key in (*APPLICANT_KEYS, *GOALS_KEYS, *TIER_KEYS, "step2ck_delta", "budget_usd_delta", "base"):
        assert re.search(rf"`{key}[` ]", text) or f"[goals.{key}]" in text, key


@pytest.mark.parametrize("example", [IM_PROFILE, FM_PROFILE], ids=["im", "fm"])
def test_docs_show_the_example_profiles_as_they_are(example):
    assert Path(example).read_text(encoding="utf-8") in DOC.read_text(encoding="utf-8")


def test_a_student_graduating_before_the_default_seasons_residency_is_accepted(tmp_path):
    """The default season is the newest (its Match is next spring): this spring's graduates may apply."""
    from optimizer.inputs.profile import load_profile
    from optimizer.inputs.profile_types import Goals

    path = tmp_path / "p.toml"
    path.write_text(f'[applicant]\nspecialties = ["IM"]\nstep2ck = 240\nvisa = "none"\n'
                    f'graduation_year = {int(Goals().season)}\n', encoding="utf-8")
    assert load_profile(path).applicant.graduation_year == int(Goals().season)
