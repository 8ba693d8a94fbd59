"""Inert cells (optimizer/output/cells.py): text from a user's files never becomes a live formula in any spreadsheet
SmartPick writes (issue 25, item 1). Hostile names are made here, in the tests, and each output is read back."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from cli import main
from optimizer.inputs.resources import data_path
from optimizer.output.cells import csv_cell, xlsx_cell
from optimizer.output.workbook import write_workbook
from optimizer.output.writers import write_table

HOSTILE = ['=HYPERLINK("http://x","click")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1+1"]


def live_formulas(path_or_bytes) -> int:
    """Formula cells (<f> elements) in every worksheet of an XLSX file."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(source) as archive:
        return sum(archive.read(name).count(b"<f>") + archive.read(name).count(b"<f ")
                   for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def risky_csv_cells(path) -> list[str]:
    """CSV cells a spreadsheet program would run: text starting with = + - @ tab or CR that is not a number."""
    found = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    try:
                        float(cell)
                    except ValueError:
                        found.append(cell)
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_cell_that_looks_like_a_formula_gets_a_leading_apostrophe(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, -0.5, 0, 12.5, None, "Chicago", "IM - categorical", "'=already quoted"])
def test_numbers_and_plain_text_are_left_as_they_are(value):
    assert csv_cell(value) == value


def test_xlsx_text_that_starts_with_equals_is_a_text_cell():
    book = openpyxl.Workbook()
    cell = xlsx_cell(book.active, 1, 1, "=1+1")
    number = xlsx_cell(book.active, 1, 2, -3)
    assert cell.data_type == "s" and cell.value == "=1+1"
    assert number.data_type == "n" and number.value == -3


def test_every_table_writer_writes_hostile_text_inert(tmp_path):
    rows = [{"program": text, text: text, "p_interview": -0.25, "count": -3} for text in HOSTILE]
    write_table(tmp_path / "t.csv", {"List": rows})
    write_table(tmp_path / "t.xlsx", {"List": rows, "=Summary": [{"item": "=1+1", "value": "@x"}]})
    assert risky_csv_cells(tmp_path / "t.csv") == []
    with open(tmp_path / "t.csv", encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert read[0]["program"] == "'" + HOSTILE[0] and read[0]["count"] == "-3"  # numbers stay numbers
    assert live_formulas(tmp_path / "t.xlsx") == 0
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    sheet = book["List"]
    written = [sheet.cell(r, 1).value for r in range(2, 2 + len(HOSTILE))]
    assert written == [text.replace("\r", "\n") for text in HOSTILE]  # the text itself (XML reads CR as LF)
    assert sheet.cell(2, 4).value == -3 and sheet.cell(2, 4).data_type == "n"
    buffer = io.BytesIO()
    write_workbook(buffer, {"List": rows})  # the web download's writer
    assert live_formulas(buffer.getvalue()) == 0


@pytest.fixture()
def hostile_sheets(tmp_path):
    """The bundled sheet with hostile program names, institutions, notes and an extra column, as CSV and XLSX."""
    with open(data_path("programs.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = [row for row in rows if row["state"] == "IL"]
    extra = "=cmd|' /C calc'!A0"
    for i, row in enumerate(rows):
        row["program"] = f"{HOSTILE[i % len(HOSTILE)].strip()} {i}"
        row["institution"] = HOSTILE[(i + 1) % len(HOSTILE)].strip()
        row["notes"] = HOSTILE[(i + 2) % len(HOSTILE)].strip()
        row["program_id"] = ""
        row[extra] = "=2+2"
    header = list(rows[0])
    with open(tmp_path / "programs.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([row[column] for column in header])
    for cells in book.active.iter_rows():
        for cell in cells:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type  # the user's cells are text
    book.save(tmp_path / "programs.xlsx")
    return tmp_path / "programs.csv", tmp_path / "programs.xlsx"


@pytest.mark.parametrize("command", ["solve", "score"])
def test_solve_and_score_outputs_hold_no_live_formula(hostile_sheets, tmp_path, command):
    sheet_csv, sheet_xlsx = hostile_sheets
    for source, out in ((sheet_csv, "out.xlsx"), (sheet_csv, "out.csv"), (sheet_xlsx, "copy.xlsx")):
        window = ["--min", "10", "--max", "15"] if command == "solve" else []
        result = CliRunner().invoke(main, [command, "--programs", str(source), *window, "--out", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
    assert live_formulas(tmp_path / "out.xlsx") == 0
    assert live_formulas(tmp_path / "copy.xlsx") == 0
    assert risky_csv_cells(tmp_path / "out.csv") == []
    names = {cell.value for cell in openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]["B"]}
    assert any(str(name).startswith("=HYPERLINK") for name in names)  # written, as text


def test_the_programs_sheet_writer_writes_hostile_text_inert(tmp_path):
    from optimizer.output.program_sheet import write_programs

    rows = [{"program": text, "city": "Chicago", "state": "IL", "specialty": "IM", "img_pct": 45}
            for text in HOSTILE]
    write_programs(rows, tmp_path / "p.csv")
    write_programs(rows, tmp_path / "p.xlsx")
    assert risky_csv_cells(tmp_path / "p.csv") == []
    assert live_formulas(tmp_path / "p.xlsx") == 0
