"""Writing result files: CSV, Excel workbooks and JSON, always atomically (a temporary file in the same folder,
then a rename), so a crash never leaves half a file and an existing file is replaced only when the new one is whole.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from optimizer.errors import InputError
from optimizer.workbook import MONEY_COLUMNS, PERCENT_COLUMNS, Value, table_columns  # noqa: F401 (for importers)

TABLE_FORMATS = (".csv", ".xlsx", ".json")
FORMATS = TABLE_FORMATS  # the name older callers import


def atomic_write(path: str | Path, write) -> Path:
    """The one way SmartPick writes a file: write(binary handle) fills a temporary file in the same folder, which
    then replaces `path` in one step, so a crash or Ctrl-C never leaves half a file and an existing file is replaced
    only by a whole new one. The file gets the mode a new file would (umask). A missing or read-only folder is an
    InputError."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"the folder {folder} does not exist. Create it or choose another path.", file=str(path))
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise InputError(f"cannot write in this folder ({error.strerror or error}). Check that you may write in it, "
                         "or choose another path.", file=str(path)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private to its owner
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write a UTF-8 text file atomically (see atomic_write)."""
    return atomic_write(path, lambda stream: stream.write(text.encode("utf-8")))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_out_path(path: str | Path, protected: tuple[str | Path, ...] = (), formats: tuple[str, ...] = TABLE_FORMATS,
                   flag: str = "--out") -> Path:
    """The one check of an output path, made before any work: a name ending in one of `formats`, in a folder that
    exists, and not one of the `protected` input files (SmartPick never overwrites them). InputError otherwise."""
    path = Path(path)
    if path.suffix.lower() not in formats:
        ends = " or ".join([", ".join(formats[:-1]), formats[-1]]) if len(formats) > 1 else formats[0]
        raise InputError(f"give a name ending in {ends} (found '{path.suffix or '(none)'}'), e.g. {flag} "
                         f"{path.stem or 'result'}{formats[0]}.", file=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"the folder {folder} does not exist. Create it or choose another {flag} path.",
                         file=str(path))
    for other in protected:
        if other and Path(other).exists() and path.exists() and os.path.samefile(path, other):
            raise InputError(f"this is one of your input files; SmartPick never overwrites them. Choose another "
                             f"{flag} name.", file=str(path))
    return path


def write_table(path: str | Path, sheets: dict[str, list[dict]], payload: dict | None = None) -> Path:
    """Write one or more tables: CSV takes the first, XLSX a sheet each, JSON the payload (or the tables)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = payload if payload is not None else sheets
        return atomic_write_text(path, json.dumps(data, indent=2, default=str) + "\n")
    if suffix == ".csv":
        rows = next(iter(sheets.values()))
        return atomic_write(path, lambda t: _write_csv(t, rows))
    return atomic_write(path, lambda t: _write_xlsx(t, sheets))


def _write_csv(stream, rows: list[dict]) -> None:
    with io.TextIOWrapper(stream, encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=table_columns(rows))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v.value if isinstance(v, Value) else v for k, v in row.items()})


def _write_xlsx(target, sheets: dict[str, list[dict]]) -> None:
    from optimizer.workbook import write_workbook

    write_workbook(target, sheets)
