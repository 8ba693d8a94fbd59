"""What people read: JSON payloads (unrounded numbers) and terminal tables (money as $1,234, chances as
percents, readable at 100 columns). Pure: builds data and rich renderables; the CLI prints them."""

from __future__ import annotations

import os

from collections import Counter

from optimizer.model.scoring import TIERS
from optimizer.solver.constraints import mix  # noqa: F401 - render.mix, as the renderers use it
from optimizer.inputs.profile_types import REGIONS
from optimizer.model.outcomes import RANK_ASSUMPTION
from optimizer.model.uncertainty import describe_range
from optimizer.solver.constraints import specialty_counts


def escape(text: str) -> str:
    """Text shown in a rich table as written: square brackets are not read as styles. (rich is imported only
    when a table is drawn, so `--json` runs do not pay for it.)"""
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def money(usd: float | None) -> str:
    return "-" if usd is None else f"${usd:,.0f}"


def pct(p: float | None, digits: int = 1) -> str:
    return "-" if p is None else f"{100 * p:.{digits}f}%"


def weighted_expected(solution) -> float:
    """Sum of region weight x interview chance as the list applies it (with its signals)."""
    return sum(c.weight * solution.applied_p(c) for c in solution.chosen)


def fee_shares(solution, fees=None) -> dict[str, float]:
    """Each chosen program's ERAS fee. With the season's schedule, the real price of each: ERAS counts the programs
    of a specialty, so the list's programs take the 1st, 2nd, ... price of their specialty in list order (best
    first) and the column adds up to the ERAS fees. Without it, the specialty's fee spread evenly."""
    counts = specialty_counts(solution.chosen)
    if fees is None:
        return {c.program_id: solution.cost.per_specialty[c.program.specialty] / counts[c.program.specialty]
                for c in solution.chosen}
    position, shares = Counter(), {}
    for c in solution.chosen:
        position[c.program.specialty] += 1
        shares[c.program_id] = fees.marginal_fee(position[c.program.specialty])
    return shares


def program_rows(plan, with_sheet_columns: bool = True) -> list[dict]:
    """One row per chosen program: the sheet's own columns, then what SmartPick adds."""
    solution = plan.solution
    shares = fee_shares(solution, getattr(plan, "fees", None)) if solution.cost else {}
    rows = []
    for c in solution.chosen:
        signal = solution.signals.get(c.program_id)
        applied = solution.applied_p(c)
        row = c.program.as_row() if with_sheet_columns else {"program_id": c.program_id,
                                                             "program": c.program.program}
        row.update({"tier": c.tier, "p_interview": applied, "p_interview_unsignaled": c.p_interview,
                    "signal": signal, "weight": c.weight, "region": c.region,
                    "fee_share_usd": shares.get(c.program_id), "check": "; ".join(c.checks)})
        rows.append(row)
    return rows


def _other_view(o, k: int | None) -> str:
    """The view not shown as the headline, in words (empty when there is only one)."""
    if o.view == "correlated" and o.independent_p_match is not None:
        value = o.independent_p_match if k is None else o.independent_p_at_least[k]
        return f"; {pct(value)} if programs decided independently of each other"
    if o.correlated_p_match is not None:
        value = o.correlated_p_match if k is None else o.correlated_p_at_least[k]
        return f"; correlated view {pct(value)}"
    return ""


def match_text(o) -> str:
    """P(match) with the model's range, e.g. "34.5% (range 32-37%)"."""
    if o is None or o.p_match is None:
        return "-"
    if o.p_match_range is None or o.p_match_range[1] - o.p_match_range[0] < 0.005:
        return pct(o.p_match)

    return f"{pct(o.p_match)} (range {describe_range(*o.p_match_range)})"


def population_text(o) -> str:
    """What happened to applicants like this one, in each specialty applied to, with its source, in one
    sentence."""
    entries = o.population or ({"p_match": o.population_p_match, "group": o.population_group},)
    said = "; ".join(f"{pct(e['p_match'], 0)} of {e['group']} matched" for e in entries)
    return (f"{said} ({o.population_short_source}). SmartPick's figure is for the list it chose; neither is a "
            "promise.")


def solve_payload(inputs, plan, limits) -> dict:
    """`smartpick solve --json` (a public contract: the README lists its fields)."""
    s, o = plan.solution, plan.outcomes
    payload = {
        "status": s.status,
        "objective_kind": str(plan.objective),
        "robust": plan.robust,
        "objective": s.objective,
        "bound": s.bound,
        "gap": s.gap,
        "expected_interviews": o.expected_interviews if o else None,
        "weighted_expected_interviews": weighted_expected(s) if s.chosen else None,
        "cost": s.cost.total_usd if s.cost else None,
        "cost_breakdown": ({"eras_fees_by_specialty": s.cost.per_specialty,
                            "usmle_transcript": s.cost.transcript_usd} if s.cost else None),
        "budget": s.budget_usd,
        "count": s.count,
        "interview_distribution": list(o.distribution) if o else None,
        "p_at_least": {str(k): v for k, v in o.p_at_least.items()} if o else None,
        "p_match": o.p_match if o else None,
        "p_match_range": list(o.p_match_range) if o and o.p_match_range else None,
        # the range as the terminal writes it (whole percents, outward), so every door rounds alike
        "p_match_range_text": describe_range(*o.p_match_range) if o and o.p_match_range else None,
        "outcome_view": o.view if o else None,
        "independent_p_match": o.independent_p_match if o else None,
        "population_p_match": o.population_p_match if o else None,
        "population_group": o.population_group if o else None,
        "population_source": o.population_source if o else None,
        "population": [dict(e) for e in o.population] if o else [],
        "population_short_source": o.population_short_source if o else None,
        "correlated": ({"latent_sd": o.latent_sd, "sd": o.correlated_sd, "p_match": o.correlated_p_match,
                        "p_at_least": {str(k): v for k, v in o.correlated_p_at_least.items()},
                        "interview_distribution": list(o.correlated_distribution)}
                       if o and o.correlated_distribution else None),
        "sd": o.sd if o else None,
        "expected_home_interviews": o.expected_home_interviews if o else None,
        "tier_mix": mix(s.chosen, "tier", TIERS),
        "region_mix": mix(s.chosen, "region", REGIONS),
        "specialty_mix": mix(s.chosen, "specialty"),
        "binding": list(plan.binding),
        "gain_per_100_usd": plan.gain_per_100,
        "backend": s.backend,
        "solve_seconds": s.seconds,
        "season": limits.fees.season,
        "min_programs": limits.min_programs,
        "max_programs": limits.max_programs,
        "demo_data": inputs.table.is_demo,
        "notes": list(inputs.notes),
        "warnings": list(plan.warnings),
        "programs": [{"program_id": r["program_id"], "program": r["program"], "specialty": r["specialty"],
                      "city": r["city"], "state": r["state"], "tier": r["tier"], "p_interview": r["p_interview"],
                      "p_interview_unsignaled": r["p_interview_unsignaled"], "weight": r["weight"],
                      "region": r["region"], "signal": r["signal"], "fee_share_usd": r["fee_share_usd"],
                      "check": r["check"] or None}
                     for r in program_rows(plan)],
    }
    report = plan.signal_report
    payload["signals"] = None if report is None else {
        "placed": list(report.rows), "objective_joint": report.joint, "objective_no_signals": report.no_signals,
        "objective_list_then_signal": report.list_then_signal,
        "gain_vs_no_signals": report.joint - report.no_signals,
        "gain_vs_list_then_signal": report.joint - report.list_then_signal}
    if o:
        payload["rank_assumption"] = RANK_ASSUMPTION
        payload["match_curve"] = {"source": o.curve.source, "year": o.curve.year, "assumption": o.curve.assumption}
        if o.curves is not None:
            payload["match_curves"] = o.curves.sources()
    return payload


def make_table(title=None, **kwargs):
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich import box
    from rich.table import Table

    kwargs.setdefault("box", box.SIMPLE_HEAD)
    kwargs.setdefault("pad_edge", False)
    return Table(title=title, title_justify="left", header_style="bold", **kwargs)


def summary_table(inputs, plan, limits):
    """The summary of a solved list, as a two-column table."""
    s, o = plan.solution, plan.outcomes
    t = make_table("Summary", show_header=False)
    t.add_column("what", style="bold")
    t.add_column("value")
    status = s.status
    if s.status == "feasible":
        status += (f" (best found; proven gap {s.gap:.4g})" if s.gap is not None else " (best found; gap unknown)")
    elif s.status == "optimal":
        status += " (proven best under your limits)"
    t.add_row("Status", status)
    t.add_row("Objective", f"{plan.objective.label}: " + (
        f"{s.objective:.2f}" if plan.objective.kind == "interviews" else pct(s.objective)))
    if plan.objective.kind != "interviews" and s.bound is not None:
        t.add_row("Proven upper bound", f"{pct(s.bound)} (gap {pct(s.gap, 2)})")
    t.add_row("Programs", f"{s.count} (allowed {limits.min_programs}-{limits.max_programs})")
    breakdown = ", ".join(f"{k} {money(v)}" for k, v in s.cost.per_specialty.items())
    t.add_row("Cost", f"{money(s.cost.total_usd)} of {money(s.budget_usd)}: ERAS {breakdown}; USMLE transcript "
              f"{money(s.cost.transcript_usd)} ({limits.fees.label})")
    if o:
        t.add_row("Expected interviews", f"{o.expected_interviews:.1f} (SD {o.sd:.1f}); weighted by region "
                  f"{weighted_expected(s):.1f}")
        t.add_row("Chance of at least 5", pct(o.p_at_least[5]) + _other_view(o, 5))
        t.add_row("Chance of matching", match_text(o) + _other_view(o, None))
        if o.population_p_match is not None:
            t.add_row("Applicants like you", population_text(o))
        if o.expected_home_interviews is not None:
            t.add_row("Interviews in home state", f"{o.expected_home_interviews:.1f} expected")
    t.add_row("Tiers", tier_text(s.chosen))
    t.add_row("Regions", ", ".join(f"{k} {v}" for k, v in mix(s.chosen, "region", REGIONS).items()))
    t.add_row("Limits reached", "; ".join(plan.binding) or "none")
    if plan.gain_per_100 is not None:
        t.add_row("$100 more would add", f"{plan.gain_per_100:.2f} weighted expected interviews")
    return t


def tier_chances(chosen) -> dict[str, tuple[int, float, float]]:
    """Tier -> (programs, lowest chance, highest chance) of a list, the chances without a signal (how tiers are
    set)."""
    out = {}
    for tier in TIERS:
        p = [c.p_interview for c in chosen if c.tier == tier]
        if p:
            out[tier] = (len(p), min(p), max(p))
    return out


def chance_range(low: float, high: float) -> str:
    """'0.2-0.3%' (one figure when both round alike)."""
    return pct(low) if pct(low) == pct(high) else f"{100 * low:.1f}-{pct(high)}"


def tier_text(chosen) -> str:
    """'reach 21 (0.6-2.1% each), core 59 (2.2-5.0%), safety 19 (5.1-9.3%); tiers rank your own programs': the
    chances beside the counts, because tiers are relative and a 'safety' program is no sure interview."""
    parts = [f"{tier} {k} ({chance_range(low, high)}{' each' if i == 0 else ''})"
             for i, (tier, (k, low, high)) in enumerate(tier_chances(chosen).items())]
    return ", ".join(parts) + ("; tiers rank your own programs: safety means your best chances, not a sure interview"
                               if parts else "")


def programs_table(plan, limit: int | None = None, width: int = 100):
    """The chosen programs, one row each, fitted to `width` columns: full names where there is room, else the
    program name gives way."""
    longest = max((len(c.program.program) for c in plan.solution.chosen), default=12)
    return fit_to_width(lambda name_width, compact: _programs_table(plan, limit, name_width, compact), longest,
                        width)


def fit_to_width(build, longest: int, width: int, shortest: int = 12):
    """The table `build(name_width, compact)` with the widest name column that keeps it within `width` columns:
    full names where there is room; otherwise the layout (normal, or `compact`, which narrows the padding and the
    other text columns) that gives the names the more room (normal on a tie), so a wider terminal never shows
    shorter names."""
    table = build(max(shortest, longest), False)
    used = _rendered_width(table)
    if used <= width:
        return table
    options = []
    name_width = max(shortest, longest - (used - width))
    table = build(name_width, False)
    if _rendered_width(table) <= width:
        options.append((name_width, 1, table))
    table = build(shortest, True)
    used = _rendered_width(table)
    # the room the narrower columns left goes to the name (or the name gives up more, down to 8 characters)
    name_width = min(longest, max(8, shortest + width - used))
    options.append((name_width, 0, table if name_width == shortest else build(name_width, True)))
    return max(options, key=lambda option: option[:2])[2]


def _rendered_width(table) -> int:
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich.console import Console

    return Console(width=1000, file=open(os.devnull, "w")).measure(table).maximum


def _programs_table(plan, limit, name_width: int, compact: bool = False):
    rows = program_rows(plan, with_sheet_columns=False)
    for row, c in zip(rows, plan.solution.chosen):
        row["specialty"] = c.program.specialty
    rows.sort(key=lambda row: -row["p_interview"])  # best chance first: the chance as the list applies it
    # narrow terminals: one space between columns instead of three, so the names keep some room
    t = make_table(f"Your list ({len(rows)} programs, best chance first)", **({"padding": (0, 0)} if compact else {}))
    with_signals = any(r["signal"] for r in rows)
    several = len({r["specialty"] for r in rows}) > 1
    columns = ([("#", "right"), ("Program", "left"), ("City", "left")] + ([("Spec.", "left")] if several else [])
               + [("Tier  ", "left"), ("Chance", "right"), ("Region", "left")]
               + ([("Signal", "left")] if with_signals else []) + [("Fee", "right")])
    widths = {"#": (3, 3), "Program": (min(12, name_width), name_width), "City": (8, 11 if compact else 16),
              "Region": (10, 10) if compact else (13, 13), "Signal": (6, 6) if compact else (8, 8)}
    for name, justify in columns:
        low, high = widths.get(name, (max(len(name), 4), None))
        t.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis", min_width=low, max_width=high)
    by_id = {c.program_id: c for c in plan.solution.chosen}
    for i, r in enumerate(rows[:limit] if limit else rows, start=1):
        p = by_id[r["program_id"]].program
        cells = ([str(i), escape(p.program), escape(f"{p.city}, {p.state}")] + ([short_specialty(p.specialty)] if several else [])
                 + [r["tier"], pct(r["p_interview"]), r["region"]] + ([r["signal"] or ""] if with_signals else [])
                 + [money(r["fee_share_usd"])])
        t.add_row(*cells)
    solution = plan.solution
    if getattr(plan, "fees", None) is not None and solution.cost and not limit:
        eras = sum(r["fee_share_usd"] for r in rows)
        t.caption = (f"Fee: what ERAS charges for each program (its count restarts for each specialty). They add up "
                     f"to {money(eras)}; with the USMLE transcript ({money(solution.cost.transcript_usd)}) the list "
                     f"costs {money(solution.cost.total_usd)}.")
        t.caption_justify = "left"
    return t


SHORT = {"Internal Medicine": "IM", "Family Medicine": "FM", "Pediatrics": "Peds", "Psychiatry": "Psych",
         "Transitional Year": "TY", "Internal Medicine (Preliminary)": "IM prelim", "Neurology": "Neuro",
         "Surgery (Preliminary)": "Surg prelim", "Pathology": "Path", "Anesthesiology": "Anes",
         "General Surgery": "Gen Surg", "Emergency Medicine": "EM", "Obstetrics and Gynecology": "OB/GYN",
         "Diagnostic Radiology": "DR"}


def short_specialty(specialty: str) -> str:
    return SHORT.get(specialty, specialty)


def signals_table(report, width: int = 100):
    """Where the signals went, what each adds, and the joint choice against two simpler ways; fitted to `width`."""
    longest = max((len(r["program"]) for r in report.rows), default=12)
    return fit_to_width(lambda name_width, compact: _signals_table(report, name_width, compact), longest, width)


def _signals_table(report, name_width: int, compact: bool):
    t = make_table(f"Your ERAS signals ({len(report.rows)}), chosen together with the list")
    headers = (("Without", "With", "Adds") if compact else ("Chance without", "With signal", "Adds"))
    for name, justify in (("Program", "left"), ("Kind", "left"), (headers[0], "right"), (headers[1], "right"),
                          (headers[2], "right")):
        t.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis",
                     max_width=name_width if name == "Program" else None)
    for r in report.rows:
        t.add_row(escape(r["program"]), r["kind"], pct(r["p_without"]), pct(r["p_with"]), f"+{r['gain']:.2f}")
    t.caption = (f"Weighted expected interviews: {report.joint:.2f} with signals chosen with the list; "
                 f"{report.list_then_signal:.2f} choosing the list first, then signalling inside it; "
                 f"{report.no_signals:.2f} with no signals.")
    t.caption_justify = "left"
    return t
