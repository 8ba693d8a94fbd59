"""The applicants file: one applicant per row, header spellings as people write them, every problem located."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.inputs.applicants import column_key, parse_applicants, read_applicants, records_applicants

FIXTURE = "tests/fixtures/cohort/small.csv"


def test_reads_the_fixture_cohort():
    rows, errors = read_applicants(FIXTURE)
    assert errors == []
    assert [r.applicant_id for r in rows] == ["amina", "bao", "carla"]
    assert [r.row for r in rows] == [2, 3, 4]
    bao = rows[1].profile
    assert bao.applicant.specialties == ("Family Medicine", "Internal Medicine")  # "FM; IM": ";" separates
    assert bao.applicant.ties_states == ("IL", "IN")  # "IL, IN": "," separates too
    assert bao.applicant.step1 is None and bao.applicant.step1_pass
    assert bao.applicant.visa == "J-1 or H-1B"
    assert (bao.goals.budget_usd, bao.goals.min_programs, bao.goals.max_programs) == (3000, 60, 140)
    assert rows[2].profile.goals.home_metro == "Houston"
    assert rows[2].profile.applicant.applicant_type == "US IMG"


@pytest.mark.parametrize("header, key", [
    ("Step 2 CK", ("applicant", "step2ck")), ("USMLE Step 2 CK score", ("applicant", "step2ck")),
    ("Budget (USD)", ("goals", "budget_usd")), ("budget", ("goals", "budget_usd")),
    ("Home metro", ("goals", "home_metro")), ("Specialty", ("applicant", "specialties")),
    ("US LoRs", ("applicant", "us_lors")), ("USCE months", ("applicant", "usce_months")),
    ("Applicant ID", ("id",)), ("Number of US LoRs", ("applicant", "us_lors")), ("weights.home city", ("goals", "weights", "home city")),
    ("goals.max_per_state.IL", ("goals", "max_per_state", "IL")), ("Favourite colour", None)])
def test_header_spellings(header, key):
    assert column_key(header) == key


def test_bad_rows_are_located_and_the_others_go_on():
    header = ["id", "Specialties", "Step 2 CK", "Visa", "Budget (USD)", "Favourite colour"]
    rows = [(2, ["a", "IM", "233", "J-1", "2500", "red"]),
            (3, ["b", "Cardiology??", "999", "H9", "2500", "blue"]),
            (4, ["", "", "", "", "", ""]),  # blank rows are skipped
            (5, ["a", "FM", "230", "J-1", "", ""]),
            (6, ["", "FM", "", "J-1", "", ""])]
    notes = []
    found, errors = parse_applicants(header, rows, "cohort.csv", notes=notes)
    assert [r.applicant_id for r in found] == ["a"]
    located = {(e.row, e.column) for e in errors}
    # a column of the advisor's own is set aside with a note, not an error (a misspelt key still is one)
    assert (1, "Favourite colour") not in located and any("'Favourite colour'" in n for n in notes)
    assert {(3, "Specialties"), (3, "Step 2 CK"), (3, "Visa")} <= located
    assert (5, "id") in located  # the same id twice
    assert (6, "Step 2 CK") in located  # no score at all: named by the column to fill in
    duplicate = next(e for e in errors if e.row == 5)
    assert "also on row 2" in duplicate.message
    assert all(e.message for e in errors)


def test_without_an_id_column_the_row_names_the_applicant():
    found, errors = parse_applicants(["specialties", "step2ck", "visa"], [(2, ["IM", "233", "J-1"]),
                                                                         (3, ["FM", "225", "none"])], "x.csv")
    assert errors == []
    assert [r.applicant_id for r in found] == ["row 2", "row 3"]


def test_no_specialties_column_is_one_error_on_the_header():
    found, errors = parse_applicants(["step2ck", "visa"], [(2, ["233", "J-1"]), (3, ["240", "none"])], "x.csv")
    assert found == []
    assert len(errors) == 1  # not once more for every row
    assert errors[0].row == 1 and "no specialties column" in errors[0].message


def test_records_from_a_dataframe_read_like_a_sheet():
    import pandas as pd

    frame = pd.DataFrame({"applicant_id": ["a", "b"], "specialties": ["IM", "FM;Peds"], "step2ck": [233.0, None],
                          "step1": [None, 220], "visa": ["J-1", "none"], "budget_usd": [2500, 3000]})
    found, errors = records_applicants(frame.to_dict("records"))
    assert errors == []
    assert found[0].profile.applicant.step2ck == 233 and found[0].profile.applicant.step1 is None
    assert found[1].profile.applicant.specialties == ("Family Medicine", "Pediatrics")


def test_the_user_file_is_not_changed(tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(open(FIXTURE, "rb").read())
    before = path.read_bytes()
    read_applicants(path)
    assert path.read_bytes() == before


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=4, max_size=4), max_size=5))
def test_reader_never_crashes(cells):
    header = ["applicant_id", "specialties", "step2ck", "visa"]
    found, errors = parse_applicants(header, [(i + 2, row) for i, row in enumerate(cells)], "fuzz.csv")
    assert len(found) + len({e.row for e in errors if e.row and e.row > 1}) <= len(cells) + 1
    for error in errors:
        assert error.message


def test_the_benchmark_cohort_reads_without_errors_from_xlsx_and_is_seeded(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from make_cohort import main, make_cohort

    assert make_cohort(30, seed=3) == make_cohort(30, seed=3) != make_cohort(30, seed=4)
    out = tmp_path / "cohort.xlsx"
    main(["--applicants", "30", "--seed", "3", "--out", str(out)])
    rows, errors = read_applicants(out)
    assert errors == []
    assert [r.applicant_id for r in rows] == [f"A{i:04d}" for i in range(1, 31)]
    assert {r.profile.applicant.applicant_type for r in rows} <= {"non-US IMG", "US IMG"}
    assert all(r.profile.applicant.visa == "none" for r in rows if r.profile.applicant.applicant_type == "US IMG")
