"""`smartpick validate` and `smartpick init` through the command line (CliRunner)."""

import json
from pathlib import Path

import pytest

from optimizer.inputs.sheet import read_programs
from optimizer.output.program_sheet import template_rows

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "program,city,state,specialty,visa,img_pct\n"


def test_validate_messy_fixture_exits_0_with_counts(run):
    result = run("validate", FIXTURES / "messy_cp1252.csv")
    assert result.exit_code == 0, result.output
    assert "14 program rows read" in result.output
    assert "By state: IL 14" in result.output
    assert "Internal Medicine 3" in result.output
    assert "J-1+H-1B 5" in result.output
    assert "The sheet is ready" in result.output


def test_validate_broken_fixture_lists_every_problem(run):
    result = run("validate", FIXTURES / "broken.csv")
    assert result.exit_code == 2
    out = result.output
    assert "10 problems to fix" in out
    expected = [
        "row 3, column 'Visa sponsorship': not a visa answer SmartPick knows (found 'J-3'). Write J-1",
        "row 4, column 'State': not a US state SmartPick knows (found 'XX'). Use the 2-letter postal code",
        "row 5, column 'Specialty': a fellowship (after residency), not a residency program (found 'Cardiology')",
        "row 6, column 'IMG %': a share cannot be above 100% (found '150'). Write a percent from 0 to 100",
        "row 7, column 'Step 2 CK cutoff': not a Step score from 1 to 300 (found '1e308')",
        "row 8, column 'Positions': not a whole number from 1 to 500 (found '-5')",
        "row 8, column 'USCE required': not a yes/no answer (found 'maybe'). Write yes or no",
        "row 9, column 'Program name': this cell is empty, and SmartPick needs it. Fill it in, or delete the row.",
        "row 10, column 'Program name': the same program as row 3 (same name, specialty and city) "
        "(found 'Cook County Health')",
        "row 11, column 'column J': this row has 10 cells but the header has 9 (found 'extra cell')",
    ]
    for line in expected:
        assert f"- {line}" in out, line
    assert "run `smartpick validate" in out


def test_validate_broken_fixture_json(run):
    result = run("validate", FIXTURES / "broken.csv", "--json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert {"rows", "errors", "warnings", "counts"} <= set(payload)  # the contract's fields (more may be added)
    assert len(payload["error_lines"]) <= len(payload["errors"])  # for people: identical problems grouped
    assert payload["rows"] == 10
    assert set(payload["counts"]) == {"specialty", "state", "visa"}
    assert all(set(error) == {"row", "column", "value", "message"} for error in payload["errors"])
    assert [(e["row"], e["column"]) for e in payload["errors"]][:3] == \
        [(3, "Visa sponsorship"), (4, "State"), (5, "Specialty")]
    assert payload["errors"][0]["value"] == "J-3"


def test_validate_json_shape_and_unrounded_numbers(run, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "A,Chicago,IL,IM,J1,33.3333\nB,Evanston,Illinois,FM,,\n")
    result = run("validate", path, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["rows"] == 2 and payload["errors"] == []
    assert payload["counts"] == {"specialty": {"Internal Medicine": 1, "Family Medicine": 1}, "state": {"IL": 2},
                                 "visa": {"J-1": 2}}
    assert any("blank in row 3" in w for w in payload["warnings"])
    assert read_programs(path).programs[0].img_pct == 33.3333


def test_validate_json_for_a_file_that_cannot_be_read(run, tmp_path):
    result = run("validate", tmp_path / "missing.csv", "--json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["rows"] == 0 and payload["errors"][0]["row"] is None
    assert "file not found" in payload["errors"][0]["message"]


def test_validate_xlsx_and_sheet_option(run, tmp_path):
    run("init", tmp_path / "start")
    book = tmp_path / "start" / "programs.xlsx"
    assert run("validate", book).exit_code == 0
    assert run("validate", book, "--sheet", "Programs").exit_code == 0
    result = run("validate", book, "--sheet", "Sheet9")
    assert result.exit_code == 2
    assert "no sheet named 'Sheet9'" in result.output and "'Programs', 'How to fill'" in result.output


def test_validate_does_not_change_the_input_file(run):
    path = FIXTURES / "broken.csv"
    before = path.read_bytes()
    run("validate", path)
    run("validate", path, "--json")
    assert path.read_bytes() == before
    messy = FIXTURES / "messy_cp1252.csv"
    before = messy.read_bytes()
    run("validate", messy)
    assert messy.read_bytes() == before


MALFORMED = [
    ("empty.csv", b"", 2, "the file is empty"),
    ("header_only.csv", HEADER.encode(), 2, "no programs"),
    ("binary.csv", bytes(range(256)) * 8, 2, "binary"),
    ("utf16.csv", (HEADER + "Hôpital,Chicago,IL,IM,J-1,40\n").encode("utf-16"), 0, "1 program row read"),
    ("semicolon.csv", b"program;city;state;specialty\nA;Chicago;IL;IM\n", 0, "1 program row read"),
    ("tab.tsv", b"program\tcity\tstate\tspecialty\nA\tChicago\tIL\tIM\n", 0, "1 program row read"),
    ("ragged.csv", (HEADER + "A,Chicago,IL,IM,J-1,40,oops\nB,Chicago,IL\n").encode(), 2,
     "row 2, column 'column G': this row has 7 cells but the header has 6 (found 'oops')"),
    ("multiline.csv", (HEADER + '"A\nB",Chicago,IL,IM,J-1,40\nC,Chicago,IL,IM,J-1,40\n').encode(), 0,
     "2 program rows read"),
    ("absurd.csv", (HEADER + "A,Chicago,IL,IM,J-1,1e308\n").encode(), 2,
     "row 2, column 'img_pct': a share cannot be above 100% (found '1e308')"),
    ("corrupt.xlsx", b"PK\x03\x04" + b"\x00garbage" * 40, 2, "this Excel file cannot be opened"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, 2, "old Excel file (.xls)"),
    ("cp1252.csv", (HEADER + "Hôpital ‘Saint’,Chicago,IL,IM,J-1,40\n").encode("cp1252"), 0, "1 program row read"),
]


@pytest.mark.parametrize("name, content, code, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files(run, tmp_path, name, content, code, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run("validate", path)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == content


def test_validate_a_folder_and_a_missing_file(run, tmp_path):
    result = run("validate", tmp_path)
    assert result.exit_code == 2 and "this is a folder" in result.output
    result = run("validate", tmp_path / "nope.xlsx")
    assert result.exit_code == 2 and "Error:" in result.output and "file not found" in result.output


# --- init ----------------------------------------------------------------------------------------------------

def test_init_writes_three_files_that_validate(run, tmp_path):
    folder = tmp_path / "new" / "search"
    result = run("init", folder)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["profile.toml", "programs.csv", "programs.xlsx"]
    for name in ("programs.csv", "programs.xlsx"):
        table = read_programs(folder / name)
        assert [p.program for p in table.programs] == [p.program for p in template_rows()]
    assert "[applicant]" in (folder / "profile.toml").read_text(encoding="utf-8")
    assert "smartpick validate" in result.output


def test_init_never_overwrites(run, tmp_path):
    (tmp_path / "programs.xlsx").write_bytes(b"mine")
    result = run("init", tmp_path)
    assert result.exit_code == 2
    assert "programs.xlsx" in result.output and "never overwrites" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["programs.xlsx"]
    assert (tmp_path / "programs.xlsx").read_bytes() == b"mine"


def test_init_refuses_a_file_as_folder(run, tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("x")
    result = run("init", path)
    assert result.exit_code == 2 and "not a folder" in result.output


def test_init_profile_loads(run, tmp_path):
    from optimizer.inputs.profile import load_profile

    run("init", tmp_path)
    assert load_profile(tmp_path / "profile.toml").applicant.specialties
