"""Tables and JSON for the frontier and for scenarios side by side."""

from __future__ import annotations

from dataclasses import asdict

from optimizer.output.render import make_table, money, pct
from optimizer.studies.scenarios import scenario_row
from optimizer.model.uncertainty import describe_range


def frontier_payload(inputs, frontier) -> dict:
    """`smartpick frontier --json`: {"points": [{"budget", "status", "objective", "expected_interviews",
    "p_match", "count", "cost", ...}], "diminishing_returns_at", "rule", "robust"} ("robust": true when each point
    is the robust list at its budget, its objective the low end of its P(match) range)."""
    return {"points": [asdict(p) for p in frontier.points], "robust": frontier.robust,
            "diminishing_returns_at": frontier.diminishing_at,
            "rule": frontier.rule, "demo_data": inputs.table.is_demo, "notes": list(inputs.notes)}


def frontier_table(frontier):
    robust = getattr(frontier, "robust", False)
    # ten columns: one space apart, so none is cut
    t = make_table("Robust list at each budget (holds up best if SmartPick's figures are off)" if robust
               else "Best list at each budget", padding=(0, 0))
    for name in ("Budget", "Status", "Programs", "Cost", "P(match)\nlow end" if robust else "Weighted\nobjective",
                 "Expected\ninterviews", "P(>=5)", "P(match)", "P(match)\nrange",
                 "P(match) low\nend per +$100" if robust else "Interviews\nper +$100"):
        t.add_column(name, justify="left" if name == "Status" else "right", no_wrap=True)
    t.caption = (("P(match) low end per +$100: how much the low end of the range rises with each $100 more"
                  if robust else "Interviews per +$100: the weighted expected interviews each $100 more buys")
                 + ", from the budget before." + (" <: where more money starts to buy little."
                                                  if frontier.diminishing_at else ""))
    t.caption_justify = "left"
    for p in frontier.points:
        mark = " <" if frontier.diminishing_at == p.budget else ""
        objective = pct(p.objective) if robust else ("-" if p.objective is None else f"{p.objective:.2f}")
        t.add_row(money(p.budget) + mark, p.status, str(p.count) if p.count else "-", money(p.cost), objective,
                  "-" if p.expected_interviews is None else f"{p.expected_interviews:.2f}",
                  pct(p.p_at_least_5), pct(p.p_match), _range(p.p_match_range),
                  "-" if p.gain_per_100 is None else
                  (f"{p.gain_per_100:+.1%}" if robust else f"{p.gain_per_100:+.2f}"))
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
