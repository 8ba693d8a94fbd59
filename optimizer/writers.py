"""Writing result files: CSV, Excel workbooks and JSON, always atomically (a temporary file in the same folder,
then a rename), so a crash never leaves half a file and an existing file is replaced only when the new one is whole.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import tempfile
from pathlib import Path

from optimizer.errors import InputError
from optimizer.workbook import MONEY_COLUMNS, PERCENT_COLUMNS, Value, table_columns  # noqa: F401 (for importers)

FORMATS = (".csv", ".xlsx", ".json")


def cannot_write(path: str | Path, error: OSError, what: str = "--out") -> InputError:
    """The one-line message for an output that cannot be written: what the system said, and what to do."""
    reason = error.strerror or str(error)
    advice = {errno.ENOSPC: "Free some space on the disk, or write to another disk",
              errno.EDQUOT: "Free some space on the disk, or write to another disk",
              errno.EACCES: f"Choose a folder you may write in for {what}",
              errno.EPERM: f"Choose a folder you may write in for {what}",
              errno.EROFS: f"Choose a folder you may write in for {what}",
              errno.ENOENT: f"Create the folder first, or choose another {what} path",
              errno.EISDIR: f"Give a file name, not a folder, for {what}"}.get(
        error.errno, f"Check the folder exists and that you may write in it, or choose another {what} path")
    return InputError(f"this file cannot be written ({reason}). {advice}.", file=str(path))


def check_folder(path: str | Path, what: str = "--out") -> Path:
    """Refuse, before any work, an output whose folder is missing or not writable, or which names a folder."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"this is a folder. Give a file name for {what}, e.g. {path / ('list' + path.suffix)}.",
                         file=str(path))
    if not folder.is_dir():
        raise InputError(f"the folder {folder} does not exist. Create it or choose another {what} path.",
                         file=str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"SmartPick may not write in the folder {folder}. Choose a folder you may write in for "
                         f"{what}.", file=str(path))
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"this file is read-only (or open in another program). Close it, or choose another "
                         f"{what} name.", file=str(path))
    return path


def atomic_write(path: str | Path, write, what: str = "--out") -> Path:
    """Call write(temp_path), then move the finished file into place. A file that cannot be written (missing
    folder, no permission, full disk) is an InputError naming it; no temporary file is left behind."""
    path = Path(path)
    if not path.parent.exists():
        raise InputError(f"the folder {path.parent} does not exist. Create it or choose another {what} path.",
                         file=str(path))
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise cannot_write(path, error, what) from None
    os.close(handle)
    try:
        write(Path(temp))
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as error:
        raise cannot_write(path, error, what) from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path


def check_out_path(path: str | Path, protected: tuple[str | Path, ...] = ()) -> Path:
    """Refuse an output path with an unknown extension, one that is an input file (never overwritten), or one
    that cannot be written (missing folder, no permission)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"unknown output format '{path.suffix or '(none)'}'. Use a name ending in .csv, .xlsx or "
                         ".json.", file=str(path))
    for other in protected:
        if other and Path(other).exists() and path.exists() and os.path.samefile(path, other):
            raise InputError("this is one of your input files; SmartPick never overwrites them. Choose another "
                             "--out name.", file=str(path))
    return check_folder(path)


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


def _write_csv(target: Path, rows: list[dict]) -> None:
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=table_columns(rows))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v.value if isinstance(v, Value) else v for k, v in row.items()})


def _write_xlsx(target: Path, sheets: dict[str, list[dict]]) -> None:
    from optimizer.workbook import write_workbook

    write_workbook(target, sheets)
