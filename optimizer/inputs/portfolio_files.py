"""Reading saved application lists (portfolios) for `smartpick compare`: file -> SavedPortfolio (its rows as written).

A portfolio is
- a list written by `smartpick solve --out` (CSV, XLSX or JSON), perhaps edited by hand since;
- a list a person made: a CSV or XLSX with a program_id column or a program-name column (any header the programs
  sheet accepts: "Program ID", "Program name", ...), optionally city, state, specialty (to tell apart programs of the
  same name) and signal (the ERAS signal placed on it); or a JSON list of such objects (or of program ids);
- a scenario file (.toml): the scenario is solved like `smartpick scenarios run` and its list is the portfolio
  (the solving is studies.scenarios.scenario_portfolio's; this module only reads).

Rows are only read here; which program each row means is decided in compare.py against the scored sheet. CSV and
XLSX decoding (encodings, delimiters, damaged files) is the programs-sheet reader's, so both read files alike.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from optimizer.inputs import vocab
from optimizer.errors import InputError, Problem
from optimizer.inputs.bounds import COMMAND_LINE, ReadLimits, check_archive
from optimizer.inputs.sheet import read_grid

LIST_SHEET = "Application list"  # the sheet `solve --out F.xlsx` writes the list to
ROW_COLUMNS = ("program_id", "program", "city", "state", "specialty", "signal")
SCENARIO_SUFFIXES = (".toml",)


@dataclass(frozen=True)
class PortfolioRow:
    """One row of a saved list, as written (blank cells are None); `signal` is a canonical kind or None."""

    row: int  # spreadsheet row (header = row 1), or the item number in a JSON list
    program_id: str | None = None
    program: str | None = None
    city: str | None = None
    state: str | None = None
    specialty: str | None = None
    signal: str | None = None

    def label(self) -> str:
        """What the row names, for messages: "'Mercy Hospital IM' (IL-123)"."""
        parts = [f"'{self.program}'" if self.program else "", f"({self.program_id})" if self.program_id else ""]
        return " ".join(p for p in parts if p) or "(no program_id or program name)"


@dataclass(frozen=True)
class SavedPortfolio:
    name: str  # the file stem, made unique among the lists compared
    file: str
    rows: tuple[PortfolioRow, ...]
    row_word: str = "row"  # "row" for sheets, "item" for JSON lists
    has_signals: bool = False  # the list says which signal goes where (a signal column, or a scenario's choice)
    source: str = ""  # how the list was made, for people: "saved list", "scenario 'Tight budget'"


def read_portfolio(path: str | Path, data: bytes | None = None,
                   limits: ReadLimits = COMMAND_LINE) -> SavedPortfolio:
    """The rows of a saved list (CSV, XLSX or JSON). Raises InputError naming the file (and row/column).
    `data`: the file's bytes, already in memory (an upload); `path` then only names it. `limits`: the most a sheet
    may hold (inputs/bounds.py; the web app's are lower)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return _read_json(path, data)
    return _read_sheet(path, data, limits)


def load_portfolios(paths, inputs=None, profile_path: str | Path | None = None, use_signals: bool = True,
                    contents: list[bytes] | None = None, limits: ReadLimits = COMMAND_LINE,
                    scenario_list=None) -> list[SavedPortfolio]:
    """Each path as a SavedPortfolio, named by file stem, unique. `contents`: the files' bytes, in the order of
    `paths`, when they are already in memory (the web app's uploads); `limits`: the most a sheet may hold.
    A .toml is a scenario: its list is `scenario_list(path, inputs, profile_path, use_signals)` (solving it is
    not reading: studies.compare.load_lists passes studies.scenarios.scenario_portfolio); without one, or for an
    upload, it is refused."""
    portfolios = []
    for i, path in enumerate(map(Path, paths)):
        data = contents[i] if contents is not None else None
        if path.suffix.lower() in SCENARIO_SUFFIXES:
            # a scenario's `base` is a path beside it: only a file on disk has one
            if data is not None or scenario_list is None:
                raise InputError("a scenario file is compared from the command line (smartpick compare); here "
                                 "give a saved list (CSV, XLSX or JSON).", file=str(path))
            portfolios.append(scenario_list(path, inputs, profile_path, use_signals))
        else:
            portfolios.append(read_portfolio(path, data, limits))
    names = unique_names([Path(p.file).stem for p in portfolios])
    return [SavedPortfolio(name, p.file, p.rows, p.row_word, p.has_signals, p.source)
            for name, p in zip(names, portfolios)]


def unique_names(stems: list[str]) -> list[str]:
    """The stems, with " (2)", " (3)" added to repeats: ["a", "a", "b"] -> ["a", "a (2)", "b"]."""
    seen: Counter = Counter()
    taken = set(stems)
    out = []
    for stem in stems:
        seen[stem] += 1
        name = stem
        if seen[stem] > 1:
            n = seen[stem]
            while f"{stem} ({n})" in taken:
                n += 1
            name = f"{stem} ({n})"
            taken.add(name)
        out.append(name)
    return out


# --- sheets (CSV, XLSX) ------------------------------------------------------------------------------------------

def _read_sheet(path: Path, data: bytes | None = None, limits: ReadLimits = COMMAND_LINE) -> SavedPortfolio:
    file = str(path)
    (header_row, header), rows, _ = read_grid(path, _list_sheet(path, data, limits), data, limits)
    positions = _columns(header)
    if "program_id" not in positions and "program" not in positions:
        found = ", ".join(f"'{h.strip()}'" for h in header if h.strip()) or "none"
        raise InputError(Problem(file=file, row=header_row, message=(
            "no program_id or program-name column, so the rows cannot be matched to programs. Put the header "
            f"'program_id' (or 'Program name') above the column that names each program (columns found: {found})."
        )))
    out, problems = [], []
    for number, cells in rows:
        values = {column: vocab.clean_text(cells[i]) if i < len(cells) else "" for column, i in positions.items()}
        if not any(values.values()):
            continue  # a blank row, or one with only the person's own notes
        row, problem = _make_row(file, number, values, header[positions["signal"]] if "signal" in positions else "")
        out.append(row)
        if problem:
            problems.append(problem)
    return _saved_list(path, out, problems, "the list has no programs under its header. Put one program per row.",
                       has_signals="signal" in positions)


def _list_sheet(path: Path, data: bytes | None = None, limits: ReadLimits = COMMAND_LINE) -> str | None:
    """The worksheet holding the list: 'Application list', else the first with a program_id column, else the first
    with a program-name column; None (the first sheet) when the file is not a readable workbook."""
    # openpyxl takes 0.31 s to import (measured): loaded only when this runs
    import openpyxl

    check_archive(str(path), path if data is None else io.BytesIO(data), limits)  # before openpyxl unpacks anything
    try:
        book = openpyxl.load_workbook(path if data is None else io.BytesIO(data), read_only=True, data_only=True)
    # not a workbook (CSV) or a damaged one: the sheet reader says which, with what to do
    except Exception:
        return None
    try:
        if LIST_SHEET in book.sheetnames:
            return LIST_SHEET
        with_program = []
        for sheet in book.worksheets:
            header = next((row for row in sheet.iter_rows(max_row=20, values_only=True)
                           if any(v not in (None, "") for v in row)), ())
            columns = _columns(["" if v is None else str(v) for v in header])
            if "program_id" in columns:
                return sheet.title
            if "program" in columns:
                with_program.append(sheet.title)
        return with_program[0] if with_program else None
    except Exception:
        return None
    finally:
        book.close()


def _columns(header: list[str]) -> dict[str, int]:
    """Position of each column compare reads (the first with that meaning wins)."""
    positions: dict[str, int] = {}
    for i, text in enumerate(header):
        column = vocab.canonical_column(text) if text else None
        if column in ROW_COLUMNS and column not in positions:
            positions[column] = i
    return positions


def _saved_list(path: Path, rows: list[PortfolioRow], problems: list[Problem], empty: str,
                **fields) -> SavedPortfolio:
    """The list read from `path` (a sheet or JSON): every row's problem at once as an InputError, or `empty` when
    no program was in it."""
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError(empty, file=str(path))
    return SavedPortfolio(name=path.stem, file=str(path), rows=tuple(rows), source="saved list", **fields)


def _make_row(file: str, number: int, values: dict,
              signal_header: str = "signal") -> tuple[PortfolioRow, Problem | None]:
    signal, problem = None, None
    text = values.get("signal") or ""
    try:
        signal = vocab.parse_signal(text)
    except ValueError as error:
        problem = Problem(file=file, row=number, column=signal_header or "signal", value=text, message=str(error))
    return PortfolioRow(row=number, program_id=values.get("program_id") or None,
                        program=values.get("program") or None, city=values.get("city") or None,
                        state=values.get("state") or None, specialty=values.get("specialty") or None,
                        signal=signal), problem


# --- JSON ----------------------------------------------------------------------------------------------------------

def _read_json(path: Path, content: bytes | None = None) -> SavedPortfolio:
    file = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig") if content is None else content.decode("utf-8-sig"))
    except FileNotFoundError:
        raise InputError("file not found. Check the path and the file name.", file=file) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"the file cannot be read ({getattr(error, 'strerror', None) or error}).",
                         file=file) from None
    except json.JSONDecodeError as error:
        raise InputError(Problem(file=file, row=error.lineno, message=(
            f"not valid JSON ({error.msg}, line {error.lineno} column {error.colno}). Give the file `smartpick "
            "solve --out list.json` wrote, or a CSV/XLSX list."))) from None
    items = data.get("programs") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError("a JSON list must be the output of `smartpick solve --out F.json` (with its \"programs\") "
                         "or a list of program ids or of objects with a program_id or program key.", file=file)
    out, problems = [], []
    for number, item in enumerate(items, start=1):
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            out.append(PortfolioRow(row=number, program_id=str(item).strip() or None))
            continue
        if not isinstance(item, dict):
            problems.append(Problem(file=file, row=number, value=str(item)[:40], message=(
                "each item must be a program id or an object with a program_id or program key")))
            continue
        values = {}
        for key, value in item.items():
            column = vocab.canonical_column(str(key))
            if column in ROW_COLUMNS and column not in values and value is not None:
                values[column] = vocab.clean_text(str(value))
        row, problem = _make_row(file, number, values)
        out.append(row)
        if problem:
            problems.append(problem)
    has_signals = any(isinstance(item, dict) and any(vocab.canonical_column(str(k)) == "signal" for k in item)
                      for item in items)
    return _saved_list(path, out, problems, "the list has no programs.", row_word="item", has_signals=has_signals)
