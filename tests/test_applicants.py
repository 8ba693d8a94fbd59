"""optimizer/applicants.py: a sheet of applicants read with the programs sheet's reader and the profile's rules."""

from __future__ import annotations

import openpyxl

from optimizer.applicants import applicant_column, read_applicant_sheet, read_applicants


def _write(tmp_path, text: str, name: str = "applicants.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_headers_as_people_write_them():
    assert applicant_column("Student ID") == "applicant_id"
    assert applicant_column(" step 2 ck ") == "step2ck"
    assert applicant_column("US LoRs") == "us_lors"
    assert applicant_column("USCE (months)") == "usce_months"
    assert applicant_column("Match year") == "season"
    assert applicant_column("Favourite colour") is None


def test_rows_become_profiles_with_lists_split_on_semicolons_or_commas(tmp_path):
    path = _write(tmp_path, "Student ID;Specialties;Step 2 CK;Visa;USCE months;USCE states;Ties;Season;Mentor\n"
                            "S1;IM, FM;241;J1;3;IL, New York;TX;2026;Dr A\n"
                            "S2;Peds;230;none;0;;;2025;\n")
    rows, errors = read_applicants(path)
    assert errors == []
    (row, applicant_id, profile), second = rows
    assert (row, applicant_id) == (2, "S1")
    applicant = profile.applicant
    assert applicant.specialties == ("Internal Medicine", "Family Medicine")
    assert applicant.step2ck == 241 and applicant.visa == "J-1" and applicant.usce_months == 3
    assert applicant.usce_states == ("IL", "NY") and applicant.ties_states == ("TX",)
    assert profile.goals.season == "2026" and second.profile.goals.season == "2025"
    assert read_applicant_sheet(path).extra == {"S1": {"Mentor": "Dr A"}, "S2": {"Mentor": ""}}


def test_an_xlsx_sheet_reads_like_a_csv(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Applicant", "Specialty", "Step 2 CK", "Visa", "Graduation year", "US letters"])
    sheet.append(["A-7", "Psych", 236, "J-1 or H-1B", 2020, 3])
    book.save(tmp_path / "cohort.xlsx")
    rows, errors = read_applicants(tmp_path / "cohort.xlsx")
    assert errors == [] and rows[0].applicant_id == "A-7"
    assert rows[0].profile.applicant.graduation_year == 2020 and rows[0].profile.applicant.us_lors == 3


def test_every_problem_is_named_by_row_and_column(tmp_path):
    path = _write(tmp_path, "ID,Specialty,Step 2 CK,Visa,USCE states\n"
                            "A1,IM,240,J-1,IL\n"
                            "A2,IM,two hundred,J-1,IL\n"
                            "A3,Cardiology,240,J-3,Illinoiz\n"
                            ",IM,240,J-1,IL\n"
                            "A1,FM,230,J-1,IL\n"
                            "A5,FM,230,,IL\n")
    sheet = read_applicant_sheet(path)
    found = {(p.row, p.column) for p in sheet.errors}
    assert {(3, "Step 2 CK"), (4, "Specialty"), (4, "Visa"), (4, "USCE states"), (5, "ID"), (6, "ID"),
            (7, "Visa")} <= found
    assert [r.applicant_id for r in sheet.rows] == ["A1"]
    assert sheet.refused_ids == {"A2", "A3", "A5"}
    empty_visa = next(p for p in sheet.errors if p.row == 7)
    assert "this cell is empty" in empty_visa.message and "J-1" in empty_visa.message
    assert all(p.file == str(path) for p in sheet.errors)


def test_a_missing_required_column_is_named_once(tmp_path):
    path = _write(tmp_path, "ID,Specialty,Step 2 CK\nA1,IM,240\nA2,FM,230\n")
    sheet = read_applicant_sheet(path)
    assert [(p.row, p.column) for p in sheet.errors] == [(None, "visa")]
    assert "no 'visa' column" in sheet.errors[0].message and "'Visa status'" in sheet.errors[0].message
    no_id = read_applicant_sheet(_write(tmp_path, "Specialty,Visa\nIM,J-1\n", "b.csv"))
    assert [(p.row, p.column) for p in no_id.errors] == [(None, "applicant_id"), (None, "step2ck")]
    assert "applicant id" in no_id.errors[0].message and no_id.rows == []


def test_unreadable_files_give_one_problem(tmp_path):
    for text, words in (("", "the file is empty"), ("ID,Specialty,Step 2 CK,Visa\n", "no applicants")):
        rows, errors = read_applicants(_write(tmp_path, text))
        assert rows == [] and len(errors) == 1 and words in errors[0].message
    rows, errors = read_applicants(tmp_path / "missing.csv")
    assert rows == [] and "not found" in errors[0].message


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELLS = st.one_of(st.sampled_from(["", "IM", "FM; Peds", "240", "J-1", "none", "2021", "3", "IL, NY", "yes", "-1",
                                    "9999", "pass", "abc", "A1"]), st.text(max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, min_size=6, max_size=6), max_size=6))
def test_the_reader_never_crashes_and_places_every_problem(tmp_path, rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ID", "Specialty", "Step 2 CK", "Visa", "Graduation year", "USCE states"])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    sheet = read_applicant_sheet(path)
    ids = [r.applicant_id for r in sheet.rows]
    assert len(ids) == len(set(ids))
    for problem in sheet.errors:
        assert problem.message and problem.file == str(path)
        if problem.row is not None:
            assert problem.column  # a row problem always names its column
