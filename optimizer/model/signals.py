"""ERAS program signals: how many of which kind each specialty allows in a season (data/seasons/<season>.toml)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from optimizer.inputs.programs import SIGNAL_KINDS
from optimizer.errors import InputError, Problem
from optimizer.inputs.datafiles import load_bundled_toml


@dataclass(frozen=True)
class SignalRule:
    specialty: str
    allowance: tuple[tuple[str, int], ...]  # kind -> number of signals
    unit: str = "program"  # "institution": one signal covers the institution's tracks listed in `covers`
    covers: tuple[str, ...] = ()


def signal_rules(season: str) -> dict[str, SignalRule]:
    """Signal rules of the season, by specialty; specialties without signals are absent."""
    table = load_bundled_toml(f"seasons/{season}.toml").get("signals", {})
    rules = {}
    for specialty, entry in table.items():
        if not isinstance(entry, dict):
            continue
        allowance = tuple((k, int(entry[k])) for k in SIGNAL_KINDS if int(entry.get(k, 0)) > 0)
        if allowance:
            rules[specialty] = SignalRule(specialty, allowance, str(entry.get("unit", "program")),
                                          tuple(entry.get("covers", ())))
    return rules


def signal_kinds(season: str) -> dict[str, tuple[str, ...]]:
    """Specialty -> the signal kinds a program of it can receive (a covered track gets its parent's kinds)."""
    kinds = {}
    for specialty, rule in signal_rules(season).items():
        kinds[specialty] = tuple(k for k, _ in rule.allowance)
        for covered in rule.covers:
            kinds.setdefault(covered, kinds[specialty])
    return kinds


@functools.lru_cache(maxsize=65536)
def _institution_key(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


class SignalSetup:
    """The signal rules applied to one set of candidates: units, allowances and the applicant's fixed choices."""

    def __init__(self, rules: dict[str, SignalRule], candidates):
        self.rules = rules
        self.parent = {}  # specialty -> the rule's specialty whose allowance it draws on
        for specialty, rule in rules.items():
            self.parent[specialty] = specialty
            for covered in rule.covers:
                self.parent.setdefault(covered, specialty)
        # an institution rule: a covered track (IM preliminary) joins the one program of the rule's specialty at the
        # same institution and city; where there is none, or several, it is a unit of its own
        self.home_program: dict[tuple, str] = {}
        seen: dict[tuple, list[str]] = {}
        for c in candidates:
            if c.program.specialty in rules and rules[c.program.specialty].unit == "institution":
                seen.setdefault(self._place(c), []).append(c.program_id)
        self.home_program = {place: ids[0] for place, ids in seen.items() if len(ids) == 1}
        self.fixed: dict[tuple, str] = {}
        self.fixed_programs: set[str] = set()
        if rules:
            for c in candidates:
                if c.eligible and c.program.signal and c.program.signal in dict(c.p_with_signal):
                    unit = self.unit_of(c)
                    if unit is not None:
                        self.fixed[unit] = c.program.signal
                        self.fixed_programs.add(c.program_id)

    @staticmethod
    def _place(c) -> tuple:
        return _institution_key(c.program.institution or c.program.program), _institution_key(c.program.city)

    def unit_of(self, c) -> tuple | None:
        """(rule specialty, unit id): for an institution rule, the categorical program whose institution (same
        name and city) a covered track belongs to; otherwise the program itself."""
        specialty = self.parent.get(c.program.specialty)
        if specialty is None:
            return None
        if specialty != c.program.specialty and self.rules[specialty].unit == "institution":
            return specialty, self.home_program.get(self._place(c), c.program_id)
        return specialty, c.program_id

    def fixed_kind(self, unit) -> str | None:
        return self.fixed.get(unit)

    def fixed_ids(self) -> set[str]:
        """Programs the applicant has fixed a signal on: they must be on the list."""
        return set(self.fixed_programs)

    def allowance(self, specialty: str, kind: str) -> int:
        return dict(self.rules[specialty].allowance).get(kind, 0)

    def kinds_in(self, members) -> list[tuple[str, int]]:
        """(kind, allowance) of the signals the programs in `members` can receive."""
        out = {}
        for c in members:
            specialty = self.parent.get(c.program.specialty)
            if specialty is None:
                continue
            for kind in dict(c.p_with_signal):
                out[kind] = self.allowance(specialty, kind)
        return sorted(out.items())


def check_fixed_signals(candidates, rules: dict[str, SignalRule], source: str = "programs sheet") -> None:
    """Refuse fixed signals (the sheet's `signal` column) that exceed an allowance or a program cannot take.
    `source` names the sheet in the messages."""
    if not rules:
        return
    setup = SignalSetup(rules, candidates)
    problems = []
    for c in candidates:
        kind = c.program.signal
        if kind and c.eligible and kind not in dict(c.p_with_signal):
            allowed = ", ".join(dict(c.p_with_signal)) or "none"
            problems.append(Problem(file=source, row=c.program.row or None,
                                    column="signal", value=kind, message=(
                                        f"{c.program.specialty} programs take these signals: {allowed} (or the "
                                        "program does not accept signals). Change or clear the cell.")))
    used: dict[tuple, int] = {}
    for unit, kind in setup.fixed.items():
        used[(unit[0], kind)] = used.get((unit[0], kind), 0) + 1
    for (specialty, kind), n in sorted(used.items()):
        if n > setup.allowance(specialty, kind):
            problems.append(Problem(file=source, column="signal", value=kind, message=(
                f"{n} {kind} signals are fixed in {specialty}; the season allows {setup.allowance(specialty, kind)}."
                " Clear some cells of the signal column.")))
    if problems:
        raise InputError(problems)
