"""Text for the terminal (optimizer/output/terminal.py, issue 25): escape sequences and control characters from a
sheet's cells never reach the terminal, in tables, notes or error messages."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from cli import main
from optimizer.inputs.resources import data_path
from optimizer.output.terminal import printable

HIDDEN_LINK = "\x1b]8;;http://evil.example\x1b\\Mercy click\x1b]8;;\x1b\\"


@pytest.mark.parametrize("text, shown", [
    (HIDDEN_LINK, "Mercy click"),
    ("\x1b[31mRED\x1b[0m Hospital", "RED Hospital"),
    ("\x1b[2J\x1b[Hcleared", "cleared"),
    ("bell\x07 back\x08 cr\r del\x7f csi\x9b31m", "bell back cr del csi31m"),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ("Hôpital Saint-Luc — 45%", "Hôpital Saint-Luc — 45%"),
])
def test_escape_sequences_and_controls_are_removed(text, shown):
    assert printable(text) == shown


def sheet_with(tmp_path, bad_visa: bool):
    with open(data_path("programs.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["state"] == "IL"]
    rows[0]["program"] = HIDDEN_LINK
    rows[1]["program"] = "\x1b[31mRED\x1b[0m Hospital"
    rows[2]["notes"] = "\x1b[2J\x1b[Hcleared"
    for row in rows[4:]:
        row["city"] = row["city"][:2] + "\x1b[1m" + row["city"][2:]  # the score table shows every city
    if bad_visa:
        rows[3]["visa"] = "\x1b[2Jnonsense"  # an error message quotes it
    path = tmp_path / "escapes.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("args", [["score"], ["solve", "--min", "10", "--max", "15"]])
@pytest.mark.parametrize("bad_visa", [False, True])
def test_no_escape_sequence_from_a_sheet_reaches_the_terminal(tmp_path, args, bad_visa):
    result = CliRunner().invoke(main, [*args, "--programs", str(sheet_with(tmp_path, bad_visa))])
    assert result.exit_code == (2 if bad_visa else 0), result.output
    assert "\x1b" not in result.output
    if bad_visa:
        assert "nonsense" in result.output  # the bad cell is still named, without its escape
    elif args == ["score"]:
        assert "Chicago, IL" in result.output


def test_validate_prints_no_escape_sequence(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(sheet_with(tmp_path, True))])
    assert result.exit_code == 2 and "nonsense" in result.output and "\x1b" not in result.output
