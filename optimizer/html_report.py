"""The report a person reads: one self-contained HTML page (styles inline, charts as SVG images inside the page),
so it opens offline in any browser, prints, and can be sent by e-mail.

Sections, in reading order: about you; your application list (the numbers that matter, and why); tier and region
mix; how many interviews to expect; what a different budget buys (the frontier); what-if scenarios; every program
on the list; how the numbers are made. Money is shown as $1,234 and chances as percents, in plain words.
`render_report` builds the text (charts drawn by plotting.py); only `write_report` touches the disk.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
from pathlib import Path

from optimizer.errors import InputError
from optimizer.profile_types import REGIONS
from optimizer.render import money, pct
from optimizer.scoring import TIERS

FRONTIER_SPAN_USD = 1000  # the frontier runs from the budget minus this to the budget plus this
FRONTIER_STEP_USD = 100
AT_LEAST_SHOWN = (1, 3, 5, 8, 10, 12, 15)  # P(at least k interviews) listed under the chart

CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d2327;
       margin: 0 auto; max-width: 1040px; padding: 24px; line-height: 1.45; }
h1 { font-size: 28px; margin-bottom: 4px; } h2 { font-size: 21px; margin-top: 36px;
     border-bottom: 2px solid #d0d7de; padding-bottom: 4px; }
.sub { color: #57606a; margin-top: 0; } .muted { color: #57606a; font-size: 14px; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.note { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { flex: 1 1 170px; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 14px; }
.card .label { color: #57606a; font-size: 14px; } .card .value { font-size: 26px; font-weight: 600; }
.card .detail { color: #57606a; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; white-space: nowrap; }
table.list td { white-space: nowrap; } table.list td.name { white-space: normal; }
tr.current td { font-weight: 600; background: #ddf4ff; }
.bars { display: grid; grid-template-columns: 150px 1fr 110px; gap: 4px 10px; align-items: center; max-width: 720px; }
.bar { background: #1f77b4; height: 16px; border-radius: 3px; } .barbox { background: #eaeef2; border-radius: 3px; }
img.chart { max-width: 100%; height: auto; }
nav a { margin-right: 14px; }
@media print { nav { display: none; } h2 { break-after: avoid; } table, img.chart { break-inside: avoid; } }
"""


def check_html_path(path: str | Path, protected=()) -> Path:
    """Refuse an output name that is not .html, or whose folder does not exist (before any work is done)."""
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise InputError(f"the report is a web page: give a name ending in .html (found "
                         f"'{path.suffix or '(none)'}'), e.g. --out report.html.", file=str(path))
    for other in protected:
        if other and Path(other).exists() and path.exists() and path.samefile(other):
            raise InputError("this is one of your input files; SmartPick never overwrites them.", file=str(path))
    from optimizer.writers import check_folder

    return check_folder(path)


def frontier_budgets(budget_usd: float) -> list[float]:
    """Budgets from $1,000 below to $1,000 above the budget, $100 apart, none below $0."""
    steps = range(-FRONTIER_SPAN_USD, FRONTIER_SPAN_USD + 1, FRONTIER_STEP_USD)
    return sorted({max(0.0, float(budget_usd + d)) for d in steps})


def write_report(path: str | Path, page: str) -> Path:
    """Write the page atomically (a whole file or none)."""
    from optimizer.writers import atomic_write

    return atomic_write(path, lambda temp: temp.write_text(page, encoding="utf-8"))


# --- the page ------------------------------------------------------------------------------------------------------

def render_report(inputs, plan, limits, frontier, scenario_results=None, today: datetime.date | None = None,
                  candidates=None) -> str:
    """The whole page as text. `scenario_results` is None when no scenarios were asked for; with `candidates`, a
    section says which programs are not on the list, and why."""
    today = today or datetime.date.today()
    sections = [
        ("about", "About you", _about(inputs, limits)),
        ("list", "Your application list", _headline(inputs, plan, limits)),
        ("mix", "Tier and region mix", _mix_section(plan)),
        ("interviews", "How many interviews to expect", _interviews(plan)),
        ("signals", "Where your ERAS signals go", _signals_section(plan)),
        ("budget", "What a different budget buys", _frontier_section(frontier, limits)),
        ("scenarios", "What-if scenarios", _scenarios_section(scenario_results)),
        ("programs", f"All {plan.solution.count} programs on your list", _programs_table(plan)),
        *([("left-out", "Not on your list, and why", _left_out(candidates, plan.solution, limits))]
          if candidates is not None else []),
        ("method", "How these numbers are made", _method(inputs, plan, limits)),
    ]
    return _page(inputs, sections, today, _notices(inputs, plan))


def render_no_list_report(inputs, limits, reasons, candidates, today: datetime.date | None = None) -> str:
    """The page when no list meets the limits: why (with the changes that work), and the programs not open to
    the applicant with their reasons."""
    today = today or datetime.date.today()
    items = "".join(f"<li>{_e(reason[0].upper() + reason[1:])}</li>" for reason in reasons)
    sections = [
        ("about", "About you", _about(inputs, limits)),
        ("why", "No application list meets your limits", f"<ul>{items}</ul><p>Change one of these in your "
                                                          "profile or on the command line, then make the report "
                                                          "again.</p>"),
        ("left-out", "Programs not open to you, and why", _left_out(candidates, None, limits)),
    ]
    return _page(inputs, sections, today, "")


def _left_out(candidates, solution, limits, limit: int = 300) -> str:
    """The programs of the applicant's specialties not on the list: those not open (with the reason), those marked
    never, and how many open ones the list leaves for others."""
    chosen = {c.program_id for c in solution.chosen} if solution is not None else set()
    in_specialties = [c for c in candidates if not any("not a specialty" in r for r in c.reasons)]
    closed = [c for c in in_specialties if not c.eligible]
    never = [c for c in in_specialties if c.eligible and c.program_id in limits.never]
    passed = [c for c in in_specialties if c.eligible and c.program_id not in limits.never
              and c.program_id not in chosen]
    rows = [(c, "; ".join(c.reasons)) for c in closed] + [(c, "marked never apply") for c in never]
    out = []
    if passed and solution is not None:
        out.append(f"<p>{len(passed)} programs open to you are not on the list: within your budget and tier bands, "
                   "the list holds those with the higher chance of an interview (weighted by region).</p>")
    if not rows:
        return "".join(out) + "<p>Every program of your specialties in the sheet is open to you.</p>"
    out.append(f"<p>{len(rows)} programs of your specialties cannot be on the list"
               + (f" (the first {limit} shown)" if len(rows) > limit else "") + ".</p>")
    out.append('<table class="list"><tr><th>Program</th><th>City</th><th>Why not</th></tr>')
    for c, why in rows[:limit]:
        out.append(f"<tr><td>{_e(c.program.program)}</td><td>{_e(c.program.city)}, {_e(c.program.state)}</td>"
                   f"<td>{_e(why)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _page(inputs, sections, today, notices: str) -> str:
    from optimizer import __version__

    nav = " ".join(f'<a href="#{key}">{_e(title)}</a>' for key, title, _ in sections)
    body = "\n".join(f'<section id="{key}">\n<h2>{_e(title)}</h2>\n{content}\n</section>'
                     for key, title, content in sections)
    table = inputs.table
    source = "bundled demo data" if table.is_demo else table.source
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SmartPick report: your residency application list</title>
<style>{CSS}</style>
</head>
<body>
<h1>Your residency application list</h1>
<p class="sub">Made by SmartPick {_e(__version__)} on {today:%B %d, %Y}. Programs: {_e(source)}. Profile:
{_e(inputs.profile.source or "your profile")}.</p>
{notices}
<nav>{nav}</nav>
{body}
</body>
</html>
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _notices(inputs, plan) -> str:
    from optimizer.resources import DEMO_NOTE

    out = []
    if inputs.table.is_demo:
        out.append(f'<div class="warning"><strong>Check before you apply.</strong> {_e(DEMO_NOTE)} The list below '
                   "shows how SmartPick works; it is not a list to apply to until every program has been checked "
                   "against FREIDA.</div>")
    notes = [n for n in inputs.notes if n != DEMO_NOTE]
    from optimizer.render_warnings import group_warnings

    # the sheet's warnings one line per kind (the page opens on the list, not on 15 warnings); each in full below
    warnings = group_warnings(inputs.table.warnings) + list(plan.warnings)
    items = [f"<li>{_e(n)}</li>" for n in notes] + [f"<li><strong>Check:</strong> {_e(w)}</li>" for w in warnings]
    if items:
        out.append(f'<div class="note"><ul>{"".join(items)}</ul></div>')
    if inputs.table.warnings:
        full = "".join(f"<li>{_e(w)}</li>" for w in inputs.table.warnings)
        out.append(f'<details class="note"><summary>Each warning about the sheet in full '
                   f'({len(inputs.table.warnings)})</summary><ul>{full}</ul></details>')
    return "\n".join(out)


def _rows(pairs) -> str:
    return "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in pairs)


def _about(inputs, limits) -> str:
    a, g = inputs.profile.applicant, inputs.profile.goals
    visa = {"none": "needs no visa", "J-1": "J-1 only", "H-1B": "H-1B only",
            "J-1 or H-1B": "J-1 or H-1B"}.get(a.visa, a.visa)
    pairs = [
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
    return f"<table>{_rows(pairs)}</table>"


def _card(label: str, value: str, detail: str = "") -> str:
    return (f'<div class="card"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>'
            f'<div class="detail">{_e(detail)}</div></div>')


def _headline(inputs, plan, limits) -> str:
    from optimizer.outcomes import RANK_ASSUMPTION

    s, o = plan.solution, plan.outcomes
    cards = [
        _card("Programs", str(s.count), f"you allowed {limits.min_programs} to {limits.max_programs}"),
        _card("Cost", money(s.cost.total_usd), f"of your {money(limits.budget_usd)} budget, with the "
                                              f"{money(s.cost.transcript_usd)} USMLE transcript fee"),
        _card("Expected interviews", f"{o.expected_interviews:.1f}", f"give or take {o.sd:.1f}"),
        _card("Chance of at least 5 interviews", pct(o.p_at_least[5])),
        _card("Chance of matching", pct(o.p_match), "if every interview becomes a rank"),
    ]
    goal = {"interviews": "to give you as many interviews as your budget allows, counting an interview near "
                          "home as worth more",
            "match": "to make your chance of matching as high as your budget allows"}.get(
        plan.objective.kind, f"to make your chance of at least {plan.objective.k} interviews as high as your "
                             "budget allows")
    proof = "proven best" if s.status == "optimal" else "the best found in the time allowed"
    text = [f'<div class="cards">{"".join(cards)}</div>',
            f"<p>SmartPick chose these {s.count} programs {goal}, within the limits of your profile ({proof}).</p>"]
    if o.correlated_p_match is not None:
        text.append(f"<p>Programs often judge an applicant alike. If they do, the chance of matching is "
                    f"{pct(o.correlated_p_match)} and of at least 5 interviews {pct(o.correlated_p_at_least[5])} "
                    "(the cautious view; the expected number of interviews is the same).</p>")
    text.append(f'<p class="muted">{_e(RANK_ASSUMPTION)}</p>')
    if plan.binding:
        text.append(f"<p>What limits the list: {_e('; '.join(plan.binding))}.</p>")
    if plan.gain_per_100 is not None:
        text.append(f"<p>$100 more would add {plan.gain_per_100:.2f} expected interviews (weighted by region).</p>")
    return "\n".join(text)


def _bars(counts: dict[str, int], total: int) -> str:
    cells = []
    for label, n in counts.items():
        share = n / total if total else 0.0
        cells.append(f'<div>{_e(label)}</div><div class="barbox"><div class="bar" style="width:{100 * share:.1f}%">'
                     f'</div></div><div class="num">{n} ({pct(share, 0)})</div>')
    return f'<div class="bars">{"".join(cells)}</div>'


def _mix_section(plan) -> str:
    from optimizer.render import mix

    chosen, n = plan.solution.chosen, plan.solution.count
    tiers = {t: mix(chosen, "tier", TIERS).get(t, 0) for t in TIERS}
    regions = {r: mix(chosen, "region", REGIONS).get(r, 0) for r in REGIONS}
    visas = mix(chosen, "visa")
    return ("<p>Reach programs are the ones least likely to invite you, safety programs the most likely, core "
            "programs in between. A list needs some of each.</p>"
            f"<h3>Tiers</h3>{_bars(tiers, n)}<h3>Where the programs are</h3>{_bars(regions, n)}"
            f"<h3>Visas the programs sponsor</h3>{_bars(visas, n)}")


def _chart(ax, alt: str) -> str:
    """The figure holding `ax` as an SVG image inside the page."""
    figure = ax.figure
    while not hasattr(figure, "savefig"):
        figure = figure.figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="chart" alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}">'


def _interviews(plan) -> str:
    from optimizer.plotting import plot_distribution

    o = plan.outcomes
    likeliest = max(range(len(o.distribution)), key=lambda k: o.distribution[k])
    chart = _chart(plot_distribution(o, title="Chance of each number of interviews"),
                   f"Bar chart of the chance of each number of interviews; the likeliest is {likeliest}.")
    rows = "".join(f'<tr><td>{k} or more</td><td class="num">{pct(o.p_at_least[k])}</td></tr>'
                   for k in AT_LEAST_SHOWN if k in o.p_at_least)
    none = o.distribution[0]
    none_text = "less than 0.01%" if none < 0.0001 else pct(none, 2)
    return (f"<p>On average this list brings {o.expected_interviews:.1f} interviews; the likeliest number is "
            f"{likeliest}. The chance of no interview at all is {none_text}.</p>{chart}"
            f'<table><tr><th>Interviews</th><th class="num">Chance</th></tr>{rows}</table>')


def _frontier_section(frontier, limits) -> str:
    from optimizer.plotting import plot_frontier

    solved = [p for p in frontier.points if p.objective is not None]
    if not solved:
        return "<p>No budget in this range allows a list that meets your limits.</p>"
    ax = plot_frontier(solved)
    ax.axvline(limits.budget_usd, color="#57606a", linestyle=":", linewidth=1)
    chart = _chart(ax, "Line chart of expected interviews and chance of matching against the budget.")
    rows = []
    for p in frontier.points:
        current = ' class="current"' if abs(p.budget - limits.budget_usd) < 0.5 else ""
        label = money(p.budget) + (" (your budget)" if current else "")
        if p.objective is None:
            rows.append(f'<tr{current}><td>{_e(label)}</td><td colspan="5">no list meets your limits at this '
                        "budget</td></tr>")
            continue
        rows.append(f'<tr{current}><td>{_e(label)}</td><td class="num">{p.count}</td><td class="num">'
                    f'{money(p.cost)}</td><td class="num">{p.expected_interviews:.1f}</td><td class="num">'
                    f'{pct(p.p_at_least_5)}</td><td class="num">{pct(p.p_match)}</td></tr>')
    if frontier.diminishing_at is not None:
        verdict = (f"<p>From about {money(frontier.diminishing_at)} on, each extra $100 adds little: "
                   f"{_e(frontier.rule)}.</p>")
    else:
        verdict = "<p>In this range every extra $100 still adds interviews.</p>"
    return (f"<p>The best list at each budget from {money(frontier.points[0].budget)} to "
            f"{money(frontier.points[-1].budget)}: the list with the most expected interviews (weighted by region) "
            f"that each budget pays for.</p>{chart}{verdict}"
            '<table><tr><th>Budget</th><th class="num">Programs</th><th class="num">Cost</th>'
            '<th class="num">Expected interviews</th><th class="num">Chance of 5 or more</th>'
            f'<th class="num">Chance of matching</th></tr>{"".join(rows)}</table>')


def _scenarios_section(results) -> str:
    from optimizer.scenarios import scenario_row

    if results is None:
        return ('<p class="note">No what-if scenarios in this report. Add them with <code>--scenarios DIR</code> '
                "(a folder of scenario files); <code>smartpick scenarios run</code> shows the bundled examples.</p>")
    if not results:
        return "<p>The scenario folder holds no scenarios.</p>"
    rows = []
    for result in results:
        r = scenario_row(result)
        name = f"<td>{_e(r['name'])}</td><td>{_e(r['description'])}</td>"
        if r["status"] == "infeasible":
            rows.append(f'<tr>{name}<td colspan="5">no list meets its limits: {_e(r.get("error") or "")}</td></tr>')
            continue
        rows.append(f'<tr>{name}<td class="num">{r["count"]}</td><td class="num">{money(r["cost"])}</td>'
                    f'<td class="num">{r["expected_interviews"]:.1f}</td><td class="num">{pct(r["p_at_least_5"])}'
                    f'</td><td class="num">{pct(r["p_match"])}</td></tr>')
    return ("<p>Each scenario changes something in your profile (a score, the visa, the budget) and SmartPick "
            "chooses the best list again.</p>"
            '<table><tr><th>Scenario</th><th>What changes</th><th class="num">Programs</th><th class="num">Cost</th>'
            '<th class="num">Expected interviews</th><th class="num">Chance of 5 or more</th>'
            f'<th class="num">Chance of matching</th></tr>{"".join(rows)}</table>')


def _programs_table(plan) -> str:
    from optimizer.render import program_rows

    rows = program_rows(plan)
    several = len({r["specialty"] for r in rows}) > 1
    signals = any(r["signal"] for r in rows)
    # (header, cell class): numbers align right; only the program name may wrap
    columns = [("#", "num"), ("Program", "name"), ("City", "")] + ([("Specialty", "")] if several else [])
    columns += [("Tier", ""), ("Chance of interview", "num"), ("Region", ""), ("Visa", "")]
    columns += ([("Signal", "")] if signals else []) + [("Fee", "num")]
    out = ['<table class="list"><tr>' + "".join(f"<th{_class(kind)}>{_e(h)}</th>" for h, kind in columns) + "</tr>"]
    for i, r in enumerate(rows, start=1):
        values = [str(i), r["program"], f"{r['city']}, {r['state']}"] + ([r["specialty"]] if several else [])
        values += [r["tier"], pct(r["p_interview"]), r["region"], r["visa"]]
        values += ([r["signal"] or ""] if signals else []) + [money(r["fee_share_usd"])]
        out.append("<tr>" + "".join(f"<td{_class(kind)}>{_e(v)}</td>" for v, (_, kind) in zip(values, columns))
                   + "</tr>")
    out.append("</table>")
    return ("<p>Best chance first. The fee is what ERAS charges for each program (its count restarts for each "
            "specialty), so the fees add up to the ERAS total. Check every program "
            "on FREIDA and its own website before you apply.</p>" + "".join(out))


def _signals_section(plan) -> str:
    """Which programs get signals, what each adds, and the joint choice against two simpler ways."""
    report = plan.signal_report
    if report is None:
        return ("<p>No signals were placed: the season has none for your specialties, signals are turned off "
                "(--no-signals or use_signals = false), or the objective is not expected interviews.</p>")
    out = ['<table class="list"><tr><th>Program</th><th>Signal</th><th class="num">Chance without</th>'
           '<th class="num">With the signal</th><th class="num">Adds (weighted interviews)</th></tr>']
    for r in report.rows:
        out.append(f"<tr><td class=\"name\">{_e(r['program'])}</td><td>{_e(r['kind'])}</td>"
                   f"<td class=\"num\">{pct(r['p_without'])}</td><td class=\"num\">{pct(r['p_with'])}</td>"
                   f"<td class=\"num\">+{r['gain']:.2f}</td></tr>")
    out.append("</table>")
    return (f"<p>The list and its signals were chosen together. Weighted expected interviews: "
            f"<b>{report.joint:.2f}</b> this way; {report.list_then_signal:.2f} choosing the list first and then "
            f"signalling inside it; {report.no_signals:.2f} with no signals. A signal multiplies a program's "
            "interview odds by an assumed factor (data/model.toml).</p>" + "".join(out))


def _class(kind: str) -> str:
    return f' class="{kind}"' if kind else ""


def _method(inputs, plan, limits) -> str:
    from optimizer.outcomes import CORRELATION_ASSUMPTION, RANK_ASSUMPTION

    o = plan.outcomes
    curve = o.curve
    curve_text = f"{curve.source}" + (f" ({curve.year})" if curve.year else "") + (
        "; an assumption, not a measured figure" if curve.assumption else "")
    items = [
        "Each program's chance of inviting you comes from SmartPick's interview model (your scores, visa, "
        "graduation year, US experience and ties, and the program's IMG share, setting and cutoffs). These are "
        "estimates to compare programs by, not promises.",
        f"Chance of matching: {RANK_ASSUMPTION} Match curve: {curve_text}.",
        CORRELATION_ASSUMPTION,
        f"Fees: {limits.fees.label}" + (f", from {limits.fees.source}" if limits.fees.source else "") + ".",
    ]
    return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"
