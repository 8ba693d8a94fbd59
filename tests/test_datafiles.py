"""The bundled data files: the demo programs sheet, ERAS seasons, match curves and home metros.

Files are read with the csv and tomllib modules directly, so these tests check the data, not a reader.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from optimizer.inputs.programs import CANONICAL_COLUMNS, PROGRAM_TYPES, PROGRAM_VISAS
from smartpick_data.synth import STATE_WEIGHTS
from smartpick_data import build_programs

DATA = Path(build_programs.__file__).resolve().parent
# Programs per specialty (data/program_distributions.toml: NRMP 2025 Main Match for the first six and EM; derived
# or assumed for the others, labelled there)
NRMP_PROGRAMS = {"Internal Medicine": 758, "Family Medicine": 817, "Pediatrics": 250, "Psychiatry": 404,
                 "Transitional Year": 236, "Internal Medicine (Preliminary)": 329, "Neurology": 210, "Pathology": 149,
                 "Anesthesiology": 230, "General Surgery": 377, "Surgery (Preliminary)": 237,
                 "Emergency Medicine": 292, "Obstetrics and Gynecology": 328, "Diagnostic Radiology": 211}

# The Illinois programs of data/build_programs.py (public program pages): (program, city, specialties, ACGME id or None).
FACTS_ILLINOIS = [
    ("Advocate Illinois Masonic Medical Center", "Chicago", ["Internal Medicine"], "1401611114"),
    ("Cook County Health (John H. Stroger Jr. Hospital)", "Chicago", ["Internal Medicine"], "1401612113"),
    ("Mount Sinai Hospital Medical Center of Chicago", "Chicago",
     ["Internal Medicine", "Internal Medicine (Preliminary)"], "1401621541"),
    ("University of Chicago", "Chicago", ["Internal Medicine"], "1401611123"),
    ("University of Illinois College of Medicine at Chicago", "Chicago",
     ["Internal Medicine", "Internal Medicine (Preliminary)"], "1401621124"),
    ("McGaw Medical Center of Northwestern University", "Chicago", ["Internal Medicine"], "1401621119"),
    ("Louis A. Weiss Memorial Hospital", "Chicago",
     ["Internal Medicine", "Internal Medicine (Preliminary)", "Transitional Year"], "1401611115"),
    ("Ascension Saint Joseph - Chicago", "Chicago", ["Internal Medicine", "Internal Medicine (Preliminary)"], None),
    ("Swedish Hospital", "Chicago", ["Internal Medicine"], None),
    ("Rush University Medical Center", "Chicago", ["Internal Medicine"], None),
    ("University of Chicago (Endeavor Health NorthShore)", "Evanston",
     ["Internal Medicine", "Internal Medicine (Preliminary)", "Transitional Year"], "1401631125"),
    ("Advocate Lutheran General Hospital", "Park Ridge", ["Internal Medicine"], "1401621130"),
    ("Loyola University Medical Center", "Maywood", ["Internal Medicine"], "1401621128"),
    ("Loyola MacNeal Hospital", "Berwyn", ["Internal Medicine", "Family Medicine", "Transitional Year"], None),
    ("Advocate Christ Medical Center", "Oak Lawn", ["Internal Medicine", "Family Medicine"], None),
    ("University of Illinois College of Medicine at Peoria", "Peoria", ["Internal Medicine"], "1401631131"),
    ("Carle Foundation Hospital", "Urbana", ["Internal Medicine"], "1401621456"),
    ("Southern Illinois University", "Springfield", ["Internal Medicine", "Family Medicine"], None),
    ("University of Illinois College of Medicine at Chicago", "Chicago", ["Family Medicine"], "1201621488"),
    ("Cook County Health", "Chicago", ["Family Medicine"], "1201611100"),
    ("Northwestern (Erie Family Health - Humboldt Park)", "Chicago", ["Family Medicine"], "1201612701"),
    ("Ascension Illinois / Resurrection", "Chicago", ["Family Medicine"], "1201611102"),
    ("University of Chicago (Endeavor Health NorthShore)", "Evanston", ["Family Medicine"], "1201621654"),
    ("Northwestern (Lake Forest)", "Grayslake", ["Family Medicine"], "1201600702"),
    ("West Suburban Medical Center", "Oak Park", ["Family Medicine"], "1201631112"),
    ("Adventist Hinsdale Hospital", "Hinsdale", ["Family Medicine"], "1201621109"),
    ("University of Illinois College of Medicine at Peoria", "Peoria", ["Family Medicine"], "1201611113"),
    ("UI Peoria - Bloomington", "Bloomington", ["Family Medicine"], "1201600007"),
    ("University of Illinois College of Medicine at Rockford", "Rockford", ["Family Medicine"], "1201631115"),
]


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def programs():
    return read_csv(DATA / "programs.csv")


# --- programs.csv ---------------------------------------------------------------------------------------------

def test_programs_file_is_what_the_build_script_writes():
    text = (DATA / "programs.csv").read_text(encoding="utf-8")
    assert build_programs.to_csv_text(build_programs.build_rows()) == text, \
        "data/programs.csv is stale: run python data/build_programs.py"


def test_build_is_deterministic(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    build_programs.main(["--out", str(first)])
    build_programs.main(["--out", str(second)])
    assert first.read_bytes() == second.read_bytes()


def test_national_scale_with_nrmp_counts_per_specialty(programs):
    assert build_programs.nrmp_programs() == NRMP_PROGRAMS
    assert Counter(r["specialty"] for r in programs) == NRMP_PROGRAMS


def test_columns_and_canonical_values(programs):
    assert tuple(programs[0]) == CANONICAL_COLUMNS + ("data_source",)
    assert len({r["program_id"] for r in programs}) == len(programs)
    assert len({r["program"] for r in programs}) == len(programs)
    for row in programs:
        assert row["program_type"] in PROGRAM_TYPES
        assert row["visa"] in PROGRAM_VISAS
        assert 0 <= int(row["img_pct"]) <= 100
        assert row["usce_required"] in ("yes", "no")


def test_every_state_and_dc(programs):
    assert {r["state"] for r in programs} == set(STATE_WEIGHTS)
    assert len(set(STATE_WEIGHTS)) == 51


@pytest.mark.parametrize("name, city, specialties, acgme_id", FACTS_ILLINOIS)
def test_facts_illinois_programs_are_present(programs, name, city, specialties, acgme_id):
    for specialty in specialties:
        found = [r for r in programs if r["state"] == "IL" and r["city"] == city and r["specialty"] == specialty
                 and r["program"].startswith(name + " ")]
        assert len(found) == 1, (name, city, specialty)
        # the ACGME id names the first specialty's program; a preliminary track adds "-P" to its IM program's id
        if acgme_id and specialty == specialties[0]:
            assert found[0]["program_id"] == acgme_id
        elif acgme_id and specialty == "Internal Medicine (Preliminary)":
            assert found[0]["program_id"] == acgme_id + "-P"


def test_illinois_is_real_and_everything_else_synthetic(programs):
    for row in programs:
        if row["state"] == "IL":
            assert row["data_source"].startswith("real program; ")
            assert row["notes"]  # says where the name comes from
        else:
            assert row["data_source"] == "synthetic"


# FREIDA 2025, the listing of the Illinois IM programs: ACGME id -> (IMG %, first-year positions, visa)
FREIDA_2025_IM = {
    "1401611114": (88, 24, "J-1"), "1401612113": (79, 45, "J-1+H-1B"), "1401611115": (100, 19, "J-1"),
    "1401621119": (None, 49, "J-1+H-1B"), "1401621541": (98, 18, "J-1"), "1401611123": (1, 40, "J-1+H-1B"),
    "1401621124": (5, 46, "J-1"), "1401631125": (5, 38, "J-1+H-1B"), "1401621128": (12, 34, "J-1"),
    "1401621130": (16, 27, "J-1"), "1401631131": (64, 14, "J-1+H-1B"), "1401621456": (91, 16, "J-1"),
}


@pytest.mark.parametrize("acgme_id", sorted(FREIDA_2025_IM))
def test_illinois_im_programs_agree_with_freida_2025(programs, acgme_id):
    img, positions, visa = FREIDA_2025_IM[acgme_id]
    row = next(r for r in programs if r["program_id"] == acgme_id)
    assert row["specialty"] == "Internal Medicine"
    assert (int(row["positions"]), row["visa"]) == (positions, visa)
    assert "visa, positions from FREIDA 2025" in row["data_source"] or \
        "img_pct, visa, positions from FREIDA 2025" in row["data_source"]
    if img is not None:
        assert int(row["img_pct"]) == img
        assert "img_pct" in row["data_source"].split(" from FREIDA 2025")[0]
    else:
        assert "img_pct" in row["data_source"].split("estimated: ")[1]


def test_illinois_data_source_says_what_is_checked_and_what_is_estimated(programs):
    for row in (r for r in programs if r["state"] == "IL"):
        source = row["data_source"]
        if source == build_programs.REAL:
            continue
        checked, estimated = source.removeprefix("real program; ").split("; estimated: ")
        estimated_columns = set(estimated.split(", "))
        checked_columns = {c for part in checked.split("; ") for c in part.split(" from ")[0].split(", ")}
        assert checked_columns and not checked_columns & estimated_columns
        assert checked_columns | estimated_columns == set(build_programs.ESTIMATED_COLUMNS)


def test_mount_sinai_weiss_and_carle_im_sponsor_j1_only_and_uic_has_few_imgs(programs):
    by_id = {r["program_id"]: r for r in programs}
    for acgme_id in ("1401621541", "1401611115", "1401621456"):  # Mount Sinai Chicago, Weiss, Carle
        assert by_id[acgme_id]["visa"] == "J-1"
    assert int(by_id["1401621124"]["img_pct"]) == 5 and int(by_id["1401621124"]["positions"]) == 46  # UIC
    assert int(by_id["1401612113"]["positions"]) == 45  # Cook County


def test_unverified_program_is_not_listed(programs):
    # "Saint Anthony Hospital IM" is in none of FREIDA 2025, Residency Explorer 2021, NRMP 2020 (checked when the sheet was built)
    assert not [r for r in programs if "Saint Anthony" in r["program"]]


def test_illinois_covers_chicago_suburbs_and_downstate(programs):
    cities = {r["city"] for r in programs if r["state"] == "IL"}
    assert {"Chicago", "Evanston", "Park Ridge", "Maywood", "Berwyn", "Oak Lawn", "Oak Park", "Hinsdale",
            "Grayslake"} <= cities
    assert {"Peoria", "Urbana", "Springfield", "Rockford", "Bloomington"} <= cities
    specialties = {r["specialty"] for r in programs if r["state"] == "IL"}
    assert specialties == set(NRMP_PROGRAMS)


def test_an_im_applicant_needing_a_j1_with_step2_233_has_hundreds_of_programs(programs):
    eligible = [r for r in programs if r["specialty"] == "Internal Medicine" and "J-1" in r["visa"]
                and (r["step2_cutoff"] == "" or int(r["step2_cutoff"]) <= 233)]
    assert len(eligible) >= 300
    # most of them train many IMGs: programs with many IMGs sponsor J-1 more often than those with few
    assert sum(int(r["img_pct"]) >= 40 for r in eligible) > len(eligible) / 2


# --- ERAS seasons ----------------------------------------------------------------------------------------------

SEASONS = sorted((DATA / "seasons").glob("*.toml"))


def specialty_fee(fees: dict, n: int) -> float:
    """A small independent fee calculator: flat first block, then per-program tiers (per specialty)."""
    if n <= 0:
        return 0.0
    total = fees["first_block_usd"] if fees["first_block_programs"] else 0.0
    for tier in fees["per_program"]:
        last = n if "to" not in tier else min(n, tier["to"])
        total += max(0, last - tier["from"] + 1) * tier["usd"]
    return total


def test_the_expected_seasons_exist():
    assert {p.stem for p in SEASONS} >= {"2025", "2026", "2027"}


def test_the_newest_season_is_the_default_and_the_example_profiles_use_it():
    from optimizer.inputs.profile_types import Goals

    newest = max(p.stem for p in SEASONS)
    assert Goals().season == newest
    for example in sorted((DATA / "profiles").glob("*.toml")):
        assert read_toml(example)["goals"].get("season", newest) == newest, example.name


def test_2027_figures_are_carried_over_from_2026_and_say_so():
    # no AAMC 2027 fee page or signal table was found: every figure is 2026's, labelled "assumed from 2026"
    old, new = read_toml(DATA / "seasons" / "2026.toml"), read_toml(DATA / "seasons" / "2027.toml")
    assert new["label"] == "2027 ERAS season (opened June 2026)"
    assert new["source"].startswith("assumed from 2026") and new["transcript_source"].startswith("assumed from 2026")
    assert new["fees"]["assumed_from"] == "2026" and new["signals"]["source"].startswith("assumed from 2026")
    assert {k: v for k, v in new["fees"].items() if k != "assumed_from"} == old["fees"]
    assert new["transcript_fee_usd"] == old["transcript_fee_usd"]
    for specialty, rule in new["signals"].items():
        if isinstance(rule, dict):
            assert rule["assumed_from"] == "2026", specialty
            assert {k: v for k, v in rule.items() if k != "assumed_from"} == \
                {k: v for k, v in old["signals"][specialty].items() if k != "assumed_from"}


@pytest.mark.parametrize("path", SEASONS, ids=lambda p: p.stem)
def test_season_file_reproduces_the_aamc_examples(path):
    season = read_toml(path)
    assert season["season"] == path.stem and season["label"] and season["source"]
    assert season["transcript_fee_usd"] > 0 and season["transcript_source"]
    fees = season["fees"]
    assert fees["examples"], "each season lists the AAMC's worked examples"
    for example in fees["examples"]:
        assert sum(specialty_fee(fees, n) for n in example["programs"].values()) == example["usd"], example


@pytest.mark.parametrize("path", SEASONS, ids=lambda p: p.stem)
def test_season_tiers_are_contiguous_and_never_cheaper(path):
    fees = read_toml(path)["fees"]
    tiers = fees["per_program"]
    assert tiers[0]["from"] == fees["first_block_programs"] + 1
    for before, after in zip(tiers, tiers[1:]):
        assert after["from"] == before["to"] + 1
        assert after["usd"] >= before["usd"]
    assert "to" not in tiers[-1]
    if fees["first_block_programs"]:
        # the flat block's price per program is not above the next tier's (prices nondecreasing per program)
        assert fees["first_block_usd"] / fees["first_block_programs"] <= tiers[0]["usd"]


@pytest.mark.parametrize("path", SEASONS, ids=lambda p: p.stem)
def test_season_signals(path):
    signals = read_toml(path)["signals"]
    assert signals["source"]
    im = signals["Internal Medicine"]
    assert (im["gold"], im["silver"], im["unit"]) == (3, 12, "institution")
    assert im["covers"] == ["Internal Medicine (Preliminary)"]
    expected = {"Family Medicine": 5, "Pediatrics": 5, "Psychiatry": 10, "Neurology": 8, "Transitional Year": 12,
                "Emergency Medicine": 5, "General Surgery": 15, "Pathology": 5}
    for specialty, count in expected.items():
        assert signals[specialty]["standard"] == count
    # AAMC 2025 table (gold, silver); OB/GYN: CREOG/APGO standard, through ResidencyCAS
    tiered = {"Anesthesiology": (5, 10), "Diagnostic Radiology": (6, 6), "Obstetrics and Gynecology": (3, 15)}
    for specialty, (gold, silver) in tiered.items():
        assert (signals[specialty]["gold"], signals[specialty]["silver"]) == (gold, silver)
    assert "assumed_from" in signals["Obstetrics and Gynecology"]


def test_every_bundled_specialty_with_signals_has_a_rule_the_solver_reads():
    from optimizer.model.signals import signal_kinds

    for season in (p.stem for p in SEASONS):
        kinds = signal_kinds(season)
        for specialty in build_programs.SHEET_SPECIALTIES:
            if specialty != "Surgery (Preliminary)":  # general surgery signals go to categorical programs
                assert kinds.get(specialty), (season, specialty)


def test_2026_fees_and_carried_over_signals_are_labelled():
    season = read_toml(DATA / "seasons" / "2026.toml")
    # the 2026 schedule (checked against the AAMC's worked examples above): per program from the first, no flat
    # first block, each band starting where the last ended, a later program never cheaper
    tiers = season["fees"]["per_program"]
    assert not season["fees"].get("first_block_programs") and tiers[0]["from"] == 1 and "to" not in tiers[-1]
    assert all(b["from"] == a["to"] + 1 and b["usd"] >= a["usd"] for a, b in zip(tiers, tiers[1:]))
    assert "assumed_from" not in season["signals"]["Internal Medicine"]
    assert season["signals"]["Psychiatry"]["assumed_from"] == "2025"
    assert "assumed_from" not in season["signals"]["Pathology"]  # PRODS, 2025-2026 cycle


# --- match curves ----------------------------------------------------------------------------------------------

CURVES = read_toml(DATA / "match_curves.toml")["curves"]


def test_each_applicant_type_has_an_all_specialty_curve():
    assert {(c["applicant_type"], c["specialty"]) for c in CURVES} >= {
        ("non-US IMG", "all"), ("US IMG", "all"), ("US MD/DO", "all")}


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: f"{c['applicant_type']}/{c['specialty']}")
def test_curve_is_sourced_increasing_concave_and_plateaus(curve):
    assert curve["source"] and curve["note"] and isinstance(curve["assumption"], bool) and curve["year"]
    ranks, p = curve["ranks"], curve["p_match"]
    assert ranks == list(range(len(ranks))) and len(p) == len(ranks) >= 21
    assert p[0] == 0.0 and all(0.0 <= x <= 1.0 for x in p)
    steps = [b - a for a, b in zip(p, p[1:])]
    assert all(step >= 0 for step in steps)
    assert all(later <= earlier + 1e-9 for earlier, later in zip(steps, steps[1:])), "not concave"
    assert p[20] - p[15] < 0.03  # flat by ~20 ranks


def test_non_us_img_curve_is_derived_from_the_2026_report():
    curve = next(c for c in CURVES if c["applicant_type"] == "non-US IMG" and c["specialty"] == "all")
    p = curve["p_match"]
    assert curve["assumption"] is False and curve["evidence"] == "derived" and "2026" in curve["source"]
    # the points derived from NRMP Charting Outcomes 2026, within their stated +-0.07
    for n, derived in {1: 0.17, 3: 0.49, 5: 0.67, 8: 0.81, 10: 0.87, 15: 0.94}.items():
        assert abs(p[n] - derived) <= 0.07
    assert max(p) <= 0.96  # the published plateau: nobody is certain to match


# --- home metros -----------------------------------------------------------------------------------------------

def test_chicago_metro():
    metro = read_toml(DATA / "metros" / "chicago.toml")
    assert (metro["name"], metro["state"], metro["city"]) == ("Chicago", "IL", "Chicago")
    assert metro["source"] and metro["division"] == "East North Central"
    assert metro["division_states"] == ["IL", "IN", "MI", "OH", "WI"]
    suburbs = set(metro["suburbs"])
    assert len(suburbs) == len(metro["suburbs"]) >= 80
    assert {"Evanston", "Oak Park", "Maywood", "Berwyn", "Oak Lawn", "Park Ridge", "Hinsdale", "Grayslake",
            "Naperville", "Aurora", "Joliet", "Elgin", "Waukegan", "North Chicago", "Downers Grove",
            "Elk Grove Village", "Arlington Heights", "Skokie", "Harvey", "Blue Island", "Melrose Park",
            "Hazel Crest", "Libertyville", "Lake Forest", "Highland Park", "Glenview", "Winfield", "Barrington",
            "Des Plaines", "Evergreen Park"} <= suburbs
    assert "Chicago" not in suburbs
    assert {"Gary", "Hammond", "Merrillville", "Munster"} <= set(metro["suburbs_other_states"]["IN"])
    assert metro["weights"] == {"home city": 1.5, "home metro": 1.4, "home state": 1.2, "home division": 1.1,
                                "elsewhere": 1.0}


def test_bundled_illinois_suburbs_are_in_the_chicago_metro(programs):
    metro = read_toml(DATA / "metros" / "chicago.toml")
    downstate = {"Peoria", "Urbana", "Springfield", "Rockford", "Bloomington", "Quincy", "Carbondale", "Decatur",
                 "Alton"}
    for city in {r["city"] for r in programs if r["state"] == "IL"} - downstate - {"Chicago"}:
        assert city in metro["suburbs"], city


def test_houston_metro():
    metro = read_toml(DATA / "metros" / "houston.toml")
    assert (metro["state"], metro["city"], metro["division"]) == ("TX", "Houston", "West South Central")
    assert metro["division_states"] == ["AR", "LA", "OK", "TX"]
    assert {"Pasadena", "Sugar Land", "The Woodlands", "Galveston"} <= set(metro["suburbs"])


def test_sheet_defaults_match_the_program_defaults():
    from optimizer.inputs.programs import Program

    defaults = read_toml(DATA / "sheet_defaults.toml")
    assert defaults["visa"]["default"] == Program.__dataclass_fields__["visa"].default
    assert defaults["program_type"]["default"] == Program.__dataclass_fields__["program_type"].default
    assert defaults["visa"]["source"]
