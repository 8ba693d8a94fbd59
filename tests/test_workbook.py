"""Excel workbooks of `--out F.xlsx` (optimizer/output/workbook.py), read back with openpyxl: sheet names, bold frozen
headers, column widths, percent and currency formats."""

import json
from pathlib import Path

import openpyxl
import pytest

from optimizer.output.workbook import Value, sheet_title, write_workbook

PERCENT, MONEY = "0.0%", '"$"#,##0'
FIXTURES = Path(__file__).parent / "fixtures" / "portfolios"


def columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def formats(sheet, column: str) -> set[str]:
    j = columns(sheet)[column]
    return {sheet.cell(row=r, column=j).number_format for r in range(2, sheet.max_row + 1)
            if isinstance(sheet.cell(row=r, column=j).value, (int, float))}


def width(sheet, column: str) -> float:
    from openpyxl.utils import get_column_letter

    return sheet.column_dimensions[get_column_letter(columns(sheet)[column])].width


@pytest.fixture(scope="module")
def solved(demo_solve):
    """The folder holding the demo list as list.xlsx."""
    return demo_solve.folder


def test_solve_workbook_has_the_list_and_a_typed_summary(solved, demo_solve):
    book = openpyxl.load_workbook(solved / "list.xlsx")
    assert book.sheetnames == ["Application list", "Summary"]
    sheet = book["Application list"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    listed = demo_solve.payload["count"]
    assert sheet.max_row == 1 + listed
    assert formats(sheet, "p_interview") == {PERCENT}
    assert formats(sheet, "fee_share_usd") == {MONEY}
    assert width(sheet, "program") > 30  # as wide as the names (capped at 60)
    assert width(sheet, "program") <= 60
    assert sheet.auto_filter.ref == sheet.dimensions
    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["Cost"].value == demo_solve.payload["cost"] and summary["Cost"].number_format == MONEY
    assert 0 < summary["P(match)"].value < 1 and summary["P(match)"].number_format == PERCENT
    assert summary["Programs"].value == listed


def test_frontier_workbook_formats_budgets_and_chances(run, tmp_path):
    run("frontier", "--budget", "2000,2500", "--out", tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx")["Frontier"]
    assert formats(sheet, "budget") == {MONEY}
    assert formats(sheet, "cost") == {MONEY}
    assert formats(sheet, "p_match") == {PERCENT}
    assert formats(sheet, "p_at_least_5") == {PERCENT}


def test_compare_workbook_a_sheet_per_list_plus_summary_and_overlap(run, solved):
    out = solved / "compared.xlsx"
    run("compare", solved / "list.xlsx", FIXTURES / "hand_made.csv", "--out", out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Overlap", "list", "hand_made", "Rows not matched", "Notes"]
    summary = book["Summary"]
    assert [c.value for c in summary["A"]][1:] == ["list", "hand_made"]
    assert formats(summary, "p_match") == {PERCENT}
    assert formats(summary, "p_at_least_5") == {PERCENT}
    assert formats(summary, "cost") == {MONEY}
    assert formats(book["list"], "p_interview") == {PERCENT}
    listed = openpyxl.load_workbook(solved / "list.xlsx")["Application list"].max_row
    assert book["list"].max_row == listed  # the solved list, re-read whole
    overlap = book["Overlap"]
    assert {"program_id", "tier", "p_interview", "list", "hand_made"} <= set(columns(overlap))
    unmatched = book["Rows not matched"]
    assert [c.value for c in unmatched[2]][:3] == ["hand_made", str(FIXTURES / "hand_made.csv"), 8]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"


def test_scenarios_workbook_a_sheet_per_scenario(tmp_path):
    from optimizer.pipeline import load_inputs
    from optimizer.inputs.profile import read_profile_data
    from optimizer.output.render_more import scenarios_payload
    from optimizer.output.report_files import write_scenarios
    from optimizer.inputs.resources import DEMO_PROFILE, data_path, scenarios_dir
    from optimizer.inputs.scenario_files import load_scenarios
    from optimizer.studies.scenarios import run_scenarios

    inputs = load_inputs()
    found, errors = load_scenarios([scenarios_dir() / "baseline.toml", scenarios_dir() / "tight_budget.toml"],
                                   read_profile_data(data_path(DEMO_PROFILE)), "profile")
    results = run_scenarios(inputs.table, found, inputs.model)
    payload = scenarios_payload(results, errors, demo=True)
    write_scenarios(tmp_path / "s.xlsx", results, payload)
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames == ["Summary", "Baseline", "Tight budget"]
    assert formats(book["Summary"], "cost") == {MONEY}
    assert formats(book["Summary"], "p_match") == {PERCENT}
    assert book["Tight budget"].max_row == 1 + payload["scenarios"][1]["count"]
    write_scenarios(tmp_path / "s.json", results, payload)
    assert json.loads((tmp_path / "s.json").read_text())["scenarios"][0]["name"] == "Baseline"


def test_write_workbook_values_lists_and_sheet_names(tmp_path):
    sheets = {
        "a/b:c*d?[e]": [{"item": "Cost", "value": Value(1234.5, "money")},
                        {"item": "Chance", "value": Value(0.25, "percent")},
                        {"item": "Mix", "value": {"reach": 2, "core": 5}},
                        {"item": "Ids", "value": ["X", "Y"]}],
        "x" * 40: [{"cost_usd": 10, "p_anything": 0.5, "weight": 1.25, "note": "n" * 200}],
        "History": [],
    }
    write_workbook(tmp_path / "w.xlsx", sheets)
    book = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert book.sheetnames == ["abcde", "x" * 31, "History (sheet)"]
    first = book["abcde"]
    assert (first["B2"].value, first["B2"].number_format) == (1234.5, MONEY)
    assert (first["B3"].value, first["B3"].number_format) == (0.25, PERCENT)
    assert first["B4"].value == "reach: 2; core: 5"
    assert first["B5"].value == "X; Y"
    second = book["x" * 31]
    assert [c.number_format for c in second[2][:3]] == [MONEY, PERCENT, "0.00"]
    assert second["D2"].alignment.wrap_text
    assert width(second, "note") == 60


def test_sheet_titles_unique_case_insensitively():
    used = set()
    assert [sheet_title(n, used) for n in ("Summary", "summary", "Summary", "")] == [
        "Summary", "summary (2)", "Summary (3)", "Sheet"]
