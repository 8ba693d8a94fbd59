"""One family of exceptions for mistakes in the user's input or constraints.

The CLI turns every SmartPickError into a message and exit code 2. Anything else is a bug and stays a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class SmartPickError(Exception):
    """Base class: the user's input or constraints are wrong; the message says what to fix."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is, what was found and what is accepted."""

    file: str
    message: str
    row: int | None = None  # spreadsheet row: the header is row 1
    column: str | None = None  # column header as the user wrote it, or a profile key
    value: str | None = None
    place = "column"  # what `column` is, in messages (a profile's problems name a key)

    def shown_value(self) -> str:
        """The value found, as messages show it."""
        return f"'{shorten(self.value)}'"

    def describe(self, with_file: bool = True) -> str:
        """One line for a person: "file, row 7, column 'Visa': not a visa SmartPick knows (found 'J-3'). Write J-1,
        ...". Without `with_file` the file is named only when nothing else places the problem."""
        where = [self.file] if self.file and (with_file or (self.row is None and not self.column)) else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"{self.place} '{self.column}'")
        found = f" (found {self.shown_value()})" if self.value not in (None, "") else ""
        text = _with_found(self.message, found)
        return f"{', '.join(where)}: {text}" if where else text

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value,
                "message": self.message}


def shorten(text, limit: int = 80):
    """`text` cut to `limit` characters with "..." (a cell may hold thousands); None stays None."""
    if text is None or len(text) <= limit:
        return text
    return text[:limit - 3] + "..."


_ADVICE = re.compile(r"\. (?=[A-Z])")  # where a message's reason ends and its advice ("Write J-1, ...") begins


def _with_found(message: str, found: str) -> str:
    """The message with what was found after its reason, before its advice: "not a visa (found 'J-3'). Write ..."."""
    reason, *advice = _ADVICE.split(message, maxsplit=1)
    return f"{reason}{found}" + (f". {advice[0]}" if advice else "")


def rows_text(rows: list[int], shown: int = 3) -> str:
    """'row 4', 'rows 4, 9 and 12', 'rows 4, 9, 12 and 27 more'."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    if len(rows) <= shown + 1:
        return "rows " + ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
    return "rows " + ", ".join(map(str, rows[:shown])) + f" and {len(rows) - shown} more"


def group_problems(problems) -> list[tuple[Problem, list[int], list[str]]]:
    """Problems saying the same thing about the same column of the same file, once: (the first of them, every row
    it was found in, the distinct values found), in the order first seen. For people; JSON keeps one per problem."""
    groups: dict[tuple, tuple[Problem, list[int], list[str]]] = {}
    for problem in problems:
        key = (problem.file, problem.column, problem.message) if problem.row is not None else (id(problem),)
        first, rows, values = groups.setdefault(key, (problem, [], []))
        if problem.row is not None and problem.row not in rows:
            rows.append(problem.row)
        if problem.value not in (None, "") and problem.value not in values:
            values.append(problem.value)
    return list(groups.values())


def found_text(values: list[str], shown: int = 3) -> str:
    """" (found 'x')", " (found 'x', 'y' and 4 others)"; empty without values."""
    if not values:
        return ""
    listed = ", ".join(f"'{v}'" for v in values[:shown])
    return f" (found {listed}{f' and {len(values) - shown} others' if len(values) > shown else ''})"


def describe_problems(problems, with_file: bool = True) -> list[str]:
    """One line per group of identical problems (see group_problems): "file, column 'Step 1', rows 4, 9, 12 and 27
    more: not a Step score (found 'pass req.'). Write ..."; a problem alone as `Problem.describe` writes it. The one
    formatter of located problems, for the terminal, the web page and `validate --json`'s error_lines."""
    lines = []
    for first, rows, values in group_problems(problems):
        if len(rows) < 2:
            lines.append(first.describe(with_file))
            continue
        where = ([first.file] if with_file and first.file else []) + \
            ([f"{first.place} '{first.column}'"] if first.column else []) + [rows_text(rows)]
        lines.append(f"{', '.join(where)}: {_with_found(first.message, found_text([shorten(v) for v in values]))}")
    return lines


class InputError(SmartPickError):
    """A file cannot be used as it is; `problems` lists every problem found, each with its place."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = ""):
        if isinstance(problems, str):
            problems = [Problem(file=file, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(describe_problems(self.problems)))


class ProfileError(InputError):
    """The applicant profile (or a scenario file) has a wrong key or value."""


class InfeasibleError(SmartPickError):
    """The constraints cannot all be met; `reasons` says which limit fails and by how much."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("No application list meets every limit:\n" + "\n".join(f"- {r}" for r in self.reasons))
