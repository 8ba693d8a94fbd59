"""Scenario files: overriding the profile, base chains, relative changes, and broken scenarios among good ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import ProfileError
from optimizer.model.fees import load_fee_schedule
from optimizer.inputs.profile import read_profile_data
from optimizer.inputs.resources import data_path, scenarios_dir
from optimizer.inputs.scenario_files import Scenario, ScenarioError, load_scenario, load_scenarios

IM_PROFILE = data_path("profiles", "im_applicant.toml")


@pytest.fixture
def base() -> dict:
    return read_profile_data(IM_PROFILE)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_scenarios_all_load_on_the_example_profile(base):
    scenarios, errors = load_scenarios(scenarios_dir(), base, str(IM_PROFILE))
    assert errors == []
    by_file = {Path(s.file).stem: s for s in scenarios}
    assert scenarios[0].name == "Baseline"
    assert set(by_file) == {"baseline", "tight_budget", "generous_budget", "step2ck_plus15", "j1_only", "h1b_needed",
                            "chicago_weighted", "add_family_medicine", "no_illinois_usce"}
    assert by_file["baseline"].overrides == {}
    assert by_file["tight_budget"].profile.goals.budget_usd == 1500
    assert by_file["generous_budget"].profile.goals.budget_usd == 3500
    assert by_file["step2ck_plus15"].profile.applicant.step2ck == 248
    assert by_file["step2ck_plus15"].overrides == {"applicant": {"step2ck": 248}}
    assert by_file["j1_only"].profile.applicant.visa == "J-1"
    assert by_file["h1b_needed"].profile.applicant.visa == "H-1B"
    weights = dict(by_file["chicago_weighted"].profile.goals.weights)
    assert weights["home city"] == 2.0 and weights["elsewhere"] == 1.0  # merged key by key with the profile's
    assert by_file["add_family_medicine"].profile.applicant.specialties == ("Internal Medicine", "Family Medicine")
    assert by_file["no_illinois_usce"].profile.applicant.usce_states == ()
    assert all(s.description for s in scenarios)


def test_bundled_scenarios_can_meet_their_minimum_within_budget(base):
    """Each example can be solved: the fewest programs it asks for cost no more than its budget (one specialty
    costs the most: ERAS pricing restarts per specialty)."""
    scenarios, _ = load_scenarios(scenarios_dir(), base, str(IM_PROFILE))
    for scenario in scenarios:
        goals = scenario.profile.goals
        fees = load_fee_schedule(goals.season)
        cost = fees.list_cost({scenario.profile.applicant.specialties[0]: goals.min_programs}).total_usd
        assert cost <= goals.budget_usd, scenario.name


def test_base_chain_merges_in_order_and_tables_key_by_key(tmp_path, base):
    write(tmp_path, "a.toml", 'name = "A"\n[goals]\nbudget_usd = 3000\n[goals.weights]\n"home city" = 3.0\n')
    write(tmp_path, "b.toml", 'base = "a.toml"\n[goals]\nmin_programs = 60\n[goals.weights]\nelsewhere = 0.5\n')
    sub = tmp_path / "more"
    sub.mkdir()
    c = write(sub, "c.toml", 'name = "C"\ndescription = "on b"\nbase = "../b.toml"\n[applicant]\nvisa = "H1B"\n')
    scenario = load_scenario(c, base, str(IM_PROFILE))
    goals = scenario.profile.goals
    assert (scenario.name, scenario.description, scenario.file) == ("C", "on b", str(c))
    assert (goals.budget_usd, goals.min_programs, scenario.profile.applicant.visa) == (3000, 60, "H-1B")
    assert dict(goals.weights) == {"home city": 3.0, "home metro": 1.4, "home state": 1.2, "home division": 1.1,
                                   "elsewhere": 0.5}
    assert scenario.overrides == {"goals": {"budget_usd": 3000, "weights": {"home city": 3.0, "elsewhere": 0.5},
                                            "min_programs": 60}, "applicant": {"visa": "H1B"}}
    assert str(c) in scenario.profile.source


@pytest.mark.parametrize("files, start", [
    ({"a.toml": 'base = "b.toml"\n', "b.toml": 'base = "a.toml"\n'}, "a.toml"),
    ({"a.toml": 'base = "a.toml"\n'}, "a.toml"),
    ({"a.toml": 'base = "b.toml"\n', "b.toml": 'base = "c.toml"\n', "c.toml": 'base = "b.toml"\n'}, "a.toml"),
])
def test_base_loop_is_refused(tmp_path, base, files, start):
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(ProfileError) as caught:
        load_scenario(tmp_path / start, base, str(IM_PROFILE))
    assert "loop" in str(caught.value) and caught.value.problems[0].column == "base"


def test_missing_base_names_the_scenario_and_key(tmp_path, base):
    path = write(tmp_path, "a.toml", 'base = "nowhere.toml"\n')
    with pytest.raises(ProfileError) as caught:
        load_scenario(path, base, str(IM_PROFILE))
    (problem,) = caught.value.problems
    assert (problem.file, problem.column) == (str(path), "base")
    assert "base file not found" in problem.message and "nowhere.toml" in problem.message


def test_broken_scenarios_become_errors_and_the_good_ones_still_load(tmp_path, base):
    write(tmp_path, "good.toml", 'name = "Good"\n[goals]\nbudget_usd = 3000\n')
    write(tmp_path, "misspelt.toml", 'name = "Misspelt"\n[goals]\nbudjet_usd = 3000\n')
    write(tmp_path, "bad_value.toml", 'name = "Bad value"\n[applicant]\nvisa = "F-1"\n')
    write(tmp_path, "no_base.toml", 'name = "No base"\nbase = "gone.toml"\n')
    write(tmp_path, "not_toml.toml", 'name = Not TOML\n')
    write(tmp_path, "zz_good.toml", 'name = "Also good"\n[applicant]\nstep2ck_delta = -10\n')
    scenarios, errors = load_scenarios([tmp_path], base, str(IM_PROFILE))
    assert [s.name for s in scenarios] == ["Good", "Also good"]
    assert scenarios[1].profile.applicant.step2ck == 223
    found = {(Path(e.file).name, e.key) for e in errors}
    assert found == {("misspelt.toml", "goals.budjet_usd"), ("bad_value.toml", "applicant.visa"),
                     ("no_base.toml", "base"), ("not_toml.toml", None)}
    messages = {Path(e.file).name: e.message for e in errors}
    assert "did you mean budget_usd?" in messages["misspelt.toml"]
    assert 'found "F-1"' in messages["bad_value.toml"]
    assert "not valid TOML" in messages["not_toml.toml"]
    assert all(set(e.as_dict()) >= {"file", "key", "message"} for e in errors)


def test_problem_in_the_profile_names_the_profile_not_the_scenario(tmp_path):
    profile_data = {"applicant": {"specialties": ["IM"], "step2ck": 233, "visa": "J-1"},
                    "goals": {"budget_usd": -1}}
    path = write(tmp_path, "s.toml", '[goals]\nmin_programs = 0\n')
    with pytest.raises(ProfileError) as caught:
        load_scenario(path, profile_data, "me.toml")
    files = {p.column: p.file for p in caught.value.problems}
    assert files == {"goals.budget_usd": "me.toml", "goals.min_programs": str(path)}


def test_a_scenario_can_fix_a_profile_value(tmp_path):
    profile_data = {"applicant": {"specialties": ["IM"], "step2ck": 233, "visa": "F-1"}}
    path = write(tmp_path, "s.toml", '[applicant]\nvisa = "J1"\n')
    assert load_scenario(path, profile_data, "me.toml").profile.applicant.visa == "J-1"


def test_min_above_max_blames_the_scenario_that_set_one_of_them(tmp_path, base):
    path = write(tmp_path, "s.toml", '[goals]\nmax_programs = 50\n')
    with pytest.raises(ProfileError) as caught:
        load_scenario(path, base, str(IM_PROFILE))
    (problem,) = caught.value.problems
    assert (problem.file, problem.column) == (str(path), "goals.min_programs")


@pytest.mark.parametrize("text, key, words", [
    ('[applicant]\nstep2ck_delta = 80\n', "applicant.step2ck_delta", "from 233 to 313"),
    ('[applicant]\nstep2ck_delta = "a lot"\n', "applicant.step2ck_delta", "whole number of points"),
    ('[applicant]\nstep2ck_delta = 1.5\n', "applicant.step2ck_delta", "whole number of points"),
    ('[applicant]\nstep2ck = 240\nstep2ck_delta = 5\n', "applicant.step2ck_delta", "not both"),
    ('[goals]\nbudget_usd_delta = -3000\n', "goals.budget_usd_delta", "below zero"),
    ('[goals]\nstep2ck_delta = 15\n', "goals.step2ck_delta", "only works in a scenario file"),
    ('budget_usd = 3000\n', "budget_usd", "belongs in [goals]"),
    ('nme = "x"\n', "nme", "did you mean name?"),
    ('name = 5\n', "name", "text in quotes"),
    ('goals = 5\n', "goals", "must be a table"),
    ('base = 3\n', "base", "relative to this file"),
])
def test_scenario_mistakes(tmp_path, base, text, key, words):
    path = write(tmp_path, "s.toml", text)
    with pytest.raises(ProfileError) as caught:
        load_scenario(path, base, str(IM_PROFILE))
    assert any(p.column == key and words in p.message and p.file == str(path) for p in caught.value.problems), \
        str(caught.value)


def test_step2ck_delta_needs_a_score_in_the_base(tmp_path):
    profile_data = {"applicant": {"specialties": ["IM"], "step1": 215, "visa": "J-1"}}
    path = write(tmp_path, "s.toml", '[applicant]\nstep2ck_delta = 15\n')
    with pytest.raises(ProfileError) as caught:
        load_scenario(path, profile_data, "me.toml")
    (problem,) = caught.value.problems
    assert problem.column == "applicant.step2ck_delta" and "no Step 2 CK score" in problem.message


def test_deltas_chain_and_budget_delta_uses_the_default(tmp_path):
    profile_data = {"applicant": {"specialties": ["IM"], "step2ck": 220, "visa": "J-1"}}
    write(tmp_path, "a.toml", '[applicant]\nstep2ck_delta = 5\n[goals]\nbudget_usd_delta = 500\n')
    path = write(tmp_path, "b.toml", 'base = "a.toml"\n[applicant]\nstep2ck_delta = 10\n')
    scenario = load_scenario(path, profile_data, "me.toml")
    assert scenario.profile.applicant.step2ck == 235
    assert scenario.profile.goals.budget_usd == 3000  # the default 2500, plus 500
    assert scenario.overrides == {"applicant": {"step2ck": 235}, "goals": {"budget_usd": 3000}}


def test_state_keys_override_whatever_spelling_the_profile_used(tmp_path, base):
    base["goals"]["min_per_state"] = {"IL": 20}
    path = write(tmp_path, "s.toml", '[goals.min_per_state]\nIllinois = 10\n')
    assert load_scenario(path, base, "me.toml").profile.goals.min_per_state == (("IL", 10),)


def test_name_defaults_to_the_file_name(tmp_path, base):
    path = write(tmp_path, "my_idea.toml", '[goals]\nbudget_usd = 2000\n')
    assert load_scenario(path, base, "me.toml").name == "my_idea"


def test_paths_not_found_empty_folders_and_twins(tmp_path, base):
    write(tmp_path, "one.toml", 'name = "Same"\n')
    write(tmp_path, "two.toml", 'name = "Same"\n')
    empty = tmp_path / "empty"
    empty.mkdir()
    scenarios, errors = load_scenarios([tmp_path / "one.toml", tmp_path, tmp_path / "missing.toml", empty], base,
                                       "me.toml")
    assert [Path(s.file).name for s in scenarios] == ["one.toml"]
    assert [(Path(e.file).name, e.key) for e in errors] == [("missing.toml", None), ("empty", None),
                                                          ("two.toml", "name")]
    assert isinstance(errors[0], ScenarioError) and "not found" in errors[0].message


# --- a scenario file never crashes the reader ---------------------------------------------------------------------

KEYS = st.sampled_from(("name", "description", "base", "applicant", "goals", "step2ck", "step2ck_delta", "visa",
                        "budget_usd", "budget_usd_delta", "weights", "min_per_state", "home city", "IL", "tiers",
                        "reach")) | st.text(max_size=6)
SCALARS = (st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
           | st.sampled_from(("J-1", "baseline.toml", "s.toml", "IM", "Illinois")))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=15)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.dictionaries(KEYS, VALUES, max_size=5))
def test_any_scenario_dict_gives_a_scenario_or_a_profile_error(monkeypatch, tmp_path, raw):
    write(tmp_path, "baseline.toml", 'name = "Baseline"\n')
    path = write(tmp_path, "s.toml", "")
    real_read = read_profile_data
    monkeypatch.setattr("optimizer.inputs.scenario_files.read_profile_data",
                        lambda p: raw if Path(p).name == "s.toml" else real_read(p))
    base = read_profile_data(IM_PROFILE)
    try:
        scenario = load_scenario(path, base, str(IM_PROFILE))
    except ProfileError as error:
        assert error.problems and all(p.message for p in error.problems)
    else:
        assert isinstance(scenario, Scenario)


@pytest.mark.parametrize("name", ["\u0000", "x" * 5000 + ".toml"])
def test_unusable_base_names_are_reported_not_crashed_on(tmp_path, base, name):
    path = tmp_path / "s.toml"
    path.write_text(f'base = "{name}"\n'.replace("\u0000", "\\u0000"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_scenario(path, base, str(IM_PROFILE))
    assert caught.value.problems[0].column == "base"
