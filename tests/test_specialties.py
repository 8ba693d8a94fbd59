"""Every specialty on its own figures (issue 22): derived match curves, one P(match) over several specialties
whatever their order, a bound that holds for it, US IMGs never below non-US IMGs, estimated limits that lower a
chance instead of ruling a program out, ranges that carry the assumed figures, and a clear message for a
specialty the sheet lacks."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from optimizer.inputs.profile_types import Applicant
from optimizer.inputs.programs import ESTIMATED_COLUMNS, Program
from optimizer.model import published
from optimizer.model.outcomes import (MatchCurves, combined_curve_values, evaluate, load_match_curve)
from optimizer.model.scoring import load_model, split_limits
from optimizer.model.uncertainty import population_p_match
from optimizer.solver.nonlinear import Objective, upper_bound

SPECIALTIES = published.specialties()


def test_every_published_specialty_has_its_own_concave_curve_within_the_plateau():
    assert len(SPECIALTIES) >= 11
    for specialty in SPECIALTIES:
        curve = load_match_curve("non-US IMG", specialty)
        assert curve.specialty == specialty and not curve.assumption
        assert curve.is_concave(), specialty
        values = curve.values(20)
        assert values[0] == 0 and np.all(np.diff(values) >= 0) and values[-1] <= published.PLATEAU


def test_the_derived_im_curve_reproduces_the_published_derived_points():
    from optimizer.studies.calibration import load_targets

    check = load_targets()["curve_check"]
    curve = load_match_curve("non-US IMG", "Internal Medicine")
    for n, derived in zip(check["ranks"], check["p_match"]):
        assert abs(curve.p_match_given(n) - derived) <= 0.02, n


def test_each_curve_follows_its_specialtys_rank_figures():
    """Pediatrics' matched applicants had more ranks and its unmatched fewer than IM's: each rank is worth more;
    General Surgery's matched applicants had few ranks and only 28.6% matched: it stays lower."""
    im, peds, surgery = (load_match_curve("non-US IMG", s).values(8)
                         for s in ("Internal Medicine", "Pediatrics", "General Surgery"))
    assert peds[5] > im[5] > surgery[5]


def test_us_img_curves_are_never_below_the_non_us_ones():
    for specialty in (*SPECIALTIES, "Transitional Year", "all"):
        non_us = load_match_curve("non-US IMG", specialty).values(20)
        us = load_match_curve("US IMG", specialty).values(20)
        assert np.all(us >= non_us - 1e-12), specialty
        assert load_match_curve("US IMG", specialty).assumption


def _random_list(rng, n, names):
    p = np.array([rng.uniform(0.01, 0.4) for _ in range(n)])
    specialties = [rng.choice(names) for _ in range(n)]
    return p, specialties


@pytest.mark.parametrize("sigma", [None, 0.8])
def test_one_list_has_one_p_match_whatever_the_order_of_the_specialties(sigma):
    rng = random.Random(7)
    names = ["Internal Medicine", "Family Medicine", "Pediatrics"]
    p, specialties = _random_list(rng, 40, names)
    values = set()
    for order in itertools.permutations(names):
        curves = MatchCurves.load("non-US IMG", order)
        o = evaluate(p, curves, sigma=sigma, specialties=specialties)
        values.add(round(o.correlated_p_match if sigma else o.p_match, 12))
    assert len(values) == 1


def test_a_list_in_one_specialty_reads_that_specialtys_curve():
    rng = random.Random(3)
    p = np.array([rng.uniform(0.02, 0.3) for _ in range(30)])
    curves = MatchCurves.load("non-US IMG", ["Internal Medicine", "Family Medicine"])
    both = evaluate(p, curves, sigma=0.8, specialties=["Family Medicine"] * 30)
    alone = evaluate(p, load_match_curve("non-US IMG", "Family Medicine"), sigma=0.8)
    assert both.p_match == pytest.approx(alone.p_match) and both.correlated_p_match == pytest.approx(
        alone.correlated_p_match)


def test_several_specialties_match_by_the_stated_model_exactly():
    """Enumerate every outcome of a small list: P(match) = 1 - E[prod_s (1 - m_s(N_s))], independent view."""
    p = np.array([0.3, 0.5, 0.2, 0.6, 0.4])
    specialties = ["Internal Medicine", "Pediatrics", "Internal Medicine", "Pediatrics", "Psychiatry"]
    curves = MatchCurves.load("non-US IMG", set(specialties))
    exact = 0.0
    for outcome in itertools.product((0, 1), repeat=len(p)):
        prob = math.prod(q if hit else 1 - q for q, hit in zip(p, outcome))
        miss = 1.0
        for s in set(specialties):
            n = sum(hit for hit, t in zip(outcome, specialties) if t == s)
            miss *= 1 - curves.curve(s).values(5)[n]
        exact += prob * (1 - miss)
    assert evaluate(p, curves, specialties=specialties).p_match == pytest.approx(exact, abs=1e-12)


def test_the_bound_holds_for_lists_over_several_specialties():
    rng = random.Random(11)
    names = ["Internal Medicine", "Family Medicine", "Psychiatry"]
    curves = MatchCurves.load("non-US IMG", names)
    grid = combined_curve_values(curves, 40)
    assert np.all(np.diff(grid) >= -1e-12)
    for _ in range(40):
        p, specialties = _random_list(rng, rng.randint(5, 60), names)
        for sigma in (None, 0.9):
            o = evaluate(p, curves, sigma=sigma, specialties=specialties)
            value = o.correlated_p_match if sigma else o.p_match
            assert upper_bound(float(p.sum()), Objective("match"), curves) >= value - 1e-12


def _program(**kw):
    base = dict(program_id="X1", program="Test Hospital IM", city="Chicago", state="IL",
                specialty="Internal Medicine", visa="J-1", max_years_since_graduation=5)
    base.update(kw)
    return Program(**base)


def test_an_estimated_limit_lowers_the_chance_and_a_checked_one_rules_out():
    applicant = Applicant(specialties=("Internal Medicine",), visa="J-1", step2ck=230, graduation_year=2020)
    estimated = _program(extra=(("data_source", "real program; attributes estimated"),))
    checked = _program(extra=(("data_source", "real program; max_years_since_graduation from program page; "
                                              "estimated: program_type, img_pct"),))
    users_own = _program()
    reasons, checks, kinds = split_limits(applicant, estimated, 2026, False)
    assert not reasons and kinds == ("years",) and "estimated" in checks[0] and "check" in checks[0]
    assert split_limits(applicant, checked, 2026, False)[0]
    assert split_limits(applicant, users_own, 2026, False)[0]  # a user's own sheet is taken as checked
    model = load_model()
    lowered = model.logit_terms(applicant, estimated, 2026, unmet_estimates=kinds)
    plain = model.logit_terms(applicant, estimated, 2026)
    assert sum(lowered.values()) < sum(plain.values())


def test_estimated_columns_are_read_from_the_data_source():
    assert _program(extra=(("data_source", "synthetic"),)).estimated_columns() == ESTIMATED_COLUMNS
    assert _program().estimated_columns() == frozenset()
    cols = _program(extra=(("data_source", "real program; visa from FREIDA 2025; estimated: program_type, "
                                           "step2_cutoff"),)).estimated_columns()
    assert cols == {"program_type", "step2_cutoff"}


def test_the_bundled_data_never_rules_out_on_an_estimate(run_json, tmp_path):
    """A non-US IMG 6 years out: Illinois IM programs whose 5-year limit is an estimate stay open (lowered, with
    "check"); only a limit the data source names as checked rules one out."""
    profile = tmp_path / "p.toml"
    profile.write_text('[applicant]\nspecialties = ["Internal Medicine"]\nstep2ck = 232\nvisa = "J-1"\n'
                       'graduation_year = 2020\n[goals]\nbudget_usd = 3000\n', encoding="utf-8")
    from optimizer.inputs.resources import DEMO_PROGRAMS, data_path
    from optimizer.inputs.sheet import read_programs

    estimated = {p.program_id: p.estimated_columns() for p in read_programs(data_path(DEMO_PROGRAMS)).programs}
    rows = run_json("score", "--profile", profile)["programs"]
    illinois = [r for r in rows if r["state"] == "IL" and r["specialty"] == "Internal Medicine"]
    years_out = [r for r in illinois if any("years from graduation" in x for x in r["reasons"])]
    for r in years_out:  # ruled out: only where the limit was checked
        assert "max_years_since_graduation" not in estimated[r["program_id"]], r["program"]
    checks = [r for r in illinois if r["eligible"] and any("estimated" in x for x in r.get("checks", []))]
    assert checks, "estimated years limits should lower the chance and say check"


def test_population_figures_are_each_specialtys_own():
    figures = population_p_match(Applicant(specialties=("Pediatrics", "Psychiatry"), visa="J-1", step2ck=225))
    assert [f.specialty for f in figures] == ["Pediatrics", "Psychiatry"]
    assert "Pediatrics" in figures[0].group and "220-229" in figures[0].group
    assert figures[0].p_match > figures[1].p_match  # Peds 68.5% overall against Psychiatry's 58.4%
    ty = population_p_match(Applicant(specialties=("Transitional Year",), visa="J-1", step2ck=225))[0]
    assert "all specialties" in ty.group and "Transitional Year" in ty.group


def _solve(run_json, tmp_path, body, *flags):
    path = tmp_path / "profile.toml"
    path.write_text(body, encoding="utf-8")
    return run_json("solve", "--profile", path, *flags)


def test_im_fm_and_fm_im_give_one_p_match(run_json, tmp_path):
    body = ('[applicant]\nspecialties = [{}]\nstep2ck = 232\nvisa = "J-1"\ngraduation_year = 2023\n'
            'usce_months = 3\n[goals]\nbudget_usd = 3000\n')
    first = _solve(run_json, tmp_path, body.format('"IM", "Family Med"'))
    second = _solve(run_json, tmp_path, body.format('"Family Med", "IM"'))
    assert first["p_match"] == pytest.approx(second["p_match"], abs=1e-9)
    assert {e["specialty"] for e in first["population"]} == {"Internal Medicine", "Family Medicine"}


def test_a_us_img_gets_at_least_an_identical_non_us_img_without_a_visa(run_json, tmp_path):
    body = ('[applicant]\napplicant_type = "{}"\nspecialties = ["Family Medicine"]\nstep2ck = 228\nvisa = "none"\n'
            'graduation_year = 2023\nusce_months = 3\n[goals]\nbudget_usd = 3000\n')
    us = _solve(run_json, tmp_path, body.format("US IMG"))
    non_us = _solve(run_json, tmp_path, body.format("non-US IMG"))
    assert us["p_match"] >= non_us["p_match"]


def test_a_profile_that_leans_on_assumptions_gets_a_wider_range(run_json, tmp_path):
    reference = _solve(run_json, tmp_path, '[applicant]\nspecialties = ["Internal Medicine"]\nstep2ck = 245\n'
                       'visa = "J-1"\ngraduation_year = 2024\nusce_months = 3\nus_lors = 2\nresearch_items = 3\n'
                       '[goals]\nbudget_usd = 3000\n')
    leaning = _solve(run_json, tmp_path, '[applicant]\nspecialties = ["Internal Medicine"]\nstep2ck = 245\n'
                     'visa = "H-1B"\ngraduation_year = 2017\nusce_months = 0\nus_lors = 0\n'
                     '[goals]\nbudget_usd = 3000\n')
    logit = lambda p: math.log(p / (1 - p))
    # on the log-odds scale, the scale the model's figures move on (a 4% chance cannot move 30 points)
    width = lambda payload: logit(payload["p_match_range"][1]) - logit(payload["p_match_range"][0])
    assert width(leaning) > width(reference) > 0.1
    low, high = leaning["p_match_range"]
    assert high > 1.5 * low  # not the "4-5%" of round 2: the assumed figures it leans on are carried


def test_a_specialty_the_sheet_lacks_is_one_clear_message(run, tmp_path):
    sheet = tmp_path / "programs.csv"
    sheet.write_text("program,city,state,specialty\nA Hospital,Chicago,IL,IM\nB Hospital,Chicago,IL,FM\n",
                     encoding="utf-8")
    profile = tmp_path / "p.toml"
    profile.write_text('[applicant]\nspecialties = ["Neuro"]\nstep2ck = 240\nvisa = "J-1"\n', encoding="utf-8")
    result = run("solve", "--programs", sheet, "--profile", profile)
    assert result.exit_code == 2
    assert "Neurology" in result.output and "Internal Medicine" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["Peds", "Psych", "Neuro", "Path", "Anesthesia", "Gen Surg", "EM", "OB/GYN",
                                  "Radiology", "DR", "Prelim Surgery", "Prelim IM", "TY"])
def test_every_bundled_specialty_answers_to_its_short_name(run_json, tmp_path, name):
    payload = _solve(run_json, tmp_path, f'[applicant]\nspecialties = ["{name}"]\nstep2ck = 240\nvisa = "J-1"\n'
                     'graduation_year = 2024\nusce_months = 3\n[goals]\nbudget_usd = 2000\nmin_programs = 20\n'
                     'max_programs = 60\n')
    assert payload["status"] in ("optimal", "feasible") and payload["count"] >= 20
    assert 0 < payload["p_match"] < 1 and payload["population"]


def test_a_specialty_missing_beside_others_is_a_warning(run, tmp_path):
    sheet = tmp_path / "programs.csv"
    sheet.write_text("program,city,state,specialty\n" + "".join(
        f"Hospital {i},Chicago,IL,IM\n" for i in range(30)), encoding="utf-8")
    profile = tmp_path / "p.toml"
    profile.write_text('[applicant]\nspecialties = ["IM", "Peds"]\nstep2ck = 240\nvisa = "J-1"\n[goals]\n'
                       'min_programs = 10\nmax_programs = 30\n', encoding="utf-8")
    result = run("solve", "--programs", sheet, "--profile", profile)
    assert result.exit_code == 0, result.output
    assert "no Pediatrics programs" in " ".join(result.output.split())
