"""One family of exceptions for mistakes in the user's input or constraints.

The CLI turns every SmartPickError into a message and exit code 2. Anything else is a bug and stays a traceback.
"""

from __future__ import annotations

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

    def describe(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        found = f" (found '{self.value}')" if self.value not in (None, "") else ""
        return f"{', '.join(where)}: {self.message}{found}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value,
                "message": self.message}


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


def describe_problems(problems) -> list[str]:
    """One line per group of identical problems (see group_problems): "file, column 'X', rows 4, 9 and 12: ..."."""
    lines = []
    for first, rows, values in group_problems(problems):
        if len(rows) < 2:
            lines.append(first.describe())
            continue
        where = [first.file] if first.file else []
        if first.column:
            where.append(f"column '{first.column}'")
        if rows:
            where.append(rows_text(rows))
        lines.append(f"{', '.join(where)}: {first.message}{found_text(values)}" if where
                     else f"{first.message}{found_text(values)}")
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
