"""Cells SmartPick writes into spreadsheets are inert: text from a sheet, a profile or a list (a program name, a
note, a header) is never run as a formula when a doctor opens the file.

- XLSX: text is written as a text cell, never a formula (openpyxl would store a string starting with '=' as one).
- CSV: a text cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe (OWASP's advice for
  CSV injection): spreadsheet programs then show the text and run nothing. Numbers stay numbers (-3 is not text).

Every writer of spreadsheet cells (writers.py, workbook.py, workbook_copy.py, program_sheet.py) goes through here.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """`value` as a CSV cell no spreadsheet program runs: text starting like a formula gets a leading apostrophe;
    anything that is not text (a number, a date, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet, row: int, column: int, value):
    """Write `value` to the cell at (row, column) of an openpyxl worksheet, text always as text; return the cell."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # openpyxl reads '=...' as a formula; SmartPick only ever writes text
    return cell


def xlsx_row(sheet, row: int, values) -> None:
    """Write `values` to `row` from column 1 on, each through xlsx_cell."""
    for column, value in enumerate(values, start=1):
        xlsx_cell(sheet, row, column, value)
