"""The report a person reads: one self-contained HTML page (styles inline, charts as SVG images inside the page),
so it opens offline in any browser, prints, and can be sent by e-mail.

Sections, in reading order: about you; your application list (the numbers that matter, and why); tier and region
mix; how many interviews to expect; where the signals go; what a different budget buys (the frontier); what-if
scenarios; every program on the list; how the numbers are made. Money is shown as $1,234 and chances as percents.

`report_context` gathers the facts (charts drawn by plotting.py); the Jinja2 templates in optimizer/output/templates/
(`report.html` and a partial per section in `report/`) lay them out, every value escaped (autoescape);
`template_environment` is the one place templates are loaded, for any page SmartPick makes. Only `write_report`
touches the disk.
"""

from __future__ import annotations

import base64
import datetime
import functools
import io
from pathlib import Path

from optimizer.inputs.profile_types import REGIONS
from optimizer.output.render import chance_range, mix, money, pct, program_rows, tier_chances
from optimizer.model.scoring import TIERS
from optimizer import __version__
from optimizer.inputs.resources import DEMO_NOTE
from optimizer.model.outcomes import CORRELATION_ASSUMPTION, RANK_ASSUMPTION
from optimizer.model.uncertainty import describe_range
from optimizer.output.plotting import plot_distribution, plot_frontier
from optimizer.output.render_warnings import group_warnings
from optimizer.output.writers import atomic_write_text
from optimizer.studies.scenarios import scenario_row

FRONTIER_SPAN_USD = 1000  # the frontier runs from the budget minus this to the budget plus this
FRONTIER_STEP_USD = 100
AT_LEAST_SHOWN = (1, 3, 5, 8, 10, 12, 15)  # P(at least k interviews) listed under the chart

def frontier_budgets(budget_usd: float) -> list[float]:
    """Budgets from $1,000 below to $1,000 above the budget, $100 apart, none below $0."""
    steps = range(-FRONTIER_SPAN_USD, FRONTIER_SPAN_USD + 1, FRONTIER_STEP_USD)
    return sorted({max(0.0, float(budget_usd + d)) for d in steps})


def write_report(path: str | Path, page: str) -> Path:
    """Write the page atomically (a whole file or none)."""
    return atomic_write_text(path, page)


@functools.cache
def template_environment():
    """The Jinja2 environment of SmartPick's pages: templates from optimizer/output/templates/ (package data), every
    value escaped, an undefined name an error, and the filters money ($1,234) and pct (12.3%)."""
    # jinja2 takes 0.04 s to import (measured): only the HTML pages load it
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(loader=PackageLoader("optimizer.output", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(money=money, pct=pct)
    return environment


def render_report(inputs, plan, limits, frontier, scenario_results=None, today: datetime.date | None = None,
                  candidates=None) -> str:
    """The whole page as text. `scenario_results` is None when no scenarios were asked for; with `candidates`, a
    section says which programs are not on the list, and why."""
    context = report_context(inputs, plan, limits, frontier, scenario_results, today)
    if candidates is not None:
        context["sections"].insert(-1, ("left-out", "Not on your list, and why"))
        context["left_out"] = _left_out(candidates, plan.solution, limits)
    return template_environment().get_template("report.html").render(context)


def render_no_list_report(inputs, limits, reasons, candidates, today: datetime.date | None = None) -> str:
    """The page when no list meets the limits: why (with the changes that work, each checked by solving), and
    the programs not open to the applicant with their reasons."""
    today = today or datetime.date.today()
    table = inputs.table
    return template_environment().get_template("no_list.html").render({
        "version": __version__, "today": f"{today:%B %d, %Y}",
        "source": "bundled demo data" if table.is_demo else table.source,
        "profile_source": inputs.profile.source or "your profile",
        "notes": [n for n in inputs.notes if n != DEMO_NOTE], **_warnings(table, ()),
        "about": _about(inputs, limits), "reasons": [r[0].upper() + r[1:] for r in reasons],
        "left_out": _left_out(candidates, None, limits),
    })


def _warnings(table, plan_warnings) -> dict:
    """The sheet's warnings one line per kind (the page opens on the list, not on 15 warnings), each in full in a
    closed section."""
    return {"warnings": group_warnings(table.warnings) + list(plan_warnings), "warnings_full": list(table.warnings)}


def _left_out(candidates, solution, limits, limit: int = 300) -> dict:
    """The programs of the applicant's specialties not on the list: those not open (with the reason) and those
    marked never, and how many open ones the list leaves for others."""
    chosen = {c.program_id for c in solution.chosen} if solution is not None else set()
    in_specialties = [c for c in candidates if not any("not a specialty" in r for r in c.reasons)]
    closed = [(c, "; ".join(c.reasons)) for c in in_specialties if not c.eligible]
    never = [(c, "marked never apply") for c in in_specialties if c.eligible and c.program_id in limits.never]
    # open, but lowered by an estimated limit the applicant may not meet: worth checking with the program
    lowered = [(c, "; ".join(c.checks)) for c in in_specialties if c.eligible and c.checks
               and c.program_id not in limits.never and c.program_id not in chosen]
    passed = sum(1 for c in in_specialties if c.eligible and c.program_id not in limits.never
                 and c.program_id not in chosen and not c.checks)
    rows = [(c.program.program, f"{c.program.city}, {c.program.state}", why) for c, why in closed + never + lowered]
    return {"passed": passed if solution is not None else None, "total": len(rows), "rows": rows[:limit],
            "limit": limit}


def report_context(inputs, plan, limits, frontier, scenario_results=None, today: datetime.date | None = None) -> dict:
    """What the page shows, as plain values (numbers, words, rows) for the templates."""
    today = today or datetime.date.today()
    table = inputs.table
    return {
        "version": __version__, "today": f"{today:%B %d, %Y}",
        "source": "bundled demo data" if table.is_demo else table.source,
        "profile_source": inputs.profile.source or "your profile",
        "demo_note": DEMO_NOTE if table.is_demo else None,
        "notes": [n for n in inputs.notes if n != DEMO_NOTE],
        **_warnings(table, plan.warnings),
        "sections": [("about", "About you"), ("list", "Your application list"), ("mix", "Tier and region mix"),
                     ("interviews", "How many interviews to expect"), ("signals", "Where your ERAS signals go"),
                     ("budget", "What a different budget buys"), ("scenarios", "What-if scenarios"),
                     ("programs", f"All {plan.solution.count} programs on your list"),
                     ("method", "How these numbers are made")],
        "about": _about(inputs, limits), "headline": _headline(plan, limits), "mix": _mix(plan),
        "interviews": _interviews(plan), "signals": plan.signal_report, "frontier": _frontier(frontier, limits),
        "scenarios": _scenario_rows(scenario_results), "programs": _programs(plan), "method": _method(plan, limits),
    }


def _about(inputs, limits) -> list[tuple[str, str]]:
    a, g = inputs.profile.applicant, inputs.profile.goals
    visa = {"none": "needs no visa", "J-1": "J-1 only", "H-1B": "H-1B only",
            "J-1 or H-1B": "J-1 or H-1B"}.get(a.visa, a.visa)
    return [
        ("Specialties", ", ".join(a.specialties)),
        ("Applicant", a.applicant_type),
        ("USMLE Step 1", str(a.step1) if a.step1 is not None else ("pass" if a.step1_pass else "not passed yet")),
        ("USMLE Step 2 CK", str(a.step2ck) if a.step2ck is not None else "not taken yet"),
        ("Failed attempts", str(a.step_failures)),
        ("Graduated", str(a.graduation_year) if a.graduation_year else "not given"),
        ("Visa", visa),
        ("US clinical experience", f"{a.usce_months:g} months" + (f" in {', '.join(a.usce_states)}"
                                                                 if a.usce_states else "")),
        ("US letters of recommendation", str(a.us_lors)),
        ("Home", f"{g.home_metro} (programs near it count more)"),
        ("Budget", f"{money(limits.budget_usd)} for {limits.min_programs} to {limits.max_programs} programs "
                   f"({limits.fees.label} fees)"),
    ]


def _match_detail(o) -> str:
    """Under the chance of matching: the model's range, and that every interview is taken to become a rank."""
    if o.p_match_range and o.p_match_range[1] - o.p_match_range[0] >= 0.005:
        return f"model range {describe_range(*o.p_match_range)}; if every interview becomes a rank"
    return "if every interview becomes a rank"


def _headline(plan, limits) -> dict:
    s, o = plan.solution, plan.outcomes
    cards = [
        ("Programs", str(s.count), f"you allowed {limits.min_programs} to {limits.max_programs}"),
        ("Cost", money(s.cost.total_usd), f"of your {money(limits.budget_usd)} budget, with the "
                                         f"{money(s.cost.transcript_usd)} USMLE transcript fee"),
        ("Expected interviews", f"{o.expected_interviews:.1f}", f"give or take {o.sd:.1f}"),
        ("Chance of at least 5 interviews", pct(o.p_at_least[5]), ""),
        ("Chance of matching", pct(o.p_match), _match_detail(o)),
    ]
    goal = {"interviews": "to give you as many interviews as your budget allows, counting an interview near "
                          "home as worth more",
            "match": "to make your chance of matching as high as your budget allows"}.get(
        plan.objective.kind, f"to make your chance of at least {plan.objective.k} interviews as high as your "
                             "budget allows")
    correlated = None
    if o.view == "correlated" and o.independent_p_match is not None:
        correlated = {"independent": True, "p_match": pct(o.independent_p_match),
                      "p_at_least_5": pct(o.independent_p_at_least[5])}
    elif o.correlated_p_match is not None:
        correlated = {"p_match": pct(o.correlated_p_match), "p_at_least_5": pct(o.correlated_p_at_least[5])}
    population = None
    if o.population_p_match is not None:
        population = {"p_match": pct(o.population_p_match, 0), "group": o.population_group,
                      "source": o.population_source}
    return {"cards": [dict(zip(("label", "value", "detail"), card)) for card in cards], "count": s.count,
            "goal": goal, "proof": "proven best" if s.status == "optimal" else "the best found in the time allowed",
            "correlated": correlated, "population": population, "rank_assumption": RANK_ASSUMPTION, "binding": list(plan.binding),
            "gain_per_100": plan.gain_per_100}


def _mix(plan) -> list[tuple[str, list[dict]]]:
    """(heading, bars) for tiers, regions and visas; a bar is {label, share, count}."""
    chosen, n = plan.solution.chosen, plan.solution.count

    def bars(counts: dict[str, int]) -> list[dict]:
        return [{"label": label, "count": k, "share": k / n if n else 0.0} for label, k in counts.items()]

    chances = tier_chances(chosen)  # tier -> (programs, lowest chance, highest chance)
    tiers = bars({(f"{t} ({chance_range(*chances[t][1:])})" if t in chances else t): chances.get(t, (0,))[0]
                  for t in TIERS})
    return [("Tiers (chance of an interview at each; tiers rank your own programs)", tiers),
            ("Where the programs are", bars({r: mix(chosen, "region", REGIONS).get(r, 0) for r in REGIONS})),
            ("Visas the programs sponsor", bars(mix(chosen, "visa")))]


def svg_chart(ax, alt: str) -> dict:
    """The figure holding `ax` as an SVG image for the page: {alt, src (a data: URL)}."""
    figure = ax.figure
    while not hasattr(figure, "savefig"):
        figure = figure.figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return {"alt": alt, "src": "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")}


def _interviews(plan) -> dict:
    o = plan.outcomes
    likeliest = max(range(len(o.distribution)), key=lambda k: o.distribution[k])
    none = o.distribution[0]
    return {"expected": o.expected_interviews, "likeliest": likeliest,
            "none": "less than 0.01%" if none < 0.0001 else pct(none, 2),
            "chart": svg_chart(plot_distribution(o, title="Chance of each number of interviews"),
                            f"Bar chart of the chance of each number of interviews; the likeliest is {likeliest}."),
            "at_least": [(k, o.p_at_least[k]) for k in AT_LEAST_SHOWN if k in o.p_at_least]}


def _frontier(frontier, limits) -> dict | None:
    """The budget section's facts, or None when no budget in the range allows a list."""
    solved = [p for p in frontier.points if p.objective is not None]
    if not solved:
        return None
    ax = plot_frontier(solved)
    ax.axvline(limits.budget_usd, color="#57606a", linestyle=":", linewidth=1)
    points = [{**vars(p), "current": abs(p.budget - limits.budget_usd) < 0.5} for p in frontier.points]
    return {"low": frontier.points[0].budget, "high": frontier.points[-1].budget, "points": points,
            "chart": svg_chart(ax, "Line chart of expected interviews and chance of matching against the budget."),
            "diminishing_at": frontier.diminishing_at, "rule": frontier.rule}


def _scenario_rows(results) -> list[dict] | None:
    return None if results is None else [scenario_row(result) for result in results]


def _scenarios_section(results) -> str:
    """The what-if section alone, as HTML (None: no scenarios were asked for)."""
    return template_environment().get_template("report/scenarios.html").render(scenarios=_scenario_rows(results))


def _programs(plan) -> dict:
    """The list as table columns [(header, cell class)] and rows of display values, best chance first."""
    rows = program_rows(plan)
    several = len({r["specialty"] for r in rows}) > 1
    signals = any(r["signal"] for r in rows)
    # numbers align right; only the program name may wrap
    columns = [("#", "num"), ("Program", "name"), ("City", "")] + ([("Specialty", "")] if several else [])
    columns += [("Tier", ""), ("Chance of interview", "num"), ("Region", ""), ("Visa", "")]
    columns += ([("Signal", "")] if signals else []) + [("Fee", "num")]
    values = []
    for i, r in enumerate(rows, start=1):
        row = [str(i), r["program"], f"{r['city']}, {r['state']}"] + ([r["specialty"]] if several else [])
        row += [r["tier"], pct(r["p_interview"]), r["region"], r["visa"]]
        values.append(row + ([r["signal"] or ""] if signals else []) + [money(r["fee_share_usd"])])
    return {"columns": columns, "rows": values}


def _method(plan, limits) -> list[str]:
    curve = plan.outcomes.curve
    curve_text = f"{curve.source}" + (f" ({curve.year})" if curve.year else "") + (
        "; an assumption, not a measured figure" if curve.assumption else "")
    return [
        "Each program's chance of inviting you comes from SmartPick's interview model (your scores, visa, "
        "graduation year, US experience and ties, and the program's IMG share, setting and cutoffs). These are "
        "estimates to compare programs by, not promises.",
        f"Chance of matching: {RANK_ASSUMPTION} Match curve: {curve_text}.",
        CORRELATION_ASSUMPTION,
        f"Fees: {limits.fees.label}" + (f", from {limits.fees.source}" if limits.fees.source else "") + ".",
    ]
