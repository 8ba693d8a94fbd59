"""The terminal table of `smartpick batch`: one row per applicant x scenario."""

from __future__ import annotations

from optimizer.output.render import make_table, escape, money, pct
from optimizer.model.uncertainty import describe_range


def batch_table(results, limit: int = 200):
    """Applicant, scenario, status, programs, cost, expected interviews and P(match) with its range."""
    several = any(r.scenario is not None for r in results)
    t = make_table(f"Lists solved ({len(results)})")
    for name, justify in (("Applicant", "left"), *([("Scenario", "left")] if several else []), ("Status", "left"),
                          ("Programs", "right"), ("Cost", "right"), ("Exp. interviews", "right"),
                          ("P(match)", "right"), ("range", "right")):
        t.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis", max_width=24)
    for r in results[:limit]:
        s = r.summary()
        low_high = s["p_match_range"]
        t.add_row(escape(r.applicant_id), *([escape(r.scenario or "-")] if several else []), s["status"],
                  str(s["count"]) if s["count"] else "-", money(s["cost"]),
                  "-" if s["expected_interviews"] is None else f"{s['expected_interviews']:.1f}", pct(s["p_match"]),
                  describe_range(*low_high) if low_high else "-")
    if len(results) > limit:
        t.caption = f"The first {limit} of {len(results)}; --out results.xlsx holds them all."
    return t
