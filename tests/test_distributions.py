"""The bundled sheet against the published national distributions (data/program_distributions.toml).

The sheet is read with the csv module; the tolerances are the ones data/README.md states (smartpick_data.
distributions holds them): IMG-share quantiles within 8 percentage points, shares of programs within 7 points,
first-year positions within 20% of the published shape at the NRMP level, programs and positions per specialty exact.
"""

from __future__ import annotations

from collections import Counter

import pytest

from smartpick_data.synth import national_distributions
from smartpick_data import build_programs, distributions
from smartpick_data.distributions import IMG_POINTS, SHARE, compare, empirical_quantile, read_programs

PUBLISHED = national_distributions()["specialties"]
SHEET = ("Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry", "Transitional Year",
         "Internal Medicine (Preliminary)", "Neurology", "Pathology", "Anesthesiology", "General Surgery",
         "Surgery (Preliminary)", "Emergency Medicine", "Obstetrics and Gynecology", "Diagnostic Radiology")
# NRMP Charting Outcomes 2026 (non-US IMGs), Table 1: every specialty with 100 or more non-US IMGs who preferred it,
# with its positions in the 2026 Match and those applicants
CHARTING_OUTCOMES_2026 = {
    "Internal Medicine": (11632, 6992), "Family Medicine": (5491, 1112), "Pediatrics": (3185, 791),
    "Psychiatry": (2516, 375), "Neurology": (1260, 513), "Pathology": (636, 375), "Anesthesiology": (2290, 230),
    "General Surgery": (1807, 433), "Emergency Medicine": (3198, 148), "Obstetrics and Gynecology": (1638, 134),
    "Diagnostic Radiology": (1268, 175),
}


@pytest.fixture(scope="module")
def programs():
    return read_programs()


def of(programs, specialty):
    return [r for r in programs if r["specialty"] == specialty]


@pytest.mark.parametrize("specialty", SHEET)
def test_programs_and_positions_per_specialty_are_the_nrmp_figures(programs, specialty):
    mine = of(programs, specialty)
    assert len(mine) == PUBLISHED[specialty]["programs"]
    assert sum(int(r["positions"]) for r in mine) == PUBLISHED[specialty]["positions"]
    assert all(int(r["positions"]) >= 1 for r in mine)


def test_im_and_fm_positions_are_the_2026_match():
    # PGY-1 positions in the 2026 Match, IM 11,632 and FM 5,491 (NRMP Charting Outcomes 2026)
    assert (PUBLISHED["Internal Medicine"]["positions"], PUBLISHED["Family Medicine"]["positions"]) == (11632, 5491)


@pytest.mark.parametrize("specialty", SHEET)
def test_img_share_quantiles_are_near_the_published_ones(programs, specialty):
    img = [float(r["img_pct"]) for r in of(programs, specialty)]
    for p, value in PUBLISHED[specialty]["img_quantiles"]:
        assert empirical_quantile(img, p) == pytest.approx(value, abs=IMG_POINTS), p
    if "img_50_or_more" in PUBLISHED[specialty]:
        high = sum(x >= 50 for x in img) / len(img)
        assert high == pytest.approx(PUBLISHED[specialty]["img_50_or_more"], abs=SHARE)


@pytest.mark.parametrize("specialty", SHEET)
def test_visa_shares_are_near_the_published_ones(programs, specialty):
    mine = of(programs, specialty)
    assert sum("J-1" in r["visa"] for r in mine) / len(mine) == pytest.approx(PUBLISHED[specialty]["j1"], abs=SHARE)
    assert sum("H-1B" in r["visa"] for r in mine) / len(mine) == pytest.approx(PUBLISHED[specialty]["h1b"],
                                                                             abs=SHARE)


def test_internal_medicine_is_bimodal_and_split_by_type_as_in_freida(programs):
    im = of(programs, "Internal Medicine")
    types = national_distributions()["program_types"]
    for kind, median in types["img_median"].items():
        mine = [float(r["img_pct"]) for r in im if r["program_type"] == kind]
        assert empirical_quantile(mine, 0.5) == pytest.approx(median, abs=IMG_POINTS), kind
    total = sum(types["counts"].values())
    mix = Counter(r["program_type"] for r in im)
    for kind, count in types["counts"].items():
        assert mix[kind] / len(im) == pytest.approx(count / total, abs=SHARE), kind
    # bimodal: more programs below 10% and above 80% than between 30% and 60%
    img = [int(r["img_pct"]) for r in im]
    assert sum(x < 10 for x in img) > sum(30 <= x < 60 for x in img) < sum(x >= 80 for x in img)


def test_first_year_positions_keep_the_published_shape(programs):
    im = [float(r["positions"]) for r in of(programs, "Internal Medicine")]
    scale = distributions.positions_scale("Internal Medicine")
    assert 0.6 < scale < 0.9  # FREIDA's per-program counts run above NRMP's 11,632 over 758 programs
    for p, value in PUBLISHED["Internal Medicine"]["positions_quantiles"]:
        assert empirical_quantile(im, p) == pytest.approx(value * scale, rel=distributions.POSITIONS_RELATIVE), p
    for specialty in (s for s in SHEET if "positions_median" in PUBLISHED[s]):
        seats = [float(r["positions"]) for r in of(programs, specialty)]
        expected = PUBLISHED[specialty]["positions_median"] * distributions.positions_scale(specialty)
        assert empirical_quantile(seats, 0.5) == pytest.approx(expected, rel=distributions.POSITIONS_RELATIVE)


def test_the_sheet_covers_every_specialty_with_100_or_more_non_us_img_applicants():
    assert set(build_programs.SHEET_SPECIALTIES) == set(SHEET)
    for specialty, (positions, preferred) in CHARTING_OUTCOMES_2026.items():
        assert preferred >= 100 and specialty in SHEET
        assert PUBLISHED[specialty]["positions"] == positions
        assert PUBLISHED[specialty]["positions_source"] == "nrmp_2026"
        assert PUBLISHED[specialty]["non_us_img_applicants_per_position"] == pytest.approx(preferred / positions,
                                                                                         abs=0.001)
        assert any(p == 0.5 for p, _ in PUBLISHED[specialty]["img_quantiles"])  # the median the model reads


@pytest.mark.parametrize("specialty", SHEET)
def test_every_figure_that_is_not_published_is_labelled_with_its_reason(specialty):
    entry = PUBLISHED[specialty]
    sources = national_distributions()["sources"]
    for key in ("source", "positions_source", "programs_source"):
        assert key not in entry or entry[key] in sources, (specialty, key)
    figures = {"programs", "positions", "img_quantiles", "img_50_or_more", "j1", "h1b", "positions_median",
               "positions_quantiles"}
    for listing, reason in (("derived_figures", "derived"), ("assumed_figures", "assumption")):
        if entry.get(listing):
            assert set(entry[listing]) <= figures, (specialty, listing)
            assert entry.get(reason), f"{specialty}: {listing} without a {reason!r} sentence saying how and why"


def test_every_compared_figure_is_within_its_tolerance(programs):
    lines = compare(programs)
    assert {line.specialty for line in lines} == set(SHEET)
    outside = [line for line in lines if not line.within]
    assert not outside, outside


def test_the_command_prints_the_table_and_fails_on_a_sheet_outside_tolerance(tmp_path, capsys, programs):
    assert distributions.main([]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("| specialty | figure | bundled | published |")
    assert "| Pathology | IMG share p50 (%) |" in printed and "| derived |" in printed and "| assumed |" in printed
    im_j1 = next(line for line in compare(programs)
                 if line.specialty == "Internal Medicine" and line.figure == "programs sponsoring J-1")
    assert im_j1.within and im_j1.basis.startswith("published (")  # within its tolerance of its cited source
    assert distributions.table([im_j1]).splitlines()[-1] in printed and "NO |" not in printed
    # the same sheet with every IM program sponsoring J-1 is refused
    import csv

    changed = [dict(r, visa="J-1") if r["specialty"] == "Internal Medicine" else r for r in programs]
    path = tmp_path / "all_j1.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(programs[0]))
        writer.writeheader()
        writer.writerows(changed)
    assert distributions.main(["--programs", str(path)]) == 1
    refused = next(line for line in compare(changed)
                   if line.specialty == "Internal Medicine" and line.figure == "programs sponsoring J-1")
    assert refused.bundled == 1.0 and not refused.within
    assert distributions.table([refused]).splitlines()[-1] in capsys.readouterr().out


def test_the_readme_shows_the_table_the_command_prints(capsys):
    distributions.main([])
    printed = capsys.readouterr().out.strip()
    readme = (distributions.PROGRAMS.parent / "README.md").read_text(encoding="utf-8")
    assert printed in readme, "data/README.md is stale: paste the output of python -m smartpick_data.distributions"
