"""The workbook a doctor keeps: SmartPick's answer written into a copy of the user's own Excel file.

The copy keeps every sheet, column, link, date, percent format and note of the original (openpyxl loads and saves
the workbook as it is); on the programs sheet SmartPick adds its columns after the user's last one (chosen, chance
of an interview, tier, signal, fee, why not) and a printable layout (landscape, fit to the page width, the header
row repeated on every page); its own tables (the list, the summary) follow as sheets of their own. The user's
file itself is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from optimizer.output.workbook import (EXCEL_COLUMNS, HEADER_FILL, NUMBER_FORMATS, Value, sheet_title as unique_title,
    too_wide, write_sheet)
from optimizer.output.cells import xlsx_cell
from optimizer.output.render import fee_shares
from optimizer.output.writers import atomic_write

COPYABLE_SUFFIXES = (".xlsx",)


@dataclass(frozen=True)
class AddedColumn:
    """A column SmartPick adds: its header, and the value for each spreadsheet row (Value for a formatted number)."""

    header: str
    values: dict[int, object]


def can_copy(programs_path, out_path) -> bool:
    """True when the answer can go into a copy of the user's workbook: both files are .xlsx (macros in .xlsm
    would be lost)."""
    return bool(programs_path) and Path(programs_path).suffix.lower() in COPYABLE_SUFFIXES \
        and Path(out_path).suffix.lower() in COPYABLE_SUFFIXES


def solve_columns(candidates, plan, limits) -> list[AddedColumn]:
    """Chosen / chance / tier / signal / fee / why not, for every row of the sheet."""
    solution = plan.solution
    chosen = {c.program_id for c in solution.chosen}
    fees = fee_shares(solution, plan.fees) if solution.cost else {}
    columns = {"SmartPick: apply": {}, "Chance of interview": {}, "Tier": {}, "Signal": {}, "ERAS fee": {},
               "Why not": {}}
    for c in candidates:
        row = c.program.row
        on_list = c.program_id in chosen
        columns["SmartPick: apply"][row] = "yes" if on_list else "no"
        if c.eligible:
            chance = solution.applied_p(c) if on_list else c.p_interview
            columns["Chance of interview"][row] = Value(chance, "percent")
            columns["Tier"][row] = c.tier
        if on_list:
            columns["Signal"][row] = solution.signals.get(c.program_id) or ""
            columns["ERAS fee"][row] = Value(fees.get(c.program_id), "money")
        else:
            columns["Why not"][row] = _why_not(c, limits)
    return [AddedColumn(header, values) for header, values in columns.items()]


def score_columns(candidates) -> list[AddedColumn]:
    """Open to you / chance / tier / region / why not, for every row of the sheet."""
    columns = {"Open to you": {}, "Chance of interview": {}, "Tier": {}, "Region": {}, "Why not": {}}
    for c in candidates:
        row = c.program.row
        columns["Open to you"][row] = "yes" if c.eligible else "no"
        columns["Region"][row] = c.region
        if c.eligible:
            columns["Chance of interview"][row] = Value(c.p_interview, "percent")
            columns["Tier"][row] = c.tier
        else:
            columns["Why not"][row] = "; ".join(c.reasons)
    return [AddedColumn(header, values) for header, values in columns.items()]


def _why_not(c, limits) -> str:
    if not c.eligible:
        return "; ".join(c.reasons)
    if c.program_id in limits.never:
        return "marked never apply"
    return "open to you; others gave more within your budget and tier bands"


def write_copy(source, target, sheet_title: str, header_row: int, added: list[AddedColumn],
               tables: dict[str, list[dict]]) -> Path:
    """Write a copy of the workbook `source` to `target` (atomically) with `added` columns on `sheet_title` and
    SmartPick's `tables` as sheets of their own (replacing sheets of the same name, e.g. from an earlier run)."""
    def write(stream) -> None:
        # openpyxl takes 0.31 s to import (measured): loaded only when this runs
        import openpyxl

        book = openpyxl.load_workbook(source)  # full load: formats, links, dates, merged cells and notes stay
        sheet = book[sheet_title]
        _add_columns(sheet, header_row, added)
        _printable(sheet, header_row)
        book.active = book.worksheets.index(sheet)  # the copy opens on the programs, with SmartPick's columns
        used = set(book.sheetnames) - set(tables)
        for name, rows in tables.items():
            if name in book.sheetnames:
                book.remove(book[name])
            write_sheet(book.create_sheet(unique_title(name, used)), rows)
        book.save(stream)

    return atomic_write(target, write)


WIDEST_ADDED = 40  # characters: a longer reason wraps, so that the page fitted to the paper stays readable


def _add_columns(sheet, header_row: int, added: list[AddedColumn]) -> None:
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    from openpyxl.styles import Alignment, Font, PatternFill
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    from openpyxl.utils import get_column_letter

    last = max((cell.column for cell in sheet[header_row] if cell.value not in (None, "")), default=0)
    if last + len(added) > EXCEL_COLUMNS:
        raise too_wide(last + len(added))
    for offset, column in enumerate(added, start=1):
        index = last + offset
        head = xlsx_cell(sheet, header_row, index, column.header)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor=HEADER_FILL)
        width = len(column.header)
        for row, raw in column.values.items():
            value, kind = (raw.value, raw.kind) if isinstance(raw, Value) else (raw, None)
            cell = xlsx_cell(sheet, row, index, value)
            if kind and isinstance(value, (int, float)):
                cell.number_format = NUMBER_FORMATS[kind]
            text = "" if value is None else f"{value:.1%}" if kind == "percent" else str(value)
            if len(text) > WIDEST_ADDED:
                cell.alignment = Alignment(wrap_text=True)  # bottom-aligned, as the user's own cells are
                lines = min(4, -(-len(text) // WIDEST_ADDED))  # spreadsheet programs do not grow the row
                height = sheet.row_dimensions[row].height or 15
                sheet.row_dimensions[row].height = max(height, 15 * lines)
            width = max(width, min(len(text), WIDEST_ADDED))
        sheet.column_dimensions[get_column_letter(index)].width = width + 2


def _printable(sheet, header_row: int) -> None:
    """Landscape, as wide as the page, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
