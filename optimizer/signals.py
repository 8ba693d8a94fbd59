"""ERAS program signals: how many of which kind each specialty allows in a season (data/seasons/<season>.toml)."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.programs import SIGNAL_KINDS


@dataclass(frozen=True)
class SignalRule:
    specialty: str
    allowance: tuple[tuple[str, int], ...]  # kind -> number of signals
    unit: str = "program"  # "institution": one signal covers the institution's tracks listed in `covers`
    covers: tuple[str, ...] = ()


def signal_rules(season: str) -> dict[str, SignalRule]:
    """Signal rules of the season, by specialty; specialties without signals are absent."""
    from optimizer.datafiles import load_bundled_toml

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
