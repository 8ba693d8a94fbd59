"""The program table: one row of the applicant's sheet, in canonical form.

Pure data: reading and validating files lives in `sheet.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Canonical columns, in the order outputs write them. Columns the user adds follow these.
CANONICAL_COLUMNS = (
    "program_id", "program", "institution", "city", "state", "specialty", "program_type", "img_pct", "visa",
    "step1_cutoff", "step2_cutoff", "max_years_since_graduation", "usce_required", "alumni_from_my_school",
    "positions", "apply", "accepts_signals", "signal", "notes",
)
REQUIRED_COLUMNS = ("program", "city", "state", "specialty")

PROGRAM_TYPES = ("university", "university-affiliated", "community")
# "unknown": the sheet says it does not know; it never rules a program out, it lowers the chance (see scoring)
PROGRAM_VISAS = ("none", "J-1", "H-1B", "J-1+H-1B", "unknown")
APPLY_CHOICES = ("must", "never")
SIGNAL_KINDS = ("gold", "silver", "standard")
_VISA_SETS = {"none": frozenset(), "J-1": frozenset({"J-1"}), "H-1B": frozenset({"H-1B"}),
              "J-1+H-1B": frozenset({"J-1", "H-1B"}), "unknown": frozenset()}


# Columns of a program that a data source may give as estimates rather than checked facts.
ESTIMATED_COLUMNS = frozenset({"program_type", "img_pct", "visa", "positions", "step1_cutoff", "step2_cutoff",
                               "max_years_since_graduation", "usce_required"})


@dataclass(frozen=True)
class Program:
    """One residency program as SmartPick uses it. `None` means the sheet did not say."""

    program_id: str
    program: str
    city: str
    state: str  # 2-letter postal code
    specialty: str  # canonical name, e.g. "Internal Medicine"
    institution: str = ""
    program_type: str = "community"  # one of PROGRAM_TYPES
    img_pct: float | None = None  # 0-100
    visa: str = "J-1"  # one of PROGRAM_VISAS
    step1_cutoff: int | None = None
    step2_cutoff: int | None = None
    max_years_since_graduation: int | None = None
    usce_required: bool = False
    alumni_from_my_school: int = 0  # count of alumni seen on the roster (yes = 1)
    positions: int | None = None
    apply: str | None = None  # "must", "never" or None
    accepts_signals: bool = True
    signal: str | None = None  # the applicant's own fixed signal choice
    notes: str = ""
    row: int = 0  # spreadsheet row (header = row 1); 0 for programs not read from a sheet
    extra: tuple[tuple[str, str], ...] = field(default=())  # user-added columns, passed through
    # cutoff columns ("step1_cutoff", "step2_cutoff") the program only prefers: below them lowers the chance
    soft_cutoffs: tuple[str, ...] = ()

    def visas(self) -> frozenset[str]:
        """The visa types this program sponsors, as a set ('J-1+H-1B' -> {'J-1', 'H-1B'})."""
        return _VISA_SETS.get(self.visa) or frozenset(self.visa.split("+"))

    def estimated_columns(self) -> frozenset[str]:
        """The columns whose values are estimates, as the row's `data_source` says (the bundled sheet: "synthetic",
        "real program; attributes estimated", or "...; estimated: visa, step2_cutoff"). A row without a
        data_source (a user's own sheet) is taken as checked: it is theirs."""
        source = dict(self.extra).get("data_source", "").strip().lower()
        if not source:
            return frozenset()
        if source == "synthetic" or source.endswith("attributes estimated"):
            return ESTIMATED_COLUMNS
        _, found, listed = source.partition("estimated:")
        if not found:
            return frozenset()
        return frozenset(c.strip() for c in listed.split(",") if c.strip()) & ESTIMATED_COLUMNS

    def as_row(self) -> dict:
        """Canonical columns then user columns, as plain values for writing a sheet."""
        row = {name: getattr(self, name) for name in CANONICAL_COLUMNS}
        for column in self.soft_cutoffs:  # written as the sheet said it, so that reading it back keeps it soft
            if row[column] is not None:
                row[column] = f"{row[column]} (preferred)"
        row.update(dict(self.extra))
        return row


@dataclass(frozen=True)
class ProgramTable:
    """Every program of one sheet, with where it came from and what the reader noticed."""

    programs: tuple[Program, ...]
    source: str  # file path as given, or "bundled demo data"
    extra_columns: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    is_demo: bool = False

    def __len__(self) -> int:
        return len(self.programs)

    def by_id(self) -> dict[str, Program]:
        return {p.program_id: p for p in self.programs}
