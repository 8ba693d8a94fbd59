"""Real sheets as a second user writes them (issue 24): cities with their state, headers and cells in the
spellings people type, read for what they mean or flagged, never misread in silence."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from optimizer.inputs import vocab
from optimizer.inputs.profile_types import Applicant, Goals, Profile
from optimizer.inputs.programs import Program, ProgramTable
from optimizer.inputs.sheet import validate_programs
from optimizer.model.geography import load_metro
from optimizer.model.scoring import load_model, score_programs
from optimizer.output.render_validate import validation_lines

MODEL = load_model()
METRO = load_metro("Chicago")


def write_csv(tmp_path, header, rows, name="my programs.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(tmp_path, header, rows, name="my programs.xlsx"):
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def read_ok(path):
    report = validate_programs(path)
    assert report.ok, [p.message for p in report.errors]
    return report


def scored(table, **applicant):
    values = dict(specialties=("Internal Medicine", "Family Medicine"), visa="J-1", step2ck=228,
                  graduation_year=2022, usce_months=4, usce_states=("IL",), us_lors=3)
    values.update(applicant)
    return {c.program.program: c for c in score_programs(table, Profile(Applicant(**values), Goals()), MODEL, METRO)}


# --- 1. the home city ------------------------------------------------------------------------------------------

CITY_SPELLINGS = [("Chicago, IL", "Chicago", "home city"), ("Chicago IL", "Chicago", "home city"),
                  ("Chicago, Illinois", "Chicago", "home city"), ("Chicago (Hyde Park)", "Chicago", "home city"),
                  ("Evanston, IL", "Evanston", "home metro"), ("chicago,il", "chicago", "home city"),
                  ("Chicago, IL 60612", "Chicago", "home city"), ("Oak Lawn IL", "Oak Lawn", "home metro"),
                  ("Chicago Illinois", "Chicago", "home city"), ("Maywood, Ill.", "Maywood", "home metro"),
                  ("Peoria, IL", "Peoria", "home state"), ("Chicago", "Chicago", "home city")]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_city_written_with_its_state_or_neighbourhood_is_the_home_city_or_metro(tmp_path, writer):
    rows = [[f"Program {i}", cell, "IL", "IM"] for i, (cell, _, _) in enumerate(CITY_SPELLINGS)]
    table = read_ok(writer(tmp_path, ["Program", "City", "State", "Specialty"], rows)).table
    assert [p.city for p in table.programs] == [city for _, city, _ in CITY_SPELLINGS]
    by_name = scored(table)
    assert [by_name[f"Program {i}"].region for i in range(len(CITY_SPELLINGS))] == \
        [region for _, _, region in CITY_SPELLINGS]


def test_a_city_keeps_words_that_only_look_like_a_state(tmp_path):
    rows = [["A", "Virginia Beach", "VA", "IM"], ["B", "Indiana", "PA", "IM"], ["C", "Michigan City, IN", "IN", "IM"],
            ["D", "Kansas City", "MO", "IM"]]
    table = read_ok(write_csv(tmp_path, ["Program", "City", "State", "Specialty"], rows)).table
    assert [p.city for p in table.programs] == ["Virginia Beach", "Indiana", "Michigan City", "Kansas City"]


def test_a_neighbourhood_is_noted_and_another_state_is_an_error(tmp_path):
    rows = [["A", "Chicago (Hyde Park)", "IL", "IM"], ["B", "Gary, IN", "IL", "IM"]]
    report = validate_programs(write_csv(tmp_path, ["Program", "City", "State", "Specialty"], rows))
    [problem] = report.errors
    assert (problem.row, problem.column, problem.value) == (3, "City", "Gary, IN")
    assert "IN" in problem.message and "State column says IL" in problem.message
    assert any("row 2" in w and "neighbourhood" in w for w in report.warnings)


def test_the_list_shows_the_city_once_with_its_state(tmp_path):
    table = read_ok(write_csv(tmp_path, ["Program", "City", "State", "Specialty"],
                              [["A", "Chicago, IL", "IL", "IM"]])).table
    assert table.programs[0].city == "Chicago"
    assert f"{table.programs[0].city}, {table.programs[0].state}" == "Chicago, IL"


# --- 2. columns --------------------------------------------------------------------------------------------------

REAL_HEADERS = [("J1/H1B", "visa"), ("Step 2 min", "step2_cutoff"), ("YOG limit", "max_years_since_graduation"),
                ("Int'l grads %", "img_pct"), ("J-1/H-1B", "visa"), ("Min CK score", "step2_cutoff"),
                ("Years since grad", "max_years_since_graduation"), ("% international", "img_pct"),
                ("Step 1 req", "step1_cutoff"), ("Visa?", "visa"), ("FMG %", "img_pct")]


@pytest.mark.parametrize("header, column", REAL_HEADERS)
def test_headers_as_people_write_them(header, column):
    assert vocab.canonical_column(header) == column


def test_the_second_users_columns_keep_a_program_closed(tmp_path):
    """No visa, a 240 cutoff and 3 years since graduation: closed to a J-1 doctor at 228, graduated 2022."""
    header = ["Program", "City", "State", "Specialty", "J1/H1B", "Step 2 min", "YOG limit", "Int'l grads %"]
    path = write_csv(tmp_path, header, [["Closed", "Chicago, IL", "IL", "IM", "none", "240", "3", "20%"]])
    report = read_ok(path)
    program = report.table.programs[0]
    assert (program.visa, program.step2_cutoff, program.max_years_since_graduation, program.img_pct) == \
        ("none", 240, 3, 20.0)
    candidate = scored(report.table)["Closed"]
    assert not candidate.eligible and len(candidate.reasons) == 3


@pytest.mark.parametrize("header, column, cell, expected", [
    ("Visa sponsor status", "visa", "none", "none"), ("CK req.", "step2_cutoff", "240", 240),
    ("Grad year cutoff (yrs)", "max_years_since_graduation", "3", 3), ("IMG-friendly share", "img_pct", "45", 45.0),
])
def test_an_unknown_header_that_looks_like_a_missing_column_is_read_as_it_with_a_warning(tmp_path, header, column,
                                                                                          cell, expected):
    assert vocab.canonical_column(header) is None
    path = write_csv(tmp_path, ["Program", "City", "State", "Specialty", header], [["A", "Chicago", "IL", "IM", cell]])
    report = read_ok(path)
    assert getattr(report.table.programs[0], column) == expected
    assert any(w.startswith(f"Column '{header}' looks like") and "read as that" in w for w in report.warnings)
    assert header not in report.table.extra_columns


def test_a_lookalike_column_not_read_is_named_and_the_sheet_is_not_called_ready(tmp_path):
    header = ["Program", "City", "State", "Specialty", "Visa", "Visa notes", "Sponsors J-1?", "Advisor notes"]
    path = write_csv(tmp_path, header, [["A", "Chicago", "IL", "IM", "J-1", "ask", "no", "call Monday"]])
    report = read_ok(path)
    assert report.table.programs[0].visa == "J-1"
    assert {"Visa notes", "Sponsors J-1?"} <= set(report.ignored_lookalikes)
    assert "Advisor notes" not in report.ignored_lookalikes
    text = " ".join(" ".join(line for line, _ in validation_lines(str(path), report)).split())
    assert "The sheet is ready" not in text
    assert "'Sponsors J-1?'" in text and "the sheet's column 'Visa' is read for that" in text


def test_a_sheet_without_lookalikes_is_ready(tmp_path):
    path = write_csv(tmp_path, ["Program", "City", "State", "Specialty", "Advisor notes"],
                     [["A", "Chicago", "IL", "IM", "great program"]])
    text = "\n".join(line for line, _ in validation_lines(str(path), read_ok(path)))
    assert "The sheet is ready" in text


# --- 3. cells ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, expected, noted", [
    ("none", 0.0, False), ("None", 0.0, False), ("0", 0.0, False), ("~30%", 30.0, False), ("approx. 25%", 25.0, False),
    ("30-40%", 35.0, True), ("30 to 40", 35.0, True), ("<10%", 5.0, True), ("less than 20%", 10.0, True),
    ("45%", 45.0, False), ("0.45", 45.0, False), ("n/a", None, False), (">50%", 50.0, True),
])
def test_img_share_cells(cell, expected, noted):
    value, note = vocab.read_percent(cell)
    assert value == expected
    assert bool(note) == noted
    if noted:
        assert cell in note and "Write" in note


@pytest.mark.parametrize("cell, expected", [
    ("< 5 yrs", 4), ("<5", 4), ("less than 5 years", 4), ("under 3", 2), ("5 or less", 5), ("<= 5", 5),
    ("≤5 yrs", 5), ("within 5 years", 5), ("max 5", 5), ("5 years", 5), ("5", 5), ("no limit", None),
])
def test_max_years_cells(cell, expected):
    assert vocab.parse_years(cell) == expected


def test_a_graduation_year_in_the_years_column_says_what_to_write():
    with pytest.raises(ValueError, match="graduation year"):
        vocab.parse_years("2020")


@pytest.mark.parametrize("cell, expected", [
    ("220+", (220, False)), (">= 225", (225, False)), ("≥ 225", (225, False)), ("min 215", (215, False)),
    ("Min. 215", (215, False)), ("CK 230", (230, False)), ("Step 2 CK: 230", (230, False)),
    ("230 minimum", (230, False)), ("at least 220", (220, False)), ("230 (recommended)", (230, True)),
    ("preferred 230", (230, True)), ("230 preferred", (230, True)), ("225 - preferred", (225, True)),
    ("N/A", (None, False)), ("pass", (None, False)), ("0", (None, False)),
])
def test_cutoff_cells_read_for_their_plain_meaning(cell, expected):
    assert vocab.read_cutoff(cell) == expected


@pytest.mark.parametrize("cell", ["2", "23", "149", "-5"])
def test_an_implausible_cutoff_is_flagged(cell):
    with pytest.raises(ValueError):
        vocab.read_cutoff(cell)


def test_an_implausible_cutoff_in_a_sheet_names_row_column_and_fix(tmp_path):
    path = write_csv(tmp_path, ["Program", "City", "State", "Specialty", "Step 2 CK cutoff"],
                     [["A", "Chicago", "IL", "IM", "230"], ["B", "Chicago", "IL", "IM", "2"]])
    [problem] = validate_programs(path).errors
    assert (problem.row, problem.column, problem.value) == (3, "Step 2 CK cutoff", "2")
    assert "Write the minimum score" in problem.message


@pytest.mark.parametrize("cell", ["unknown", "Unknown", "?", "TBD", "tbd", "not specified", "Not Specified", "??"])
def test_a_visa_cell_that_does_not_know_is_unknown_never_j1(tmp_path, cell):
    path = write_csv(tmp_path, ["Program", "City", "State", "Specialty", "Visa"],
                     [["A", "Chicago", "IL", "IM", cell], ["B", "Chicago", "IL", "IM", ""]])
    report = read_ok(path)
    assert [p.visa for p in report.table.programs] == ["unknown", "J-1"]
    assert report.counts["visa"] == {"unknown": 1, "J-1": 1}
    assert not any("blank in row 2" in w for w in report.warnings)


def test_an_unknown_visa_lowers_the_chance_says_check_and_never_excludes():
    programs = (Program("u", "Unknown visa", "Chicago", "IL", "Internal Medicine", visa="unknown", img_pct=50),
                Program("j", "Sponsors J-1", "Chicago", "IL", "Internal Medicine", visa="J-1", img_pct=50))
    for visa in ("J-1", "H-1B", "J-1 or H-1B"):
        by_name = scored(ProgramTable(programs, "test"), visa=visa)
        unknown = by_name["Unknown visa"]
        assert unknown.eligible and unknown.checks == ("visa unknown: check",)
        share = MODEL.visa_unknown_share[visa]
        assert 0 < share < 1
        if visa != "H-1B":
            assert unknown.p_interview == pytest.approx(share * by_name["Sponsors J-1"].p_interview)
    citizen = scored(ProgramTable(programs, "test"), visa="none")
    assert citizen["Unknown visa"].p_interview == pytest.approx(citizen["Sponsors J-1"].p_interview)


def test_a_preferred_cutoff_lowers_the_chance_and_a_firm_one_excludes(tmp_path):
    path = write_csv(tmp_path, ["Program", "City", "State", "Specialty", "Step 2 min"],
                     [["Firm", "Chicago", "IL", "IM", "240"], ["Preferred", "Chicago", "IL", "IM", "240 (preferred)"],
                      ["None", "Chicago", "IL", "IM", ""]])
    report = read_ok(path)
    assert any("row 3" in w and "preferred score of 240" in w for w in report.warnings)
    by_name = scored(report.table, step2ck=228)
    assert not by_name["Firm"].eligible
    assert by_name["Preferred"].eligible
    assert 0 < by_name["Preferred"].p_interview < by_name["None"].p_interview
    above = scored(report.table, step2ck=250)  # above it, a preferred score is the firm one's bar, no penalty
    assert above["Preferred"].p_interview == pytest.approx(above["Firm"].p_interview)


def test_section_label_rows_are_skipped_with_one_note(tmp_path):
    rows = [["--- ILLINOIS ---", "", "", ""], ["A", "Chicago", "IL", "IM"], ["INDIANA PROGRAMS", "", "", ""],
            ["B", "Gary", "IN", "IM"], ["", "Wisconsin:", "", ""], ["C", "Milwaukee", "WI", "IM"]]
    report = read_ok(write_csv(tmp_path, ["Program", "City", "State", "Specialty"], rows))
    assert [p.program for p in report.table.programs] == ["A", "B", "C"]
    [note] = [w for w in report.warnings if "section label" in w]
    assert note.startswith("Rows 2, 4, 6 look like section labels")
    assert "'--- ILLINOIS ---'" in note


@pytest.mark.parametrize("name", ["Rush University IM", "RUSH UNIVERSITY MEDICAL CENTER"])
def test_a_program_name_alone_is_not_a_label(tmp_path, name):
    report = validate_programs(write_csv(tmp_path, ["Program", "City", "State", "Specialty"], [[name, "", "", ""]]))
    assert {p.column for p in report.errors} == {"City", "State", "Specialty"}


def _profile(tmp_path, **goals):
    path = tmp_path / "me.toml"
    extra = "".join(f"{k} = {v}\n" for k, v in goals.items())
    path.write_text('[applicant]\nspecialties = ["IM", "FM"]\nstep2ck = 228\nvisa = "J-1"\ngraduation_year = 2022\n'
                    'applicant_type = "non-US IMG"\n[goals]\nhome_metro = "Chicago"\nbudget_usd = 2500\n'
                    'min_programs = 1\nmax_programs = 40\n' + extra, encoding="utf-8")
    return path


def test_score_json_says_unknown_and_check_and_the_list_says_check(tmp_path):
    from tests.conftest import invoke, invoke_json
    rows = [[f"Hospital {i} IM", "Chicago", "IL", "IM", visa, str(20 + 5 * i)]
            for i, visa in enumerate(["J-1", "TBD", "?", "J-1", "unknown", "J-1", "J-1", "not specified", "J-1",
                                      "J-1"])]
    rows.append(["Chicgo Community IM", "Chicgo", "IL", "IM", "J-1", "60"])
    path = write_csv(tmp_path, ["Program", "City", "State", "Specialty", "Visa sponsorship", "IMG %"], rows)
    profile = _profile(tmp_path, tiers="{ reach = [0.0, 1.0], core = [0.0, 1.0], safety = [0.0, 1.0] }")
    programs = {p["program"]: p for p in invoke_json("score", "--programs", path, "--profile", profile)["programs"]}
    assert programs["Hospital 1 IM"]["visa"] == "unknown" and programs["Hospital 1 IM"]["eligible"]
    assert programs["Hospital 1 IM"]["checks"] == ["visa unknown: check"]
    assert programs["Hospital 0 IM"]["checks"] == []
    assert programs["Chicgo Community IM"]["region"] == "home city"
    assert programs["Chicgo Community IM"]["checks"] == ["city 'Chicgo' read as Chicago (home city): check"]
    solved = invoke("solve", "--programs", path, "--profile", profile)
    assert solved.exit_code == 0, solved.output
    text = " ".join(solved.output.split())
    assert "Visa unknown: check" in text and "4 programs on your list" in text
    assert "'Chicgo' read as Chicago (home city)" in text
    table = invoke("score", "--programs", path, "--profile", profile)
    assert "unknown: check" in table.output


def test_a_preferred_cutoff_survives_writing_the_sheet_back(tmp_path):
    from optimizer.output.program_sheet import write_programs

    path = write_csv(tmp_path, ["Program", "City", "State", "Specialty", "Step 2 min"],
                     [["Preferred", "Chicago", "IL", "IM", "240 (preferred)"], ["Firm", "Chicago", "IL", "IM", "240"]])
    table = read_ok(path).table
    again = tmp_path / "again.csv"
    write_programs(table, again)
    programs = {p.program: p for p in read_ok(again).table.programs}
    assert programs["Preferred"].soft_cutoffs == ("step2_cutoff",) and programs["Preferred"].step2_cutoff == 240
    assert programs["Firm"].soft_cutoffs == () and programs["Firm"].step2_cutoff == 240


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELL_TEXT = st.one_of(st.text(max_size=30), st.from_regex(r"[<>~≥≤]?\s?\d{1,3}\s?(-|to)?\s?\d{0,3}\s?%?\+?"
                                                           r"( \((preferred|recommended)\))?", fullmatch=True))


@settings(max_examples=400, deadline=None)
@given(text=CELL_TEXT, state=st.sampled_from(["IL", "NY", "", "TX"]))
def test_the_new_readings_answer_or_say_why_never_crash(text, state):
    """Every cell reader gives a value or a ValueError with a message, never another exception."""
    readings = {}
    for name, read in (("percent", vocab.read_percent), ("cutoff", vocab.read_cutoff), ("years", vocab.parse_years),
                       ("city", lambda t: vocab.read_city(t, state))):
        try:
            readings[name] = read(text)
        except ValueError as error:
            assert str(error)
    if readings.get("percent") and readings["percent"][0] is not None:
        assert 0 <= readings["percent"][0] <= 100
    if readings.get("cutoff") and readings["cutoff"][0] is not None:
        assert vocab.LOWEST_PLAUSIBLE_CUTOFF <= readings["cutoff"][0] <= 300
    if readings.get("years") is not None:
        assert 0 <= readings["years"] <= 60
