"""The model against the published 2026 outcomes of non-US IMGs (issue 12): the reference population's figures stay
inside the published bands, the match curve near the derived one, and the fit machinery recovers known values."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from optimizer.studies import calibration as cal
from optimizer.model.outcomes import load_match_curve
from optimizer.inputs.profile_types import Applicant
from optimizer.model.scoring import load_model
from optimizer.model.uncertainty import population_p_match


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def lists(model):
    return cal.solve_population(model, with_range=True)


@pytest.fixture(scope="module")
def rows(lists, model):
    return cal.check_rows(lists, model)


def test_population_weights_follow_the_published_mixture():
    population = cal.load_population()
    for specialty in population["specialties"]:
        nodes = cal.population_nodes(population, specialty)
        assert sum(n.weight for n in nodes) == pytest.approx(1.0)
        spec = cal.score_mixture(population, specialty)
        published_mean = (spec["match_rate"] * spec["matched"]["mean"]
                          + (1 - spec["match_rate"]) * spec["not_matched"]["mean"])
        mean = sum(n.weight * n.step2ck for n in nodes)
        assert mean == pytest.approx(published_mean, abs=1.5)


# One latent strength SD serves every specialty (fitted on all of them): it cannot also match each specialty's spread
# of ranks among those who did not match (Pediatrics': 1.7, SD 1.3), so that one row per specialty is printed against
# its band but held only for IM and FM, the specialties of round 2 (a known limit, named in the README).
SPREAD_ONLY_SHOWN = "mean interviews when not matched (at least one)"


def test_every_target_is_within_its_published_band(rows):
    held = [r for r in rows if r.name != SPREAD_ONLY_SHOWN or r.specialty in ("Internal Medicine", "Family Medicine")]
    outside = [f"{r.specialty} {r.name}: {r.model:.3f} not in {r.band}" for r in held if not r.within]
    assert not outside, outside
    names = {(r.specialty, r.name) for r in rows}
    for specialty in cal.load_population()["specialties"]:
        assert (specialty, "mean P(match)") in names and (specialty, "mean expected interviews") in names
        assert (specialty, cal.SCORE_DIFFERENCE) in names


def test_every_specialty_lands_within_eight_points_of_its_published_rate(rows):
    from optimizer.model import published

    for r in rows:
        if r.name == "mean P(match)":
            assert abs(r.model - published.match_rate(published.figures(r.specialty))) <= 0.08, r.specialty


def test_the_published_rate_is_inside_the_mean_range_in_every_specialty(lists, model):
    rows = cal.range_rows(lists, model)
    assert {r["specialty"] for r in rows} == set(cal.load_population()["specialties"])
    for r in rows:
        assert r["low"] <= r["published"] <= r["high"], r
        assert r["high"] - r["low"] > 0.02, r  # a range, not a point


def test_im_match_rises_with_step2ck_band_as_published(rows):
    bands = [r.model for r in rows if r.specialty == "Internal Medicine" and r.name.startswith("P(match), Step")]
    assert len(bands) == 5
    assert all(a < b for a, b in zip(bands, bands[1:]))
    derived = _derived_band_rates("Internal Medicine")
    published_rise = derived[max(derived)] - derived[min(derived)]
    assert bands[-1] - bands[0] > published_rise * 2 / 3  # most of the published rise from the lowest band to the top


def test_no_profile_sits_on_the_ceiling(lists, model):
    base = cal.fitted_values(model)
    p_match, expected, _, _ = cal.node_outcomes(lists, base, base)
    assert p_match.max() < 0.96
    assert expected.max() < 20


def test_match_curve_is_near_the_published_derived_curve():
    check = cal.load_targets()["curve_check"]
    for n, bundled, derived in cal.curve_rows():
        assert abs(bundled - derived) <= check["tolerance"], n
    curve = load_match_curve("non-US IMG", "Internal Medicine")
    assert curve.is_concave()
    assert curve.p_match_given(100) <= check["plateau_max"]


def test_other_curves_are_labelled_and_ordered():
    non_us, us_img, us_md = (load_match_curve(t) for t in ("non-US IMG", "US IMG", "US MD/DO"))
    assert us_img.assumption and not non_us.assumption
    for n in range(1, 16):
        assert us_img.p_match_given(n) >= non_us.p_match_given(n)
    assert load_match_curve("non-US IMG", "Family Medicine").specialty == "Family Medicine"
    assert load_match_curve("non-US IMG", "Psychiatry").specialty == "Psychiatry"
    assert load_match_curve("non-US IMG", "Transitional Year").specialty == "all"


def test_fit_recovers_known_figures_with_the_lists_held_fixed(lists, model):
    """Targets made from known figures are fitted back to those figures."""
    population = cal.load_population()
    base = cal.fitted_values(model)
    truth = {k: v + {"specialty_intercept": 0.3, "specialty_score_per_10": 0.05, "correlation": 0.2}[k[0]]
             for k, v in base.items()}
    summary = cal.population_summary(lists, cal.node_outcomes(lists, base, truth), population["step2ck"]["bands"])
    targets = []
    for t in cal.load_targets()["targets"]:
        if t.get("sd") is None:
            continue
        made = dict(t, sd=t["sd"] / 10)  # exact targets: the data, not the pooling prior, decide
        value = summary[t["specialty"]][t["name"]]
        made["values" if isinstance(value, list) else "value"] = value
        targets.append(made)
    fitted = cal.fit_values(lists, base, targets, population["step2ck"]["bands"])
    for key in cal.fit_keys(population["specialties"]):
        assert fitted[key] == pytest.approx(truth[key], abs=0.02), key


def test_fitted_block_round_trips(lists, model):
    values = cal.fitted_values(model)
    result = cal.FitResult(values, ({"specialty_intercept.default": -1.0, "curve_shift": 0.01},), 2, lists)
    data = tomllib.loads(cal.fitted_block(result))
    for (table, key), value in values.items():
        if table != "correlation":
            assert data[table][key] == pytest.approx(value, abs=1e-4)
    assert data["uncertainty"]["draws"][0]["curve_shift"] == pytest.approx(0.01)


def test_the_bundled_fitted_block_rewritten_reads_back_as_the_same_model(model):
    """The writer behind `smartpick calibration --fit`, given the bundled model's own fitted values and draws,
    writes a file that reads back to exactly the bundled data (keys needing quotes included)."""
    from optimizer.inputs.resources import data_path

    text = data_path("model.toml").read_text(encoding="utf-8")
    bundled = tomllib.loads(text)
    strange = 'Dr "Jos\u00e9" \\ \u5185\u79d1\nnext line'
    values = cal.fitted_values(model) | {("specialty_intercept", strange): -0.5}
    draws = tuple(bundled["uncertainty"]["draws"]) + ({f"specialty_intercept.{strange}": 0.25},)
    data = tomllib.loads(cal.with_fitted_block(text, cal.FitResult(values, draws, 4, None)))
    assert data["specialty_intercept"].pop(strange) == -0.5
    assert data["uncertainty"]["draws"].pop() == {f"specialty_intercept.{strange}": 0.25}
    assert data == bundled


def test_every_coefficient_says_what_kind_it_is():
    from optimizer.inputs.datafiles import load_bundled_toml

    model = load_bundled_toml("model.toml")
    for name, table in model.items():
        if isinstance(table, dict) and name != "uncertainty":
            assert {"fitted", "published", "assumption"} & set(table), name
    assert model["specialty_intercept"]["fitted"] and model["specialty_score_per_10"]["fitted"]
    assert len(model["uncertainty"]["draws"]) >= 20


def test_chance_per_application_is_a_few_percent(rows):
    per_app = [r for r in rows if r.name == "chance per application on the chosen list"]
    # at least the specialty's published mean ranks over 150 applications (General Surgery 1.8%, IM 2.8%)
    assert per_app and all(max(0.01, r.band[0]) <= r.model <= 0.10 for r in per_app)
    assert all(r.band[0] >= 0.015 for r in per_app)


def _derived_band_rates(specialty: str) -> dict[int, float]:
    """targets.toml's match rate by Step 2 CK band (lower bound -> rate), derived from the published scores."""
    target = next(t for t in cal.load_targets()["targets"]
                  if t["name"] == "P(match) by Step 2 CK band" and t["specialty"] == specialty)
    return dict(zip(target["bands"], target["values"]))


def test_population_figure_by_band_and_group():
    from optimizer.inputs.datafiles import load_bundled_toml
    from optimizer.model import published

    im = population_p_match(Applicant(specialties=("Internal Medicine",), visa="J-1", step2ck=233))[0]
    # the 230-239 band's figure, derived from the published score distributions as targets.toml derives it
    assert im.p_match == pytest.approx(_derived_band_rates("Internal Medicine")[230], abs=0.01)
    assert "230-239" in im.group and "Charting Outcomes" in im.source
    low = population_p_match(Applicant(specialties=("Internal Medicine",), visa="J-1", step2ck=212))[0]
    assert low.p_match < im.p_match
    psych = population_p_match(Applicant(specialties=("Psychiatry",), visa="J-1", step2ck=233))[0]
    # its own figure, near Psychiatry's published rate (233 is a middling score), not all specialties'
    assert "Psychiatry" in psych.group
    assert psych.p_match == pytest.approx(published.match_rate(published.figures("Psychiatry")), abs=0.1)
    us = population_p_match(Applicant(specialties=("Pediatrics",), visa="none", applicant_type="US MD/DO"))[0]
    groups = load_bundled_toml("calibration/population_outcomes.toml")["groups"]
    assert us.p_match == next(g["p_match"] for g in groups if g["applicant_type"] == "US MD/DO")


def test_worked_examples_read_as_good_outcomes(model):
    rows = {w.label.split()[0]: w for w in cal.worked_examples(model)}
    im = rows["IM"]
    assert 1.5 <= im.expected_interviews <= 8.0
    # 8 interviews was a good outcome: above what SmartPick expects, with its probability shown
    assert im.reported > im.expected_interviews and 0.0 < im.p_at_least_reported < 0.5
    for w in rows.values():
        assert 0.15 <= w.p_match <= 0.85
        assert w.p_match_range[0] <= w.p_match <= w.p_match_range[1]
        assert w.p_match_range[1] - w.p_match_range[0] > 0.005


def test_uncertainty_draws_move_the_range(lists, model):
    draws = model.uncertainty
    keys = {k for d in draws for k in d}
    assert "curve_shift" in keys and "specialty_intercept.Pediatrics" in keys
    shifts = np.array([d["curve_shift"] for d in draws])
    assert shifts.std() > 0


def test_applicant_types_are_ordered_as_published(run_json, tmp_path):
    """NRMP 2025: US MD seniors 93.5%, US IMGs 67.8%, non-US IMGs 58.0% matched: the same profile keeps that order."""
    results = {}
    for kind, visa in (("non-US IMG", "J-1"), ("US IMG", "none"), ("US MD/DO", "none")):
        path = tmp_path / "p.toml"
        path.write_text(f'[applicant]\nspecialties = ["Internal Medicine"]\nstep2ck = 245\nvisa = "{visa}"\n'
                        f'usce_months = 3\nus_lors = 2\napplicant_type = "{kind}"\n[goals]\nbudget_usd = 3000\n',
                        encoding="utf-8")
        results[kind] = run_json("solve", "--profile", str(path))["p_match"]
    assert results["non-US IMG"] < results["US IMG"] < results["US MD/DO"] < 0.96


def test_the_optimized_list_beats_a_random_one(lists, model):
    for row in cal.random_list_rows(lists, model, draws=2):
        assert row["smartpick_p_match"] > row["random_p_match"]
        assert row["smartpick_interviews"] > row["random_interviews"]


def test_the_calibration_command_prints_every_check(run):
    result = run("calibration")
    assert result.exit_code == 0, result.output
    for heading in ("| Internal Medicine | mean P(match) |", "Match curve", "Interview capacity", "random lists",
                    "IM example"):
        assert heading in result.output
    misses = [line for line in result.output.splitlines() if "| NO |" in line]
    assert all(SPREAD_ONLY_SHOWN in line for line in misses), misses
