"""The robust list (issue 23, item 2): the highest low end of the P(match) range among the lists the P(match) search
finds, never below the standard list's, reported with P(match)'s bound; the flag, the profile key and the JSON."""

from __future__ import annotations

import pytest

from tests.conftest import invoke, invoke_json

TWO_SPECIALTIES = ("[applicant]\nspecialties = [\"IM\", \"FM\"]\nstep1 = 210\nstep2ck = 233\nvisa = \"J-1\"\n"
                   "applicant_type = \"non-US IMG\"\nusce_months = 4\nus_lors = 3\n\n[goals]\nbudget_usd = 1500\n"
                   "min_programs = 40\nmax_programs = 80\n")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    profile = tmp_path_factory.mktemp("robust") / "profile.toml"
    profile.write_text(TWO_SPECIALTIES, encoding="utf-8")
    standard = invoke_json("solve", "--profile", profile, "--objective", "match")
    robust = invoke_json("solve", "--profile", profile, "--robust")
    keyed = profile.with_name("keyed.toml")
    keyed.write_text(TWO_SPECIALTIES + "robust = true\n", encoding="utf-8")
    from_profile = invoke_json("solve", "--profile", keyed)
    return standard, robust, from_profile


def test_robust_low_end_is_never_below_the_standard_lists(both):
    standard, robust, _ = both
    assert standard["robust"] is False and robust["robust"] is True
    assert robust["p_match_range"][0] >= standard["p_match_range"][0] - 1e-12
    # its objective is the low end it maximized; the centre is reported beside it
    assert robust["objective"] == pytest.approx(robust["p_match_range"][0])
    assert robust["p_match_range"][0] <= robust["p_match"] <= robust["p_match_range"][1]


def test_robust_bound_is_honest(both):
    _, robust, _ = both
    assert robust["bound"] >= robust["objective"]
    assert robust["gap"] == pytest.approx(robust["bound"] - robust["objective"])
    assert (robust["status"] == "optimal") == (robust["gap"] <= 0.01)


def test_profile_key_asks_for_the_robust_list(both):
    _, robust, from_profile = both
    assert from_profile["robust"] is True
    timing = {"solve_seconds"}
    assert {k: v for k, v in from_profile.items() if k not in timing} == \
        {k: v for k, v in robust.items() if k not in timing}


def test_robust_key_must_be_true_or_false(tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text(TWO_SPECIALTIES + "robust = \"maybe\"\n", encoding="utf-8")
    result = invoke("solve", "--profile", profile)
    assert result.exit_code == 2, result.output
    assert "robust" in result.output


def test_api_takes_robust(both, tmp_path):
    from optimizer import api

    _, robust, _ = both
    profile = tmp_path / "profile.toml"
    profile.write_text(TWO_SPECIALTIES, encoding="utf-8")
    result = api.solve(profile=profile, robust=True)
    assert result.payload["robust"] is True
    assert result.payload["objective"] == pytest.approx(robust["objective"])


def test_scenarios_run_takes_robust(tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text(TWO_SPECIALTIES, encoding="utf-8")
    scenario = tmp_path / "cheaper.toml"
    scenario.write_text('name = "cheaper"\n[goals]\nbudget_usd = 1200\n', encoding="utf-8")
    plain = invoke_json("scenarios", "run", scenario, "--profile", profile)
    robust = invoke_json("scenarios", "run", scenario, "--profile", profile, "--robust")
    assert [row["robust"] for row in plain["scenarios"]] == [False]
    assert [row["robust"] for row in robust["scenarios"]] == [True]
    assert robust["scenarios"][0]["objective"] == pytest.approx(robust["scenarios"][0]["p_match_range"][0])


def test_frontier_says_whether_its_lists_are_robust(run_json, tmp_path):
    assert run_json("frontier", "--budget", "1500,2000")["robust"] is False
    profile = tmp_path / "profile.toml"
    profile.write_text(TWO_SPECIALTIES, encoding="utf-8")
    robust = run_json("frontier", "--budget", "300,1200,1500", "--profile", profile, "--robust")
    assert robust["robust"] is True
    low, *solved = robust["points"]
    assert low["status"] == "infeasible" and low["objective"] is None  # $300 cannot pay for 40 programs
    for point in solved:
        assert point["objective"] == pytest.approx(point["p_match_range"][0])
        assert point["p_match_range"][0] <= point["p_match"]
    # the robust list at $1,500 is the one `solve --robust` gives
    single = invoke_json("solve", "--profile", profile, "--robust")
    assert solved[-1]["objective"] == pytest.approx(single["objective"])


def test_api_frontier_takes_robust(tmp_path):
    from optimizer import api

    profile = tmp_path / "profile.toml"
    profile.write_text(TWO_SPECIALTIES, encoding="utf-8")
    table = api.frontier(profile=profile, budgets=[1500], robust=True)
    row = table.iloc[0]
    assert row["objective"] == pytest.approx(row["p_match_range"][0])
