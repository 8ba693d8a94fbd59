"""Reading a sheet of applicants (CSV or XLSX): one row per applicant, the profile's keys as columns.

Shared by `smartpick calibrate` (an advisor's outcome data) and `smartpick batch` (a cohort's lists). The sheet is
read with the programs sheet's own reader (optimizer/sheet.py: encodings, delimiters, XLSX cells, the header as
row 1), and each row becomes a profile checked by the profile's own rules (optimizer/profile.py `parse_profile`), so
a cell is read exactly as the same value in a profile file would be. Problems name the file, the spreadsheet row and
the column as the user wrote it; all of them are returned at once.

Columns (header spellings as people write them, see APPLICANT_HEADERS): an applicant id (required, unique), every
key of the profile's [applicant] table (specialties, step1, step2ck, step_failures, graduation_year, visa,
usce_months, usce_states, us_lors, research_items, ties_states, applicant_type) and some of [goals] (season,
home_metro, budget_usd, min_programs, max_programs). List-valued cells (specialties, usce_states, ties_states) hold
names separated by ";" or ",". A blank cell leaves the key out (the profile's default applies). Columns SmartPick
does not know are kept, as text, in each row's `extra`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from optimizer import vocab
from optimizer.errors import InputError, Problem
from optimizer.profile_types import Profile

# Canonical column -> (profile table, header spellings). The first spelling is the canonical name.
APPLICANT_HEADERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "applicant_id": ("", ("applicant_id", "Applicant ID", "Applicant", "ID", "Student", "Student ID", "AAMC ID",
                          "ERAS ID", "Candidate", "Candidate ID", "Mentee", "Name")),
    "specialties": ("applicant", ("specialties", "Specialty", "Specialties", "Applying in", "Specialty applied",
                                  "Specialties applied")),
    "step1": ("applicant", ("step1", "Step 1", "Step 1 score", "USMLE Step 1")),
    "step2ck": ("applicant", ("step2ck", "Step 2 CK", "Step 2", "Step 2 CK score", "CK", "Step2 CK",
                              "USMLE Step 2 CK", "Step 2 score")),
    "step_failures": ("applicant", ("step_failures", "Step failures", "Failed attempts", "Failures",
                                    "USMLE failures", "Attempts failed")),
    "graduation_year": ("applicant", ("graduation_year", "Graduation year", "Year of graduation", "YOG",
                                      "Grad year", "Graduated")),
    "visa": ("applicant", ("visa", "Visa", "Visa needed", "Visa status", "Visa type")),
    "usce_months": ("applicant", ("usce_months", "USCE months", "USCE (months)", "USCE",
                                  "US clinical experience (months)", "US clinical experience", "Months of USCE")),
    "usce_states": ("applicant", ("usce_states", "USCE states", "USCE state", "States of USCE")),
    "us_lors": ("applicant", ("us_lors", "US LORs", "US LoRs", "US letters", "LORs", "US letters of recommendation",
                              "Letters")),
    "research_items": ("applicant", ("research_items", "Research", "Research items", "Publications",
                                     "Research output")),
    "ties_states": ("applicant", ("ties_states", "Ties states", "State ties", "Ties", "Ties to states")),
    "applicant_type": ("applicant", ("applicant_type", "Applicant type", "Type", "Category", "Applicant category")),
    "season": ("goals", ("season", "Season", "ERAS season", "Match year", "Match season", "Year applied")),
    "home_metro": ("goals", ("home_metro", "Home metro", "Home city", "Metro")),
    "budget_usd": ("goals", ("budget_usd", "Budget", "Budget (USD)", "Budget USD", "Budget ($)")),
    "min_programs": ("goals", ("min_programs", "Min programs", "Fewest programs")),
    "max_programs": ("goals", ("max_programs", "Max programs", "Most programs")),
}
LIST_COLUMNS = frozenset({"specialties", "usce_states", "ties_states"})
_HEADER_KEYS = {vocab.normalize_header(alias): column
                for column, (_, aliases) in APPLICANT_HEADERS.items() for alias in aliases}


class ApplicantRow(NamedTuple):
    """One applicant read from the sheet: (spreadsheet row, the applicant's id, the profile)."""

    row: int
    applicant_id: str
    profile: Profile


@dataclass
class ApplicantSheet:
    """Everything `read_applicant_sheet` found: the applicants, every problem, and the columns SmartPick did not
    know (per applicant id: header -> cell text)."""

    rows: list[ApplicantRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    extra: dict[str, dict[str, str]] = field(default_factory=dict)
    extra_columns: tuple[str, ...] = ()
    refused_ids: set[str] = field(default_factory=set)  # ids of rows left out for their problems


def applicant_column(header) -> str | None:
    """The canonical column a header of an applicants sheet means ('Step 2 CK' -> 'step2ck'), or None."""
    return _HEADER_KEYS.get(vocab.normalize_header(header))


def header_help(column: str, limit: int = 4) -> str:
    spellings = APPLICANT_HEADERS[column][1][:limit]
    return ", ".join(f"'{s}'" for s in spellings)


def read_applicants(path, sheet_name: str | None = None) -> tuple[list[ApplicantRow], list[Problem]]:
    """The applicants of a CSV or XLSX sheet, and every problem found (each with its row and column).

    A file that cannot be read at all gives no rows and its problem; a bad row is left out and its problems listed.
    """
    sheet = read_applicant_sheet(path, sheet_name)
    return sheet.rows, sheet.errors


def read_applicant_sheet(path, sheet_name: str | None = None) -> ApplicantSheet:
    """Like `read_applicants`, with the columns SmartPick does not know kept per applicant."""
    from optimizer.sheet import read_grid

    file = str(path)
    try:
        if Path(path).is_file() and not Path(path).read_bytes().strip():
            raise InputError("the file is empty. Put a header row (applicant_id, specialties, step2ck, visa, ...) "
                             "and one row per applicant in it.", file=file)
        (header_row, header), grid, _ = read_grid(Path(path), sheet_name)
    except InputError as error:
        return ApplicantSheet(errors=list(error.problems))
    sheet = ApplicantSheet()
    columns, written, extra = _map_header(file, header_row, header, sheet.errors)
    sheet.extra_columns = tuple(name for name, _ in extra)
    data_rows = [(number, cells) for number, cells in grid if any(vocab.clean_text(c) for c in cells)]
    if not data_rows:
        sheet.errors.append(Problem(file=file, message="the sheet has a header row but no applicants. Add one row "
                                                       "per applicant under the header."))
    if any(p.row is None for p in sheet.errors):
        return sheet  # a missing required column would repeat the same problem on every row
    first_row: dict[str, int] = {}
    for number, cells in data_rows:
        cell = {column: vocab.clean_text(cells[i]) if i < len(cells) else "" for column, i in columns.items()}
        applicant_id = cell.get("applicant_id", "")
        if vocab.is_blank(applicant_id):
            sheet.errors.append(Problem(file=file, row=number, column=written["applicant_id"], value=applicant_id,
                                        message="this cell is empty, and SmartPick needs an id for each applicant. "
                                                "Write one (any name or number that is the same in the "
                                                "applications file)."))
            continue
        if applicant_id in first_row:
            sheet.errors.append(Problem(file=file, row=number, column=written["applicant_id"], value=applicant_id,
                                        message=f"the same applicant id as row {first_row[applicant_id]}. Give "
                                                "each applicant one row and an id of their own."))
            continue
        first_row[applicant_id] = number
        profile = _row_profile(file, number, cell, written, sheet.errors)
        if profile is None:
            sheet.refused_ids.add(applicant_id)
        else:
            sheet.rows.append(ApplicantRow(number, applicant_id, profile))
            sheet.extra[applicant_id] = {name: vocab.clean_text(cells[i]) if i < len(cells) else ""
                                         for name, i in extra}
    sheet.errors.sort(key=lambda p: p.row or 0)
    return sheet


def _map_header(file, header_row, header, errors) -> tuple[dict[str, int], dict[str, str], list[tuple[str, int]]]:
    """(canonical column -> position, canonical column -> header as written, [(unknown header, position)])."""
    columns, written, extra = {}, {}, []
    for position, raw in enumerate(header):
        text = vocab.clean_text(raw)
        if not text:
            continue
        column = applicant_column(text)
        if column is None:
            extra.append((text, position))
        elif column in columns:
            errors.append(Problem(file=file, row=header_row, column=text, value=text,
                                  message=f"two columns mean '{column}': '{written[column]}' and '{text}'. Rename "
                                          "or delete one of them."))
        else:
            columns[column], written[column] = position, text
    if "applicant_id" not in columns:
        errors.append(Problem(file=file, column="applicant_id",
                              message="the sheet has no applicant id column, which SmartPick needs to link each "
                                      f"applicant to their applications. Add it, with a header such as "
                                      f"{header_help('applicant_id')}."))
    for column in ("specialties", "visa"):
        if column not in columns:
            errors.append(Problem(file=file, column=column,
                                  message=f"the sheet has no '{column}' column, which every profile needs. Add it, "
                                          f"with a header such as {header_help(column)}."))
    if "step2ck" not in columns and "step1" not in columns:
        errors.append(Problem(file=file, column="step2ck",
                              message="the sheet has no score column, and SmartPick compares each applicant's score "
                                      f"with the programs'. Add one, with a header such as {header_help('step2ck')}."))
    return columns, written, extra


def _row_profile(file, number, cell: dict[str, str], written: dict[str, str], errors: list) -> Profile | None:
    """The row's profile by the profile's own rules; its problems placed at this row and the column as written."""
    from optimizer.errors import ProfileError
    from optimizer.profile import parse_profile

    data: dict[str, dict] = {"applicant": {}}
    for column, text in cell.items():
        table = APPLICANT_HEADERS[column][0]
        if not table or vocab.is_blank(text):
            continue
        value = [part.strip() for part in re.split(r"[;,]", text) if part.strip()] if column in LIST_COLUMNS \
            else text
        data.setdefault(table, {})[column] = value
    try:
        return parse_profile(data, file)
    except ProfileError as error:
        for problem in error.problems:
            key = (problem.column or "").split(".")[-1]
            column = written.get(key)
            message = problem.message
            value = problem.value[1:-1] if (problem.value or "").startswith('"') else problem.value
            errors.append(Problem(file=file, row=number, column=column or key, value=value,
                                  message=_sheet_words(key, message)))
        return None


_REQUIRED_HELP = {
    "specialties": "write the specialties applied to, e.g. IM, or IM; FM",
    "visa": 'write the visas the applicant can use: none, J-1, H-1B or "J-1 or H-1B"',
    "step2ck": "write the Step 2 CK score (or give a numeric score in a Step 1 column)",
}


def _sheet_words(key: str, message: str) -> str:
    """A profile message reworded for a sheet cell ("missing: add ... under [applicant]" is about this row)."""
    if message.startswith("missing") or "SmartPick needs one score" in message:
        return f"this cell is empty, and SmartPick needs it: {_REQUIRED_HELP.get(key, 'fill it in')}"
    return message.replace(" under [applicant]", " in this row")
