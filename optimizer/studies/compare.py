"""Application lists side by side: saved rows -> the programs they mean -> each list re-evaluated -> the comparison.

Every list is judged afresh against one sheet, one profile and one set of limits, whatever numbers its file holds
(a person may have added or deleted rows by hand): its cost (constraints.list_cost, the one fee function), outcomes
(pipeline.evaluate_list) and the limits it breaks (constraints.violations). A row means a program by its program_id
(any case), else by its name (case, spacing and punctuation ignored) narrowed by the row's city, state and specialty
when several programs share the name. Rows that mean no program are kept with the reason, by file and row number.

The job, for every door (CLI, web app, Python API): `compare_files` (saved lists by path or upload, scenario files
solved first) and `compare_saved` (lists already read, e.g. a notebook's), each returning (Comparison, warnings about
the limits). No printing; the last part builds the `compare --json` payload (with what changed and why, in words) and
the rows of the summary, per-list, overlap and unmatched sheets (output/render_compare.py draws the terminal tables,
output/report_files.py writes the files).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import difflib
from pathlib import Path

from optimizer import pipeline
from optimizer.errors import InputError
from optimizer.inputs import vocab
from optimizer.inputs.bounds import COMMAND_LINE, ReadLimits
from optimizer.inputs.portfolio_files import PortfolioRow, SavedPortfolio, load_portfolios
from optimizer.inputs.profile_types import REGIONS
from optimizer.inputs.resources import DEMO_PROFILE, data_path
from optimizer.model.fees import Cost
from optimizer.model.scoring import TIERS, Candidate
from optimizer.solver.constraints import Limits, list_cost, violations
from optimizer.studies.scenarios import scenario_portfolio
from optimizer.model.outcomes import RANK_ASSUMPTION
from optimizer.model.signals import SignalSetup, signal_rules
from optimizer.model.uncertainty import describe_range

VISAS = ("J-1", "H-1B", "J-1+H-1B", "none")
INELIGIBLE = "not open to you"  # the tier shown for a program the applicant cannot apply to
TIE = 1e-9  # values closer than this are a tie


@dataclass(frozen=True)
class Unmatched:
    """A row of a saved list that means no program of the sheet (or several)."""

    file: str
    row: int
    row_word: str  # "row" or "item"
    program_id: str | None
    program: str | None
    message: str

    def describe(self) -> str:
        return f"{self.file}, {self.row_word} {self.row}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "program_id": self.program_id, "program": self.program,
                "message": self.message}


@dataclass(frozen=True)
class Evaluated:
    """One list re-evaluated: its programs as the sheet and profile see them, and what they add up to."""

    name: str
    file: str
    source: str
    chosen: tuple[Candidate, ...]  # in the order of the file, each program once
    applied_p: tuple[float, ...]  # each program's chance as the list applies it (with its signal)
    signals: dict[str, str]  # program_id -> signal kind placed on it
    rows: dict[str, int]  # program_id -> the row it was read from
    outcomes: object  # outcomes.Outcomes
    cost: Cost
    violations: tuple[str, ...]
    unmatched: tuple[Unmatched, ...]
    notes: tuple[str, ...] = ()  # rows read twice, signals that could not apply

    @property
    def count(self) -> int:
        return len(self.chosen)

    @property
    def weighted_expected_interviews(self) -> float:
        return sum(c.weight * p for c, p in zip(self.chosen, self.applied_p))

    @property
    def signal_gain(self) -> float:
        """Weighted expected interviews the list's signals add (against the same list with none)."""
        return sum(c.weight * (p - c.p_interview) for c, p in zip(self.chosen, self.applied_p))

    def measure(self, key: str) -> float:
        o = self.outcomes
        return {"p_match": o.p_match, "p_at_least_5": o.p_at_least[5], "expected_interviews": o.expected_interviews,
                "weighted_expected_interviews": self.weighted_expected_interviews, "cost": self.cost.total_usd,
                "limits_broken": float(len(self.violations))}[key]


@dataclass(frozen=True)
class Lead:
    """Who is ahead on one measure: the leaders (several on a tie), the best value and the lead over the next."""

    measure: str
    label: str
    better: str  # "higher" or "lower"
    leaders: tuple[str, ...]
    value: float
    margin: float  # best minus the best of the others (0 on a tie), as an absolute difference


@dataclass(frozen=True)
class Comparison:
    portfolios: tuple[Evaluated, ...]
    in_all: tuple[str, ...]  # program ids on every list, best chance first
    only: dict[str, tuple[str, ...]]  # list name -> program ids on that list alone
    in_some: tuple[str, ...]  # on more than one list but not all (three lists or more)
    ahead: tuple[Lead, ...]
    programs: dict[str, Candidate] = field(default_factory=dict)  # every program on any list
    limits: Limits | None = None


# Measures on which one list can be ahead: (key, words, which way is better).
MEASURES = (("p_match", "Chance of matching", "higher"),
            ("p_at_least_5", "Chance of at least 5 interviews", "higher"),
            ("expected_interviews", "Expected interviews", "higher"),
            ("weighted_expected_interviews", "Expected interviews, weighted by region", "higher"),
            ("cost", "Cost", "lower"),
            ("limits_broken", "Limits broken", "lower"))


# --- rows -> programs --------------------------------------------------------------------------------------------

def name_key(text: str) -> str:
    """A program name for matching: accents, case, spacing and punctuation ignored ("St. Luke's" = "st lukes")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold().replace("'", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


class ProgramIndex:
    """The scored programs of one sheet, by program_id (any case) and by name."""

    def __init__(self, candidates: list[Candidate]):
        self.by_id = {c.program_id.strip().lower(): c for c in candidates}
        self.by_name: dict[str, list[Candidate]] = {}
        for c in candidates:
            self.by_name.setdefault(name_key(c.program.program), []).append(c)

    def find(self, row: PortfolioRow) -> tuple[Candidate | None, str]:
        """The program a row means, or None and why not (with a program: a note on how it was found, or "")."""
        if row.program_id and row.program_id.strip().lower() in self.by_id:
            return self.by_id[row.program_id.strip().lower()], ""
        if not row.program:
            if row.program_id:
                return None, (f"program_id '{row.program_id}' is not in the programs sheet (and the row has no "
                              "program name). Check the id with `smartpick score`.")
            return None, "the row has no program_id and no program name"
        same_name = self.by_name.get(name_key(row.program), [])
        narrowed = _narrow(same_name, row)
        if len(narrowed) == 1:
            return narrowed[0], (f"program_id '{row.program_id}' is not in the programs sheet; matched by the "
                                 f"name, as {narrowed[0].program_id}" if row.program_id else "")
        unknown_id = f"program_id '{row.program_id}' is not in the programs sheet, and " if row.program_id else ""
        if not same_name:
            near = self.closest(row)
            hint = (" Did you mean " + " or ".join(f"'{c.program.program}'" for c in near) + "? Write the name as "
                    "the sheet has it" if near else " Check the spelling against `smartpick score`")
            return None, (f"{unknown_id}no program in the sheet is named '{row.program}'.{hint}, or give the "
                          "program_id.")
        if not narrowed:
            return None, (f"{unknown_id}'{row.program}' is in the sheet, but not with this row's "
                          f"{_given(row)}: {_places(same_name)}. Correct the row or give the program_id.")
        return None, (f"{unknown_id}{len(narrowed)} programs are named '{row.program}' ({_places(narrowed)}). Add "
                      "a city or specialty column, or give the program_id.")


    def closest(self, row: PortfolioRow, limit: int = 3) -> list[Candidate]:
        """Programs whose names hold every word of a short name ('Advocate Masonic', 'Cook County IM': the
        specialty at its end must match too), else those spelled most alike; narrowed by the row's city, state and
        specialty where it gives them."""
        words, specialty = _name_words(row.program)
        if not words:
            return []
        holding = [c for key, found in self.by_name.items() if words <= _name_words(key)[0] for c in found
                   if specialty in (None, c.program.specialty)]
        holding = _narrow(holding, row) or holding
        if holding:
            return sorted(holding, key=lambda c: (len(c.program.program), c.program_id))[:limit]
        close = difflib.get_close_matches(name_key(row.program), list(self.by_name), n=limit, cutoff=0.85)
        return [self.by_name[key][0] for key in close]


def _name_words(name: str) -> tuple[frozenset[str], str | None]:
    """(the words of a program name that tell it apart, the specialty its last word or two name, if any)."""
    words = name_key(name).split()
    specialty = None
    for n in (2, 1):  # "... IM Prelim", "... IM"
        if len(words) > n and vocab.canonical_specialty(" ".join(words[-n:])):
            specialty, words = vocab.canonical_specialty(" ".join(words[-n:])), words[:-n]
            break
    return frozenset(words) - {"of", "the", "and", "at", "hospital", "medical", "center"}, specialty


def _narrow(candidates: list[Candidate], row: PortfolioRow) -> list[Candidate]:
    """The programs of one name that also have the row's city, state and specialty (where the row gives them)."""
    out = candidates
    if row.city:
        out = [c for c in out if name_key(c.program.city) == name_key(row.city)]
    if row.state:
        state = vocab.canonical_state(row.state) or row.state.strip().upper()
        out = [c for c in out if c.program.state == state]
    if row.specialty:
        specialty = vocab.canonical_specialty(row.specialty) or row.specialty.strip()
        out = [c for c in out if c.program.specialty.lower() == specialty.lower()]
    return out


def _given(row: PortfolioRow) -> str:
    given = [f"city '{row.city}'" if row.city else "", f"state '{row.state}'" if row.state else "",
             f"specialty '{row.specialty}'" if row.specialty else ""]
    return ", ".join(g for g in given if g)


def _places(candidates: list[Candidate], limit: int = 4) -> str:
    shown = "; ".join(f"{c.program_id}: {c.program.city}, {c.program.state}, {c.program.specialty}"
                      for c in candidates[:limit])
    return shown + (f"; and {len(candidates) - limit} more" if len(candidates) > limit else "")


def _why_no_signal(c: Candidate, kind: str) -> str:
    """Why a program cannot take a signal of `kind`, in the words that fit: not open, no signals taken, or its
    specialty's kinds ("Family Medicine has only standard signals")."""
    name = c.program.program
    if not c.eligible:
        return f"{name} is not open to you ({'; '.join(c.reasons)}), so its {kind} signal does not count"
    if not c.program.accepts_signals:
        return f"{name} does not take signals (the sheet says so), so its {kind} signal does not count"
    kinds = [k for k, _ in c.p_with_signal]
    if not kinds:
        return f"{c.program.specialty} has no program signals this season, so the {kind} signal does not count"
    listed = " and ".join(kinds)
    return (f"{c.program.specialty} has only {listed} signals (no {kind}): write '{kinds[-1]}' for {name}"
            if len(kinds) == 1 else f"{c.program.specialty} has {listed} signals, not {kind}: use one of them for "
                                    f"{name}")


def match_rows(portfolio: SavedPortfolio, index: ProgramIndex) -> tuple[list[tuple[PortfolioRow, Candidate]],
                                                                          list[Unmatched], list[str]]:
    """(row, program) for each row that means a program, once per program; the rows that mean none; notes."""
    matched, unmatched, notes = [], [], []
    first_row: dict[str, int] = {}
    for row in portfolio.rows:
        candidate, reason = index.find(row)
        if candidate is None:
            unmatched.append(Unmatched(portfolio.file, row.row, portfolio.row_word, row.program_id, row.program,
                                       reason))
            continue
        if reason:
            notes.append(f"{portfolio.row_word} {row.row}: {reason}")
        if candidate.program_id in first_row:
            notes.append(f"{portfolio.row_word} {row.row} repeats {portfolio.row_word} "
                         f"{first_row[candidate.program_id]} ({candidate.program.program}); counted once")
            continue
        first_row[candidate.program_id] = row.row
        matched.append((row, candidate))
    return matched, unmatched, notes


# --- programs -> outcomes -------------------------------------------------------------------------------------------

def evaluate_portfolio(portfolio: SavedPortfolio, inputs, index: ProgramIndex, limits: Limits,
                       use_signals: bool = True) -> Evaluated:
    """One list against the sheet, profile and limits. Signals in the file apply unless `use_signals` is False
    (or the profile says use_signals = false)."""
    use_signals = use_signals and inputs.profile.goals.use_signals

    matched, unmatched, notes = match_rows(portfolio, index)
    if not matched:
        numbers = ", ".join(str(u.row) for u in unmatched[:5]) + (", ..." if len(unmatched) > 5 else "")
        raise InputError(f"none of the {len(portfolio.rows)} {portfolio.row_word}s of this list names a program of "
                         f"the programs sheet ({portfolio.row_word}s {numbers}; the first: {unmatched[0].message}). "
                         "Was the list made from another programs sheet? Give that sheet with --programs.",
                         file=portfolio.file)
    chosen, applied, signals = [], [], {}
    for row, c in matched:
        p = c.p_interview
        if row.signal and use_signals:
            with_signal = dict(c.p_with_signal)
            if row.signal in with_signal:
                p = with_signal[row.signal]
                signals[c.program_id] = row.signal
            else:
                notes.append(f"{portfolio.row_word} {row.row}: {_why_no_signal(c, row.signal)}; counted without it")
        chosen.append(c)
        applied.append(p)
    if use_signals:
        notes.extend(_signal_allowance_notes(chosen, signals, index, inputs))
    elif portfolio.has_signals and any(row.signal for row, _ in matched):
        notes.append("the signals in the file are left out (--no-signals, or use_signals = false in the profile)")
    return Evaluated(
        name=portfolio.name, file=portfolio.file, source=portfolio.source, chosen=tuple(chosen),
        applied_p=tuple(applied), signals=signals, rows={c.program_id: row.row for row, c in matched},
        outcomes=pipeline.evaluate_list(inputs, chosen, applied), cost=list_cost(chosen, limits.fees),
        violations=tuple(violations(chosen, limits)), unmatched=tuple(unmatched), notes=tuple(notes))


def _signal_allowance_notes(chosen, signals: dict[str, str], index: ProgramIndex, inputs) -> list[str]:
    """A note per signal kind used more often than the season allows (the list's chances then run high)."""
    if not signals:
        return []
    rules = signal_rules(inputs.profile.goals.season)
    setup = SignalSetup(rules, list(index.by_id.values()))
    units: dict[tuple[str, str], set] = {}  # (specialty of the rule, kind) -> the units signaled
    for c in chosen:
        unit = setup.unit_of(c) if c.program_id in signals else None
        if unit is not None:
            units.setdefault((unit[0], signals[c.program_id]), set()).add(unit)
    used = {key: len(signaled) for key, signaled in units.items()}
    return [f"{n} {kind} signals in {specialty}, but the season allows {setup.allowance(specialty, kind)}: the "
            "chances of this list are too high" for (specialty, kind), n in sorted(used.items())
            if n > setup.allowance(specialty, kind)]


def compare_portfolios(portfolios: list[SavedPortfolio], inputs, candidates: list[Candidate], limits: Limits,
                       use_signals: bool = True) -> Comparison:
    """Every list re-evaluated, their overlap, and who is ahead on each measure."""
    index = ProgramIndex(candidates)
    evaluated = tuple(evaluate_portfolio(p, inputs, index, limits, use_signals) for p in portfolios)
    members = [{c.program_id for c in e.chosen} for e in evaluated]
    programs = {c.program_id: c for e in evaluated for c in e.chosen}

    def ordered(ids) -> tuple[str, ...]:
        return tuple(sorted(ids, key=lambda pid: (-programs[pid].p_interview, pid)))

    in_all = set.intersection(*members) if members else set()
    only = {e.name: ordered(mine - set().union(*(m for j, m in enumerate(members) if j != i)))
            for i, (e, mine) in enumerate(zip(evaluated, members))}
    alone = set().union(*only.values()) if only else set()
    in_some = set(programs) - in_all - alone
    return Comparison(evaluated, ordered(in_all), only, ordered(in_some), tuple(_leads(evaluated)), programs, limits)


def _leads(evaluated) -> list[Lead]:
    leads = []
    for key, label, better in MEASURES:
        values = {e.name: e.measure(key) for e in evaluated}
        best = max(values.values()) if better == "higher" else min(values.values())
        leaders = tuple(name for name, v in values.items() if abs(v - best) <= TIE)
        others = [v for name, v in values.items() if name not in leaders]
        margin = abs(best - (max(others) if better == "higher" else min(others))) if others else 0.0
        leads.append(Lead(key, label, better, leaders, best, margin))
    return leads


# --- the job --------------------------------------------------------------------------------------------------------

def load_lists(paths, inputs, profile_path: str | Path | None = None, use_signals: bool = True,
               contents: list[bytes] | None = None, limits: ReadLimits = COMMAND_LINE) -> list[SavedPortfolio]:
    """The saved lists at `paths` (inputs.portfolio_files.load_portfolios), a scenario file (.toml) being the list
    its scenario chooses on the profile at `profile_path` (None: the bundled example) and the sheet of `inputs`."""
    return load_portfolios(paths, inputs, profile_path or data_path(DEMO_PROFILE), use_signals, contents, limits,
                           scenario_list=scenario_portfolio)


def compare_saved(inputs, saved: list[SavedPortfolio], budget_usd: float | None = None,
                  min_programs: int | None = None, max_programs: int | None = None,
                  use_signals: bool = True) -> tuple[Comparison, list[str]]:
    """`smartpick compare` on lists already read: the sheet scored, the limits set (the profile's, then the
    flags given), every list re-evaluated. Returns (the comparison, warnings about the limits)."""
    candidates = pipeline.score(inputs)
    limits, warnings = pipeline.make_limits(inputs, candidates, budget_usd, min_programs, max_programs)
    return compare_portfolios(saved, inputs, candidates, limits, use_signals), warnings


def compare_files(inputs, paths, profile_path: str | Path | None = None, budget_usd: float | None = None,
                  min_programs: int | None = None, max_programs: int | None = None, use_signals: bool = True,
                  contents: list[bytes] | None = None,
                  read_limits: ReadLimits = COMMAND_LINE) -> tuple[Comparison, list[str]]:
    """`smartpick compare A B ...` as one call: the limits set first (a mistake there is reported before any
    scenario file is solved), then the lists read (`load_lists`; `contents`: their bytes when already in memory,
    `read_limits`: the most a sheet may hold) and compared. Returns (the comparison, warnings about the limits)."""
    candidates = pipeline.score(inputs)
    limits, warnings = pipeline.make_limits(inputs, candidates, budget_usd, min_programs, max_programs)
    saved = load_lists(paths, inputs, profile_path, use_signals, contents, read_limits)
    return compare_portfolios(saved, inputs, candidates, limits, use_signals), warnings


# --- what people read: JSON, spreadsheet rows, terminal tables -----------------------------------------------------

def tier_of(c: Candidate) -> str:
    return c.tier if c.eligible and c.tier else INELIGIBLE


def _mix(values, order) -> dict[str, int]:
    counts = Counter(values)
    return {k: counts[k] for k in [*order, *sorted(k for k in counts if k not in order)] if counts.get(k)}


def tier_mix(e: Evaluated) -> dict[str, int]:
    return _mix((tier_of(c) for c in e.chosen), (*TIERS, INELIGIBLE))


def region_mix(e: Evaluated) -> dict[str, int]:
    return _mix((c.region for c in e.chosen), REGIONS)


def visa_mix(e: Evaluated) -> dict[str, int]:
    return _mix((c.program.visa for c in e.chosen), VISAS)


def comparison_payload(comparison: Comparison, inputs) -> dict:
    """`smartpick compare --json` (a public contract: the README lists its fields); numbers unrounded."""
    limits = comparison.limits
    return {
        "portfolios": [_portfolio_payload(e) for e in comparison.portfolios],
        "common": len(comparison.in_all),
        "in_all": list(comparison.in_all),
        "only": {name: list(ids) for name, ids in comparison.only.items()},
        "in_some": list(comparison.in_some),
        "ahead": {lead.measure: {"leaders": list(lead.leaders), "value": lead.value, "margin": lead.margin,
                                 "better": lead.better, "label": lead.label} for lead in comparison.ahead},
        "programs": [{"program_id": pid, "program": c.program.program, "city": c.program.city,
                      "state": c.program.state, "specialty": c.program.specialty, "tier": c.tier,
                      "eligible": c.eligible, "p_interview": c.p_interview,
                      "in": [e.name for e in comparison.portfolios if pid in e.rows]}
                     for pid, c in sorted(comparison.programs.items(), key=lambda kv: (-kv[1].p_interview, kv[0]))],
        "limits": {"budget": limits.budget_usd, "min_programs": limits.min_programs,
                   "max_programs": limits.max_programs, "season": limits.fees.season} if limits else None,
        "what_changed": what_changed(comparison, inputs.metro.name if inputs.metro else None),
        "rank_assumption": RANK_ASSUMPTION,
        "demo_data": inputs.table.is_demo,
        "notes": list(inputs.notes),
    }


def what_changed(comparison: Comparison, home: str | None = None) -> list[dict]:
    """What changed and why, for a doctor: each list after the first against the first, in one sentence.

    It gives the two lists' chance of matching with the range beside it (the range is what SmartPick's figures,
    fitted and assumed, allow), whether the list holds up better or worse at the range's low end, and the largest
    differences in what the lists hold: places, specialties, kinds of program, programs whose chance rests on an
    estimated fact, signals, then what it costs in expected interviews and dollars. Returns
    [{"name", "against", "text"}]."""
    lists = comparison.portfolios
    if len(lists) < 2:
        return []
    first = lists[0]
    return [{"name": e.name, "against": first.name, "text": _change_sentence(e, first, comparison, home)}
            for e in lists[1:]]


def _change_sentence(e: Evaluated, first: Evaluated, comparison: Comparison, home: str | None) -> str:
    differ = len(comparison.only.get(e.name, ()))
    parts = [f"{e.name} against {first.name}: {differ} of its {_count(e.count, 'program')} "
             + ("is" if differ == 1 else "are") + f" not on {first.name}."]
    o, f = e.outcomes, first.outcomes
    centre = f"Chance of matching {_points(o.p_match)} ({first.name}: {_points(f.p_match)})"
    if o.p_match_range and f.p_match_range:
        low, first_low = math.floor(o.p_match_range[0] * 100), math.floor(f.p_match_range[0] * 100)
        centre += (f"; if SmartPick's figures are off, {describe_range(*o.p_match_range)} "
                   f"({first.name}: {describe_range(*f.p_match_range)})")
        if low > first_low:
            centre += f": its low end is {_count(low - first_low, 'point')} higher, so it holds up better"
        elif low < first_low:
            centre += f": its low end is {_count(first_low - low, 'point')} lower, so it holds up less well"
        else:
            centre += ": the same low end"
    parts.append(centre + ".")
    changes = _largest_changes(e, first, home)
    trade = []
    gained = e.outcomes.expected_interviews - first.outcomes.expected_interviews
    if abs(gained) >= 0.05:
        trade.append(f"{abs(gained):.1f} {'more' if gained > 0 else 'fewer'} expected interviews")
    cost = e.cost.total_usd - first.cost.total_usd
    if abs(cost) >= 1:
        trade.append(f"${abs(cost):,.0f} {'more' if cost > 0 else 'less'} in fees")
    if changes or trade:
        parts.append("What changed: " + "; ".join(changes + trade) + ".")
    else:
        parts.append("It holds the same kinds of program.")
    return " ".join(parts)


def _largest_changes(e: Evaluated, first: Evaluated, home: str | None, most: int = 3) -> list[str]:
    """The largest differences in what two lists hold, as phrases ("7 fewer programs in and near Chicago"); a
    difference of one program is left out unless it is a signal or an estimated fact."""
    near = f"in and near {home}" if home else "in and near your home metro"

    def features(x: Evaluated) -> Counter:
        counts: Counter = Counter()
        for c in x.chosen:
            if c.region in ("home city", "home metro"):
                counts[f"programs {near}"] += 1
            elif c.region == "home state":
                counts["programs elsewhere in your home state"] += 1
            else:
                counts["programs farther away"] += 1
            counts[f"{c.program.specialty} programs"] += 1
            counts[f"{c.program.program_type} programs"] += 1
            if c.checks:
                counts["programs whose chance rests on an estimated fact (check with the program)"] += 1
        counts["signals placed"] = len(x.signals)
        return counts

    mine, theirs = features(e), features(first)
    diffs = []
    for key in sorted(set(mine) | set(theirs)):
        d = mine[key] - theirs[key]
        small = abs(d) < (1 if key.startswith(("signals", "programs whose")) else 2)
        if d and not small:
            diffs.append((-abs(d), key, d))
    diffs.sort()
    out = []
    for _, key, d in diffs[:most]:
        noun = key if abs(d) != 1 else key.replace("programs", "program", 1).replace("signals", "signal", 1)
        out.append(f"{abs(d)} {'more' if d > 0 else 'fewer'} {noun}")
    return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _points(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.1f}%"


def _portfolio_payload(e: Evaluated) -> dict:
    o = e.outcomes
    return {
        "name": e.name, "file": e.file, "source": e.source, "count": e.count, "cost": e.cost.total_usd,
        "cost_breakdown": {"eras_fees_by_specialty": e.cost.per_specialty, "usmle_transcript": e.cost.transcript_usd},
        "expected_interviews": o.expected_interviews,
        "weighted_expected_interviews": e.weighted_expected_interviews, "sd": o.sd,
        "p_at_least_5": o.p_at_least[5], "p_at_least": {str(k): v for k, v in o.p_at_least.items()},
        "p_match": o.p_match, "correlated_p_match": o.correlated_p_match,
        "p_match_range": list(o.p_match_range) if o.p_match_range else None,
        "population_p_match": o.population_p_match,
        "correlated_p_at_least_5": o.correlated_p_at_least[5] if o.correlated_p_at_least else None,
        "tier_mix": tier_mix(e), "region_mix": region_mix(e), "visa_mix": visa_mix(e),
        "specialty_mix": _mix((c.program.specialty for c in e.chosen), ()),
        "signals": dict(e.signals), "signal_gain": e.signal_gain, "violations": list(e.violations),
        "unmatched_rows": [u.as_dict() for u in e.unmatched], "notes": list(e.notes),
        "programs": portfolio_rows(e),
    }


def portfolio_rows(e: Evaluated) -> list[dict]:
    """One row per program of a re-evaluated list, best chance (as applied) first."""
    rows = []
    for c, p in sorted(zip(e.chosen, e.applied_p), key=lambda cp: (-cp[1], cp[0].program_id)):
        rows.append({"program_id": c.program_id, "program": c.program.program, "city": c.program.city,
                     "state": c.program.state, "specialty": c.program.specialty, "tier": tier_of(c),
                     "p_interview": p, "p_interview_unsignaled": c.p_interview,
                     "signal": e.signals.get(c.program_id), "region": c.region, "visa": c.program.visa,
                     "weight": c.weight, "row_in_file": e.rows[c.program_id],
                     "not_open_because": "; ".join(c.reasons) or None})
    return rows


def comparison_summary_rows(comparison: Comparison) -> list[dict]:
    """A row per list, for the Summary sheet (and the CSV of `compare --out F.csv`)."""
    rows = []
    for e in comparison.portfolios:
        o = e.outcomes
        row = {"portfolio": e.name, "file": e.file, "source": e.source, "count": e.count,
               "cost": e.cost.total_usd, "expected_interviews": o.expected_interviews,
               "weighted_expected_interviews": e.weighted_expected_interviews, "p_at_least_5": o.p_at_least[5],
               "p_match": o.p_match,
               "p_match_low": o.p_match_range[0] if o.p_match_range else None,
               "p_match_high": o.p_match_range[1] if o.p_match_range else None,
               "population_p_match": o.population_p_match}
        row.update({f"{tier} programs": n for tier, n in _all_keys(tier_mix(e), (*TIERS, INELIGIBLE)).items()})
        row.update({f"{region}": n for region, n in _all_keys(region_mix(e), REGIONS).items()})
        row.update({f"visa {visa}": n for visa, n in _all_keys(visa_mix(e), VISAS).items()})
        row.update({"limits_broken": len(e.violations), "violations": "; ".join(e.violations) or None,
                    "rows_not_matched": len(e.unmatched), "signals_placed": len(e.signals),
                    "notes": "; ".join(e.notes) or None})
        rows.append(row)
    return rows


def _all_keys(counts: dict[str, int], order) -> dict[str, int]:
    return {k: counts.get(k, 0) for k in [*order, *(k for k in counts if k not in order)]}


def overlap_rows(comparison: Comparison) -> list[dict]:
    """A row per program on any list: where it is, its chance and tier; programs on every list last."""
    names = [e.name for e in comparison.portfolios]
    rows = []
    for group, ids in groups(comparison):
        for pid in ids:
            c = comparison.programs[pid]
            row = {"program_id": pid, "program": c.program.program, "city": c.program.city,
                   "state": c.program.state, "tier": tier_of(c), "p_interview": c.p_interview, "group": group}
            row.update({name: "yes" if pid in e.rows else "" for name, e in zip(names, comparison.portfolios)})
            rows.append(row)
    return rows


def groups(comparison: Comparison) -> list[tuple[str, tuple[str, ...]]]:
    groups = [(f"only in {name}", ids) for name, ids in comparison.only.items()]
    if comparison.in_some:
        groups.append(("in some lists", comparison.in_some))
    groups.append(("in all lists" if len(comparison.portfolios) > 2 else "in both lists", comparison.in_all))
    return groups


def unmatched_rows(comparison: Comparison) -> list[dict]:
    return [{"portfolio": e.name, **u.as_dict()} for e in comparison.portfolios for u in e.unmatched]
