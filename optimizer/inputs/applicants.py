"""A cohort's applicants file: one row per applicant, the profile's keys as columns.

The columns are the keys of a profile's [applicant] and [goals] tables (docs/profile.md), spelt as people write
them in a spreadsheet header: "Step 2 CK", "Budget (USD)", "Home metro", "USCE months" all work. A list-valued key
(specialties, usce_states, ties_states) holds its items separated by ";" or ",". A key of a [goals] sub-table is a
dotted header: "weights.home city", "max_per_state.IL", "tiers.reach" (a band as "0.2; 0.3"). An `applicant_id`
column names each applicant; without one, an applicant is named by its spreadsheet row ("row 2"). Columns such as
name, email or notes are kept aside for the caller and never read as profile keys. A blank cell leaves the key out,
so the profile's default applies.

Each row is checked by the profile's own parser (`profile.parse_profile`), so a value the profile file accepts is
one the applicants file accepts. A bad row becomes errors naming its spreadsheet row and the column as the user
wrote it, and the other rows go on. `parse_applicants` is pure (cells in, rows and errors out); `read_applicants`
reads a CSV or XLSX file through the programs sheet's reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from optimizer.errors import InputError, ProfileError
from optimizer.inputs.profile import APPLICANT_KEYS, GOALS_KEYS, KEYED_TABLES, parse_profile
from optimizer.inputs.profile_schema import closest_key
from optimizer.inputs import vocab
from optimizer.inputs.headers import Vocabulary, map_header
from optimizer.inputs.profile_types import Profile
from optimizer.inputs.bounds import check_file
from optimizer.inputs.sheet import read_grid

ID_COLUMN = "applicant_id"
LIST_KEYS = ("specialties", "usce_states", "ties_states")
SUB_TABLES = (*KEYED_TABLES, "tiers")  # [goals.<name>] tables, written as dotted headers
# Columns an advisor's sheet often has that are not profile keys: kept in ApplicantRow.extra, never an error
ASIDE_COLUMNS = ("name", "full_name", "first_name", "last_name", "email", "notes", "note", "comments", "comment",
                 "advisor", "school", "cohort")
# Header spellings beyond the key itself (compared without case, spaces or punctuation)
ALIASES = {
    ID_COLUMN: ("id", "applicant", "applicantid", "student", "studentid", "applicantnumber"),
    "specialties": ("specialty", "specialities", "speciality"),
    "step1": ("usmlestep1", "step1score"),
    "step2ck": ("step2", "usmlestep2ck", "step2ckscore", "step2score", "usmlestep2"),
    "step_failures": ("failures", "failedattempts", "usmlefailures", "attemptsfailed"),
    "graduation_year": ("gradyear", "yog", "yearofgraduation", "graduated", "graduation"),
    "visa": ("visaneeded", "visas"),
    "usce_months": ("usce", "usclinicalexperience", "usclinicalexperiencemonths", "uscemonth"),
    "usce_states": ("uscestate",),
    "us_lors": ("lors", "usletters", "lettersofrecommendation", "uslettersofrecommendation", "uslor"),
    "research_items": ("research", "publications"),
    "ties_states": ("ties", "tiestates", "tiesstate"),
    "applicant_type": ("type",),
    "home_metro": ("metro", "homemetroarea"),
    "budget_usd": ("budget",),
    "min_programs": ("min", "minimumprograms"),
    "max_programs": ("max", "maximumprograms"),
    "season": ("erasseason",),
    "use_signals": ("signals",),
}


@dataclass(frozen=True)
class ApplicantRow:
    """One applicant read from the file: `data` is the profile as a dict (as a profile TOML file would hold it,
    for scenario files to change), `profile` the checked Profile."""

    applicant_id: str
    row: int  # spreadsheet row: the header is row 1
    data: dict
    profile: Profile
    extra: dict = field(default_factory=dict)  # the aside columns and those the caller asked to keep, as written


@dataclass(frozen=True)
class RowError:
    """One problem of the applicants file: its spreadsheet row (None for the whole file), the column as the user
    wrote it, and what to do."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


_SPELLINGS = {_squash(key): ("applicant", key) for key in APPLICANT_KEYS}
_SPELLINGS.update({_squash(key): ("goals", key) for key in GOALS_KEYS})
_SPELLINGS.update({_squash(alias): (table, key) for (table, key) in list(_SPELLINGS.values())
                   for alias in ALIASES.get(key, ())})
_SPELLINGS.update({_squash(spelling): ("id", ID_COLUMN) for spelling in (ID_COLUMN, *ALIASES[ID_COLUMN])})


def column_key(header: str) -> tuple[str, ...] | None:
    """Where a header's cells go: ("applicant", "step2ck"), ("goals", "weights", "home city"), ("id",), or None
    when the header names no profile key."""
    text = str(header).strip()
    table, dot, rest = text.partition(".")
    if dot and rest.strip():
        squashed = _squash(table)
        if squashed == "goals":  # "goals.budget_usd" or "goals.weights.home city"
            return column_key(rest)
        if squashed == "applicant":
            found = column_key(rest)
            return found if found and found[0] == "applicant" else None
        sub = next((name for name in SUB_TABLES if _squash(name) == squashed), None)
        return ("goals", sub, rest.strip()) if sub else None
    squashed = _squash(text)
    # "USMLE Step 2 CK score", "Number of US LoRs": the key is there once the filler words are gone
    found = _SPELLINGS.get(squashed) or _SPELLINGS.get(re.sub(r"usmle|score|numberof|number|total", "", squashed))
    if found is None:
        return None
    return ("id",) if found[0] == "id" else found


def read_applicants(path: str | Path, sheet_name: str | None = None, keep: tuple[str, ...] = (),
                    notes: list[str] | None = None) -> tuple[list[ApplicantRow], list[RowError]]:
    """The applicants of a CSV or XLSX file and the problems found, each with its row and column. A file that
    cannot be read at all raises InputError. `keep` names further columns to return in `extra` (e.g. outcomes).
    `notes`, when given, receives the reader's notes (rows left out: exact copies of an earlier row, hidden rows)."""
    if not Path(path).is_file():
        raise InputError("applicants file not found. Check the path and the file name; it is a CSV or XLSX file "
                         "with one row per applicant.", file=str(path))
    check_file(Path(path))
    if Path(path).stat().st_size < 4096 and not Path(path).read_bytes().strip():
        raise InputError("the file is empty. An applicants file has a header row (applicant_id, specialties, "
                         "step2ck, visa, ...) and one row per applicant under it.", file=str(path))
    (header_row, header), rows, reader_notes = read_grid(Path(path), sheet_name)
    if notes is not None:
        notes.extend(reader_notes)
    return parse_applicants(header, rows, str(path), header_row=header_row, keep=keep, notes=notes)


def records_applicants(records: list[dict], source: str = "applicants", keep: tuple[str, ...] = ()
                       ) -> tuple[list[ApplicantRow], list[RowError]]:
    """The same for rows given as dicts (a pandas DataFrame's records): row 2 is the first record."""
    header = list(dict.fromkeys(key for record in records for key in record))
    rows = [(number, [cell_text(record.get(key)) for key in header]) for number, record in enumerate(records, 2)]
    return parse_applicants(header, rows, source, keep=keep)


def cell_text(value) -> str:
    """A DataFrame cell as the text a spreadsheet would show (NaN and None are blank)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return str(value)


def parse_applicants(header: list[str], rows: list[tuple[int, list[str]]], source: str, header_row: int = 1,
                     keep: tuple[str, ...] = (), notes: list[str] | None = None
                     ) -> tuple[list[ApplicantRow], list[RowError]]:
    """Applicants from a header and (spreadsheet row, cells) rows of text; every problem found, located. What was
    read with an assumption (columns not read) goes to `notes` when given."""
    errors: list[RowError] = []
    places, aside = _map_header(header, header_row, keep, errors, notes, source)
    if ("applicant", "specialties") not in {key for key, _ in places.values()}:
        errors.append(RowError(header_row, None, "no specialties column: add one (e.g. 'specialties', with "
                                                 "'Internal Medicine' or 'IM; FM' in each row)"))
        return [], errors  # every row would repeat the same problem
    found: list[ApplicantRow] = []
    seen_ids: dict[str, int] = {}
    for number, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        row = _read_row(number, cells, places, aside, source, errors)
        if row is None:
            continue
        if row.applicant_id in seen_ids:
            errors.append(RowError(number, _header_of(places, ("id",)), (
                f"the applicant_id '{row.applicant_id}' is also on row {seen_ids[row.applicant_id]}: give each "
                "applicant their own id")))
            continue
        seen_ids[row.applicant_id] = number
        found.append(row)
    if not rows or not any(any(str(c).strip() for c in cells) for _, cells in rows):
        errors.append(RowError(None, None, "no applicants: put one applicant per row under the header row"))
    return found, errors


def _map_header(header, header_row, keep, errors, notes=None, source: str = ""
                ) -> tuple[dict[int, tuple], dict[int, str]]:
    """{position: (key path, header)} for the profile columns, {position: header} for the columns kept aside (a
    column close to no profile key is one, said in `notes`; one close to a key is an error: a misspelt key)."""
    aside: dict[int, str] = {}
    ignored: list[str] = []
    kept = {_squash(k) for k in (*ASIDE_COLUMNS, *keep)}
    cells = [str(text) for text in header]
    mapped = map_header(source, header_row, cells, header_vocabulary(keep))  # the one header mapper of every sheet
    errors.extend(RowError(p.row, p.column, p.message) for p in mapped.problems)
    places = {position: (key, mapped.written[key]) for key, position in mapped.canonical.items()}
    for _, position in mapped.extra:
        text = vocab.clean_text(cells[position])  # as written (the mapper numbers a repeated header)
        if _squash(text) in kept or closest_key(text, (ID_COLUMN, *APPLICANT_KEYS, *GOALS_KEYS)) is None:
            aside[position] = text  # a column of the advisor's own ("Advisor notes", "Interview dates")
            if _squash(text) not in kept:
                ignored.append(text)
        else:
            errors.append(RowError(header_row, text, _unknown_column(text)))
    if ignored and notes is not None:
        listed = ", ".join(f"'{name}'" for name in ignored)
        notes.append(f"{'Columns' if len(ignored) > 1 else 'Column'} {listed} {'are' if len(ignored) > 1 else 'is'} "
                     "not a profile key and not read (kept aside). The columns SmartPick reads are the keys of a "
                     "profile's [applicant] and [goals] tables (docs/profile.md), plus applicant_id.")
    return places, aside


def header_vocabulary(keep: tuple[str, ...] = ()) -> Vocabulary:
    """The applicants file's header words for the shared mapper (inputs/headers.py): a profile key (column_key),
    none for the columns kept aside (ASIDE_COLUMNS and `keep`)."""
    kept = {_squash(k) for k in (*ASIDE_COLUMNS, *keep)}
    return Vocabulary(column_of=lambda text: None if _squash(text) in kept else column_key(text), name=_key_name)


def _key_name(key: tuple) -> str:
    """A column's key as a header names it: ("applicant", "step2ck") -> step2ck, ("goals", "weights", "home city")
    -> weights.home city, ("id",) -> applicant_id."""
    return ID_COLUMN if key == ("id",) else ".".join(key[1:])


def _unknown_column(text: str) -> str:
    keys = (ID_COLUMN, *APPLICANT_KEYS, *GOALS_KEYS)
    guess = closest_key(text, keys)
    hint = f" Did you mean {guess}?" if guess else ""
    return (f"not a profile key.{hint} The columns are the keys of a profile's [applicant] and [goals] tables "
            f"(docs/profile.md), plus {ID_COLUMN}. This column is ignored.")


def _header_of(places: dict[int, tuple], key: tuple) -> str:
    """The header as the user wrote it for a key path (the key's own name when there is no such column)."""
    return next((text for found, text in places.values() if found == key), key[-1])


def _read_row(number, cells, places, aside, source, errors) -> ApplicantRow | None:
    data: dict = {}
    applicant_id = f"row {number}"
    extra = {header: (cells[i].strip() if i < len(cells) else "") for i, header in aside.items()}
    for position, (key, header) in places.items():
        text = str(cells[position]).strip() if position < len(cells) else ""
        if key == ("id",):
            applicant_id = text or applicant_id
            continue
        if not text:
            continue
        value = _value(key, text)
        target = data
        for part in key[:-1]:
            target = target.setdefault(part, {})
        target[key[-1]] = value
    data.setdefault("applicant", {})
    try:
        profile = parse_profile(data, f"{source} row {number}")
    except ProfileError as error:
        for problem in error.problems:
            column = _column_of(problem.column, places)
            found = f" (found {problem.value})" if problem.value not in (None, "") else ""
            errors.append(RowError(number, column, _spreadsheet_words(problem.message) + found))
        return None
    return ApplicantRow(applicant_id=applicant_id, row=number, data=data, profile=profile, extra=extra)


def _column_of(path: str | None, places: dict[int, tuple]) -> str | None:
    """The column a problem at a profile key path ("applicant.step2ck") belongs to, as the user wrote its header;
    the key's own name for a key with no column."""
    if not path:
        return None
    headers = {".".join(key): header for key, header in places.values()}
    for end in range(path.count(".") + 1, 0, -1):  # "goals.weights.home city" may be under "goals.weights"
        prefix = ".".join(path.split(".")[:end])
        if prefix in headers:
            return headers[prefix]
    return path.split(".", 1)[1] if "." in path else path


def _spreadsheet_words(message: str) -> str:
    """A profile message about a missing key, said about a column ('add step2ck = 233 under [applicant]' -> the
    cell to fill)."""
    return message.replace(" under [applicant]", " in this row").replace("add it under [applicant]", "fill it in")


def _value(key: tuple, text: str):
    """A cell's text as the profile parser takes it: lists split at ";" or ",", a tier band as two numbers."""
    if key[-1] in LIST_KEYS and len(key) == 2:
        return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]
    if len(key) == 3 and key[1] == "tiers" and key[2] in ("reach", "core", "safety"):
        parts = [part.strip().rstrip("%") for part in re.split(r"[;,]", text) if part.strip()]
        numbers = []
        for part in parts:
            try:
                numbers.append(float(part))
            except ValueError:
                return text  # the band parser says how to write it
        return numbers
    return text
