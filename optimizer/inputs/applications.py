"""Reading an advisor's applications file (CSV or XLSX): one row per application, and whether it led to an interview.

Columns: the applicant's id (as in the applicants sheet), the program (its program_id, or its name + city +
specialty, matched against the programs sheet), invited (yes/no, required); optional: signal (gold, silver,
standard, yes/no) and matched (yes/no). The file is read with the programs sheet's reader and its yes/no words
(optimizer/inputs/sheet.py, optimizer/inputs/vocab.py); every problem names the file, the row and the column as written.

A per-applicant summary form is read too (`read_summary`): one row per applicant with the number of applications,
of interviews, and whether they matched, without saying which programs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from optimizer.inputs import vocab
from optimizer.errors import InputError, Problem
from optimizer.inputs.headers import Vocabulary, map_header
from optimizer.inputs.programs import Program, ProgramTable
from optimizer.inputs.sheet import read_grid

APPLICATION_HEADERS: dict[str, tuple[str, ...]] = {
    "applicant_id": ("applicant_id", "Applicant ID", "Applicant", "Student", "Student ID", "AAMC ID", "ERAS ID",
                     "Candidate", "Candidate ID", "Mentee", "Name"),
    "program_id": ("program_id", "Program ID", "ACGME ID", "NRMP code", "NRMP ID", "Program code", "ID"),
    "program": ("program", "Program name", "Program", "Residency program", "Residency"),
    "city": ("city", "City", "Town"),
    "state": ("state", "State", "ST"),
    "specialty": ("specialty", "Specialty", "Speciality", "Program specialty"),
    "invited": ("invited", "Invited", "Interview", "Interview invite", "Interview invitation", "Invite",
                "Got interview", "Got an interview", "Interviewed", "Interview offered", "II"),
    "signal": ("signal", "Signal", "Signal sent", "Signaled", "Signalled", "Signal type"),
    "matched": ("matched", "Matched", "Match", "Matched here", "Matched at"),
}
SUMMARY_HEADERS: dict[str, tuple[str, ...]] = {
    "applicant_id": APPLICATION_HEADERS["applicant_id"],
    "applications": ("applications", "Applications", "Programs applied", "Applied", "Number of applications",
                     "Programs applied to", "Apps"),
    "interviews": ("interviews", "Interviews", "Interview invites", "Invites", "Number of interviews",
                   "Interviews received"),
    "matched": ("matched", "Matched", "Match", "Match result"),
}


def _keys(headers: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {vocab.normalize_header(alias): column for column, aliases in headers.items() for alias in aliases}


_APPLICATION_KEYS, _SUMMARY_KEYS = _keys(APPLICATION_HEADERS), _keys(SUMMARY_HEADERS)


def _vocabulary(keys: dict[str, str]) -> Vocabulary:
    """The header words of one form of the file, for the shared header mapper (inputs/headers.py)."""
    return Vocabulary(column_of=lambda header: keys.get(vocab.normalize_header(header)))


APPLICATION_VOCABULARY, SUMMARY_VOCABULARY = _vocabulary(_APPLICATION_KEYS), _vocabulary(_SUMMARY_KEYS)


@dataclass(frozen=True)
class Application:
    """One application of the file, matched to a program of the sheet."""

    row: int
    applicant_id: str
    program: Program
    invited: bool
    signal: str | None = None  # gold, silver, standard or None
    matched: bool | None = None


@dataclass(frozen=True)
class Summary:
    """One applicant of the summary form: how many applications, how many interviews, matched or not."""

    row: int
    applicant_id: str
    applications: int
    interviews: int
    matched: bool | None = None


def is_summary_form(path, sheet_name: str | None = None) -> bool:
    """True when the file's header has applications and interviews columns and no program column."""
    try:
        _, header, _ = _grid(path, sheet_name)
    except InputError:
        return False
    columns = {_SUMMARY_KEYS.get(vocab.normalize_header(h)) for h in header} | \
              {_APPLICATION_KEYS.get(vocab.normalize_header(h)) for h in header}
    return {"applications", "interviews"} <= columns and not ({"program", "program_id", "invited"} & columns)


def read_applications(path, applicant_ids, programs: ProgramTable,
                      sheet_name: str | None = None) -> tuple[list[Application], list[Problem]]:
    """The applications of the file matched to `programs`, and every problem (each with its row and column):
    an applicant id not in `applicant_ids`, a program not in the sheet, invited not yes/no, the same application
    twice."""
    file, columns, written, rows, errors = _open_table(path, sheet_name, APPLICATION_VOCABULARY, APPLICATION_HEADERS,
                                                       ("applicant_id", "invited"))
    if rows is None:
        return [], errors
    if "program_id" not in columns and not {"program", "city"} <= columns.keys():
        errors.append(Problem(file=file, column="program", message="the file does not say which program each row is "
                              "about. Add a 'program_id' column, or 'program', 'city' and 'specialty' columns."))
    if not rows:
        errors.append(Problem(file=file, message="the file has a header row but no applications. Add one row per "
                                                 "application under the header."))
    if errors:
        return [], errors
    finder = ProgramFinder(programs)
    known = set(applicant_ids)
    found, seen = [], {}
    for number, cells in rows:
        cell = {column: vocab.clean_text(cells[i]) if i < len(cells) else "" for column, i in columns.items()}
        before = len(errors)

        def problem(column, message, value=None):
            errors.append(Problem(file=file, row=number, column=written.get(column, column),
                                  value=cell.get(column) if value is None else value, message=message))

        applicant_id = cell["applicant_id"]
        if vocab.is_blank(applicant_id):
            problem("applicant_id", "this cell is empty. Write the applicant's id, as in the applicants file.")
        elif applicant_id not in known:
            problem("applicant_id", UNKNOWN_APPLICANT)
        program, why = finder.find(cell)
        if program is None:
            problem("program_id" if cell.get("program_id") else "program", why,
                    cell.get("program_id") or cell.get("program"))
        invited = _yes_no(cell["invited"], required=True)
        if isinstance(invited, str):
            problem("invited", invited)
        matched = _yes_no(cell.get("matched", ""), required=False)
        if isinstance(matched, str):
            problem("matched", matched)
        signal = None
        try:
            signal = vocab.parse_signal(cell.get("signal", ""))
        except ValueError as error:
            problem("signal", str(error))
        if len(errors) > before:
            continue
        key = (applicant_id, program.program_id)
        if key in seen:
            problem("applicant_id", f"the same applicant and program as row {seen[key]}. Keep one row per "
                                    "application.", f"{applicant_id} / {program.program_id}")
            continue
        seen[key] = number
        found.append(Application(number, applicant_id, program, invited, signal, matched))
    return found, errors


def read_summary(path, applicant_ids, sheet_name: str | None = None) -> tuple[list[Summary], list[Problem]]:
    """The per-applicant summary form: applications, interviews (no more than applications), matched."""
    file, columns, written, rows, errors = _open_table(path, sheet_name, SUMMARY_VOCABULARY, SUMMARY_HEADERS,
                                                       ("applicant_id", "applications", "interviews"))
    if rows is None or errors:
        return [], errors
    known, seen, found = set(applicant_ids), {}, []
    for number, cells in rows:
        cell = {column: vocab.clean_text(cells[i]) if i < len(cells) else "" for column, i in columns.items()}
        before = len(errors)

        def problem(column, message):
            errors.append(Problem(file=file, row=number, column=written.get(column, column), value=cell.get(column),
                                  message=message))

        applicant_id = cell["applicant_id"]
        if applicant_id not in known:
            problem("applicant_id", UNKNOWN_APPLICANT)
        elif applicant_id in seen:
            problem("applicant_id", f"the same applicant as row {seen[applicant_id]}. Keep one row per applicant.")
        counts = {}
        for column in ("applications", "interviews"):
            try:
                counts[column] = vocab.parse_count(cell[column], low=0, high=1000, what=f"number of {column}")
            except ValueError as error:
                problem(column, str(error))
                continue
            if counts[column] is None:
                problem(column, f"this cell is empty. Write the number of {column}.")
        if len(errors) == before and counts["interviews"] > counts["applications"]:
            problem("interviews", "more interviews than applications. Check both numbers.")
        matched = _yes_no(cell.get("matched", ""), required=False)
        if isinstance(matched, str):
            problem("matched", matched)
        if len(errors) > before:
            continue
        seen[applicant_id] = number
        found.append(Summary(number, applicant_id, counts["applications"], counts["interviews"], matched))
    return found, errors


class ProgramFinder:
    """Finds a row's program in the sheet: by program_id, else by name + city (+ specialty, + state)."""

    def __init__(self, programs: ProgramTable):
        self.by_id = {p.program_id.strip().lower(): p for p in programs.programs if p.program_id}
        self.by_place: dict[tuple[str, str], list[Program]] = {}
        for p in programs.programs:
            self.by_place.setdefault((_key(p.program), _key(p.city)), []).append(p)
        self.source = programs.source or "the programs sheet"

    def find(self, cell: dict[str, str]) -> tuple[Program | None, str]:
        """(the program, "") or (None, why not, in words with the fix)."""
        program_id = cell.get("program_id", "")
        if program_id and not vocab.is_blank(program_id):
            hit = self.by_id.get(program_id.strip().lower())
            if hit is not None:
                return hit, ""
            if not cell.get("program"):
                return None, (f"no program with this id in {self.source}. Check the id, or give the program's "
                              "name, city and specialty, or pass your own sheet with --programs.")
        name, city = cell.get("program", ""), cell.get("city", "")
        if vocab.is_blank(name) or vocab.is_blank(city):
            return None, "the row does not say which program. Write its program_id, or its name and city."
        same = self.by_place.get((_key(name), _key(city)), [])
        specialty = vocab.canonical_specialty(cell.get("specialty", "")) if cell.get("specialty") else None
        if specialty:
            same = [p for p in same if p.specialty == specialty]
        state = vocab.canonical_state(cell.get("state", "")) if cell.get("state") else None
        if state:
            same = [p for p in same if p.state == state]
        if len(same) == 1:
            return same[0], ""
        if not same:
            return None, (f"no program with this name, city and specialty in {self.source}. Check the spelling "
                          "against the sheet, write the program_id, or pass your own sheet with --programs.")
        return None, (f"{len(same)} programs of {self.source} have this name and city. Add the specialty, or write "
                      "the program_id.")


def _key(text: str) -> str:
    return "".join(ch for ch in vocab._fold(text) if ch.isalnum())


def _yes_no(text: str, required: bool):
    """True/False, None when blank and not required, or the message (a str) for the user."""
    try:
        value = vocab.parse_bool(text)
    except ValueError as error:
        return str(error)
    if value is None and required:
        return f"this cell is empty, and SmartPick needs to know. {vocab.BOOL_HELP}"
    return value


UNKNOWN_APPLICANT = "no applicant with this id in the applicants file. Check the spelling, or add the applicant there."


def _open_table(path, sheet_name, words: Vocabulary, headers: dict[str, tuple[str, ...]], required):
    """(file, column positions, headers as written, data rows, problems) of an outcome file: its grid read, its
    headers mapped and every `required` column checked. Rows are None when the file cannot be read at all."""
    file = str(path)
    try:
        header_row, header, rows = _grid(path, sheet_name)
    except InputError as error:
        return file, {}, {}, None, list(error.problems)
    mapped = map_header(file, header_row, header, words)
    errors = mapped.problems + [_missing_column(file, column, headers) for column in required
                                if column not in mapped.canonical]
    return file, mapped.canonical, mapped.written, rows, errors


def _grid(path, sheet_name):
    """(header row, header cells, data rows with text) of the file; InputError when it cannot be read."""
    if Path(path).is_file() and not Path(path).read_bytes().strip():
        raise InputError("the file is empty. Put a header row (applicant_id, program_id, invited, ...) and one row "
                         "per application in it.", file=str(path))
    (header_row, header), rows, _ = read_grid(Path(path), sheet_name)
    return header_row, header, [(n, cells) for n, cells in rows if any(vocab.clean_text(c) for c in cells)]


def _missing_column(file, column: str, headers: dict[str, tuple[str, ...]]) -> Problem:
    spellings = ", ".join(f"'{s}'" for s in headers[column][:4])
    return Problem(file=file, column=column, message=f"the file has no '{column}' column, which SmartPick needs. "
                                                     f"Add it, with a header such as {spellings}.")
