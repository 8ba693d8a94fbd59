"""Reading, checking and writing program sheets (optimizer/inputs/sheet.py)."""

import csv
import dataclasses
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import InputError
from optimizer.inputs.programs import CANONICAL_COLUMNS, Program, ProgramTable
from optimizer.inputs.sheet import derive_program_id, read_programs, validate_programs
from optimizer.output.program_sheet import template_rows, write_programs

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "program,city,state,specialty,visa,img_pct\n"


def write_text(tmp_path, text, name="programs.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path, rows, name="programs.xlsx", titles=("Programs",)):
    book = openpyxl.Workbook()
    book.active.title = titles[0]
    for row in rows:
        book.active.append(row)
    for title in titles[1:]:
        book.create_sheet(title).append(["program", "city", "state", "specialty"])
    path = tmp_path / name
    book.save(path)
    return path


def problems_of(path, **kwargs):
    return [(p.row, p.column) for p in validate_programs(path, **kwargs).errors]


def without_row(programs):
    return tuple(dataclasses.replace(p, row=0) for p in programs)


# --- round trips ---------------------------------------------------------------------------------------------

TRICKY = (
    Program(program_id="x-1", program='Hôpital "Saint" Luc, Memorial', city="São Paulo Heights", state="NY",
            specialty="Internal Medicine (Preliminary)", institution="Ünïcode Health", program_type="community",
            img_pct=0.5, visa="none", step1_cutoff=210, step2_cutoff=None, max_years_since_graduation=0,
            usce_required=True, alumni_from_my_school=3, positions=1, apply="never", accepts_signals=False,
            signal="gold", notes="line one\nline two, with comma",
            extra=(("Website", "https://example.org/a?b=1"), ("My rank", "7"))),
    Program(program_id="x-2", program="Plain Program", city="Chicago", state="IL", specialty="Family Medicine",
            img_pct=33.25, visa="H-1B", apply="must", signal="standard",
            extra=(("Website", ""), ("My rank", "12"))),
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_template_rows(tmp_path, suffix):
    path = write_programs(template_rows(), tmp_path / f"programs{suffix}")
    table = read_programs(path)
    assert without_row(table.programs) == template_rows()
    assert [p.row for p in table.programs] == [2, 3, 4]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_tricky_values_and_extra_columns(tmp_path, suffix):
    original = ProgramTable(programs=TRICKY, source="test", extra_columns=("Website", "My rank"))
    table = read_programs(write_programs(original, tmp_path / f"out{suffix}"))
    assert without_row(table.programs) == TRICKY
    assert table.extra_columns == ("Website", "My rank")


def test_write_programs_is_atomic_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "programs.csv"
    target.write_text("old content")
    write_programs(template_rows(), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["programs.csv"]
    assert "Advocate Illinois Masonic" in target.read_text(encoding="utf-8-sig")


def test_write_programs_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "programs.csv"
    target.write_text("old content")
    class Unprintable:
        def __str__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):  # a programming error: stays a traceback
        write_programs([{"program": "A"}, {"program": Unprintable()}], target)
    assert target.read_text() == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["programs.csv"]


def test_write_programs_rejects_unknown_extension(tmp_path):
    with pytest.raises(InputError, match=r"\.csv or \.xlsx"):
        write_programs(template_rows(), tmp_path / "programs.txt")


def test_template_rows_are_labelled_examples():
    rows = template_rows()
    assert len(rows) == 3
    assert all(row.state == "IL" and "EXAMPLE" in row.notes for row in rows)
    assert len({row.program_id for row in rows}) == 3


def test_written_csv_has_canonical_header(tmp_path):
    path = write_programs(template_rows(), tmp_path / "programs.csv")
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert tuple(header) == CANONICAL_COLUMNS


# --- the messy and broken fixtures ---------------------------------------------------------------------------

def test_messy_cp1252_fixture_reads_every_variant():
    table = read_programs(FIXTURES / "messy_cp1252.csv")
    by_row = {p.row: p for p in table.programs}
    assert len(table) == 14 and 7 not in by_row  # row 7 is blank
    first = by_row[2]
    assert first.program == "Hôpital Français Memorial – Internal Medicine"
    assert (first.state, first.specialty, first.program_type) == ("IL", "Internal Medicine", "university")
    assert (first.img_pct, first.visa, first.step1_cutoff, first.step2_cutoff) == (45.0, "J-1", None, 220)
    assert (first.max_years_since_graduation, first.usce_required, first.alumni_from_my_school) == (5, True, 1)
    assert (first.positions, first.apply, first.accepts_signals, first.signal) == (12, "must", True, "gold")
    assert first.notes == "São Paulo alumni, very IMG friendly"
    assert first.program_id == "1401611114"
    assert first.extra == (("Website", "https://example.org/im"),)
    second = by_row[3]
    assert (second.program_type, second.img_pct, second.visa, second.max_years_since_graduation) == \
        ("university-affiliated", 45.0, "J-1+H-1B", 3)
    assert second.notes == "Two lines:\nsecond line of the note"
    assert second.program_id.startswith("advocate-illinois-masonic-medical-center-")
    assert by_row[4].specialty == "Internal Medicine (Preliminary)" and by_row[4].notes == "Señora Peña’s tip"
    assert by_row[5].apply == "never" and by_row[5].accepts_signals is False
    assert by_row[6].state == "IL" and by_row[6].visa == "none"
    assert by_row[9].specialty == "Internal Medicine-Pediatrics" and by_row[9].usce_required is True
    assert by_row[13].visa == "J-1" and by_row[13].program_type == "community" and by_row[13].img_pct is None
    assert by_row[16].specialty == "Surgery (Preliminary)"
    assert table.extra_columns == ("Website",)
    assert any("'Visa policy' is blank in row 13" in w for w in table.warnings)


def test_messy_fixture_counts():
    report = validate_programs(FIXTURES / "messy_cp1252.csv")
    assert report.counts["state"] == {"IL": 14}
    assert report.counts["visa"] == {"J-1": 2, "J-1+H-1B": 5, "none": 5, "H-1B": 2}
    assert sum(report.counts["specialty"].values()) == 14


def test_broken_fixture_reports_every_problem_with_its_place():
    errors = validate_programs(FIXTURES / "broken.csv").errors
    assert [(p.row, p.column, p.value) for p in errors] == [
        (3, "Visa sponsorship", "J-3"), (4, "State", "XX"), (5, "Specialty", "Cardiology"), (6, "IMG %", "150"),
        (7, "Step 2 CK cutoff", "1e308"), (8, "Positions", "-5"), (8, "USCE required", "maybe"),
        (9, "Program name", ""), (10, "Program name", "Cook County Health"), (11, "column J", "extra cell"),
    ]
    assert "row 3" in errors[8].message
    with pytest.raises(InputError) as raised:
        read_programs(FIXTURES / "broken.csv")
    assert len(raised.value.problems) == 10


# --- header and defaults -------------------------------------------------------------------------------------

def test_missing_required_columns_are_named_with_accepted_spellings(tmp_path):
    path = write_text(tmp_path, "Name,Town\nA,Chicago\n")
    errors = validate_programs(path).errors
    assert [p.column for p in errors] == ["state", "specialty"]
    assert "'Speciality'" in errors[1].message


def test_missing_optional_columns_warn_with_the_default(tmp_path):
    path = write_text(tmp_path, "program,city,state,specialty\nA,Chicago,IL,IM\n")
    table = read_programs(path)
    assert table.programs[0].visa == "J-1" and table.programs[0].program_type == "community"
    text = "\n".join(table.warnings)
    assert "No 'visa' column" in text and "J-1" in text and "Tiako" in text
    assert "No 'program_type' column" in text and "No 'img_pct' column" in text


def test_blank_cells_take_defaults_with_one_warning_per_column(tmp_path):
    rows = "".join(f"P{i},Chicago,IL,IM,,\n" for i in range(15))
    table = read_programs(write_text(tmp_path, HEADER + rows))
    assert all(p.visa == "J-1" and p.img_pct is None for p in table.programs)
    visa_warnings = [w for w in table.warnings if "'visa' is blank" in w]
    assert len(visa_warnings) == 1 and "and 5 more" in visa_warnings[0]


def test_two_headers_for_one_column_is_an_error(tmp_path):
    path = write_text(tmp_path, "Program,Name,city,state,specialty\nA,B,Chicago,IL,IM\n")
    [problem] = validate_programs(path).errors
    assert problem.row == 1 and "'Program' and 'Name'" in problem.message


def test_unknown_columns_are_kept_in_order(tmp_path):
    path = write_text(tmp_path, "Website,program,Rank,city,state,specialty,Rank\nw,A,1,Chicago,IL,IM,2\n")
    table = read_programs(path)
    assert table.extra_columns == ("Website", "Rank", "Rank (2)")
    assert table.programs[0].extra == (("Website", "w"), ("Rank", "1"), ("Rank (2)", "2"))


def test_a_column_without_header_is_kept_with_a_warning(tmp_path):
    path = write_xlsx(tmp_path, [["program", "city", "state", "specialty", None],
                                 ["A", "Chicago", "IL", "IM", "my note"]])
    table = read_programs(path)
    assert table.programs[0].extra == (("column E", "my note"),)
    assert any("Column E has no header" in w for w in table.warnings)


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path):
    path = write_text(tmp_path, HEADER + "A,Chicago,IL,IM,J-1,40\n,,,,,\n\nB,Chicago,IL,IM,J-1,40\n")
    table = read_programs(path)
    assert [p.row for p in table.programs] == [2, 5]


# --- ids and duplicates --------------------------------------------------------------------------------------

def test_derived_ids_are_stable_readable_and_spelling_insensitive():
    one = derive_program_id("Cook County Health", "Internal Medicine", "Chicago")
    assert one == derive_program_id("COOK  county health", "Internal Medicine", "chicago")
    assert one.startswith("cook-county-health-") and len(one.rsplit("-", 1)[1]) == 6
    assert one != derive_program_id("Cook County Health", "Family Medicine", "Chicago")


def test_duplicate_programs_name_both_rows(tmp_path):
    path = write_text(tmp_path, HEADER + "Cook County,Chicago,IL,IM,J-1,40\ncook  county,CHICAGO,Illinois,"
                                         "Internal Medicine,J-1,40\nCook County,Chicago,IL,FM,J-1,40\n")
    [problem] = validate_programs(path).errors
    assert problem.row == 3 and "row 2" in problem.message


def test_duplicate_program_ids_are_errors(tmp_path):
    path = write_text(tmp_path, "ID,program,city,state,specialty\n7,A,Chicago,IL,IM\n7,B,Chicago,IL,IM\n")
    [problem] = validate_programs(path).errors
    assert (problem.row, problem.column, problem.value) == (3, "ID", "7")
    assert "row 2" in problem.message


# --- file formats --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le",
                                      "utf-16-be"])
def test_encodings(tmp_path, encoding):
    path = write_text(tmp_path, HEADER + "Hôpital Émile,Chicago,IL,IM,J-1,40\n", encoding=encoding)
    assert read_programs(path).programs[0].program == "Hôpital Émile"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delimiter):
    text = (HEADER + "A,Chicago,IL,IM,J-1,40,\n").replace(",", delimiter)
    table = read_programs(write_text(tmp_path, text))
    assert (table.programs[0].program, table.programs[0].img_pct) == ("A", 40.0)


def test_semicolon_file_with_decimal_commas(tmp_path):
    text = "program;city;state;specialty;img_pct\n\"Smith, Jones\";Chicago;IL;IM;45,5\n"
    program = read_programs(write_text(tmp_path, text)).programs[0]
    assert (program.program, program.img_pct) == ("Smith, Jones", 45.5)


def test_short_rows_are_padded_with_blanks(tmp_path):
    table = read_programs(write_text(tmp_path, HEADER + "A,Chicago,IL,IM\n"))
    assert table.programs[0].visa == "J-1" and table.programs[0].img_pct is None


def test_xlsx_cells_as_the_user_sees_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Program", "City", "State", "Specialty", "IMG %", "Step 2 CK cutoff", "USCE required", "ID"])
    sheet.append(["A", "Chicago", "IL", "IM", 0.45, 220.0, True, 1401611114])
    sheet.append(["B", "Chicago", "IL", "IM", 45, None, False, 1401611115.0])
    sheet["E2"].number_format = "0%"
    path = tmp_path / "p.xlsx"
    book.save(path)
    first, second = read_programs(path).programs
    assert (first.img_pct, first.step2_cutoff, first.usce_required, first.program_id) == \
        (45.0, 220, True, "1401611114")
    assert (second.img_pct, second.usce_required, second.program_id) == (45.0, False, "1401611115")


def test_xlsx_sheet_name(tmp_path):
    path = write_xlsx(tmp_path, [["program", "city", "state", "specialty"], ["A", "Chicago", "IL", "IM"]],
                      titles=("Programs", "Other"))
    assert len(read_programs(path)) == 1
    assert len(read_programs(path, sheet_name="programs")) == 1  # case does not matter
    with pytest.raises(InputError, match="no programs"):
        read_programs(path, sheet_name="Other")
    with pytest.raises(InputError) as raised:
        read_programs(path, sheet_name="Nope")
    assert "'Programs', 'Other'" in str(raised.value)


def test_sheet_name_on_a_csv_is_a_warning(tmp_path):
    table = read_programs(write_text(tmp_path, HEADER + "A,Chicago,IL,IM,J-1,40\n"), sheet_name="X")
    assert any("--sheet 'X' is ignored" in w for w in table.warnings)


@pytest.mark.parametrize("name, content, fragment", [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"  \r\n\r\n", "empty"),
    ("header.csv", HEADER.encode(), "no programs"),
    ("commas.csv", b",,,\n,,,\n", "no rows with text"),
    ("binary.csv", bytes(range(256)) * 4, "binary"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 100, "binary"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "save it as .xlsx"),
    ("named.xls", b"program,city\n", ".xls"),
    ("corrupt.xlsx", b"PK\x03\x04" + b"garbage" * 50, "cannot be opened"),
    ("notzip.xlsx", b"program,city,state,specialty\nA,B,IL,IM\n", "not a valid Excel file"),
])
def test_malformed_files_give_one_clear_problem(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    report = validate_programs(path)
    assert report.errors and fragment in report.errors[0].message
    assert report.table is None
    with pytest.raises(InputError):
        read_programs(path)


def test_truncated_xlsx(tmp_path):
    good = write_programs(template_rows(), tmp_path / "good.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(InputError, match="Excel"):
        read_programs(broken)


def test_invalid_file_name(tmp_path):
    with pytest.raises(InputError, match="not a valid file name"):
        read_programs(str(tmp_path / "a\x00b.csv"))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_programs(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        read_programs(tmp_path)


@pytest.mark.parametrize("cell, column", [
    ("1e308", "img_pct"), ("-5", "img_pct"), ("NaN", "img_pct"), ("inf", "img_pct"), ("101", "img_pct"),
])
def test_absurd_numbers_name_row_column_and_range(tmp_path, cell, column):
    path = write_text(tmp_path, HEADER + f"A,Chicago,IL,IM,J-1,{cell}\n")
    [problem] = validate_programs(path).errors
    assert (problem.row, problem.column, problem.value) == (2, column, cell)
    assert "0 to 100" in problem.message


@pytest.mark.parametrize("header, cell, accepted", [
    ("Step 2 CK cutoff", "1e308", "1 to 300"), ("Step 1 cutoff", "-5", "1 to 300"),
    ("Positions", "NaN", "1 to 500"), ("Positions", "0.5", "1 to 500"), ("YOG cutoff", "1e308", "0-60"),
    ("Alumni", "-3", "0-500"),
])
def test_absurd_numbers_in_other_columns(tmp_path, header, cell, accepted):
    path = write_text(tmp_path, f"program,city,state,specialty,{header}\nA,Chicago,IL,IM,{cell}\n")
    [problem] = validate_programs(path).errors
    assert (problem.row, problem.column, problem.value) == (2, header, cell)
    assert accepted in problem.message


def test_huge_cell_is_an_error_not_a_crash(tmp_path):
    path = write_text(tmp_path, HEADER + "A" * 200_000 + ",Chicago,IL,IM,J-1,40\n")
    report = validate_programs(path)
    assert report.errors and report.table is None


def test_unterminated_quote_does_not_crash(tmp_path):
    path = write_text(tmp_path, HEADER + '"A,Chicago,IL,IM,J-1,40\nB,Chicago,IL,IM,J-1,40\n')
    report = validate_programs(path)
    assert report.errors  # everything after the quote is one cell: the row misses its city, state, specialty


def test_a_problem_reads_the_same_whichever_command_meets_it(tmp_path):
    """One formatter: the value between reason and advice, in validate's lines and in the error solve raises."""
    path = write_text(tmp_path, HEADER + "A,Chicago,IL,IM,J-3,40\n")
    [problem] = validate_programs(path).errors
    line = problem.describe(with_file=False)
    assert line.startswith("row 2, column 'visa': not a visa answer SmartPick knows (found 'J-3'). Write J-1")
    with pytest.raises(InputError) as raised:
        read_programs(path)
    assert str(raised.value) == f"{path}, {line}"


def test_the_found_value_never_splits_an_example():
    from optimizer.errors import Problem

    problem = Problem(file="me.toml", column="year", value="x" * 200,
                      message="year must be a whole number, e.g. 2024.")
    assert problem.describe() == ("me.toml, column 'year': year must be a whole number, e.g. 2024. "
                                  f"(found '{'x' * 77}...')")


def test_validate_never_changes_the_file(tmp_path):
    path = write_text(tmp_path, HEADER + "A,Chicago,IL,IM,J-3,40\n", encoding="cp1252")
    before = path.read_bytes(), path.stat().st_mtime_ns
    validate_programs(path)
    with pytest.raises(InputError):
        read_programs(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# --- the reader never crashes --------------------------------------------------------------------------------

cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(cell_text, min_size=1, max_size=12), header=st.booleans(), encoding=st.sampled_from(
    ["utf-8", "utf-16", "cp1252"]))
def test_no_cell_text_makes_the_reader_crash(tmp_path, cells, header, encoding):
    columns = ["program", "city", "state", "specialty", "visa", "img_pct", "step2_cutoff", "positions",
               "usce_required", "apply", "signal", "alumni_from_my_school"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(columns)
    writer.writerow(cells)
    writer.writerow(["Good Program", "Chicago", "IL", "IM"])
    path = tmp_path / "fuzz.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    try:
        table = read_programs(path)
    except InputError as error:
        assert error.problems and all(p.message for p in error.problems)
    else:
        assert all(isinstance(p, Program) for p in table.programs)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_no_bytes_make_the_reader_crash(tmp_path, data):
    for name in ("fuzz.csv", "fuzz.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            read_programs(path)
        except InputError:
            pass


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_plain_dict_rows_as_users_type_them(tmp_path, suffix):
    rows = [{"program": "A", "city": "Chicago", "state": "IL", "specialty": "IM", "img_pct": "", "visa": ""},
            {"program": "B", "city": "Chicago", "state": "IL", "specialty": "FM", "img_pct": "45%", "visa": "J1",
             "data_source": "synthetic"}]
    table = read_programs(write_programs(rows, tmp_path / f"rows{suffix}"))
    assert [(p.img_pct, p.visa) for p in table.programs] == [(None, "J-1"), (45.0, "J-1")]
    assert table.extra_columns == ("data_source",)


def test_visa_answers_with_negations_are_never_read_as_yes(tmp_path):
    # Written the way people keep notes in a sheet: one answer per visa, in their own words.
    path = write_text(tmp_path, "Program,City,State,Specialty,Visa sponsorship\n"
                                "Mercy,Chicago,IL,IM,H1B - no\n"
                                "Lakeview,Chicago,IL,IM,H1B no\n"
                                "Saint Anne,Chicago,IL,IM,\"H-1B: No / J-1: Yes\"\n"
                                "Riverside,Chicago,IL,IM,\"J1 yes, H1B no\"\n"
                                "Northside,Chicago,IL,IM,no H1B\n"
                                "Eastgate,Chicago,IL,IM,not sponsoring H-1B\n"
                                "Westgate,Chicago,IL,IM,J-1 only\n"
                                "Southgate,Chicago,IL,IM,does not sponsor\n"
                                "Hillside,Chicago,IL,IM,H1B: N\n")
    report = validate_programs(path)
    assert report.ok, report.errors
    visas = {p.program: p.visa for p in report.table.programs}
    assert visas == {"Mercy": "J-1", "Lakeview": "J-1", "Saint Anne": "J-1", "Riverside": "J-1",
                     "Northside": "J-1", "Eastgate": "J-1", "Westgate": "J-1", "Southgate": "none",
                     "Hillside": "J-1"}
    assumed = [w for w in report.warnings if "Visa sponsorship" in w and "no to H-1B" in w]
    assert len(assumed) == 1 and "rows 2, 3, 6, 7, 10" in assumed[0] and "'J-1'" in assumed[0]


def test_a_visa_cell_that_cannot_be_read_is_an_error_with_its_row(tmp_path):
    path = write_text(tmp_path, "Program,City,State,Specialty,Visa\nMercy,Chicago,IL,IM,J1 no H1B\n")
    (problem,) = validate_programs(path).errors
    assert problem.row == 2 and problem.column == "Visa"
    assert "which visa" in problem.message and "J-1: yes / H-1B: no" in problem.message


def test_yes_in_an_apply_column_is_not_must_apply_and_says_so(tmp_path):
    path = write_text(tmp_path, "Program,City,State,Specialty,Apply?\n"
                                "Mercy,Chicago,IL,IM,yes\nLakeview,Chicago,IL,IM,x\nRiverside,Chicago,IL,IM,no\n"
                                "Saint Anne,Chicago,IL,IM,must\nNorthside,Chicago,IL,IM,never\n")
    report = validate_programs(path)
    assert report.ok, report.errors
    applies = {p.program: p.apply for p in report.table.programs}
    assert applies == {"Mercy": None, "Lakeview": None, "Riverside": None, "Saint Anne": "must",
                       "Northside": "never"}
    yes = next(w for w in report.warnings if "says yes" in w)
    assert "'Apply?'" in yes and "rows 2, 3" in yes and "'must'" in yes
    no = next(w for w in report.warnings if "says no" in w)
    assert "row 4" in no and "'never'" in no


def doctors_workbook(tmp_path):
    """A workbook kept the way doctors keep them: a notes tab first, a merged title and a blank row above the
    header, the specialty merged over its programs, a row hidden by a filter, a copied row and a totals row."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["My residency applications 2026"])
    notes.append(["Deadline: ERAS opens in June"])
    sheet = book.create_sheet("Programs 2026")
    sheet.append(["ERAS 2026 - my list (updated weekly)"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Program name", "City", "State", "Specialty", "Visa sponsorship", "IMG %"])
    sheet.append(["Mercy Hospital", "Chicago", "IL", "Internal Medicine", "J-1", 0.45])
    sheet.append(["Saint Anne", "Chicago", "IL", None, "J-1", 0.30])
    sheet.append(["Lakeview", "Evanston", "IL", None, "both", 0.50])
    sheet.merge_cells("D4:D6")
    sheet.append(["Closed Program", "Peoria", "IL", "Family Medicine", "J-1", 0.20])
    sheet.row_dimensions[7].hidden = True
    sheet.append(["Riverside", "Joliet", "IL", "Family Medicine", "none", 0.10])
    sheet.append(["Riverside", "Joliet", "IL", "Family Medicine", "none", 0.10])
    sheet.append(["Total", None, None, None, None, "=AVERAGE(F4:F9)"])
    book.create_sheet("Totals").append(["Specialty", "Count"])
    path = tmp_path / "my list.xlsx"
    book.save(path)
    return path


def test_a_doctors_workbook_is_read_and_every_skip_is_said(tmp_path):
    report = validate_programs(doctors_workbook(tmp_path))
    assert report.ok, report.errors
    programs = {p.program: (p.row, p.specialty, p.visa) for p in report.table.programs}
    assert programs == {"Mercy Hospital": (4, "Internal Medicine", "J-1"),
                        "Saint Anne": (5, "Internal Medicine", "J-1"),
                        "Lakeview": (6, "Internal Medicine", "J-1+H-1B"),
                        "Riverside": (8, "Family Medicine", "none")}
    text = "\n".join(report.warnings)
    assert "Programs read from the sheet 'Programs 2026' ('Read me' has no program columns)" in text
    assert "--sheet" in text
    assert "Row 3 is read as the header; the row above it (1) looks like a title" in text
    assert "Row 7 is hidden" in text
    assert "Row 9 repeats row 8 exactly" in text
    assert "Row 10 looks like a totals row ('Total')" in text
    assert "has no header" not in text


def test_a_title_row_above_the_header_in_a_csv(tmp_path):
    # Google Sheets and Numbers exports keep the title the user typed in A1.
    path = write_text(tmp_path, "My programs,,,\n,,,\nProgram,City,State,Specialty\nMercy,Chicago,IL,IM\n")
    report = validate_programs(path)
    assert report.ok, report.errors
    assert [p.row for p in report.table.programs] == [4]
    assert any("Row 3 is read as the header" in w for w in report.warnings)


def test_totals_words_in_a_real_program_row_are_kept(tmp_path):
    path = write_text(tmp_path, "Program,City,State,Specialty\nTotal Health Hospital,Chicago,IL,IM\n"
                                "Totals,,,\n")
    report = validate_programs(path)
    assert [p.program for p in report.table.programs] == ["Total Health Hospital"]
    assert any("Row 3 looks like a totals row" in w for w in report.warnings)


def test_sheet_named_on_the_command_line_wins_over_the_guess(tmp_path):
    path = doctors_workbook(tmp_path)
    report = validate_programs(path, sheet_name="Read me")
    assert not report.ok
    assert {p.column for p in report.errors} >= {"city", "state", "specialty"}
