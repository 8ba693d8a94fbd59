"""Writing result files: CSV, Excel workbooks and JSON, always atomically (a temporary file in the same folder,
then a rename), so a crash never leaves half a file and an existing file is replaced only when the new one is whole.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

from optimizer.errors import InputError

FORMATS = (".csv", ".xlsx", ".json")
PERCENT_COLUMNS = {"p_interview", "p_interview_unsignaled", "p_match", "p_at_least_5", "img_pct_fraction"}
MONEY_COLUMNS = {"fee_share_usd", "cost", "budget", "cost_usd", "budget_usd"}


def atomic_write(path: str | Path, write) -> Path:
    """Call write(temp_path), then move the finished file into place."""
    path = Path(path)
    if not path.parent.exists():
        raise InputError(f"the folder {path.parent} does not exist. Create it or choose another --out path.",
                         file=str(path))
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temp))
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path


def check_out_path(path: str | Path, protected: tuple[str | Path, ...] = ()) -> Path:
    """Refuse an output path with an unknown extension, or one that is an input file (never overwritten)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"unknown output format '{path.suffix or '(none)'}'. Use a name ending in .csv, .xlsx or "
                         ".json.", file=str(path))
    for other in protected:
        if other and Path(other).exists() and path.exists() and os.path.samefile(path, other):
            raise InputError("this is one of your input files; SmartPick never overwrites them. Choose another "
                             "--out name.", file=str(path))
    return path


def write_table(path: str | Path, sheets: dict[str, list[dict]], payload: dict | None = None) -> Path:
    """Write one or more tables: CSV takes the first, XLSX a sheet each, JSON the payload (or the tables)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = payload if payload is not None else sheets
        return atomic_write(path, lambda t: t.write_text(json.dumps(data, indent=2, default=str) + "\n",
                                                         encoding="utf-8"))
    if suffix == ".csv":
        rows = next(iter(sheets.values()))
        return atomic_write(path, lambda t: _write_csv(t, rows))
    return atomic_write(path, lambda t: _write_xlsx(t, sheets))


def _columns(rows: list[dict]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def _write_csv(target: Path, rows: list[dict]) -> None:
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=_columns(rows))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _write_xlsx(target: Path, sheets: dict[str, list[dict]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used = set()
    for name, rows in sheets.items():
        title = _sheet_title(name, used)
        sheet = book.create_sheet(title)
        columns = _columns(rows)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for row in rows:
            sheet.append([_cell(row.get(c)) for c in columns])
        for j, column in enumerate(columns, start=1):
            letter = get_column_letter(j)
            fmt = "0.0%" if column in PERCENT_COLUMNS else '"$"#,##0' if column in MONEY_COLUMNS else None
            if fmt:
                for cell in sheet[letter][1:]:
                    cell.number_format = fmt
            width = max([len(str(column))] + [len(str(_cell(r.get(column)) or "")) for r in rows[:500]])
            sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
    book.save(target)


def _cell(value):
    if isinstance(value, (list, tuple, set)):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def _sheet_title(name: str, used: set) -> str:
    title = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 2
    while title.lower() in used:
        title = f"{base[:28]}~{n}"
        n += 1
    used.add(title.lower())
    return title
