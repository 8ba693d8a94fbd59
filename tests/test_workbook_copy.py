"""The workbook a doctor keeps (optimizer/output/workbook_copy.py): `solve --out` and `score --out` on an .xlsx sheet write
a copy of it with SmartPick's columns added; the user's data and formats survive and the original is untouched."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.comments import Comment

from cli import main
from optimizer.inputs.resources import data_path

PRIMARY_CARE_AND_TRACKS = ("Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry", "Transitional Year",
                           "Internal Medicine (Preliminary)")


@pytest.fixture()
def doctors_workbook(tmp_path):
    with open(data_path("programs.csv"), encoding="utf-8-sig", newline="") as handle:
        # a primary-care applicant's list: the rows of the bundled sheet's first six specialties (the same 300 rows
        # whatever other specialties the bundled sheet adds)
        rows = [row for row in csv.DictReader(handle) if row["specialty"] in PRIMARY_CARE_AND_TRACKS]
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Questions for my advisor"])
    sheet = book.create_sheet("My programs")
    sheet.append(["ERAS 2026 - my list"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["Program name", "City", "State", "Specialty", "Visa sponsorship", "IMG %", "Website", "Deadline"])
    for i, row in enumerate(rows[:300]):
        sheet.append([row["program"], row["city"], row["state"], row["specialty"], row["visa"],
                      float(row["img_pct"]) / 100 if row["img_pct"] else None, "site",
                      datetime.date(2025, 9, 1 + i % 28)])
        number = sheet.max_row
        sheet.cell(number, 6).number_format = "0%"
        sheet.cell(number, 7).hyperlink = f"https://example.org/program/{i}"
        sheet.cell(number, 8).number_format = "mm/dd/yyyy"
    sheet.cell(4, 1).comment = Comment("called them in May", "me")
    path = tmp_path / "my programs.xlsx"
    book.save(path)
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_solve_out_writes_into_a_copy_of_the_users_workbook(doctors_workbook, tmp_path):
    before = digest(doctors_workbook)
    out = tmp_path / "my programs - SmartPick.xlsx"
    args = ("solve", "--programs", str(doctors_workbook), "--budget", "1500", "--min", "40", "--max", "60")
    result = run(*args, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert digest(doctors_workbook) == before  # the user's file is never changed
    count = json.loads(run(*args, "--json").stdout)["count"]

    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["Notes", "My programs"] and "Application list" in book.sheetnames
    sheet = book["My programs"]
    header = [cell.value for cell in sheet[3]]
    assert header[:8] == ["Program name", "City", "State", "Specialty", "Visa sponsorship", "IMG %", "Website",
                          "Deadline"]
    assert header[8:] == ["SmartPick: apply", "Chance of interview", "Tier", "Signal", "ERAS fee", "Why not"]
    # the user's own data and formats survive
    assert sheet.cell(4, 7).hyperlink.target == "https://example.org/program/0"
    assert isinstance(sheet.cell(4, 8).value, datetime.datetime) and sheet.cell(4, 8).number_format == "mm/dd/yyyy"
    assert sheet.cell(4, 6).number_format == "0%" and 0 <= sheet.cell(4, 6).value <= 1
    assert sheet.cell(4, 1).comment.text == "called them in May"
    assert "A1:H1" in {str(r) for r in sheet.merged_cells.ranges}
    # SmartPick's columns: the chosen rows, chances as percents, fees as dollars adding up to the ERAS fees
    chosen = [r for r in sheet.iter_rows(min_row=4) if r[8].value == "yes"]
    assert len(chosen) == count
    assert all(r[9].number_format == "0.0%" and 0 < r[9].value < 1 for r in chosen)
    assert all(r[12].number_format == '"$"#,##0' for r in chosen)
    not_open = [r for r in sheet.iter_rows(min_row=4) if r[8].value == "no" and r[9].value is None]
    assert not_open and all(r[13].value for r in not_open)  # a reason for each
    # printable: landscape, one page wide, the header row on every page
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"


def test_compare_reads_the_copy_as_the_list(doctors_workbook, tmp_path):
    out = tmp_path / "mine.xlsx"
    args = ("--programs", str(doctors_workbook), "--budget", "1500", "--min", "40", "--max", "60")
    assert run("solve", *args, "--out", str(out)).exit_code == 0
    result = run("compare", str(out), str(out), *args, "--json")
    assert result.exit_code == 0, result.output
    portfolio = json.loads(result.stdout)["portfolios"][0]
    assert portfolio["violations"] == [] and 40 <= portfolio["count"] <= 60


def test_score_out_writes_into_a_copy_too(doctors_workbook, tmp_path):
    out = tmp_path / "scored.xlsx"
    result = run("score", "--programs", str(doctors_workbook), "--out", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["My programs"]
    header = [cell.value for cell in sheet[3]]
    assert header[8:] == ["Open to you", "Chance of interview", "Tier", "Region", "Why not"]
    rows = list(sheet.iter_rows(min_row=4))
    assert {r[8].value for r in rows} == {"yes", "no"}
    assert all(r[12].value for r in rows if r[8].value == "no")


def test_the_img_share_in_smartpicks_own_workbook_is_a_percent_that_reads_back(tmp_path):
    from optimizer.inputs.sheet import read_programs

    out = tmp_path / "list.xlsx"
    assert run("solve", "--out", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Application list"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("img_pct") + 1
    cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value is not None]
    assert cells and all(0 <= c.value <= 1 and "%" in c.number_format for c in cells)
    shares = {p.program_id: p.img_pct for p in read_programs(data_path("programs.csv")).programs}
    again = {p.program_id: p.img_pct for p in read_programs(out, "Application list").programs}
    assert all(again[pid] == pytest.approx(shares[pid]) for pid in again)
