"""The solve, score, frontier and scenarios commands, end to end on the bundled data (CliRunner)."""

from __future__ import annotations

import csv
import json

import pytest

from optimizer.inputs.resources import DEMO_PROGRAMS, data_path


@pytest.fixture(scope="module")
def solved(demo_solve):
    return demo_solve.payload


def test_solve_json_has_the_contract_fields(solved):
    for key in ("status", "objective", "expected_interviews", "cost", "count", "interview_distribution", "p_match",
                "bound", "gap", "programs"):
        assert key in solved
    assert solved["status"] == "optimal" and solved["gap"] == 0
    assert 80 <= solved["count"] <= 120 and solved["cost"] <= 2500
    assert abs(sum(solved["interview_distribution"]) - 1) < 1e-9
    for program in solved["programs"]:
        assert {"program_id", "program", "specialty", "tier", "p_interview", "weight", "region", "signal"} <= set(program)
    applied = sum(p["p_interview"] for p in solved["programs"])
    assert applied == pytest.approx(solved["expected_interviews"])
    weighted = sum(p["p_interview"] * p["weight"] for p in solved["programs"])
    assert weighted == pytest.approx(solved["objective"]) == pytest.approx(solved["weighted_expected_interviews"])
    tiers = solved["tier_mix"]
    n = solved["count"]
    assert 0.2 * n - 1e-9 <= tiers["reach"] <= 0.3 * n + 1e-9
    assert 0.5 * n - 1e-9 <= tiers["core"] <= 0.6 * n + 1e-9
    assert solved["demo_data"] is True


def test_solve_table_is_readable(run, solved):
    result = run("solve")
    assert result.exit_code == 0, result.output
    assert "Demo data" in result.output and "Chance of matching" in result.output
    assert f"${solved['cost']:,.0f}" in result.output  # money as $1,234
    assert max(len(line) for line in result.output.splitlines()) <= 100


def test_an_impossible_budget_is_refused_with_the_numbers(run):
    from optimizer.model.fees import load_fee_schedule

    fees = load_fee_schedule("2026")  # the demo profile's season
    cheapest = fees.list_cost({"Internal Medicine": 80})
    result = run("solve", "--budget", "300")
    assert result.exit_code == 2
    assert (f"80 Internal Medicine programs cost at least ${cheapest.total_usd:,.0f} with the "
            f"${cheapest.transcript_usd:,.0f} transcript fee; the budget is $300") in result.output


def test_min_above_max_is_refused(run):
    result = run("solve", "--min", "130", "--max", "120")
    assert result.exit_code == 2 and "above the maximum" in result.output


def test_must_and_never_by_id_and_unknown_names(run, run_json, solved):
    top = solved["programs"][0]["program_id"]
    result = run_json("solve", "--never", top, "--no-signals")
    assert top not in {p["program_id"] for p in result["programs"]}
    bad = run("solve", "--must", "No Such Program")
    assert bad.exit_code == 2 and "matches no program_id" in bad.output


def test_out_csv_keeps_the_sheet_columns(run, tmp_path):
    out = tmp_path / "list.csv"
    result = run("solve", "--out", str(out), "--no-signals")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert 80 <= len(rows) <= 120
    assert {"program_id", "program", "city", "state", "specialty", "visa", "data_source", "tier",
            "p_interview"} <= set(rows[0])


def test_match_objective_reports_bound_and_gap(run_json, solved):
    match = run_json("solve", "--objective", "match")
    assert match["status"] in ("optimal", "feasible")
    assert match["bound"] >= match["objective"] - 1e-12
    assert match["gap"] == pytest.approx(match["bound"] - match["objective"])
    assert match["objective"] == pytest.approx(match["p_match"])
    assert match["p_match"] >= solved["p_match"] - 1e-9


def test_unknown_objective_is_refused(run):
    result = run("solve", "--objective", "happiness")
    assert result.exit_code == 2 and "at-least:K" in result.output


def test_score_json_lists_every_row_with_reasons(run_json):
    data = run_json("score")
    programs = data["programs"]
    with data_path(DEMO_PROGRAMS).open(encoding="utf-8", newline="") as handle:
        assert len(programs) == sum(1 for _ in csv.DictReader(handle))  # every row of the bundled sheet
    for p in programs:
        assert p["eligible"] or p["reasons"]
        assert 0.0 <= p["p_interview"] <= 1.0
        assert p["visa"] in ("none", "J-1", "H-1B", "J-1+H-1B")
    im = next(p for p in programs if p["eligible"] and p["specialty"] == "Internal Medicine")
    assert set(im["p_with_signal"]) == {"gold", "silver"}
    assert all(p["p_with_signal"] == {} for p in programs if not p["eligible"])


def test_frontier_is_monotone_and_matches_solve(run_json):
    data = run_json("frontier", "--budget", "1800:3200:200", "--no-signals")
    points = data["points"]
    assert [p["budget"] for p in points] == [1800 + 200 * i for i in range(8)]
    solved_values = [p["objective"] for p in points if p["objective"] is not None]
    assert solved_values == sorted(solved_values)
    inside = next(p for p in points if p["budget"] == 2400)
    single = run_json("solve", "--budget", "2400", "--no-signals")
    assert inside["objective"] == pytest.approx(single["objective"], abs=1e-6)
    assert inside["count"] == single["count"]


def test_frontier_rejects_a_bad_range(run):
    result = run("frontier", "--budget", "3000:1000:100")
    assert result.exit_code == 2 and "HIGH at least LOW" in result.output


def test_scenarios_run_reports_a_broken_one_and_solves_the_rest(run, tmp_path):
    (tmp_path / "good.toml").write_text('name = "More money"\n[goals]\nbudget_usd = 3000\n', encoding="utf-8")
    (tmp_path / "broken.toml").write_text('name = "Typo"\n[goals]\nbudget_usdd = 3000\n', encoding="utf-8")
    result = run("scenarios", "run", str(tmp_path), "--json", "--no-signals")
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert [s["name"] for s in data["scenarios"]] == ["More money"]
    assert data["scenarios"][0]["status"] == "optimal"
    error = data["errors"][0]
    assert error["file"].endswith("broken.toml") and "budget_usdd" in error["key"]
    assert "budget_usd" in error["message"]


def test_frontier_with_signals_matches_solve_with_signals(run_json):
    points = run_json("frontier", "--budget", "2100,2600")["points"]
    single = run_json("solve", "--budget", "2100")
    assert points[0]["objective"] == pytest.approx(single["objective"], abs=1e-6)
    assert points[1]["objective"] >= points[0]["objective"]


def test_plot_writes_a_png(run, tmp_path):
    out = tmp_path / "dist.png"
    result = run("solve", "--plot", str(out), "--no-signals")
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pulp_backend_gives_clean_json_and_the_same_objective(run_json, solved):
    pulp = run_json("solve", "--backend", "pulp")
    assert pulp["backend"] == "pulp" and pulp["status"] == "optimal"
    assert pulp["objective"] == pytest.approx(solved["objective"], abs=1e-4)


def test_a_count_window_too_small_for_the_tier_bands_is_explained(run):
    result = run("solve", "--min", "1", "--max", "3")
    assert result.exit_code == 2
    assert "no list of 1 to 3 programs can hold" in result.output
    assert "the smallest list that can has 5 programs" in result.output


def test_score_json_explains_what_moves_each_chance(run_json):
    import math

    data = run_json("score")
    eligible = next(p for p in data["programs"] if p["eligible"])
    terms = eligible["log_odds_terms"]
    assert {"Step score vs program", "US clinical experience", "US letters"} <= set(terms)
    assert 1 / (1 + math.exp(-sum(terms.values()))) == pytest.approx(eligible["p_interview"])


def test_tables_fit_100_columns_with_two_specialties_and_signals(run, tmp_path):
    profile = tmp_path / "two.toml"
    profile.write_text('[applicant]\nspecialties = ["IM", "FM"]\nstep2ck = 228\nvisa = "J-1"\n'
                       '[goals]\nbudget_usd = 3000\n', encoding="utf-8")
    result = run("solve", "--profile", str(profile))
    assert result.exit_code == 0, result.output
    assert "Spec." in result.output and "Signal" in result.output and "Fee" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 100


def test_solve_shows_the_model_range_and_what_happened_to_applicants_like_this(solved, run):
    low, high = solved["p_match_range"]
    assert 0 <= low <= solved["p_match"] <= high <= 1 and high > low
    assert 0 < solved["population_p_match"] < 1
    assert "NRMP" in solved["population_source"] and "Internal Medicine" in solved["population_group"]
    text = run("solve").output
    assert "range" in text and "Applicants like you" in text


def test_chances_move_with_the_score_and_stay_off_the_ceiling(tmp_path, run_json):
    """A few points of Step 2 CK matter, and no profile is near certain (the round-1 ceiling was 98.5%)."""
    from optimizer.inputs.resources import data_path

    base = data_path("profiles", "im_applicant.toml").read_text(encoding="utf-8")
    results = {}
    for score in (215, 233, 260):
        path = tmp_path / f"p{score}.toml"
        path.write_text(base.replace("step2ck = 233", f"step2ck = {score}"), encoding="utf-8")
        results[score] = run_json("solve", "--profile", str(path))
    p = [results[s]["p_match"] for s in (215, 233, 260)]
    assert p[0] < p[1] < p[2] < 0.96
    assert p[2] - p[0] > 0.15
    assert results[215]["population_p_match"] < results[260]["population_p_match"]


def test_scenarios_and_frontier_carry_the_range(run_json):
    scen = run_json("scenarios", "run")
    solved = [s for s in scen["scenarios"] if s["status"] == "optimal"]
    assert solved and all(s["p_match_range"][0] <= s["p_match"] <= s["p_match_range"][1] for s in solved)
    front = run_json("frontier", "--budget", "2200,2600")
    assert all(p["p_match_range"][0] <= p["p_match"] <= p["p_match_range"][1] for p in front["points"])
