"""How much of a file SmartPick reads before refusing it, so that a hostile or broken file (a zip bomb, a sheet of
millions of rows or tens of thousands of columns, a device such as /dev/zero) is refused in seconds, with bounded
memory and a message that says what to do, instead of exhausting the computer.

- A file on disk must be a regular file of at most MAX_FILE_BYTES.
- An XLSX file is a zip archive: before any part of it is unpacked, each part's unpacked size is read from the
  archive's directory and checked (a worksheet against MAX_SHEET_BYTES, any other part, which openpyxl reads
  whole, against MAX_PART_BYTES). Python's zipfile never inflates a part past the size its directory states (and
  a part whose content disagrees fails its CRC check), so the check also holds while inflating.
- A sheet is read row by row and refused at the first row past its limits: `ReadLimits.rows` programs (100,000 on
  the command line, 20,000 in the web app), Excel's 16,384 columns, and `ReadLimits.cells` cells in all.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from optimizer.errors import InputError, Problem

MAX_FILE_BYTES = 256 * 1024 * 1024  # a sheet file on disk; the bundled national sheet of 2,800 programs is 0.4 MB
MAX_SHEET_BYTES = 256 * 1024 * 1024  # a worksheet's XML unpacked: about 100,000 programs of 20 columns
MAX_PART_BYTES = 64 * 1024 * 1024  # any other part of a workbook unpacked (shared strings, styles, the workbook)
MAX_PARTS = 10_000  # parts in one workbook (a workbook of 50 sheets has about 150)
MAX_COLUMNS = 16_384  # Excel's limit (column XFD)
HEADER_ROWS = 30  # rows above the header (a title, notes) that do not count against the row limit


@dataclass(frozen=True)
class ReadLimits:
    """The most a sheet may hold where it is read: `rows` programs, `cells` cells in all, a worksheet's XML of
    `sheet_bytes` unpacked (reading it may take about twice that in memory: a blank run inside the XML is held
    whole by the XML parser); `where` names the reader in messages and `advice` says what to do with a bigger
    sheet."""

    rows: int
    cells: int
    where: str
    advice: str
    sheet_bytes: int = MAX_SHEET_BYTES
    columns: int = MAX_COLUMNS


COMMAND_LINE = ReadLimits(rows=100_000, cells=20_000_000, where="SmartPick",
                          advice="Keep the specialties and states you apply to, or split the sheet in two.")
WEB = ReadLimits(rows=20_000, cells=4_000_000, where="this server",
                 advice="Keep the specialties you apply to, or run `smartpick solve` on your computer, which "
                        f"reads up to {COMMAND_LINE.rows:,}.", sheet_bytes=64 * 1024 * 1024)


def check_file(path: Path, expected: str = "a .csv or .xlsx file") -> None:
    """Refuse, before reading it, a path that is not a regular file (a device, a pipe, a socket) or is larger than
    MAX_FILE_BYTES. A missing file, a folder or an unreadable one are left to the reader, which names each.
    `expected` says what the path should name, in the message."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return
    if stat.S_ISDIR(info.st_mode):
        return
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"this is not a regular file (it is a device, a pipe or a socket). Give the path of "
                         f"{expected}.", file=str(path))
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(f"the file is {info.st_size / 2**20:,.0f} MB; SmartPick reads sheets of at most "
                         f"{MAX_FILE_BYTES // 2**20} MB. Keep only the programs you may apply to (one sheet, the "
                         "columns you use), or save it as CSV.", file=str(path))


def check_archive(file: str, source, limits: ReadLimits = COMMAND_LINE) -> None:
    """Refuse an XLSX archive (a path or a binary file object) whose parts would unpack past the limits (a
    worksheet `limits.sheet_bytes`, any other part MAX_PART_BYTES), before anything is unpacked. A file that is not
    a readable zip archive passes: the reader says it is damaged."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if len(parts) > MAX_PARTS:
        raise InputError(f"this Excel file holds {len(parts):,} parts, more than the {MAX_PARTS:,} SmartPick opens "
                         "(it may be damaged, or made to exhaust memory). Open it in Excel and save it again, or "
                         "export it as CSV.", file=file)
    for part in parts:
        limit = limits.sheet_bytes if part.filename.startswith("xl/worksheets/") else MAX_PART_BYTES
        if part.file_size > limit:
            raise InputError(f"this Excel file holds a part ({part.filename}) of {part.file_size / 2**20:,.0f} MB "
                             f"once unpacked, more than the {limit // 2**20} MB SmartPick unpacks (a sheet that "
                             "large is damaged or made to exhaust memory). Open it in Excel and save it again, or "
                             "export the programs as CSV.", file=file)


class RowCounter:
    """Counts a sheet's rows and cells as they are read, and refuses the first row past `limits`."""

    def __init__(self, file: str, limits: ReadLimits):
        self.file, self.limits = file, limits
        self.filled = 0
        self.cells = 0

    def check(self, number: int, cells: list[str]) -> list[str]:
        """The row's cells (trailing blank cells past the column limit dropped); InputError past a limit."""
        limits = self.limits
        if len(cells) > limits.columns:
            if any(cell.strip() for cell in cells[limits.columns:]):
                last = max(i for i, cell in enumerate(cells) if cell.strip()) + 1
                raise InputError(Problem(file=self.file, row=number, message=(
                    f"this row has {last:,} columns; a sheet may have at most {limits.columns:,} (Excel's limit, "
                    "column XFD). Delete the columns you do not use, or save only the program columns.")))
            cells = cells[:limits.columns]
        self.cells += len(cells)
        if any(cell.strip() for cell in cells):
            self.filled += 1
            if self.filled > limits.rows + HEADER_ROWS:
                raise InputError(Problem(file=self.file, row=number, message=(
                    f"the sheet has more than {limits.rows:,} programs (reading stopped at this row); "
                    f"{limits.where} reads at most {limits.rows:,}. {limits.advice}")))
        if self.cells > limits.cells:
            raise self.too_many_cells(number)
        return cells

    def too_many_cells(self, number: int) -> InputError:
        """The refusal of a sheet that spans more than `limits.cells` cells, at row `number`."""
        limits = self.limits
        return InputError(Problem(file=self.file, row=number, message=(
            f"the sheet spans more than {limits.cells:,} cells (rows times columns, reading stopped at this row); "
            f"{limits.where} reads at most {limits.cells:,}. Delete the columns and rows you do not use. "
            f"{limits.advice}")))


def too_many_programs(file: str, count: int, limits: ReadLimits) -> InputError:
    """The refusal of a table of `count` programs, more than `limits.rows`."""
    return InputError(f"the sheet has {count:,} programs; {limits.where} reads at most {limits.rows:,}. "
                      f"{limits.advice}", file=file)
