"""Writing result files: CSV, Excel workbooks and JSON, always atomically (a temporary file in the same folder,
then a rename), so a crash never leaves half a file and an existing file is replaced only when the new one is whole.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from pathlib import Path

from optimizer.errors import InputError
from optimizer.output.cells import csv_cell
from optimizer.output.workbook import (MONEY_COLUMNS, PERCENT_COLUMNS, Value,  # noqa: F401 (for importers)
                                       table_columns, write_workbook)

TABLE_FORMATS = (".csv", ".xlsx", ".json")
WRITTEN: list[str] = []  # every file written whole by this process, in order (the Ctrl-C line names them)
FORMATS = TABLE_FORMATS  # the name older callers import


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
    """The one way SmartPick writes a file: write(binary handle) fills a temporary file in the same folder, which
    then replaces `path` in one step, so a crash or Ctrl-C never leaves half a file and an existing file is replaced
    only by a whole new one. The file gets the mode a new file would (umask). A file that cannot be written
    (missing folder, no permission, full disk) is an InputError naming it; no temporary file is left behind."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"the folder {folder} does not exist. Create it or choose another {what} path.",
                         file=str(path))
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise cannot_write(path, error, what) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private to its owner
        os.replace(temp, path)
        WRITTEN.append(str(path))
    except OSError as error:
        raise cannot_write(path, error, what) from None
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
    exists and may be written in, and not one of the `protected` input files (SmartPick never overwrites them).
    InputError otherwise."""
    path = Path(path)
    if path.suffix.lower() not in formats:
        ends = " or ".join([", ".join(formats[:-1]), formats[-1]]) if len(formats) > 1 else formats[0]
        raise InputError(f"give a name ending in {ends} (found '{path.suffix or '(none)'}'), e.g. {flag} "
                         f"{path.stem or 'result'}{formats[0]}.", file=str(path))
    for other in protected:
        if other and Path(other).exists() and path.exists() and os.path.samefile(path, other):
            raise InputError(f"this is one of your input files; SmartPick never overwrites them. Choose another "
                             f"{flag} name.", file=str(path))
    return check_folder(path, flag)


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
        writer.writerow({column: csv_cell(column) for column in writer.fieldnames})
        for row in rows:
            writer.writerow({k: "" if v is None else csv_cell(v.value if isinstance(v, Value) else v)
                             for k, v in row.items()})


def _write_xlsx(target, sheets: dict[str, list[dict]]) -> None:
    write_workbook(target, sheets)
