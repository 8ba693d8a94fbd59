"""The programs sheet written out: the template `init` gives (CSV, or XLSX with a help sheet) and any programs as a
sheet SmartPick reads back the same (`inputs/sheet.py` reads it)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from optimizer.errors import InputError
from optimizer.inputs import vocab
from optimizer.inputs.programs import CANONICAL_COLUMNS, Program, ProgramTable
from optimizer.inputs.sheet import EXCEL_SUFFIXES, column_letter, number_text
from optimizer.output.cells import csv_cell, xlsx_row
from optimizer.output.writers import atomic_write


def template_rows() -> tuple[Program, ...]:
    """Three example rows: real Illinois programs (names, cities, ACGME ids), estimated values, marked as examples."""
    note = "EXAMPLE row: estimated values. Check FREIDA and the program's website, then replace with your own."
    return (
        Program(program_id="1401611114", program="Advocate Illinois Masonic Medical Center",
                institution="Advocate Health", city="Chicago", state="IL", specialty="Internal Medicine",
                program_type="university-affiliated", img_pct=40.0, visa="J-1", step2_cutoff=220,
                max_years_since_graduation=5, usce_required=True, positions=22, notes=note),
        Program(program_id="1401631125", program="University of Chicago (Endeavor Health NorthShore)",
                institution="Endeavor Health", city="Evanston", state="IL", specialty="Internal Medicine",
                program_type="university-affiliated", img_pct=20.0, visa="J-1+H-1B", step2_cutoff=230,
                max_years_since_graduation=3, usce_required=True, positions=18, notes=note),
        Program(program_id="1201631112", program="West Suburban Medical Center", institution="West Suburban",
                city="Oak Park", state="IL", specialty="Family Medicine", program_type="community", img_pct=50.0,
                visa="J-1", usce_required=False, positions=8, notes=note),
    )


def write_programs(programs, path, *, help_sheet: bool = False) -> Path:
    """Write programs to a .csv or .xlsx sheet (by extension) atomically; return the path.

    `programs` is a ProgramTable, Programs, or dicts keyed by column. The file appears complete or not at all
    (written to a temporary file in the same folder, then renamed). `help_sheet` adds a 'How to fill' sheet (XLSX).
    """
    path = Path(path)
    header, rows = _table_rows(programs)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return atomic_write(path, lambda handle: _write_csv(handle, header, rows))
    if suffix in EXCEL_SUFFIXES:
        return atomic_write(path, lambda handle: _write_xlsx(handle, header, rows, help_sheet))
    raise InputError("SmartPick writes sheets as .csv or .xlsx. Give a file name ending in one of them.",
                     file=str(path))


def _table_rows(programs) -> tuple[list[str], list[dict]]:
    if isinstance(programs, ProgramTable):
        extra_columns, programs = list(programs.extra_columns), programs.programs
    else:
        extra_columns = []
    rows = [p.as_row() if isinstance(p, Program) else dict(p) for p in programs]
    for row in rows:
        extra_columns += [key for key in row if key not in CANONICAL_COLUMNS and key not in extra_columns]
    return [*CANONICAL_COLUMNS, *extra_columns], rows


def _cell_text(column: str, value) -> str:
    """A value as sheet text the reader reads back to the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return str(value)
    if column == "img_pct":
        return f"{number_text(float(value))}%"  # the % sign keeps 0.5 (percent) from reading as a fraction
    return number_text(value)


def _write_csv(handle, header, rows) -> None:
    # utf-8-sig: Excel opens a UTF-8 CSV correctly only with the BOM (accents in names survive).
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([csv_cell(column) for column in header])
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) if isinstance(row.get(column), str)
                         else _cell_text(column, row.get(column)) for column in header])
    text.flush()
    text.detach()


def _write_xlsx(handle, header, rows, help_sheet: bool) -> None:
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    import openpyxl
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Programs"
    xlsx_row(sheet, 1, header)
    for number, row in enumerate(rows, start=2):
        xlsx_row(sheet, number, [_xlsx_value(column, row.get(column)) for column in header])
    for position, column in enumerate(header):
        sheet.cell(row=1, column=position + 1).font = Font(bold=True)
        sheet.column_dimensions[column_letter(position)].width = max(10, min(45, len(column) + 2))
        if column == "img_pct":
            for cells in sheet.iter_rows(min_row=2, min_col=position + 1, max_col=position + 1):
                if isinstance(cells[0].value, float):
                    whole = round(cells[0].value * 100, 10).is_integer()
                    cells[0].number_format = "0%" if whole else "0.0##%"  # shows 45% and 33.25%
    sheet.freeze_panes = "A2"
    if help_sheet:
        _write_help_sheet(workbook.create_sheet("How to fill"))
    workbook.save(handle)


def _xlsx_value(column: str, value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column == "img_pct" and isinstance(value, (int, float)):
        return round(float(value) / 100, 12)  # Excel stores 45% as 0.45; the reader turns it back into 45
    return value


def _write_help_sheet(sheet) -> None:
    """Column meanings and accepted values, for the template workbook."""
    sheet.append(["column", "what to write"])
    lines = {
        "program_id": "ACGME id if you have it (e.g. 1401611114); blank and SmartPick makes one.",
        "program": "Program name (required).", "institution": "Hospital or health system (optional).",
        "city": "City (required).", "state": "State (required). " + vocab.STATE_HELP,
        "specialty": "Specialty (required). " + vocab.SPECIALTY_HELP,
        "program_type": vocab.PROGRAM_TYPE_HELP + " Blank: community.",
        "img_pct": vocab.PERCENT_HELP, "visa": vocab.VISA_HELP + " Blank: J-1.",
        "step1_cutoff": vocab.CUTOFF_HELP, "step2_cutoff": vocab.CUTOFF_HELP,
        "max_years_since_graduation": vocab.YEARS_HELP,
        "usce_required": "Does the program require US clinical experience? " + vocab.BOOL_HELP,
        "alumni_from_my_school": vocab.ALUMNI_HELP,
        "positions": "PGY-1 positions (a whole number), or blank.", "apply": vocab.APPLY_HELP,
        "accepts_signals": "Does the program take ERAS signals? " + vocab.BOOL_HELP + " Blank: yes.",
        "signal": vocab.SIGNAL_HELP, "notes": "Anything you like. Extra columns of your own are kept too.",
    }
    for column in CANONICAL_COLUMNS:
        sheet.append([column, lines.get(column, "")])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 110
