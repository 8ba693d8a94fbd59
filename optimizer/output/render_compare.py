"""What `smartpick compare` prints: the lists side by side, who is ahead, the overlap, and what each breaks."""

from __future__ import annotations

from optimizer.model.uncertainty import describe_range

from optimizer.studies.compare import (INELIGIBLE, VISAS, Comparison, Unmatched, groups, region_mix, tier_mix, tier_of,
                               visa_mix, what_changed)
from optimizer.inputs.portfolio_files import PortfolioRow
from optimizer.inputs.profile_types import REGIONS
from optimizer.model.scoring import TIERS
from optimizer.output.render import make_table, money, pct

def comparison_tables(comparison: Comparison, per_table: int = 5, overlap_limit: int = 60,
                      home: str | None = None) -> list:
    """What `smartpick compare` prints: the lists side by side, who is ahead, the overlap, what changed and why
    (`home`: the home metro's name), and every problem."""
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich.markup import escape
    from rich.text import Text

    out = []
    lists = comparison.portfolios
    for start in range(0, len(lists), per_table):
        out.append(_side_by_side(lists[start:start + per_table], start // per_table + 1,
                                 (len(lists) - 1) // per_table + 1))
    if len(lists) > 1:
        out.append(_ahead_table(comparison))
        out.append(_overlap_table(comparison, overlap_limit))
        out.append(Text.from_markup("[bold]What changed and why[/bold]\n" + "\n".join(
            escape(change["text"]) for change in what_changed(comparison, home))))
    for e in lists:
        lines = [f"[bold]{escape(e.name)}[/bold] ({escape(e.file)}; {escape(e.source)}):"]
        lines += [f"  breaks a limit: {escape(v)}" for v in e.violations]
        lines += [f"  [yellow]not matched[/yellow], {escape(u.row_word)} {u.row} {escape(_row_label(u))}: "
                  f"{escape(u.message)}" for u in e.unmatched]
        lines += [f"  note: {escape(n)}" for n in e.notes]
        if len(lines) == 1:
            lines.append("  meets every limit; every row matched a program")
        out.append(Text.from_markup("\n".join(lines)))
    limits = comparison.limits
    if limits:
        out.append(Text(f"Limits checked (your profile): {limits.min_programs}-{limits.max_programs} programs, "
                        f"budget {money(limits.budget_usd)}, tier bands "
                        + ", ".join(f"{t} {pct(lo, 0)}-{pct(hi, 0)}" for t, (lo, hi) in limits.bands.items())
                        + f", {limits.fees.label} fees.", style="dim"))
    return out


def _row_label(u: Unmatched) -> str:
    return PortfolioRow(u.row, u.program_id, u.program).label()


def _side_by_side(lists, part: int, parts: int):
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich.markup import escape

    title = "Your lists side by side, re-evaluated" + (f" ({part} of {parts})" if parts > 1 else "")
    t = make_table(title, padding=(0, 1), min_width=len(title) + 2)
    t.add_column("", style="bold", no_wrap=True, min_width=20)
    for e in lists:
        t.add_column(escape(e.name), justify="right", overflow="fold", min_width=9, max_width=16)
    rows = [
        ("Programs", lambda e: str(e.count)),
        ("Cost", lambda e: money(e.cost.total_usd)),
        ("Expected interviews", lambda e: f"{e.outcomes.expected_interviews:.1f}"),
        ("Chance of 5 or more", lambda e: pct(e.outcomes.p_at_least[5])),
        ("Chance of matching", lambda e: pct(e.outcomes.p_match)),
        ("  model range", lambda e: describe_range(*e.outcomes.p_match_range) if e.outcomes.p_match_range else "-"),
        ("Reach/core/safety", lambda e: "/".join(str(tier_mix(e).get(t, 0)) for t in TIERS)),
        ("Not open to you", lambda e: str(tier_mix(e).get(INELIGIBLE, 0))),
        ("City/metro/state", lambda e: "/".join(str(region_mix(e).get(r, 0)) for r in REGIONS[:3])),
        ("Division/elsewhere", lambda e: "/".join(str(region_mix(e).get(r, 0)) for r in REGIONS[3:])),
        ("J-1/H-1B/both/none", lambda e: "/".join(str(visa_mix(e).get(v, 0)) for v in VISAS)),
        ("Signals placed", lambda e: str(len(e.signals))),
        ("Signals add", lambda e: f"+{e.signal_gain:.2f}"),
        ("Limits broken", lambda e: str(len(e.violations))),
        ("Rows not matched", lambda e: str(len(e.unmatched))),
    ]
    for label, cell in rows:
        t.add_row(label, *[cell(e) for e in lists])
    return t


def _ahead_table(comparison: Comparison):
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich.markup import escape

    def show(key: str, value: float) -> str:
        if key in ("p_match", "p_at_least_5"):
            return pct(value)
        if key == "cost":
            return money(value)
        if key == "limits_broken":
            return str(int(value))
        return f"{value:.1f}"

    t = make_table("Who is ahead")
    t.add_column("Measure", no_wrap=True)
    t.add_column("Ahead", overflow="fold", max_width=40)
    t.add_column("Value", justify="right")
    t.add_column("Lead", justify="right")
    for lead in comparison.ahead:
        tie = len(lead.leaders) > 1
        everyone = len(lead.leaders) == len(comparison.portfolios)
        ahead = "all equal" if everyone else ("tie: " if tie else "") + ", ".join(lead.leaders)
        margin = "-" if everyone else (pct(lead.margin) if lead.measure in ("p_match", "p_at_least_5")
                                       else show(lead.measure, lead.margin))
        t.add_row(f"{lead.label} ({lead.better} is better)", escape(ahead), show(lead.measure, lead.value), margin)
    return t


def _overlap_table(comparison: Comparison, limit: int):
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich.markup import escape

    counts = [f"in {'all' if len(comparison.portfolios) > 2 else 'both'}: {len(comparison.in_all)}"]
    counts += [f"only in {name}: {len(ids)}" for name, ids in comparison.only.items()]
    if comparison.in_some:
        counts.append(f"in some: {len(comparison.in_some)}")
    differing = [(group, pid) for group, ids in groups(comparison)[:-1] for pid in ids]
    caption = "Chance: of an interview, without a signal."
    if len(differing) > limit:
        caption += f" {len(differing) - limit} more programs not shown; --out F.xlsx lists them all."
    t = make_table(escape("Overlap (" + "; ".join(counts) + ")"), caption=caption, caption_justify="left")
    for name, justify, width in (("Program", "left", 30), ("City", "left", 18), ("Tier", "left", 7),
                                 ("Chance", "right", 6), ("Where", "left", 28)):
        t.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis", max_width=width)
    for group, pid in differing[:limit]:
        c = comparison.programs[pid]
        where = group if group.startswith("only") else "in " + ", ".join(
            e.name for e in comparison.portfolios if pid in e.rows)
        t.add_row(escape(c.program.program), escape(f"{c.program.city}, {c.program.state}"), tier_of(c),
                  pct(c.p_interview), escape(where))
    if not differing:
        t.add_row("Every list holds the same programs.", "", "", "", "")
    return t

