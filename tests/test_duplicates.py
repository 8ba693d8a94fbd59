"""One program written twice under two names (optimizer/inputs/duplicates.py): flagged in validate, never both
signalled (issue 24, item 4)."""

from __future__ import annotations

import csv

import pytest

from optimizer.inputs.duplicates import alike, name_core, near_duplicates
from optimizer.inputs.programs import Program
from optimizer.inputs.sheet import validate_programs
from tests.conftest import invoke_json

PAIRS = [("Mount Sinai Chicago - IM", "Mount Sinai Hospital Medical Center of Chicago IM"),
         ("Cook County IM", "John H. Stroger Jr. Hospital of Cook County IM"),
         ("Saint Joseph Hospital - Internal Medicine", "St. Joseph Hospital Chicago IM"),
         ("Weiss Memorial", "Weiss Memorial Hospital (Chicago, IL)")]
DIFFERENT = [("Advocate Illinois Masonic IM", "Advocate Christ IM"), ("Rush University IM", "Rush Copley IM"),
             ("University of Chicago IM", "University of Illinois at Chicago IM"),
             ("Presence Saint Joseph IM", "Presence Saint Francis IM"), ("Loyola MacNeal IM", "Loyola IM")]


@pytest.mark.parametrize("a, b", PAIRS)
def test_names_of_one_program(a, b):
    assert alike(name_core(a, "Chicago", "IL"), name_core(b, "Chicago", "IL"))


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_names_of_two_programs(a, b):
    assert not alike(name_core(a, "Chicago", "IL"), name_core(b, "Chicago", "IL"))


def test_only_the_same_specialty_and_city_pair():
    programs = [Program("a", "Mount Sinai Chicago - IM", "Chicago", "IL", "Internal Medicine"),
                Program("b", "Mount Sinai Hospital Medical Center of Chicago IM", "Chicago", "IL", "Internal Medicine"),
                Program("c", "Mount Sinai Chicago - FM", "Chicago", "IL", "Family Medicine"),
                Program("d", "Mount Sinai IM", "New York", "NY", "Internal Medicine")]
    assert [(a.program_id, b.program_id) for a, b in near_duplicates(programs)] == [("a", "b")]


def _sheet(tmp_path, rows):
    path = tmp_path / "programs.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Program", "City", "State", "Specialty", "Visa", "IMG %", "Type"])
        writer.writerows(rows)
    return path


def test_validate_names_the_pair(tmp_path):
    path = _sheet(tmp_path, [["Mount Sinai Chicago - IM", "Chicago, IL", "IL", "IM", "J-1", "80", "community"],
                             ["Rush IM", "Chicago", "IL", "IM", "J-1", "20", "university"],
                             ["Mount Sinai Hospital Medical Center of Chicago IM", "Chicago", "IL", "IM", "J-1", "80",
                              "community"]])
    report = validate_programs(path)
    assert report.ok
    [warning] = [w for w in report.warnings if "written twice" in w]
    assert "rows 2 and 4" in warning and "'Mount Sinai Chicago - IM'" in warning
    assert "never sends a signal to both" in warning


def test_the_list_never_signals_both_of_a_pair(tmp_path):
    """Twelve Chicago IM programs and 15 IM signals: without the rule every listed program gets one, the pair's
    two rows too."""
    rows = [[f"Hospital {name} IM", "Chicago", "IL", "IM", "J-1", str(30 + 3 * i), "community"]
            for i, name in enumerate(["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel", "Ivy",
                                      "Juniper"])]
    rows += [["Mount Sinai Chicago - IM", "Chicago", "IL", "IM", "J-1", "90", "community"],
             ["Mount Sinai Hospital Medical Center of Chicago IM", "Chicago", "IL", "IM", "J-1", "90", "community"]]
    path = _sheet(tmp_path, rows)
    profile = tmp_path / "me.toml"
    profile.write_text('[applicant]\nspecialties = ["IM"]\nstep2ck = 228\nvisa = "J-1"\ngraduation_year = 2022\n'
                       'applicant_type = "non-US IMG"\n[goals]\nhome_metro = "Chicago"\nbudget_usd = 2500\n'
                       'min_programs = 1\nmax_programs = 12\nuse_signals = true\n', encoding="utf-8")
    for backend in ("cpsat", "pulp"):
        payload = invoke_json("solve", "--programs", path, "--profile", profile, "--backend", backend)
        signals = {p["program"]: p["signal"] for p in payload["programs"]}
        sinai = [signals[name] for name in signals if name.startswith("Mount Sinai")]
        assert len(sinai) == 2 and sum(1 for s in sinai if s) == 1, signals
        others = [s for name, s in signals.items() if not name.startswith("Mount Sinai")]
        assert others and all(others), signals  # signals to spare: only the rule kept the second one off
