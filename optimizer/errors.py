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


class InputError(SmartPickError):
    """A file cannot be used as it is; `problems` lists every problem found, each with its place."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = ""):
        if isinstance(problems, str):
            problems = [Problem(file=file, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(p.describe() for p in self.problems))


class ProfileError(InputError):
    """The applicant profile (or a scenario file) has a wrong key or value."""


class InfeasibleError(SmartPickError):
    """The constraints cannot all be met; `reasons` says which limit fails and by how much."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("No application list meets every limit:\n" + "\n".join(f"- {r}" for r in self.reasons))
