"""One parser per rule (optimizer/inputs/parsing.py): the profile, the scenario files and the command-line flags accept
and refuse the same objectives, budgets and counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.errors import ProfileError
from optimizer.solver.nonlinear import Objective
from optimizer.inputs.parsing import (AT_LEAST_K, MAX_BUDGET_USD, ParseError, parse_band, parse_budget, parse_budget_list,
                               parse_objective, parse_whole)
from optimizer.inputs.profile import load_profile, parse_profile

PROFILE = '[applicant]\nspecialties = ["IM"]\nstep2ck = 233\nvisa = "J-1"\n[goals]\n'


def write_text(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def profile_with(**goals) -> dict:
    return {"applicant": {"specialties": ["Internal Medicine"], "step2ck": 233, "visa": "J-1"}, "goals": goals}


def test_at_least_beyond_the_flags_limit_is_refused_when_the_profile_is_read(tmp_path):
    path = write_text(tmp_path / "me.toml", PROFILE + 'objective = "at-least:70"\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.column == "goals.objective"
    assert f"from {AT_LEAST_K[0]} to {AT_LEAST_K[1]}" in problem.message and "at-least:8" in problem.message


def test_solve_names_the_profile_key_not_a_flag_the_user_never_passed(run, tmp_path):
    path = write_text(tmp_path / "me.toml", PROFILE + 'objective = "at-least:70"\n')
    result = run("solve", "--profile", path)
    assert result.exit_code == 2
    assert f"{path}, key 'goals.objective'" in result.output and "--objective" not in result.output


@given(st.one_of(st.sampled_from(["interviews", "match", "Match", "expected interviews", "at least 8 interviews",
                                  "at-least:0", "at-least:1", "at-least:60", "at-least:61", "at-least:70", "matchh",
                                  "at-least:x", "at_least=5"]),
                 st.integers(0, 100).map(lambda k: f"at-least:{k}"), st.text(max_size=12)))
def test_profile_and_flag_accept_the_same_objectives(text):
    try:
        expected = parse_objective(text)
    except ParseError:
        expected = None
    try:
        in_profile = parse_profile(profile_with(objective=text), "p.toml").goals.objective
    except ProfileError:
        in_profile = None
    try:
        flag = str(Objective.parse(text))
    except Exception:
        flag = None
    if expected is not None and text.strip():
        assert in_profile == flag == expected
    elif expected is None:
        assert in_profile is None and flag is None


@pytest.mark.parametrize("text", ["2500", "$2,500", "2,500 USD", "2500.0", " $ 2500 "])
def test_budget_spellings(text):
    assert parse_budget(text) == 2500
    assert parse_profile(profile_with(budget_usd=text), "p.toml").goals.budget_usd == 2500


@pytest.mark.parametrize("value, words", [(-1, "0 or more"), ("lots", "a number"), (True, "a number"),
                                          (MAX_BUDGET_USD + 1, "at most")])
def test_bad_budgets_are_refused_alike(value, words):
    with pytest.raises(ParseError, match=words):
        parse_budget(value)
    with pytest.raises(ProfileError, match=words):
        parse_profile(profile_with(budget_usd=value), "p.toml")


def test_budget_flag_reads_dollars_as_the_profile_does(run_json):
    solved = run_json("solve", "--budget", "$3,000", "--no-signals")
    assert solved["budget"] == 3000 and solved["cost"] <= 3000


@pytest.mark.parametrize("args, words", [(("solve", "--budget", "lots"), "--budget 2500"),
                                         (("solve", "--min", "0"), "at least 1"),
                                         (("solve", "--objective", "at-least:70"), "from 1 to 60"),
                                         (("frontier", "--budget", "1000:x:100"), "'x' must be a number")])
def test_bad_flags_exit_2_with_the_fix(run, args, words):
    result = run(*args)
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_budget_lists():
    assert parse_budget_list("1000:1300:100") == [1000, 1100, 1200, 1300]
    assert parse_budget_list("1000:1250:100") == [1000, 1100, 1200]
    assert parse_budget_list("$2500, 1500;2000,1500") == [1500, 2000, 2500]
    assert parse_budget_list("$1,500") == parse_budget_list("1,500 USD") == [1500]  # one amount, not 1 and 500
    for text, words in (("3000:1000:100", "HIGH at least LOW"), ("1:2", "LOW:HIGH:STEP"), ("", "no budget"),
                        ("0:100000:1", "at most 1,000")):
        with pytest.raises(ParseError, match=words):
            parse_budget_list(text)


def test_counts_and_bands():
    assert parse_whole("80", 1) == parse_whole(80.0, 1) == 80
    for value, words in (("0", "at least 1"), (1.5, "whole number"), ([80], "whole number")):
        with pytest.raises(ParseError, match=words):
            parse_whole(value, 1)
    assert parse_band([20, 30]) == (0.2, 0.3) and parse_band([0.1, 0.2]) == (0.1, 0.2)
    for value, words in (([0.3, 0.2], "from 0 to 1"), ([0.2], "two numbers"), ("0.2", "two numbers")):
        with pytest.raises(ParseError, match=words):
            parse_band(value)
