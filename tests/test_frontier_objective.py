"""The frontier for P(match) and P(at least K) (issue 23, item 1: "the same for the frontier when its objective is
match"): each budget's list is the one `solve` gives for that objective, with its proven bound and gap; the
objective comes from --objective, the profile's goals.objective, or api.frontier(objective=...)."""

from __future__ import annotations

import pytest

from tests.conftest import invoke, invoke_json

PROFILE = ("[applicant]\nspecialties = [\"IM\"]\nstep1 = 215\nstep2ck = 236\nvisa = \"J-1\"\n"
           "applicant_type = \"non-US IMG\"\nusce_months = 4\nus_lors = 3\n\n[goals]\nbudget_usd = 1500\n"
           "min_programs = 40\nmax_programs = 80\n")


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    path = tmp_path_factory.mktemp("frontier") / "profile.toml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def match_frontier(profile):
    return invoke_json("frontier", "--budget", "300,1200,1500", "--profile", profile, "--objective", "match")


def test_each_budget_is_solved_for_p_match_with_its_proof(match_frontier, profile):
    assert match_frontier["objective"] == "match" and match_frontier["robust"] is False
    low, *solved = match_frontier["points"]
    assert low["status"] == "infeasible" and low["objective"] is None and low["gap"] is None
    for point in solved:
        assert point["objective"] == pytest.approx(point["p_match"])
        assert point["bound"] >= point["objective"] - 1e-12
        assert point["gap"] == pytest.approx(point["bound"] - point["objective"])
        assert point["status"] == ("optimal" if point["gap"] <= 0.01 else "feasible")
    # the list at $1,500 is the one `solve --objective match` gives at that budget
    single = invoke_json("solve", "--profile", profile, "--objective", "match")
    assert solved[-1]["objective"] == pytest.approx(single["objective"])
    assert solved[-1]["count"] == single["count"]


def test_more_money_never_lowers_the_proven_bound(match_frontier):
    # a list affordable at $1,200 is affordable at $1,500: the best chance and its bound cannot fall
    middle, top = match_frontier["points"][1:]
    assert top["bound"] >= middle["objective"] - 1e-9


def test_the_profiles_objective_drives_the_frontier(tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text(PROFILE + "objective = \"at-least:3\"\n", encoding="utf-8")
    result = invoke_json("frontier", "--budget", "1500", "--profile", profile)
    assert result["objective"] == "at-least:3"
    point = result["points"][0]
    assert point["objective"] <= point["bound"] + 1e-12
    assert point["status"] == ("optimal" if point["gap"] <= 0.02 else "feasible")
    # the flag wins over the profile
    assert invoke_json("frontier", "--budget", "1500", "--profile", profile,
                       "--objective", "interviews")["objective"] == "interviews"


def test_the_interviews_frontier_is_unchanged_and_says_so(run_json):
    result = run_json("frontier", "--budget", "1500,2000")
    assert result["objective"] == "interviews"
    assert all(point["bound"] is None and point["gap"] is None for point in result["points"])


def test_the_table_shows_the_proof_in_words(profile):
    result = invoke("frontier", "--budget", "1500", "--profile", profile, "--objective", "match")
    assert result.exit_code == 0, result.output
    assert "best chance of matching" in result.output
    assert "Proven" in result.output and " pts" in result.output


def test_a_misspelt_objective_is_a_clear_error(profile):
    result = invoke("frontier", "--budget", "1500", "--profile", profile, "--objective", "matchh")
    assert result.exit_code == 2
    assert "at-least:K" in result.output and "Traceback" not in result.output


def test_api_frontier_takes_the_objective(profile):
    from optimizer import api
    from optimizer.errors import InputError

    table = api.frontier(profile=profile, budgets=[1500], objective="match")
    row = table.iloc[0]
    assert row["objective"] == pytest.approx(row["p_match"]) and row["bound"] >= row["objective"] - 1e-12
    with pytest.raises(InputError, match="frontier"):
        api.frontier(profile=profile, budgets=[1500], objective="best")
