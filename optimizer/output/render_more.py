"""Tables and JSON for the frontier and for scenarios side by side."""

from __future__ import annotations

from dataclasses import asdict

from optimizer.output.render import make_table, money, pct
from optimizer.studies.scenarios import scenario_row
from optimizer.model.uncertainty import describe_range


def frontier_payload(inputs, frontier) -> dict:
    """`smartpick frontier --json`: {"points": [{"budget", "status", "objective", "expected_interviews",
    "p_match", "count", "cost", ..., "bound", "gap"}], "objective", "diminishing_returns_at", "rule", "robust"}
    ("objective": what each point's list maximizes, interviews, match or at-least:K, its value each point's
    "objective", with the proven "bound" and "gap" for match and at-least:K; "robust": true when each point is the
    robust list at its budget, its objective the low end of its P(match) range)."""
    return {"points": [asdict(p) for p in frontier.points], "objective": frontier.objective,
            "robust": frontier.robust, "diminishing_returns_at": frontier.diminishing_at,
            "rule": frontier.rule, "demo_data": inputs.table.is_demo, "notes": list(inputs.notes)}


def frontier_table(frontier):
    robust = getattr(frontier, "robust", False)
    kind = getattr(frontier, "objective", "interviews")
    risk = kind != "interviews" and not robust
    at_least = kind.startswith("at-least") and not robust
    k = kind.split(":")[1] if at_least else "5"
    if robust:
        title = "Robust list at each budget (holds up best if SmartPick's figures are off)"
    elif kind == "match":
        title = "List with the best chance of matching at each budget"
    elif at_least:
        title = f"List with the best chance of at least {k} interviews at each budget"
    else:
        title = "Best list at each budget"
    # ten columns: one space apart, so none is cut
    t = make_table(title, padding=(0, 0))
    fifth = "P(match)\nlow end" if robust else ("Proven\nwithin" if risk else "Weighted\nobjective")
    last = ("P(match) low\nend per +$100" if robust else f"P(>={k})\nper +$100" if at_least
            else "P(match)\nper +$100" if risk else "Interviews\nper +$100")
    for name in ("Budget", "Status", "Programs", "Cost", fifth, "Expected\ninterviews", f"P(>={k})", "P(match)",
                 "P(match)\nrange", last):
        t.add_column(name, justify="left" if name == "Status" else "right", no_wrap=True)
    if robust:
        caption = "P(match) low end per +$100: how much the low end of the range rises with each $100 more"
    elif risk:
        caption = ("Proven within: no list at that budget has a chance more than this above the one shown "
                   f"(optimal: within {1 if kind == 'match' else 2} point{'' if kind == 'match' else 's'}). "
                   f"{last.replace(chr(10), ' ')}: how much that chance rises with each $100 more")
    else:
        caption = "Interviews per +$100: the weighted expected interviews each $100 more buys"
    t.caption = caption + ", from the budget before." + (" <: where more money starts to buy little."
                                                         if frontier.diminishing_at else "")
    t.caption_justify = "left"
    for p in frontier.points:
        mark = " <" if frontier.diminishing_at == p.budget else ""
        if robust:
            fifth_value = pct(p.objective)
        elif risk:
            fifth_value = "-" if p.gap is None else f"{100 * p.gap:.1f} pts"
        else:
            fifth_value = "-" if p.objective is None else f"{p.objective:.2f}"
        t.add_row(money(p.budget) + mark, p.status, str(p.count) if p.count else "-", money(p.cost), fifth_value,
                  "-" if p.expected_interviews is None else f"{p.expected_interviews:.2f}",
                  pct(p.objective if at_least else p.p_at_least_5), pct(p.p_match), _range(p.p_match_range),
                  "-" if p.gain_per_100 is None else
                  (f"{p.gain_per_100:+.1%}" if robust or risk else f"{p.gain_per_100:+.2f}"))
    return t


def _range(low_high) -> str:
    return describe_range(*low_high) if low_high else "-"


def scenarios_payload(results, errors, demo: bool) -> dict:
    """`smartpick scenarios run --json`: {"scenarios": [...], "errors": [{"file", "key", "message"}]}."""
    return {"scenarios": [scenario_row(r) for r in results], "errors": [e.as_dict() for e in errors],
            "demo_data": demo}


def scenarios_table(results, per_table: int = 6):
    """One column per scenario, at most `per_table` scenarios side by side in each table (100 columns)."""
    rows = [scenario_row(r) for r in results]
    return [_scenarios_block(rows[i:i + per_table], i // per_table + 1, (len(rows) - 1) // per_table + 1)
            for i in range(0, len(rows), per_table)]


def _scenarios_block(rows, part, parts):
    title = "Scenarios side by side" + (f" ({part} of {parts})" if parts > 1 else "")
    t = make_table(title, padding=(0, 1))
    t.add_column("", style="bold", no_wrap=True, min_width=14)
    for row in rows:
        t.add_column(row["name"], justify="right", overflow="fold", min_width=7)

    def line(label, fn):
        t.add_row(label, *[fn(r) if r["status"] != "infeasible" else "-" for r in rows])

    t.add_row("Status", *[r["status"] for r in rows])
    line("Programs", lambda r: str(r["count"]))
    line("Cost", lambda r: money(r["cost"]))
    line("Expected interviews", lambda r: f"{r['expected_interviews']:.1f}")
    line("P(at least 5)", lambda r: pct(r["p_at_least_5"]))
    line("P(match)", lambda r: pct(r["p_match"]))
    line("P(match) range", lambda r: _range(r.get("p_match_range")))
    line("Applicants like this", lambda r: pct(r.get("population_p_match"), 0))
    line("Reach/core/safe", lambda r: "/".join(str(v) for v in r["tier_mix"].values()))
    line("City/metro/state", lambda r: "/".join(str(r["region_mix"].get(k, 0))
                                               for k in ("home city", "home metro", "home state")))
    line("In home state", lambda r: f"{r['home_state_count']} {r['home_state']}")
    return t
