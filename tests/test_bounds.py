"""Reading is bounded before it is expensive (optimizer/inputs/bounds.py, issue 25): zip bombs, sheets too long or
too wide, and files that are not files are refused with a located message, exit code 2 or HTTP 413/422, and
memory bounded. The hostile files are made here (tests/hostile_files.py), never committed."""

from __future__ import annotations

import resource
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from optimizer.errors import InputError
from optimizer.inputs import bounds
from optimizer.inputs.sheet import read_programs, validate_programs
from optimizer.web import uploads
from optimizer.web.app import create_app
from tests import hostile_files

ROOT = Path(__file__).parents[1]
SMALL = replace(bounds.COMMAND_LINE, rows=50, cells=5_000)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def client():
    return TestClient(create_app(), base_url="http://127.0.0.1:8000")


def test_a_worksheet_that_would_unpack_past_the_limit_is_refused_before_unpacking(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(hostile_files.padded_sheet(3 << 20))
    monkeypatch.setattr(bounds, "COMMAND_LINE", replace(bounds.COMMAND_LINE, sheet_bytes=2 << 20))
    with pytest.raises(InputError) as caught:
        bounds.check_archive(str(bomb), bomb, bounds.COMMAND_LINE)
    assert "a part (xl/worksheets/sheet1.xml) of 3 MB once unpacked, more than the 2 MB" in str(caught.value)


def test_any_other_part_is_held_to_its_own_limit(tmp_path, monkeypatch):
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b" " * (2 << 20) + b"</sst>"
    book = hostile_files.workbook([b"<worksheet/>"], shared_strings=strings)
    monkeypatch.setattr(bounds, "MAX_PART_BYTES", 1 << 20)
    report = validate_programs("strings.xlsx", data=book)
    assert "xl/sharedStrings.xml" in report.errors[0].message and report.rows == 0


def test_the_zip_bomb_is_refused_with_exit_2_in_bounded_memory(tmp_path):
    """The issue's bomb (a 0.5 MB file whose sheet unpacks to 524 MB) under an address-space cap of 1 GB: before,
    reading it took about 2 GB."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(hostile_files.padded_sheet(524 << 20))

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "validate", str(bomb)], cwd=ROOT,
                          capture_output=True, text=True, preexec_fn=cap, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "of 524 MB once unpacked, more than the 256 MB SmartPick unpacks" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_padded_sheet_under_the_limit_is_read_in_bounded_memory(tmp_path):
    """A worksheet of 120 MB of blanks (under the 256 MB limit) is read whole; the hidden-row and merged-cell scan
    reads it a chunk at a time, so the whole stays under an address-space cap of 1 GB."""
    padded = tmp_path / "padded.xlsx"
    padded.write_bytes(hostile_files.padded_sheet(120 << 20))

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "validate", str(padded)],
                          cwd=ROOT, capture_output=True, text=True, preexec_fn=cap, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 program row read" in done.stdout


def test_a_sheet_of_too_many_rows_is_refused_at_the_row_past_the_limit(tmp_path):
    long = tmp_path / "long.xlsx"
    long.write_bytes(hostile_files.repeated_rows(2_000))
    report = validate_programs(long, limits=SMALL)
    problem = report.errors[0]
    assert problem.row == 50 + bounds.HEADER_ROWS + 1  # the header is row 1: the 81st row is the first past
    assert "more than 50 programs" in problem.message and "SmartPick reads at most 50" in problem.message
    csv_report = validate_programs("long.csv", data=hostile_files.long_csv(2_000), limits=SMALL)
    assert csv_report.errors[0].row == problem.row


def test_a_table_over_the_limit_is_refused_even_under_the_rows_read(tmp_path):
    with pytest.raises(InputError, match="the sheet has 60 programs; SmartPick reads at most 50"):
        read_programs("p.csv", data=b"program,city,state,specialty\n" + b"".join(
            f"P{i},Chicago,IL,IM\n".encode() for i in range(60)), limits=SMALL)


def test_the_command_line_states_its_row_limit(tmp_path):
    sheet = tmp_path / "national.csv"
    sheet.write_bytes(hostile_files.long_csv(150_000))
    result = run("validate", sheet)
    assert result.exit_code == 2
    assert "more than 100,000 programs (reading stopped at this row); SmartPick reads at most 100,000" in \
        result.output


def test_700000_rows_are_refused_by_the_web_app_and_never_kept(client):
    data = hostile_files.long_csv(700_000)
    kept = len(uploads._sheets)
    for route in ("/api/solve", "/api/validate"):
        response = client.post(route, files={"programs": ("national.csv", data)})
        assert response.status_code == 422, response.text
        body = response.json()
        problem = (body.get("problems") or body.get("errors"))[0]
        assert problem["row"] == 20_000 + bounds.HEADER_ROWS + 1
        assert "this server reads at most 20,000" in problem["message"]
    assert len(uploads._sheets) == kept  # a refused sheet is never cached


def test_a_zip_bomb_upload_is_refused_by_the_web_app(client):
    response = client.post("/api/solve", files={"programs": ("bomb.xlsx", hostile_files.padded_sheet(70 << 20))})
    assert response.status_code == 422
    assert "more than the 64 MB SmartPick unpacks" in response.json()["message"]


@pytest.mark.parametrize("columns", [17_000, 20_000])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_sheet_wider_than_excel_is_refused_at_its_row(tmp_path, columns, kind):
    path = tmp_path / f"wide.{kind}"
    path.write_bytes(hostile_files.wide_csv(columns) if kind == "csv" else hostile_files.wide_sheet(columns))
    result = run("score", "--programs", path, "--out", tmp_path / "scored.xlsx")
    assert result.exit_code == 2, result.output
    assert "row 1:" in result.output and "at most 16,384" in result.output
    assert not (tmp_path / "scored.xlsx").exists()


def test_a_sheet_just_under_the_column_limit_cannot_become_a_workbook_past_it(tmp_path, client):
    demo = (ROOT / "data" / "programs.csv").read_text(encoding="utf-8").splitlines()
    extra = 16_380 - len(demo[0].split(","))
    path = tmp_path / "wide.csv"
    path.write_text("\n".join([demo[0] + "".join(f",x{i}" for i in range(extra))]
                              + [line + "," * extra for line in demo[1:] if ",IL," in line]) + "\n", encoding="utf-8")
    result = run("score", "--programs", path, "--out", tmp_path / "scored.xlsx")
    assert result.exit_code == 2, result.output
    assert "an Excel sheet holds at most 16,384" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "scored.xlsx").exists()
    response = client.post("/api/workbook", files={"programs": ("wide.csv", path.read_bytes())},
                           data={"min": "10", "max": "15"})
    assert response.status_code == 422 and "at most 16,384" in response.json()["message"]


def test_trailing_blank_cells_past_the_column_limit_are_not_refused():
    data = b"program,city,state,specialty" + b"," * 17_000 + b"\nMercy,Chicago,IL,IM\n"
    assert validate_programs("blank.csv", data=data).ok


def test_a_device_is_refused_without_reading_it():
    result = run("validate", "/dev/zero")
    assert result.exit_code == 2
    assert "not a regular file" in result.output


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    big.write_bytes(hostile_files.long_csv(1_000))
    monkeypatch.setattr(bounds, "MAX_FILE_BYTES", 1_000)
    with pytest.raises(InputError, match="SmartPick reads sheets of at most 0 MB"):
        read_programs(big)


def test_a_directory_that_understates_a_part_stops_the_unpacking(tmp_path):
    """Python's zipfile never inflates a part past the size its directory states, and then fails its CRC check:
    the workbook is refused as damaged, having unpacked 1 KB of its 3 MB."""
    report = validate_programs("lying.xlsx", data=hostile_files.lying_directory())
    assert report.rows == 0 and "cannot be opened (it may be damaged" in report.errors[0].message


def test_lists_sent_to_compare_are_read_under_the_web_limits(client):
    bomb = hostile_files.padded_sheet(70 << 20)  # over the web's 64 MB, under the command line's 256 MB
    response = client.post("/api/compare", files=[("lists", ("a.xlsx", bomb)), ("lists", ("b.xlsx", bomb))])
    assert response.status_code == 422
    assert "a.xlsx" in response.json()["message"] and "more than the 64 MB SmartPick unpacks" in \
        response.json()["message"]
