"""What `smartpick score` shows: every program with its chance, tier, region, weight and eligibility."""

from __future__ import annotations

from collections import Counter

from optimizer.inputs.profile_types import REGIONS
from optimizer.output.render import escape, fit_to_width, make_table, pct, short_specialty
from optimizer.model.scoring import TIERS


def _sorted(candidates):
    """Eligible programs by weighted chance (highest first), then the ineligible ones in sheet order."""
    return sorted(candidates, key=lambda c: (not c.eligible, -c.value, c.program.row, c.program_id))


def score_payload(inputs, candidates) -> dict:
    programs = []
    for c in _sorted(candidates):
        programs.append({
            "program_id": c.program_id, "program": c.program.program, "specialty": c.program.specialty,
            "city": c.program.city, "state": c.program.state, "visa": c.program.visa, "eligible": c.eligible,
            "p_interview": c.p_interview, "tier": c.tier, "region": c.region, "weight": c.weight,
            "weighted_p": c.value, "reasons": list(c.reasons), "p_with_signal": dict(c.p_with_signal),
            "row": c.program.row,
            # what to check: estimated limits the applicant may not meet (the chance is lowered, the program not
            # ruled out), an unknown visa policy, a city read from a near spelling
            "checks": list(c.checks),
            # what moves the chance: each model term's share of the log-odds (data/model.toml)
            "log_odds_terms": dict(c.terms) if c.eligible else {},
        })
    return {"programs": programs, "summary": summary(candidates), "demo_data": inputs.table.is_demo,
            "notes": list(inputs.notes), "warnings": list(inputs.table.warnings)}


def summary(candidates) -> dict:
    eligible = [c for c in candidates if c.eligible]
    reasons = Counter(_reason_kind(r) for c in candidates for r in c.reasons)
    return {
        "programs": len(candidates), "eligible": len(eligible),
        "tiers": {t: sum(1 for c in eligible if c.tier == t) for t in TIERS},
        "regions": {r: sum(1 for c in eligible if c.region == r) for r in REGIONS},
        "expected_interviews_if_all_eligible": sum(c.p_interview for c in eligible),
        "excluded_by": dict(reasons.most_common()),
        "estimated_limits": sum(1 for c in eligible if c.checks),
    }


def _reason_kind(reason: str) -> str:
    for word, kind in (("specialty", "specialty"), ("visa", "visa"), ("sponsors", "visa"), ("cutoff", "Step cutoff"),
                       ("Step 2 CK score", "Step cutoff"), ("graduation", "years since graduation")):
        if word in reason:
            return kind
    return "other"


def score_rows(candidates) -> list[dict]:
    rows = []
    for c in _sorted(candidates):
        row = c.program.as_row()
        row.update({"eligible": c.eligible, "p_interview": c.p_interview, "tier": c.tier, "region": c.region,
                    "weight": c.weight, "reasons": "; ".join(c.reasons or c.checks),
                    **{f"p_with_{k}_signal": p for k, p in c.p_with_signal}})
        rows.append(row)
    return rows


def score_tables(inputs, candidates, top: int = 40, width: int = 100):
    """The programs open to the applicant (the first `top`, fitted to `width` columns), a summary, and why
    programs in the applicant's specialties are excluded."""
    s = summary(candidates)
    shown = [c for c in _sorted(candidates) if c.eligible][:top]
    longest = max((len(c.program.program) for c in shown), default=12)
    head = fit_to_width(lambda name_width, compact: _open_table(s, shown, top, name_width, compact), longest, width)
    return [head, *_summary_tables(s, candidates)]


def _open_table(s, shown, top, name_width, compact=False):
    head = make_table(f"Programs open to you, by weighted chance (top {top} of {s['eligible']})",
                  **({"padding": (0, 0)} if compact else {}))
    widths = {"#": (3, 4), "Program": (min(12, name_width), name_width), "City": (8, 11 if compact else 14),
              "Region": (10, 10) if compact else (13, 13), "Tier": (6, 6), "Weight": (6, 6),
              "Visa": (8, 14) if any(c.checks for c in shown) else (8, 8)}
    several = len({c.program.specialty for c in shown}) > 1
    names = (("#", "right"), ("Program", "left"), ("City", "left")) + ((("Spec.", "left"),) if several else ()) + (
        ("Visa", "left"), ("Chance", "right"), ("Tier", "left"), ("Region", "left"), ("Weight", "right"))
    for name, justify in names:
        low, high = widths.get(name, (len(name), None))
        head.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis", min_width=low, max_width=high)
    for i, c in enumerate(shown, start=1):
        head.add_row(str(i), escape(c.program.program), escape(f"{c.program.city}, {c.program.state}"),
                     *([short_specialty(c.program.specialty)] if several else []),
                     "unknown: check" if c.program.visa == "unknown" else c.program.visa, pct(c.p_interview),
                     c.tier, c.region, f"{c.weight:g}")
    return head


def _summary_tables(s, candidates):
    totals = make_table("Summary", show_header=False)
    totals.add_column("what", style="bold")
    totals.add_column("value")
    totals.add_row("Programs in the sheet", str(s["programs"]))
    totals.add_row("Open to you", str(s["eligible"]))
    totals.add_row("By tier", ", ".join(f"{k} {v}" for k, v in s["tiers"].items()))
    totals.add_row("By region", ", ".join(f"{k} {v}" for k, v in s["regions"].items()))
    totals.add_row("Excluded because of", ", ".join(f"{k} {v}" for k, v in s["excluded_by"].items()) or "nothing")
    if s["estimated_limits"]:
        totals.add_row("Estimated limits", f"{s['estimated_limits']} open programs have a limit you may not meet "
                       "whose value is only an estimate: their chance is lowered, not zero (estimated: check with "
                       "the program; `score --json` lists them under checks)")
    tables = [totals]
    excluded = [c for c in candidates if not c.eligible and "not a specialty" not in " ".join(c.reasons)]
    if excluded:
        why = make_table(f"Excluded in your specialties ({len(excluded)}; first 15)")
        why.add_column("Program")
        why.add_column("City")
        why.add_column("Why", overflow="fold")
        for c in excluded[:15]:
            why.add_row(escape(c.program.program[:36]), escape(f"{c.program.city[:16]}, {c.program.state}"),
                        escape("; ".join(c.reasons)))
        tables.append(why)
    return tables
