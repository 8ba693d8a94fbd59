"""The limits an application list must meet, and one function that checks a list against them.

The optimizer builds its model from `Limits`; compare and the tests check any list with `violations`, so a rule
is written once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from optimizer.model.fees import Cost, FeeSchedule
from optimizer.inputs.profile_types import Goals, TierSettings
from optimizer.model.scoring import TIERS, Candidate


@dataclass(frozen=True)
class Limits:
    min_programs: int
    max_programs: int
    budget_usd: float
    bands: dict[str, tuple[float, float]]  # tier -> (lowest share, highest share) of the list
    fees: FeeSchedule
    must: frozenset[str] = frozenset()  # program ids the list must hold
    never: frozenset[str] = frozenset()  # program ids the list must not hold
    min_per_region: dict[str, int] = field(default_factory=dict)
    max_per_region: dict[str, int] = field(default_factory=dict)
    min_per_state: dict[str, int] = field(default_factory=dict)
    max_per_state: dict[str, int] = field(default_factory=dict)
    min_per_specialty: dict[str, int] = field(default_factory=dict)
    max_per_specialty: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_goals(cls, goals: Goals, fees: FeeSchedule, must=(), never=(), **changes) -> "Limits":
        """Limits from the profile's goals; `changes` (budget_usd, min_programs, max_programs) win over it."""
        tiers: TierSettings = goals.tiers
        values = dict(
            min_programs=goals.min_programs, max_programs=goals.max_programs, budget_usd=goals.budget_usd,
            bands={"reach": tuple(tiers.reach), "core": tuple(tiers.core), "safety": tuple(tiers.safety)},
            fees=fees, must=frozenset(must), never=frozenset(never),
            min_per_region=dict(goals.min_per_region), max_per_region=dict(goals.max_per_region),
            min_per_state=dict(goals.min_per_state), max_per_state=dict(goals.max_per_state),
            min_per_specialty=dict(goals.min_per_specialty), max_per_specialty=dict(goals.max_per_specialty),
        )
        values.update({k: v for k, v in changes.items() if v is not None})
        return cls(**values)

    def group_limits(self):
        """(attribute of a candidate, lower limits, upper limits) for the optional per-group counts."""
        return (("region", self.min_per_region, self.max_per_region),
                ("state", self.min_per_state, self.max_per_state),
                ("specialty", self.min_per_specialty, self.max_per_specialty))


def group_of(candidate: Candidate, attribute: str) -> str:
    if attribute == "region":
        return candidate.region
    return getattr(candidate.program, attribute)


def tier_bounds(n: int, band: tuple[float, float]) -> tuple[int, int]:
    """The fewest and most programs of a tier a list of `n` may hold (shares rounded inward, exactly)."""
    lo, hi = band
    # a small tolerance so that 0.2 * 80 = 16.000000000000004 still allows 16
    low = -int(-(lo * n - 1e-9) // 1)
    high = int(hi * n + 1e-9)
    return low, high


def specialty_counts(chosen) -> dict[str, int]:
    """How many programs of each specialty a list holds (ERAS prices each specialty on its own)."""
    counts: dict[str, int] = {}
    for c in chosen:
        counts[c.program.specialty] = counts.get(c.program.specialty, 0) + 1
    return counts


def list_cost(chosen, fees: FeeSchedule) -> Cost:
    """What a list costs: ERAS fees per specialty plus the transcript fee (the one place a list is priced)."""
    return fees.list_cost(specialty_counts(chosen))


def violations(chosen: list[Candidate], limits: Limits) -> list[str]:
    """Every limit the list breaks, in words; empty when the list meets them all."""
    out = []
    n = len(chosen)
    if n < limits.min_programs:
        out.append(f"{n} programs, fewer than the minimum {limits.min_programs}")
    if n > limits.max_programs:
        out.append(f"{n} programs, more than the maximum {limits.max_programs}")
    cost = list_cost(chosen, limits.fees)
    if cost.total_usd > limits.budget_usd + 1e-9:
        out.append(f"costs ${cost.total_usd:,.0f}, over the budget of ${limits.budget_usd:,.0f}")
    for tier in TIERS:
        k = sum(1 for c in chosen if c.tier == tier)
        low, high = tier_bounds(n, limits.bands[tier])
        if not low <= k <= high:
            out.append(f"{k} {tier} programs; a list of {n} needs {low}-{high} "
                       f"({limits.bands[tier][0]:.0%}-{limits.bands[tier][1]:.0%})")
    ineligible = [c.program_id for c in chosen if not c.eligible]
    if ineligible:
        out.append(f"{len(ineligible)} ineligible programs: {', '.join(ineligible[:5])}")
    ids = {c.program_id for c in chosen}
    missing = sorted(limits.must - ids)
    if missing:
        out.append(f"misses must-apply programs: {', '.join(missing[:5])}")
    banned = sorted(limits.never & ids)
    if banned:
        out.append(f"holds never-apply programs: {', '.join(banned[:5])}")
    for attribute, lows, highs in limits.group_limits():
        group_counts: dict[str, int] = {}
        for c in chosen:
            key = group_of(c, attribute)
            group_counts[key] = group_counts.get(key, 0) + 1
        for key, low in lows.items():
            if group_counts.get(key, 0) < low:
                out.append(f"{group_counts.get(key, 0)} programs in {key}, fewer than the minimum {low}")
        for key, high in highs.items():
            if group_counts.get(key, 0) > high:
                out.append(f"{group_counts.get(key, 0)} programs in {key}, more than the maximum {high}")
    return out


def mix(chosen, attribute: str, order=()) -> dict[str, int]:
    """How many chosen programs have each value of `attribute` (of the candidate, else of its program), in `order`
    first, then sorted: e.g. mix(chosen, "tier", TIERS) -> {"reach": 21, "core": 59, "safety": 19}."""
    counts = Counter(getattr(c, attribute) if hasattr(c, attribute) else getattr(c.program, attribute)
                     for c in chosen)
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return {k: counts[k] for k in keys}
