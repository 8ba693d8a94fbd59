"""Excel workbooks a person opens: one table per sheet, a bold frozen header, columns as wide as their contents,
chances as percents and money as dollars.

Every `--out F.xlsx` goes through `write_workbook` (via writers.write_table): solve (the list and its summary),
scenarios (a summary and a sheet per scenario), compare (a summary, the overlap and a sheet per list), score and
frontier. A column's format follows its name (p_* are chances, *_usd, cost and budget are dollars); a label/value
sheet, whose rows mix money, chances and text, wraps a value in `Value` to give it its own format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from optimizer.errors import InputError
from optimizer.output.cells import xlsx_cell, xlsx_row

PERCENT_COLUMNS = frozenset({"p_interview", "p_interview_unsignaled", "p_match", "p_at_least_5", "img_pct_fraction",
                             "correlated_p_match", "correlated_p_at_least_5", "p_match_low",
                             "p_match_high", "population_p_match"})
MONEY_COLUMNS = frozenset({"fee_share_usd", "cost", "budget", "cost_usd", "budget_usd", "transcript_usd"})
NUMBER_FORMATS = {"percent": "0.0%", "money": '"$"#,##0', "decimal": "0.00", "integer": "0"}
HEADER_FILL = "DDEBF7"
MIN_WIDTH, MAX_WIDTH = 8, 60
PRINTABLE_CHARACTERS = 170  # characters of ~8-point text across a landscape Letter/A4 page (an estimate)
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
EXCEL_COLUMNS = 16_384  # the most columns an Excel sheet holds (column XFD)


@dataclass(frozen=True)
class Value:
    """A cell with its own format ("percent", "money", "decimal" or "integer"), whatever its column."""

    value: object
    kind: str


def column_kind(column: str, value=None) -> str | None:
    """The format a column's numbers get, from its name; plain floats get two decimals."""
    name = str(column).lower()
    if name in PERCENT_COLUMNS or name.startswith("p_"):
        return "percent"
    if name in MONEY_COLUMNS or name.endswith("_usd"):
        return "money"
    if isinstance(value, float):
        return "decimal"
    return None


def write_workbook(target: str | Path, sheets: dict[str, list[dict]]) -> None:
    """Write one sheet per table, in order, to `target` (the caller makes the write atomic).

    `sheets` maps a sheet name (shortened and made unique as Excel requires) to its rows; the columns are the
    keys of the rows in the order first seen. Lists become "a; b", dicts "key: value; ...".
    """
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for name, rows in sheets.items():
        write_sheet(book.create_sheet(sheet_title(name, used)), rows)
    if not book.worksheets:
        book.create_sheet("Empty")
    book.save(target)


def write_sheet(sheet, rows: list[dict]) -> None:
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    from openpyxl.styles import Alignment, Font, PatternFill
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    from openpyxl.utils import get_column_letter

    columns = table_columns(rows)
    if len(columns) > EXCEL_COLUMNS:
        raise too_wide(len(columns))
    xlsx_row(sheet, 1, columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="top")
    widths = [len(str(column)) for column in columns]
    for r, row in enumerate(rows, start=2):
        for j, column in enumerate(columns, start=1):
            raw = row.get(column)
            value, kind = (raw.value, raw.kind) if isinstance(raw, Value) else (_plain(raw), None)
            if column == "img_pct" and isinstance(value, (int, float)) and not isinstance(value, bool):
                value, kind = value / 100, "percent"  # a sheet's 45 (percent) is Excel's 45%, as the user wrote it
            cell = xlsx_cell(sheet, r, j, value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                kind = kind or column_kind(column, value)
                if kind:
                    cell.number_format = NUMBER_FORMATS[kind]
            shown = display(value, kind)
            if len(shown) > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r <= 501:  # widths from the first 500 rows are enough
                widths[j - 1] = max(widths[j - 1], len(shown))
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if rows and columns:
        sheet.auto_filter.ref = sheet.dimensions
    # printed on paper: landscape, the header on every page, and as many pages wide as keep the text readable
    # (a landscape page holds about PRINTABLE_CHARACTERS characters of 8-point text; one page for 30 columns of
    # 60 characters printed at 4 points)
    total = sum(min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = max(1, -(-total // PRINTABLE_CHARACTERS))
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def too_wide(count: int):
    """The refusal of a table of `count` columns, more than an Excel sheet holds."""
    return InputError(f"the table would have {count:,} columns; an Excel sheet holds at most {EXCEL_COLUMNS:,}. "
                      "Delete the columns you do not use from your sheet, or write the result as .csv or .json.",
                      file="the result workbook")


def table_columns(rows: list[dict]) -> list[str]:
    """The keys of the rows, in the order first seen."""
    columns: dict[str, None] = {}  # a dict keeps the order and finds a key at once (a sheet may have 16,384)
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def display(value, kind: str | None) -> str:
    """The text Excel shows for a value in a format (to size the column)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "percent":
            return f"{100 * value:.1f}%"
        if kind == "money":
            return f"${value:,.0f}"
        if kind == "decimal":
            return f"{value:.2f}"
    return str(value)


def _plain(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def sheet_title(name: str, used: set) -> str:
    """A legal, unique sheet name: no []:*?/\\, at most 31 characters, not used before (case-insensitively)."""
    title = "".join(ch for ch in str(name) if ch not in "[]:*?/\\").strip().strip("'")[:SHEET_NAME_LIMIT] or "Sheet"
    if title.lower() == "history":  # a name Excel keeps for itself
        title = "History (sheet)"
    base, n = title, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[:SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title
