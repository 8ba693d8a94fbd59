"""Reading and checking the applicant's program sheet (CSV or XLSX): sheet -> ProgramTable (writing one is
output/program_sheet.py's; `validate`'s text is output/render_validate.py's).

The reader never changes the input file and never lets a bad cell through silently: `validate_programs` collects
every problem (file, spreadsheet row with the header as row 1, the column as the user wrote it, the value, and what
to write instead); `read_programs` raises them all at once as one InputError.

Defaults for what the sheet does not say (a missing optional column, or a blank cell in it):
- program_type: community (the most common setting of programs that take many IMGs).
- visa: J-1, the likeliest single answer (its source is in data/sheet_defaults.toml); H-1B is not assumed. A cell
  saying it does not know ("unknown", "?", "TBD") is the visa "unknown": it lowers the chance, never excludes.
- img_pct: unknown (None: the model leaves the IMG-share term out). Cutoffs and the years-since-graduation limit: none.
- usce_required: no. alumni_from_my_school: 0. accepts_signals: yes (every IM program takes signals unless it
  opted out, AAIM 2026). apply and signal: blank (SmartPick decides). positions: unknown.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from optimizer.inputs import vocab
from optimizer.errors import InputError, Problem, describe_problems, shorten
from optimizer.inputs.headers import HeaderMap, Vocabulary, map_header
from optimizer.inputs.headers import column_letter
from optimizer.inputs.bounds import (COMMAND_LINE, ReadLimits, RowCounter, check_archive, check_file,
                                     too_many_programs)
from optimizer.inputs.programs import CANONICAL_COLUMNS, REQUIRED_COLUMNS, Program, ProgramTable
from optimizer.inputs.datafiles import load_bundled_toml
from optimizer.inputs.duplicates import near_duplicates

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
MAX_BLANK_RUN = 1000  # stop reading an XLSX after this many empty rows in a row (formatted but empty sheets)
MAX_CELL_CHARS = 10_000
Row = tuple[int, list[str]]  # (spreadsheet row number, header = 1; the cells as text)

# What SmartPick assumes when the sheet says nothing: (when the column is missing, when some cells are blank).
def _default_reasons() -> dict[str, tuple[str, str]]:
    """For each optional column: what a missing column means, and what a blank cell means. The visa default and
    its source live in data/sheet_defaults.toml."""
    visa = load_bundled_toml("sheet_defaults.toml")["visa"]
    return {
        "program_type": ("every program is treated as a community program",
                         "those programs are treated as community programs"),
        "visa": (f"every program is assumed to sponsor {visa['default']} only ({visa['why']}), which is wrong for some",
                 f"those programs are assumed to sponsor {visa['default']} only (the most common policy: "
                 f"{visa['why']})"),
        "img_pct": ("the share of IMG residents is treated as unknown: it neither raises nor lowers a program's "
                    "chance",
                    "their share of IMG residents is treated as unknown (it neither raises nor lowers their chance)"),
        "step1_cutoff": ("no Step 1 cutoff is assumed", ""),
        "step2_cutoff": ("no Step 2 CK cutoff is assumed", ""),
        "max_years_since_graduation": ("no limit on years since graduation is assumed", ""),
        "usce_required": ("US clinical experience is assumed not required", ""),
    }


# Columns whose blank cells are worth a warning (a blank cutoff or note simply means "none").
_WARN_BLANK = ("program_type", "visa", "img_pct")
DEFAULT_VISA = Program.__dataclass_fields__["visa"].default
DEFAULT_PROGRAM_TYPE = Program.__dataclass_fields__["program_type"].default


@dataclass
class ValidationReport:
    """What `validate_programs` found: programs read, every problem, warnings, and counts by canonical value."""

    rows: int
    errors: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=lambda: {"specialty": {}, "state": {}, "visa": {}})
    table: ProgramTable | None = None
    ignored_lookalikes: list[str] = field(default_factory=list)  # columns that look like a SmartPick one, not read

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        """The `smartpick validate --json` shape (see CONTRACT.md)."""
        return {"rows": self.rows,
                "errors": [{"row": p.row, "column": p.column, "value": p.value, "message": p.message}
                           for p in self.errors],
                "warnings": list(self.warnings),
                "counts": self.counts,
                # the same errors for a person: identical ones once, with their rows
                "error_lines": describe_problems(self.errors, with_file=False)}


# --- reading ---------------------------------------------------------------------------------------------------

def read_programs(path, sheet_name: str | None = None, data: bytes | None = None,
                  limits: ReadLimits = COMMAND_LINE) -> ProgramTable:
    """The programs of a CSV or XLSX sheet. Raises InputError listing every problem found, each with its place.
    `data`: the file's bytes, already in memory (an upload); `path` then only names it in messages. `limits`: the
    most the sheet may hold (inputs/bounds.py; the web app's are lower than the command line's)."""
    report = validate_programs(path, sheet_name, data, limits)
    if report.errors:
        raise InputError(report.errors, file=str(path))
    return report.table


def validate_programs(path, sheet_name: str | None = None, data: bytes | None = None,
                      limits: ReadLimits = COMMAND_LINE) -> ValidationReport:
    """Read and check a sheet without raising for the user's mistakes: they are in the report's `errors`."""
    file = str(path)
    try:
        header, rows, notes = read_grid(Path(path), sheet_name, data, limits)
    except InputError as error:
        return ValidationReport(rows=0, errors=list(error.problems))
    report = check_grid(file, header, rows, notes)
    if report.rows > limits.rows:
        return ValidationReport(rows=0, errors=too_many_programs(file, report.rows, limits).problems)
    return report


def read_grid(path: Path, sheet_name: str | None, data: bytes | None = None,
              limits: ReadLimits = COMMAND_LINE) -> tuple[Row, list[Row], list[str]]:
    """(the header row, the data rows after it, reader notes) of a CSV or XLSX file (or of its bytes, `data`).

    The header is the first row that names the program columns (title, notes and blank rows above it are skipped);
    in a workbook without `sheet_name`, the first visible sheet that has such a header. Hidden rows, totals rows and
    exact copies of an earlier row are left out; cells of a merged block take the block's value. Each of these
    is said in a note. A sheet past `limits` (rows, columns, cells, or an archive that would unpack too large) is
    refused at the first row past them, with an InputError naming it.
    """
    data = _read_bytes(path) if data is None else _check_not_empty(path, data)
    notes = []
    kind = _file_kind(path, data)
    counter = RowCounter(str(path), limits)
    if kind == "xlsx":
        grid, hidden = _xlsx_rows(path, sheet_name, notes, data, counter)
    else:
        if sheet_name:
            notes.append(f"--sheet '{sheet_name}' is ignored: {path.name} is a CSV file, which has one sheet.")
        grid, hidden = _csv_rows(path, _decode(path, data), counter), set()
    header, rows = _split_header(path, grid, notes)
    rows = [(number, _years_of_date_texts(cells)) for number, cells in rows]
    return header, _data_rows(header, rows, hidden, notes), notes


def _data_rows(header: Row, rows: list[Row], hidden: set[int], notes: list[str]) -> list[Row]:
    """The rows under the header without hidden rows, totals rows and exact copies of an earlier row (noted)."""
    name_positions = [i for i, cell in enumerate(header[1])
                      if vocab.canonical_column(vocab.clean_text(cell)) in ("program", "program_id")]
    required = [i for i, cell in enumerate(header[1])
                if vocab.canonical_column(vocab.clean_text(cell)) in ("city", "state", "specialty")]
    kept, skipped_hidden, totals, copies, seen, labels = [], [], [], {}, {}, []
    for number, cells in rows:
        if not "".join(cells).strip():
            kept.append((number, cells))
            continue
        if number in hidden:
            skipped_hidden.append(number)
            continue
        if _is_section_label(cells):
            labels.append((number, next(vocab.clean_text(c) for c in cells if vocab.clean_text(c))))
            continue
        if _is_totals_row(cells, name_positions, required):
            totals.append((number, next(vocab.clean_text(c) for c in cells if vocab.clean_text(c))))
            continue
        filled = len(cells)  # an exact copy: the same cells as typed, up to the last filled one
        while filled and not cells[filled - 1].strip():
            filled -= 1
        key = tuple(cells[:filled])
        first = seen.setdefault(key, number)
        if first != number:
            copies.setdefault(first, []).append(number)
            continue
        kept.append((number, cells))
    if skipped_hidden:
        notes.append(f"{_rows_text(skipped_hidden).capitalize()} {'are' if len(skipped_hidden) > 1 else 'is'} "
                     "hidden in the workbook and not read. Unhide them (or clear the filter) if they hold programs "
                     "you want SmartPick to consider.")
    for number, text in totals:
        notes.append(f"Row {number} looks like a totals row ('{shorten(text, 30)}'), not a program: not read.")
    if labels:
        examples = ", ".join(f"'{shorten(text, 30)}'" for _, text in labels[:3])
        several = len(labels) > 1
        notes.append(f"{_rows_text([n for n, _ in labels]).capitalize()} look{'' if several else 's'} like "
                     f"{'section labels' if several else 'a section label'} ({examples}), not "
                     f"{'programs' if several else 'a program'}: not read.")
    for first, numbers in copies.items():
        notes.append(f"{_rows_text(numbers).capitalize()} repeat{'s' if len(numbers) == 1 else ''} row {first} "
                     "exactly: the copies are not read. Delete them from the sheet to silence this.")
    return kept


_DECORATION = " -=*#_~:|[]<>•"
# The last word of a heading over a group of programs: "Indiana programs", "Chicago suburbs", "Reach list".
_LABEL_WORDS = frozenset({"programs", "programmes", "hospitals", "suburbs", "area", "region", "section", "list",
                          "options", "reaches", "safeties"})


def _is_section_label(cells) -> bool:
    """A row with one filled cell that reads as a heading: '--- ILLINOIS ---', 'CHICAGO PROGRAMS', 'Illinois:',
    'Family Medicine' (a state or specialty alone). A program name alone (even in capitals) is not one."""
    if sum(1 for c in cells if c and not c.isspace()) != 1:  # most rows: several cells, no label
        return False
    filled = [vocab.clean_text(c) for c in cells if vocab.clean_text(c)]
    if len(filled) != 1:
        return False
    text = filled[0]
    core = text.strip(_DECORATION)
    if not core:
        return True
    if core != text:  # decorated: "--- ILLINOIS ---", "== Community programs ==", "Illinois:"
        return True
    words = core.lower().split()
    return words[-1] in _LABEL_WORDS or vocab.canonical_state(core) is not None \
        or vocab.canonical_specialty(core) is not None


_TOTALS = re.compile(r"^(grand\s+|sub\s*)?(totals?|sum|count|average|avg|mean)\b", re.IGNORECASE)


def _is_totals_row(cells, name_positions: list[int], required: list[int]) -> bool:
    """A row such as 'Total | | | 45' or 'Grand total: 40 programs': a label where the name goes, and no city,
    state or specialty."""
    label = next((cells[i].strip() for i in name_positions if i < len(cells) and cells[i].strip()), None)
    if label is None:
        label = next((cell.strip() for cell in cells if cell.strip()), "")
    if not _TOTALS.match(label):
        return False
    return not all(i < len(cells) and vocab.clean_text(cells[i]) for i in required)


def _read_bytes(path: Path) -> bytes:
    file = str(path)
    check_file(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found. Check the path and the file name (run `smartpick init DIR` to get a "
                         "template sheet).", file=file) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a sheet. Give the path of a .csv or .xlsx file.", file=file) from None
    except PermissionError:
        raise InputError("SmartPick is not allowed to read this file. Check its permissions, or copy it to a "
                         "folder of your own.", file=file) from None
    except OSError as error:
        raise InputError(f"the file cannot be read ({error.strerror or error}). Check the path.", file=file) from None
    except ValueError:  # e.g. a NUL character in the name
        raise InputError("this is not a valid file name. Check the path.", file=file.replace("\x00", "")) from None
    return _check_not_empty(path, data)


def _check_not_empty(path: Path, data: bytes) -> bytes:
    if not data.strip():
        raise InputError("the file is empty. Put a header row (program, city, state, specialty, ...) and one row "
                         "per program in it, or run `smartpick init DIR` for a template.", file=str(path))
    return data


def _file_kind(path: Path, data: bytes) -> str:
    """'xlsx' or 'csv', from the content first (files are often misnamed), else an InputError saying what to do."""
    file, suffix = str(path), path.suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        if suffix in (".ods", ".numbers"):
            raise InputError("this spreadsheet format cannot be read. Save it as .xlsx (Excel) or .csv and try "
                             "again.", file=file)
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("this is an old Excel file (.xls), which SmartPick cannot read. Open it in Excel and save "
                         "it as .xlsx (File > Save As > Excel Workbook) or as CSV UTF-8.", file=file)
    if suffix in EXCEL_SUFFIXES:
        raise InputError("the file is named .xlsx but is not a valid Excel file (it may be damaged or only "
                         "partly downloaded). Open it in Excel and save it again, or export it as CSV.", file=file)
    if suffix == ".xls":
        raise InputError("this is an old Excel file (.xls), which SmartPick cannot read. Open it in Excel and save "
                         "it as .xlsx or as CSV UTF-8.", file=file)
    return "csv"


def _decode(path: Path, data: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (Excel's usual export)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                          (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:4096]:
        utf16 = _guess_utf16(data)
        if utf16 is not None:
            return utf16
        raise InputError("this is not a text or Excel file (it looks like binary data). Save your sheet as .xlsx "
                         "or .csv and give that file.", file=str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if _looks_binary(text):
        raise InputError("this is not a text or Excel file (it looks like binary data). Save your sheet as .xlsx "
                         "or .csv and give that file.", file=str(path))
    return text


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 text without a BOM (every other byte zero), or None."""
    sample = data[:4096]
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros and zeros.count(0) / len(zeros) > 0.9:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    return controls > max(2, len(sample) // 100)


def _csv_rows(path: Path, text: str, counter: RowCounter | None = None) -> list[Row]:
    """Rows of CSV text as (spreadsheet row, cells), with the delimiter (comma, semicolon, tab) sniffed; `counter`
    refuses a row past the sheet's limits."""
    text = text.replace("\x00", "")
    delimiter = _sniff_delimiter(text)
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            rows.append((number, counter.check(number, cells) if counter else cells))
    except csv.Error as error:
        raise InputError(f"the file is not a readable CSV ({error}) near row {len(rows) + 1}. Open it in Excel "
                         "and save it again as CSV UTF-8.", file=str(path)) from None
    return rows


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-empty line into the most cells (comma on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_count = ",", 1
    for delimiter in (",", ";", "\t", "|"):
        try:
            count = len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _xlsx_rows(path: Path, sheet_name: str | None, notes: list[str], data: bytes,
               counter: RowCounter) -> tuple[list[Row], set[int]]:
    """(rows of one worksheet as (row number, cell texts), the numbers of its hidden rows), from the file's bytes:
    the sheet named `sheet_name`, else the first visible sheet whose header names the program columns (said in
    `notes` when it is not the only sheet). Cells of a block merged across rows take the block's value."""
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    import openpyxl

    file = str(path)
    check_archive(file, io.BytesIO(data), counter.limits)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # openpyxl raises many kinds of errors for a damaged file (zip, XML, missing parts); all mean the same to a user.
    except Exception:
        raise InputError("this Excel file cannot be opened (it may be damaged, password-protected or only partly "
                         "downloaded). Open it in Excel and save it again, or export it as CSV.", file=file) from None
    try:
        sheet = _pick_sheet(workbook, sheet_name, file, notes)
        rows = list(_sheet_rows(sheet, file, counter))
        width = max((len(cells) for _, cells in rows), default=0)
        if width * len(rows) > counter.limits.cells:
            raise counter.too_many_cells(rows[-1][0])
        for _, cells in rows:  # every row as wide as the widest, as the sheet shows them
            cells.extend([""] * (width - len(cells)))
        hidden, merged = _sheet_layout(data, workbook.sheetnames.index(sheet.title),
                                       rows[-1][0] if rows else 0, counter.limits.cells)
    finally:
        workbook.close()
    return _fill_merged(rows, merged), hidden


def locate_programs(path, sheet_name: str | None = None) -> tuple[str, int]:
    """(the sheet title, the header row number) the reader uses in an XLSX workbook, for writing beside it."""
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    import openpyxl

    check_archive(str(path), path)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = _pick_sheet(workbook, sheet_name, str(path), [])
        rows = [(number, [_excel_text(cell) for cell in cells])
                for number, cells in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS), start=1)]
        index, _ = _header_index(rows)
        return sheet.title, rows[index][0] if index is not None else 1
    finally:
        workbook.close()


def _pick_sheet(workbook, sheet_name: str | None, file: str, notes: list[str]):
    names = workbook.sheetnames
    if not sheet_name:
        visible = [sheet for sheet in workbook.worksheets if getattr(sheet, "sheet_state", "visible") == "visible"]
        if not visible:
            raise InputError("the workbook has no worksheet with data. Put your programs on the first sheet.",
                             file=file)
        chosen = next((sheet for sheet in visible if _has_program_header(sheet)), visible[0])
        others = [name for name in names if name != chosen.title]
        if others:
            skipped = [sheet.title for sheet in visible[:visible.index(chosen)]]
            why = (f" ({', '.join(repr(name) for name in skipped)} {'has' if len(skipped) == 1 else 'have'} no "
                   "program columns)") if skipped else ""
            notes.append(f"Programs read from the sheet '{chosen.title}'{why}. The workbook also has "
                         f"{', '.join(repr(name) for name in others)}: choose another with --sheet NAME.")
        return chosen
    matches = [name for name in names if name == sheet_name] or \
              [name for name in names if name.strip().lower() == sheet_name.strip().lower()]
    if not matches:
        listed = ", ".join(f"'{name}'" for name in names)
        raise InputError(f"there is no sheet named '{sheet_name}'. The sheets in this file are: {listed}. "
                         "Give one of them with --sheet, or leave --sheet out to read the first.", file=file)
    return workbook[matches[0]]


def _has_program_header(sheet) -> bool:
    """True when one of the sheet's first rows names the four required columns."""
    try:
        rows = [(number, [_excel_text(cell) for cell in cells])
                for number, cells in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS), start=1)]
    except Exception:  # a damaged sheet: reading it for real says so
        return False
    return _header_index(rows)[1] == len(REQUIRED_COLUMNS)


def _sheet_layout(data: bytes, index: int, last_row: int,
                  most_cells: int) -> tuple[set[int], list[tuple[int, int, int, int]]]:
    """(hidden row numbers, merged blocks as (first row, last row, first column, last column), 1-based) of the
    index-th sheet, read from the workbook's XML (openpyxl's fast reader does not keep them); empty if unreadable.
    The XML is scanned a chunk at a time (a worksheet may unpack to hundreds of MB); only rows up to `last_row`
    (the last row read) count, and merged blocks stop counting once they cover `most_cells` cells."""
    hidden: set[int] = set()
    merged: list[tuple[int, int, int, int]] = []
    covered = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            links = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            ids = re.findall(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", book)
            targets = {}
            for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", links):
                attributes = dict(re.findall(r"\b(Id|Target)=\"([^\"]*)\"", tag))
                targets[attributes.get("Id")] = attributes.get("Target", "")
            target = targets[ids[index]].lstrip("/")
            with archive.open(target if target.startswith("xl/") else f"xl/{target}") as stream:
                carry = ""
                while chunk := stream.read(1 << 20):
                    text = carry + chunk.decode("utf-8", "replace")
                    cut = text.rfind(">") + 1
                    text, carry = text[:cut], text[cut:][-4096:]  # a tag cut by the chunk is read with the next
                    for tag in re.findall(r"<(?:\w+:)?row\b[^>]*>", text):
                        number = re.search(r"\br=\"(\d+)\"", tag)
                        if number and int(number.group(1)) <= last_row and re.search(r"\bhidden=\"(1|true)\"", tag):
                            hidden.add(int(number.group(1)))
                    for ref in re.findall(r"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"", text):
                        first_col, first_row, last_col, end_row = ref
                        block = (int(first_row), min(int(end_row), last_row), _column_index(first_col),
                                 _column_index(last_col))
                        if block[0] >= block[1]:
                            continue  # within one row (a title), or below the rows read
                        covered += (block[1] - block[0]) * (block[3] - block[2] + 1)
                        if covered > most_cells:
                            break
                        merged.append(block)
    except (KeyError, IndexError, OSError, zipfile.BadZipFile, zlib.error):
        return set(), []
    return hidden, merged


def _column_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _fill_merged(rows: list[Row], merged: list[tuple[int, int, int, int]]) -> list[Row]:
    """Copy the value of each block merged across rows into the block's other rows (a specialty or a hospital
    merged over its programs); blocks within one row (titles) keep their value in the first cell only."""
    blocks = [block for block in merged if block[1] > block[0]]
    if not blocks:
        return rows
    by_number = {number: i for i, (number, _) in enumerate(rows)}
    for first_row, last_row, first_col, last_col in blocks:
        if first_row not in by_number:
            continue
        top = rows[by_number[first_row]][1]
        for number in range(first_row + 1, last_row + 1):
            if number not in by_number:
                continue
            cells = rows[by_number[number]][1]
            for column in range(first_col - 1, last_col):
                if column < len(top) and top[column]:
                    cells.extend([""] * (column + 1 - len(cells)))
                    if not cells[column]:
                        cells[column] = top[column]
    return rows


def _sheet_rows(sheet, file: str, counter: RowCounter):
    blank_run, number = 0, 0
    sheet.reset_dimensions()  # rows as long as their cells, not padded to a size the file claims (XFD1048576)
    try:
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            texts = counter.check(number, [_excel_text(cell) for cell in cells])
            blank_run = blank_run + 1 if not any(texts) else 0
            if blank_run > MAX_BLANK_RUN:
                return
            yield number, texts
    except InputError:
        raise
    except ValueError as error:
        if "column name" not in str(error):  # openpyxl's words for a cell past column ZZZ (18,278)
            raise InputError("part of this Excel file is damaged and cannot be read. Open it in Excel and save it "
                             "again, or export it as CSV.", file=file) from None
        raise InputError(Problem(file=file, row=number + 1, message=(
            f"this row has cells past column ZZZ; a sheet may have at most {counter.limits.columns:,} columns "
            "(Excel's limit, column XFD). Delete the columns you do not use, or save only the program columns."
        ))) from None
    except Exception:  # damaged sheet XML surfaces only while iterating
        raise InputError("part of this Excel file is damaged and cannot be read. Open it in Excel and save it "
                         "again, or export it as CSV.", file=file) from None


def _excel_text(cell) -> str:
    """A cell as the text the user sees: 45% stays '45%', 220.0 becomes '220', TRUE becomes 'yes'."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{number_text(round(value * 100, 10))}%"
        return number_text(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return _date_text(value)
    return str(value)


# How Excel writes a date of 1904-1905 (a year typed into a date-formatted cell) when it saves a CSV.
_DATE_1905 = re.compile(r"^(?:(190[45])-(\d\d?)-(\d\d?)(?:[ T]0?0:00(?::00)?)?|(\d\d?)/(\d\d?)/(190[45])"
                        r"(?: 0?0:00(?::00)?)?)$")


def _years_of_date_texts(cells: list[str]) -> list[str]:
    """The cells with each year a CSV saved from a date-formatted cell ('1905-07-12 00:00:00') back as the year."""
    if not any("190" in cell for cell in cells):  # nearly every row
        return cells
    return [_year_of_date_text(cell) if "190" in cell else cell for cell in cells]


def _year_of_date_text(text: str) -> str:
    """'1905-07-12 00:00:00' or '7/12/1905' (2020 typed into a date-formatted cell, saved as CSV) -> '2020'; any
    other text as it is."""
    match = _DATE_1905.match(text.strip())
    if not match:
        return text
    year, month, day = (match.group(1), match.group(2), match.group(3)) if match.group(1) else \
        (match.group(6), match.group(4), match.group(5))
    try:
        return _date_text(datetime.date(int(year), int(month), int(day)))
    except ValueError:
        return text


_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # day 0 of Excel's date serials (1900 date system)


def _date_text(value) -> str:
    """A date cell as the user meant it: a year typed into a date-formatted cell (2020 is shown as 1905-07-12)
    is the year again; a date alone is '2026-11-03', without a midnight time."""
    moment = value if isinstance(value, datetime.datetime) else datetime.datetime.combine(value, datetime.time())
    if moment.time() == datetime.time():
        serial = (moment - _EXCEL_EPOCH).days
        if 1900 <= serial <= 2100:  # no sheet of programs or applicants holds a real date in 1905
            return str(serial)
        return moment.date().isoformat()
    return moment.isoformat(sep=" ")


def number_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


HEADER_SEARCH_ROWS = 30  # a title, notes and blank rows above the header: look this far down for it


def _header_index(grid: list[Row]) -> tuple[int | None, int]:
    """(index in `grid` of the header row, how many required columns it names): the first of the first rows
    naming all required columns, else the one naming the most canonical columns (at least two), else the first
    row with text."""
    first, best, best_count, best_required = None, None, 1, 0
    for index, (number, cells) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = [vocab.clean_text(cell) for cell in cells]
        if not any(texts):
            continue
        first = index if first is None else first
        columns = {vocab.canonical_column(text) for text in texts if text} - {None}
        required = sum(column in columns for column in REQUIRED_COLUMNS)
        if required == len(REQUIRED_COLUMNS):
            return index, required
        if len(columns) > best_count:
            best, best_count, best_required = index, len(columns), required
    if best is None:
        return first, 0 if first is None else _required_count(grid[first][1])
    return best, best_required


def _required_count(cells) -> int:
    columns = {vocab.canonical_column(vocab.clean_text(cell)) for cell in cells}
    return sum(column in columns for column in REQUIRED_COLUMNS)


def _split_header(path: Path, grid: list[Row], notes: list[str]) -> tuple[Row, list[Row]]:
    """(header row number, header cells) and the data rows after it; rows above the header are noted."""
    start, _ = _header_index(grid)
    if start is None:
        raise InputError("the file has no rows with text. Put a header row (program, city, state, specialty, "
                         "...) and one row per program in it.", file=str(path))
    above = [number for number, cells in grid[:start] if any(vocab.clean_text(c) for c in cells)]
    if above:
        several = len(above) > 1
        notes.append(f"Row {grid[start][0]} is read as the header; the row{'s' if several else ''} above it "
                     f"({', '.join(map(str, above))}) {'look' if several else 'looks'} like a title or notes and "
                     f"{'are' if several else 'is'} not read.")
    return grid[start], grid[start + 1:]


# --- checking --------------------------------------------------------------------------------------------------

def check_grid(file, header, rows, notes) -> ValidationReport:
    """Check header and rows; return the report (with the table when there are no errors)."""
    errors, warnings = [], list(notes)
    columns = _map_header(file, header, rows, errors, warnings)
    data_rows = [(number, cells) for number, cells in rows if any(vocab.clean_text(c) for c in cells)]
    report = ValidationReport(rows=len(data_rows), errors=errors, warnings=warnings,
                              ignored_lookalikes=list(columns.ignored_lookalikes))
    if not data_rows:
        errors.append(Problem(file=file, message="the sheet has a header row but no programs. Add one row per "
                                                 "program under the header."))
    if any(p.row is None and p.column in REQUIRED_COLUMNS for p in errors):
        return report  # without a required column every row would repeat the same problem
    blanks: dict[str, list[int]] = {}
    parsed, programs = [], []
    memo: dict = {}
    noted: dict[tuple[str, str], list[int]] = {}
    for number, cells in data_rows:
        values = _check_row(file, number, cells, columns, errors, blanks, memo, noted)
        _count(report.counts, values)
        parsed.append((number, values))
        if values.get("_ok"):
            programs.append(_make_program(number, values, columns))
    errors.extend(_duplicates(file, parsed, columns))
    warnings.extend(near_duplicate_warnings(programs))
    errors.sort(key=lambda problem: problem.row or 0)  # file and header problems first, then row by row
    warnings.extend(_blank_warnings(blanks, columns))
    warnings.extend(_noted_warnings(noted, columns))
    if not errors:
        report.table = ProgramTable(programs=tuple(programs), source=file,
                                    extra_columns=tuple(name for name, _ in columns.extra),
                                    warnings=tuple(warnings))
    return report


# The programs sheet's header words (optimizer/inputs/vocab.py), with what a column of the user's own may look like.
PROGRAM_HEADERS = Vocabulary(column_of=vocab.canonical_column, guess=vocab.guess_column, words=vocab.COLUMN_WORDS,
                         spelling=lambda column: vocab.HEADER_ALIASES[column][1])


def _map_header(file, header, rows, errors, warnings) -> HeaderMap:
    """Map the header cells to canonical columns (inputs/headers.py); clashes and missing required columns go to
    `errors`, unnamed columns, lookalikes and missing optional columns to `warnings`."""
    header_row, cells = header
    columns = map_header(file, header_row, cells, PROGRAM_HEADERS, rows)
    errors.extend(columns.problems)
    warnings.extend(columns.warnings)
    for column in REQUIRED_COLUMNS:
        if column not in columns.canonical:
            errors.append(Problem(file=file, column=column,
                                  message=f"the sheet has no '{column}' column, which SmartPick needs. Add it, with "
                                          f"a header such as {vocab.header_help(column)}."))
    warnings.extend(_missing_column_warnings(columns.canonical))
    return columns


def _missing_column_warnings(canonical: dict[str, int]) -> list[str]:
    warnings = []
    reasons = _default_reasons()
    for column, (reason, _) in reasons.items():
        if column not in canonical:
            warnings.append(f"No '{column}' column: {reason}. Add a column with a header such as "
                            f"{vocab.header_help(column, 3)} to say it per program.")
    quiet = [c for c in CANONICAL_COLUMNS if c not in canonical and c not in reasons
             and c not in REQUIRED_COLUMNS and c != "program_id"]
    if quiet:
        warnings.append("Columns not in the sheet, left at their defaults: " + ", ".join(quiet) + ".")
    return warnings


_UNIQUE_COLUMNS = frozenset({"program", "program_id", "institution", "notes"})


def _check_row(file, number, cells, columns: HeaderMap, errors, blanks, memo: dict, noted: dict) -> dict:
    """Parse one row's cells into canonical values; each bad cell becomes a Problem in `errors`. `memo` holds the
    parse of each (column, cell) already seen in this sheet: sheets repeat the same states, visas and cutoffs."""
    values, first_error, failed = {}, len(errors), set()
    if len(cells) > columns.width and any(vocab.clean_text(c) for c in cells[columns.width:]):
        stray = next(vocab.clean_text(c) for c in cells[columns.width:] if vocab.clean_text(c))
        errors.append(Problem(file=file, row=number, column=f"column {column_letter(columns.width)}", value=stray,
                              message=f"this row has {len(cells)} cells but the header has {columns.width}. A comma "
                                      "inside a name shifts the cells: put such names in double quotes, or add a "
                                      "header for the extra column."))
    n_cells = len(cells)
    for column, position in columns.canonical.items():
        raw = cells[position] if position < n_cells else ""
        if column in _UNIQUE_COLUMNS:  # a name or id differs on every row: nothing to remember
            parsed = _parse_cell(column, raw)
        else:
            seen = memo.setdefault(column, {})
            try:
                parsed = seen.get(raw)
            except TypeError:  # an unhashable cell value: parse it without the memo
                parsed = _parse_cell(column, raw)
            if parsed is None:
                parsed = seen[raw] = _parse_cell(column, raw)
        text, result, message = parsed
        if isinstance(result, _Noted):
            noted.setdefault((column, result.note), []).append(number)
            result = _BLANK if result.value is None else result.value
        if isinstance(result, _Soft):
            values.setdefault("_soft", []).append(column)
            result = result.value
        if result is _UNKNOWN:
            errors.append(_cell_problem(file, number, columns, column, text, message))
            failed.add(column)
        elif result is _BLANK:
            blanks.setdefault(column, []).append(number)
        else:
            values[column] = result
    if "city" in values:
        _read_city(file, number, columns, values, errors, noted)
    if "visa" not in failed:
        values.setdefault("visa", DEFAULT_VISA)  # counted by visa even when another cell of the row is wrong
    for name, position in columns.extra:
        values.setdefault("_extra", []).append((name, vocab.clean_lines(cells[position]) if position < len(cells)
                                                else ""))
    values["_ok"] = len(errors) == first_error
    return values


def _read_city(file, number, columns: HeaderMap, values: dict, errors: list, noted: dict) -> None:
    """The city alone in `values` ('Chicago, IL' -> 'Chicago'), so that the home city and metro are found; a
    neighbourhood in brackets is noted, a state other than the row's is an error."""
    text = values["city"]
    try:
        city, note = vocab.read_city(text, values.get("state"))
    except ValueError as error:
        errors.append(_cell_problem(file, number, columns, "city", text, str(error)))
        return
    values["city"] = city
    if note:
        noted.setdefault(("city", note), []).append(number)


def _parse_cell(column: str, raw) -> tuple:
    """(clean text, parsed value or a sentinel, message) of one cell; pure, so `_check_row` memoizes it."""
    text = vocab.clean_lines(raw) if column == "notes" else vocab.clean_text(raw)
    try:
        result = _PARSERS[column](text)
    except ValueError as error:
        return text, _UNKNOWN, str(error)
    return text, result, _unknown_message(column, text) if result is _UNKNOWN else ""


def _cell_problem(file, number, columns, column, text, message) -> Problem:
    return Problem(file=file, row=number, column=columns.written[column], value=shorten(text), message=message)


# Sentinels from the cell parsers: a blank cell (the column default applies) and an unrecognized word.
_BLANK, _UNKNOWN = object(), object()


@dataclass(frozen=True)
class _Noted:
    """A cell read with an assumption the user must hear about: the value used, and the note for the warning."""

    value: object
    note: str


def _visa_cell(text):
    if vocab.says_unknown(text):  # the sheet says it does not know: its own answer, never the default
        return "unknown"
    if vocab.is_blank(text):
        return _BLANK
    value, note = vocab.read_program_visa(text, DEFAULT_VISA)
    if value is None:
        return _UNKNOWN
    return _Noted(value, note) if note else value


def _percent_cell(text):
    if vocab.is_blank(text):
        return _BLANK
    value, note = vocab.read_percent(text)
    return _Noted(value, note) if note else value


@dataclass(frozen=True)
class _Soft:
    """A cutoff the program only prefers ('230 (recommended)'): it lowers the chance instead of excluding."""

    value: int


def _cutoff_cell(text):
    value, soft = vocab.read_cutoff(text)
    if soft:
        return _Noted(_Soft(value), f"'{text}' is read as a preferred score of {value}: being below it lowers "
                                    "your chance there but does not rule the program out. Write the number "
                                    "alone if it is a firm cutoff")
    return value


def _apply_cell(text):
    value, note = vocab.read_apply(text)
    return _Noted(value, note) if note else value


def _required_text(text):
    if vocab.is_blank(text):
        raise ValueError("this cell is empty, and SmartPick needs it. Fill it in, or delete the row.")
    if len(text) > MAX_CELL_CHARS:
        raise ValueError(f"this cell is over {MAX_CELL_CHARS} characters long. Shorten it.")
    return text


def _optional_text(text):
    if len(text) > MAX_CELL_CHARS:
        raise ValueError(f"this cell is over {MAX_CELL_CHARS} characters long. Shorten it.")
    return text


def _choice(parse):
    """A parser for a column with a default: blank -> _BLANK, unrecognized -> _UNKNOWN."""
    def parse_cell(text):
        if vocab.is_blank(text):
            return _BLANK
        result = parse(text)
        return _UNKNOWN if result is None else result
    return parse_cell


def _required_choice(parse):
    def parse_cell(text):
        _required_text(text)
        result = parse(text)
        return _UNKNOWN if result is None else result
    return parse_cell


def _with_blank(parse):
    """A value parser whose blank cells are worth counting for a warning."""
    def parse_cell(text):
        return _BLANK if vocab.is_blank(text) else parse(text)
    return parse_cell


_PARSERS = {
    "program_id": lambda text: None if vocab.is_blank(text) else text,
    "program": _required_text,
    "institution": _optional_text,
    "city": _required_text,
    "state": _required_choice(vocab.canonical_state),
    "specialty": _required_choice(vocab.canonical_specialty),
    "program_type": _choice(vocab.parse_program_type),
    "img_pct": _percent_cell,
    "visa": _visa_cell,
    "step1_cutoff": _cutoff_cell,
    "step2_cutoff": _cutoff_cell,
    "max_years_since_graduation": vocab.parse_years,
    "usce_required": vocab.parse_bool,
    "alumni_from_my_school": vocab.parse_alumni,
    "positions": lambda text: vocab.parse_count(text, low=1, high=500, what="number of positions"),
    "apply": _apply_cell,
    "accepts_signals": vocab.parse_bool,
    "signal": vocab.parse_signal,
    "notes": _optional_text,
}


def _unknown_message(column: str, text: str) -> str:
    if column == "specialty":
        note = vocab.specialty_note(text)
        if note:
            return f"{note}. {vocab.SPECIALTY_HELP}"
        near = vocab.suggest_specialty(text)
        hint = f"Did you mean {' or '.join(repr(n) for n in near)}? " if near else ""
        return f"not a specialty SmartPick knows. {hint}{vocab.SPECIALTY_HELP}"
    if column == "visa" and vocab.read_program_visa(text)[0] is None and re.search(r"(?i)\b(no|not|n)\b", text) \
            and re.search(r"(?i)[jh]\s*-?\s*1", text):
        return ("cannot tell which visa this says no to. Write one answer per visa, e.g. 'J-1: yes / H-1B: no', "
                "or " + vocab.VISA_HELP[0].lower() + vocab.VISA_HELP[1:])
    reason, help_text = {
        "state": ("not a US state SmartPick knows", vocab.STATE_HELP),
        "visa": ("not a visa answer SmartPick knows", vocab.VISA_HELP),
        "program_type": ("not a program type SmartPick knows", vocab.PROGRAM_TYPE_HELP),
    }[column]
    return f"{reason}. {help_text}"


def _count(counts: dict, values: dict) -> None:
    """Add a row's specialty, state and visa (after defaults) to the counts."""
    for key in ("specialty", "state"):
        if key in values:
            counts[key][values[key]] = counts[key].get(values[key], 0) + 1
    if "visa" in values:
        counts["visa"][values["visa"]] = counts["visa"].get(values["visa"], 0) + 1


_PROGRAM_FIELDS = frozenset(CANONICAL_COLUMNS)


def _make_program(number: int, values: dict, columns: HeaderMap) -> Program:
    """A Program from a row's parsed values; what the row does not say takes the Program defaults."""
    fields = {k: v for k, v in values.items() if v is not None and k in _PROGRAM_FIELDS}
    fields["program_id"] = _program_id(values)
    return Program(**fields, row=number, extra=tuple(values.get("_extra", ())),
                   soft_cutoffs=tuple(values.get("_soft", ())))


def _program_id(values: dict) -> str | None:
    """The sheet's id, else one derived from name, specialty and city (None when one of them is unreadable)."""
    if values.get("program_id"):
        return values["program_id"]
    if all(values.get(key) for key in ("program", "specialty", "city")):
        return derive_program_id(values["program"], values["specialty"], values["city"])
    return None


@functools.lru_cache(maxsize=1 << 16)
def _key_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", vocab._fold(text))


def derive_program_id(program: str, specialty: str, city: str) -> str:
    """A stable id for a row without one: a readable slug plus a short hash of name, specialty and city.

    Spelling variants the reader treats as the same program ('Cook County', 'COOK  county') get the same id.
    """
    key = "|".join((_key_text(program), _key_text(specialty), _key_text(city)))
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    slug = re.sub(r"[^a-z0-9]+", "-", vocab._fold(program)).strip("-")[:40].strip("-") or "program"
    return f"{slug}-{digest}"


def _duplicates(file, parsed: list[tuple[int, dict]], columns: HeaderMap) -> list[Problem]:
    """Rows naming the same program (name, specialty and city) twice, and repeated program ids."""
    problems, seen_program, seen_id, repeated = [], {}, {}, set()
    name_column = columns.written.get("program", "program")
    for number, values in parsed:
        program, specialty, city = values.get("program"), values.get("specialty"), values.get("city")
        if not (program and specialty and city):
            continue
        key = (_key_text(program), specialty, _key_text(city))
        first = seen_program.setdefault(key, number)
        if first != number:
            repeated.add(number)
            problems.append(Problem(
                file=file, row=number, column=name_column, value=values["program"],
                message=f"the same program as row {first} (same name, specialty and city). Delete one of the two "
                        "rows, or if they are different programs, make their names differ."))
    id_column = columns.written.get("program_id", "program_id")
    for number, values in parsed:
        program_id = _program_id(values)
        if program_id is None or number in repeated:
            continue
        first = seen_id.setdefault(program_id, number)
        if first != number:
            problems.append(Problem(
                file=file, row=number, column=id_column, value=program_id,
                message=f"the same program id as row {first}. Each program needs its own id: fix one of the two, "
                        "or leave the cell blank to let SmartPick make one."))
    return problems


def near_duplicate_warnings(programs) -> list[str]:
    """One warning naming the pairs of rows that look like one program written twice (same specialty and city,
    names alike): SmartPick never signals both of a pair."""
    pairs = near_duplicates(programs)
    if not pairs:
        return []
    listed = "; ".join(f"rows {a.row} and {b.row} ('{shorten(a.program, 50)}' and '{shorten(b.program, 50)}')"
                       for a, b in pairs[:5]) + (f"; and {len(pairs) - 5} more pairs" if len(pairs) > 5 else "")
    several = len(pairs) > 1
    return [f"{'These rows look' if several else 'Two rows look'} like one program written twice (same specialty "
            f"and city, names alike): {listed}. SmartPick never sends a signal to both of a pair. If they are one "
            "program, delete one row; if they are two, ignore this."]


def _rows_text(rows: list[int]) -> str:
    listed = ", ".join(str(r) for r in rows[:10]) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
    return f"row{'s' if len(rows) > 1 else ''} {listed}"


def _noted_warnings(noted: dict[tuple[str, str], list[int]], columns: HeaderMap) -> list[str]:
    """One warning per (column, assumption): which rows were read with it, and how to say it plainly."""
    return [f"Column '{columns.written[column]}' in {_rows_text(rows)}: {note}."
            for (column, note), rows in noted.items()]


def _blank_warnings(blanks: dict[str, list[int]], columns: HeaderMap) -> list[str]:
    """One warning per column with blank cells that matter: which rows, and the default they get."""
    warnings, reasons = [], _default_reasons()
    for column in _WARN_BLANK:
        rows = blanks.get(column)
        if not rows:
            continue
        listed = ", ".join(str(r) for r in rows[:10]) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
        reason = reasons[column][1]
        warnings.append(f"Column '{columns.written[column]}' is blank in row{'s' if len(rows) > 1 else ''} {listed}: "
                        f"{reason}. Fill them in if you know.")
    return warnings


# --- writing ---------------------------------------------------------------------------------------------------
