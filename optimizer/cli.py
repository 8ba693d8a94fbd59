"""SmartPick's command line: parse arguments, call the core, render results, map errors to exit codes."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shlex
import sys
from pathlib import Path


def _stopped_before_start(kind, value, trace, default=sys.excepthook):
    """Ctrl-C while Python is still loading SmartPick: one line and exit 130, not a traceback."""
    if issubclass(kind, KeyboardInterrupt):
        sys.stderr.write("Stopped (Ctrl-C). Nothing was written.\n")
        sys.stderr.flush()
        os._exit(130)
    default(kind, value, trace)


sys.excepthook = _stopped_before_start

import click  # noqa: E402 (after the hook: importing takes a moment, and Ctrl-C may come during it)

# What every command needs, and nothing that loads numpy, pandas, openpyxl, matplotlib, ortools or rich: each
# command imports its own heavy modules (the pipeline loads numpy: +0.2 s on `smartpick --help`; refit and the
# calibration report scipy: +0.6 s; the renderers rich and numpy: +0.1-0.3 s; measured with python -X importtime).
from optimizer import interrupt  # noqa: E402
from optimizer.errors import InfeasibleError, InputError, Problem, SmartPickError, describe_problems  # noqa: E402
from optimizer.inputs import parsing  # noqa: E402
from optimizer.inputs.resources import DEMO_NOTE, DEMO_PROFILE, data_path, scenarios_dir  # noqa: E402
from optimizer.output.render_warnings import group_warnings  # noqa: E402
from optimizer.output.terminal import console, printable  # noqa: E402
from optimizer.output.writers import atomic_write_text, check_out_path, write_table  # noqa: E402
from optimizer.solver import DEFAULT_TIME_LIMIT  # noqa: E402

EXIT_INPUT = 2


def guarded(command):
    """Turn SmartPick's user-facing errors into 'Error: ...' and exit code 2, a file that cannot be written into
    one located line and exit 2, and Ctrl-C into one line and exit 130; bugs stay tracebacks."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with interrupt.handling():
                return command(*args, **kwargs)
        except KeyboardInterrupt:
            interrupt.report()
            sys.exit(interrupt.EXIT_INTERRUPTED)
        except Exception as error:
            if interrupt.received():  # the interrupt surfaced as another error (e.g. in a C extension)
                interrupt.report()
                sys.exit(interrupt.EXIT_INTERRUPTED)
            if isinstance(error, SmartPickError):
                click.echo(f"Error: {printable(str(error))}", err=True)
                sys.exit(EXIT_INPUT)
            if not isinstance(error, OSError) or not error.filename:
                raise  # a bug: keep the traceback
            click.echo(f"Error: {error.filename}: cannot be written or read ({error.strerror or error}). Check "
                       "the folder exists, that you may write in it and that the disk has room.", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="smartpick")
def main():
    """SmartPick: choose the residency programs to apply to, within your budget.

    Start with `smartpick solve` (bundled demo data) or `smartpick init DIR` for your own sheet and profile.
    """


# --- commands are added below, one section each -------------------------------------------------------------

# --- shared options -------------------------------------------------------------------------------------------

class Parsed(click.ParamType):
    """A flag read by the same parser as the profile key it overrides (optimizer/inputs/parsing.py): one rule, one parser."""

    def __init__(self, name: str, parse, example: str = ""):
        self.name, self.parse, self.example = name, parse, example

    def convert(self, value, param, ctx):
        try:
            return self.parse(value)
        except parsing.ParseError as error:
            if not self.example:  # the parser's message is whole
                self.fail(str(error), param, ctx)
            flag = param.opts[0] if param is not None else ""
            self.fail(f"'{value}' {error}, e.g. {flag} {self.example}", param, ctx)


BUDGET = Parsed("budget", parsing.parse_budget, "2500")
BUDGET_LIST = Parsed("budgets", parsing.parse_budget_list)
COUNT = Parsed("count", lambda value: parsing.parse_whole(value, 1), "80")
OBJECTIVE = Parsed("objective", parsing.parse_objective)


def input_options(command):
    """--programs, --sheet, --profile and --model, shared by every command that scores programs."""
    options = [
        click.option("--programs", "programs", type=click.Path(dir_okay=False), default=None,
                     help="Your programs sheet (CSV or XLSX). Default: the bundled demo data."),
        click.option("--sheet", "sheet_name", default=None, help="Sheet name inside an XLSX file (default: first)."),
        click.option("--profile", "profile", type=click.Path(dir_okay=False), default=None,
                     help="Your profile (TOML). Default: the bundled example IM applicant."),
        click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
                     help="A copy of data/model.toml with your own coefficients."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _terminal_width() -> int:
    """The width of the terminal the person looks at: $COLUMNS, else the terminal of stdout, stderr or stdin (the
    output may be piped to `head` or `less`), else 100 columns (a file)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for stream in (sys.__stdout__, sys.__stderr__, sys.__stdin__):
        try:
            return os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            continue
    return 100


def _console():
    """The terminal's console, as wide as the terminal; text from files is printed without escape sequences."""
    return console(width=_terminal_width(), soft_wrap=False)


def _print_json(payload) -> None:
    click.echo(json.dumps(payload, indent=2, default=str))


def _notes(inputs, warnings=()) -> None:
    """Notes and warnings on stderr (so piped output holds only results): the sheet's warnings one line per kind,
    the full list being `smartpick validate`'s."""
    # +0.02 s on `smartpick --help` if imported at the top (measured): loaded only here
    from rich.markup import escape

    errors = console(stderr=True, width=_terminal_width(), soft_wrap=False)
    for note in inputs.notes:
        errors.print(f"[dim]Note: {escape(note)}[/dim]")
    sheet_warnings = list(inputs.table.warnings)
    for line in group_warnings(sheet_warnings) + list(warnings):
        errors.print(f"[yellow]Warning:[/yellow] {escape(line)}")
    if sheet_warnings:
        errors.print(f"[dim]Each warning in full: smartpick validate {escape(_quoted(inputs.table.source))}[/dim]")


def _quoted(path: str) -> str:
    return shlex.quote(str(path))


def limit_options(command):
    """--budget, --min and --max for compare and report, read as solve reads them (the profile's rules)."""
    options = [
        click.option("--budget", type=BUDGET, default=None, metavar="USD",
                     help="Budget in US dollars, e.g. 2500 or '$2,500' (default: the profile's budget_usd)."),
        click.option("--min", "min_programs", type=COUNT, default=None, metavar="N",
                     help="Fewest programs (default: profile, 80)."),
        click.option("--max", "max_programs", type=COUNT, default=None, metavar="N",
                     help="Most programs (default: profile, 120)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


# --- score ---------------------------------------------------------------------------------------------------

@main.command()
@input_options
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write every program (.csv/.xlsx/.json).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@guarded
def score(programs, sheet_name, profile, model_path, out, as_json):
    """Every program's interview chance, tier, region, weight and eligibility, with reasons.

    Example: smartpick score --programs my_programs.xlsx --profile me.toml --out scored.xlsx
    """
    # +0.21 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer import pipeline
    from optimizer.output.render_score import score_payload, score_rows, score_tables

    inputs = pipeline.load_inputs(programs, profile, sheet_name, model_path)
    candidates = pipeline.score(inputs)
    payload = score_payload(inputs, candidates)
    if out:
        path = check_out_path(out, (programs, profile))
        # +0.11 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.workbook_copy import can_copy

        if can_copy(programs, path):  # the answer goes into a copy of the user's own workbook
            # +0.11 s on `smartpick --help` if imported at the top (measured): loaded only here
            from optimizer.inputs.sheet import locate_programs
            from optimizer.output.workbook_copy import score_columns, write_copy

            write_copy(programs, path, *locate_programs(programs, sheet_name), score_columns(candidates),
                       {"Scored programs": score_rows(candidates)})
        else:
            write_table(path, {"Scored programs": score_rows(candidates)}, payload)
    if as_json:
        _print_json(payload)
        return
    console = _console()
    _notes(inputs, pipeline.check_warnings(inputs, [c for c in candidates if c.eligible], "open to you"))
    for table in score_tables(inputs, candidates, width=console.width):
        console.print(table)
    if out:
        console.print(f"Wrote {out}")


# --- frontier ------------------------------------------------------------------------------------------------

@main.command()
@input_options
@click.option("--budget", "budgets", required=True, type=BUDGET_LIST, metavar="LOW:HIGH:STEP|A,B,C",
              help="Budgets in dollars: a range 1000:3000:100 (HIGH included when on the step) or a list.")
@click.option("--backend", type=click.Choice(["cpsat", "pulp"]), default="cpsat", show_default=True,
              help="Solver: OR-Tools (exact linear programs where the problem allows, else CP-SAT) or PuLP.")
@click.option("--no-signals", "use_signals", is_flag=True, flag_value=False, default=True,
              help="Leave ERAS program signals out of the choice.")
@click.option("--objective", type=OBJECTIVE, default=None, metavar="interviews|match|at-least:K",
              help="What each budget's list maximizes: expected interviews, P(match) or P(at least K interviews), "
                   "each with its proven gap (slower: about 1 s a budget; default: the profile's goals.objective).")
@click.option("--robust", is_flag=True, default=None,
              help="At each budget, the list whose P(match) holds up best if SmartPick's figures are off (slower: "
                   "about 2 s a budget; default: the profile's goals.robust).")
@click.option("--plot", type=click.Path(dir_okay=False), default=None, help="Draw the frontier (.png, .svg or .pdf).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the points (.csv/.xlsx/.json).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guarded
def frontier(programs, sheet_name, profile, model_path, budgets, backend, use_signals, objective, robust, plot, out,
             as_json):
    """The best list at each budget: what each extra $100 buys, and where it stops paying.

    Example: smartpick frontier --budget 1500:4000:100 --plot frontier.png
    """
    # +0.21 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer import pipeline
    from optimizer.output.render_more import frontier_payload, frontier_table

    if out:
        check_out_path(out, (programs, profile))
    if plot:
        # +0.01 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.plotting import check_plot_path

        check_plot_path(plot)
    inputs = pipeline.load_inputs(programs, profile, sheet_name, model_path, use_signals=use_signals)
    with _progress(len(budgets), as_json, "budgets") as advance:
        result, warnings = pipeline.run_frontier(inputs, budgets, backend, progress=advance, robust=robust,
                                                 objective=objective)
    payload = frontier_payload(inputs, result)
    chart = None
    if plot:  # drawn before anything is written: Ctrl-C while drawing leaves no file
        # +0.01 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.plotting import plot_frontier, render_figure

        chart = render_figure(plot_frontier([p for p in payload["points"] if p["objective"] is not None]), plot)
    if out:
        write_table(out, {"Frontier": payload["points"]}, payload)
    if plot:
        # +0.01 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.plotting import write_drawn

        write_drawn(chart, plot)
    if as_json:
        _print_json(payload)
        return
    console = _console()
    _notes(inputs, warnings)
    console.print(frontier_table(result))
    if result.diminishing_at is not None:
        console.print(f"Diminishing returns from ${result.diminishing_at:,.0f}: {result.rule}.")
    else:
        console.print(f"No point of diminishing returns in this range ({result.rule}).")


# --- scenarios -----------------------------------------------------------------------------------------------

@main.group()
def scenarios():
    """What-if scenarios: change your scores, visa, budget or weights and compare the results."""


@scenarios.command("run")
@click.argument("paths", nargs=-1, type=click.Path())
@input_options
@click.option("--no-signals", "use_signals", is_flag=True, flag_value=False, default=True,
              help="Leave ERAS program signals out of the choice.")
@click.option("--robust", is_flag=True,
              help="For every scenario, the list whose P(match) holds up best if SmartPick's figures are off.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the table (.csv/.xlsx/.json).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guarded
def scenarios_run(paths, programs, sheet_name, profile, model_path, use_signals, robust, out, as_json):
    """Solve each scenario (files, or folders of .toml files) and show them side by side.

    With no PATHS it runs the bundled examples. Example: smartpick scenarios run my_scenarios/ --profile me.toml
    """
    # +0.22 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.output.render_more import scenarios_payload, scenarios_table
    from optimizer.studies.scenarios import load_scenario_files, run_scenarios
    from optimizer.model.scoring import load_model
    from optimizer.inputs.sheet import read_programs

    if out:
        check_out_path(out, (programs, profile))
    # +0.04 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.inputs.profile import load_profile

    load_profile(profile or data_path(DEMO_PROFILE))  # a broken profile is reported once, before any scenario
    found, errors = load_scenario_files(paths, profile)
    table = read_programs(programs or data_path("programs.csv"), sheet_name)
    console = _console()
    with _progress(len(found), as_json) as advance:
        results = run_scenarios(table, found, load_model(model_path), use_signals, progress=advance,
                                robust=robust)
    # +0.02 s on `smartpick --help` if imported at the top (measured): loaded only here
    from rich.markup import escape

    payload = scenarios_payload(results, errors, demo=programs is None)
    if out:
        # +0.19 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.report_files import write_scenarios

        write_scenarios(out, results, payload)
    if as_json:
        _print_json(payload)
    else:
        if programs is None:
            console.print(f"[dim]Note: {DEMO_NOTE}[/dim]")
        for block in scenarios_table(results):
            console.print(block)
        # a what-if with no list is an answer ("with an H-1B, no list fits your budget"), not a mistake
        for result in results:
            if result.error:
                console.print(f"[yellow]No list for '{escape(result.name)}'[/yellow] "
                              f"({escape(shown_scenario_file(result.file))}): {escape(result.error)}")
        for error in errors:
            key = f", key '{escape(error.key)}'" if error.key else ""
            kind = "[dim]Note[/dim]" if error.not_applicable else "[red]Error[/red]"
            console.print(f"{kind} in {escape(shown_scenario_file(error.file))}{key}: {escape(error.message)}")
    if any(not error.not_applicable for error in errors):
        sys.exit(EXIT_INPUT)


def shown_scenario_file(path: str) -> str:
    """A scenario file as a person reads it: a bundled example by its name, not by where pip put it."""
    try:
        if path and Path(path).resolve().parent == scenarios_dir().resolve():
            return f"bundled example {Path(path).name}"
    except (OSError, ValueError):
        pass
    return path


def _progress(total: int, quiet: bool, what: str = "scenarios", label: str | None = None):
    """A progress bar on stderr (silent with --json), used as a context manager giving advance(i, name)."""
    # +0.03 s on `smartpick --help` if imported at the top (measured): loaded only here
    from rich.console import Console
    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        if quiet or total == 0:
            yield lambda i, name: None
            return
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(label or f"Solving {what}", total=total)

            def advance(i, name):
                progress.update(task, completed=i, description=f"Solving {name}")

            yield advance
            progress.update(task, completed=total)

    return bar()


# --- compare and report ----------------------------------------------------------------------------------------

@main.command()
@click.argument("portfolios", nargs=-1, required=True, metavar="LIST_A LIST_B [LIST_C...]",
                type=click.Path(dir_okay=False))
@input_options
@limit_options
@click.option("--no-signals", "use_signals", is_flag=True, flag_value=False, default=True,
              help="Ignore the lists' signal columns (and place none in scenarios).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the comparison (.xlsx: a sheet per list; .csv: the summary; .json).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@guarded
def compare(portfolios, programs, sheet_name, profile, model_path, budget, min_programs, max_programs, use_signals,
            out, as_json):
    """Compare application lists side by side, each re-evaluated against your sheet and profile.

    Each LIST is a file from `smartpick solve --out` (CSV, XLSX or JSON), perhaps edited by hand, a list you
    made (a CSV or XLSX with a program_id or program-name column), or a scenario file (.toml), which is solved
    first. Rows that match no program are listed by row number.

    Example: smartpick compare my_list.csv optimized.xlsx scenarios/tight_budget.toml --out compared.xlsx
    """
    # +0.24 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer import pipeline
    from optimizer.studies.compare import compare_files, comparison_payload
    from optimizer.output.render_compare import comparison_tables

    if out:
        check_out_path(out, (programs, profile, *portfolios))
    inputs = pipeline.load_inputs(programs, profile, sheet_name, model_path, use_signals=use_signals)
    comparison, warnings = compare_files(inputs, portfolios, profile, budget, min_programs, max_programs,
                                         use_signals=use_signals)
    payload = comparison_payload(comparison, inputs)
    if out:
        # +0.19 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.report_files import write_comparison

        write_comparison(out, comparison, payload)
    if as_json:
        _print_json(payload)
        return
    console = _console()
    _notes(inputs, warnings)
    for block in comparison_tables(comparison, home=inputs.metro.name if inputs.metro else None):
        console.print(block)
    if out:
        console.print(f"Wrote {out}")


@main.command()
@input_options
@click.option("--scenarios", "scenario_paths", multiple=True, type=click.Path(), metavar="DIR|FILE",
              help="What-if scenarios to add (a folder of .toml files, or files; repeatable). Default: none.")
@limit_options
@click.option("--no-signals", "use_signals", is_flag=True, flag_value=False, default=True,
              help="Leave ERAS program signals out of the choice.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The page to write (.html).")
@guarded
def report(programs, sheet_name, profile, model_path, scenario_paths, budget, min_programs, max_programs,
           use_signals, out):
    """Write one web page with your list, its chances, a budget frontier and your scenarios, with charts.

    The page needs no internet connection: open it in any browser, print it, or send it to your advisor.

    Example: smartpick report --programs my_programs.xlsx --profile me.toml --scenarios my_scenarios --out report.html
    """
    # +0.34 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer import pipeline
    from optimizer.output.html_report import frontier_budgets, render_report, write_report

    check_out_path(out, (programs, profile), formats=(".html",))
    scenarios_found = _load_report_scenarios(scenario_paths, profile) if scenario_paths else None
    inputs = pipeline.load_inputs(programs, profile, sheet_name, model_path, use_signals=use_signals)
    candidates = pipeline.score(inputs)
    limits, warnings = pipeline.make_limits(inputs, candidates, budget, min_programs, max_programs)

    try:
        plan = pipeline.make_plan(inputs, candidates, limits, inputs.profile.goals.objective,
                                  warnings=tuple(warnings))
    except InfeasibleError as error:  # the page still says why, and which programs are not open
        # +0.34 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.html_report import render_no_list_report

        write_report(out, render_no_list_report(inputs, limits, error.reasons, candidates))
        _notes(inputs, warnings)
        click.echo(f"Error: {printable(str(error))}", err=True)
        click.echo(f"Wrote {out}: it explains why no list is possible.", err=True)
        sys.exit(EXIT_INPUT)
    pipeline.require_list(plan)
    budgets = frontier_budgets(limits.budget_usd)
    with _progress(len(budgets), False, "the budget frontier") as advance:
        # the page's frontier is the expected-interviews one (one model, every budget: seconds, not minutes)
        frontier_result, _ = pipeline.run_frontier(inputs, budgets, progress=advance, candidates=candidates,
                                                   objective="interviews", robust=False,
                                                   limits=limits)
    results = None
    if scenarios_found is not None:
        # +0.22 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.studies.scenarios import run_scenarios

        with _progress(len(scenarios_found), False) as advance:
            results = run_scenarios(inputs.table, scenarios_found, inputs.model, use_signals, progress=advance)
    # +0.13 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.output.render import match_text

    html = render_report(inputs, plan, limits, frontier_result, results, candidates=candidates)
    write_report(out, html)
    console = _console()
    _notes(inputs, warnings)
    o = plan.outcomes
    console.print(f"{plan.solution.count} programs, ${plan.solution.cost.total_usd:,.0f}; expected interviews "
                  f"{o.expected_interviews:.1f}; chance of matching {match_text(o)}.")
    console.print(f"Wrote {out}: open it in any web browser.")


def _load_report_scenarios(paths, profile):
    """The scenario files for `report`, read before anything is solved; InputError lists the broken ones."""
    # +0.22 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.studies.scenarios import load_scenario_files

    found, errors = load_scenario_files(paths, profile)
    if errors:
        raise InputError([Problem(file=e.file, column=e.key, message=e.message) for e in errors])
    return found


# --- solve ---------------------------------------------------------------------------------------------------

@main.command()
@input_options
@click.option("--budget", type=BUDGET, default=None, metavar="USD",
              help="Budget in US dollars, e.g. 2500 or '$2,500' (default: the profile's budget_usd).")
@click.option("--min", "min_programs", type=COUNT, default=None, metavar="N",
              help="Fewest programs (default: profile, 80).")
@click.option("--max", "max_programs", type=COUNT, default=None, metavar="N",
              help="Most programs (default: profile, 120).")
@click.option("--objective", type=OBJECTIVE, default=None, metavar="interviews|match|at-least:K",
              help="What to maximize: expected interviews (default), P(match), or P(at least K interviews).")
@click.option("--correlated", is_flag=True, help="Optimize P(match)/P(at least K) under the correlated view.")
@click.option("--robust", is_flag=True, default=None,
              help="Choose the list whose P(match) holds up best if SmartPick's figures are off: the highest low end "
                   "of the range shown beside P(match) (default: the profile's goals.robust).")
@click.option("--backend", type=click.Choice(["cpsat", "pulp"]), default="cpsat", show_default=True,
              help="Solver: OR-Tools (exact linear programs where the problem allows, else CP-SAT) or PuLP "
                   "(HiGHS, else CBC).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIME_LIMIT,
              show_default=True, help="Seconds the solver may use (more than 0).")
@click.option("--must", multiple=True, metavar="ID", help="A program_id (or exact name) that must be on the list.")
@click.option("--never", multiple=True, metavar="ID", help="A program_id (or exact name) to leave out.")
@click.option("--no-signals", "use_signals", is_flag=True, flag_value=False, default=True,
              help="Leave ERAS program signals out of the choice.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the list (.csv/.xlsx/.json).")
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="Draw the interview distribution (.png, .svg or .pdf).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@guarded
def solve(programs, sheet_name, profile, model_path, budget, min_programs, max_programs, objective, correlated,
          robust, backend, time_limit, must, never, use_signals, out, plot, as_json):
    """Choose the list that maximizes your expected interviews within your budget and limits.

    Example: smartpick solve --programs my_programs.csv --profile me.toml --budget 3000 --out my_list.xlsx
    """
    # +0.21 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer import pipeline
    from optimizer.output.render import programs_table, solve_payload, summary_table

    if out:
        check_out_path(out, (programs, profile))
    if plot:
        # +0.01 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.plotting import check_plot_path

        check_plot_path(plot)
    inputs = pipeline.load_inputs(programs, profile, sheet_name, model_path, use_signals=use_signals)
    candidates = pipeline.score(inputs)
    plan, limits = pipeline.solve_list(inputs, budget, min_programs, max_programs, objective, must, never, backend,
                                       time_limit, correlated, candidates=candidates, robust=robust or None)
    warnings = plan.warnings
    payload = solve_payload(inputs, plan, limits)
    if out:
        # +0.19 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.report_files import write_solution
        from optimizer.output.workbook_copy import can_copy

        if can_copy(programs, out):  # the answer goes into a copy of the user's own workbook
            # +0.19 s on `smartpick --help` if imported at the top (measured): loaded only here
            from optimizer.output.report_files import solve_summary_rows
            from optimizer.output.render import program_rows
            from optimizer.inputs.sheet import locate_programs
            from optimizer.output.workbook_copy import solve_columns, write_copy

            write_copy(programs, out, *locate_programs(programs, sheet_name), solve_columns(candidates, plan, limits),
                       {"Application list": program_rows(plan), "Summary": solve_summary_rows(payload)})
        else:
            write_solution(out, inputs, plan, payload)
    if plot and plan.outcomes:
        # +0.01 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.plotting import plot_distribution, save_figure

        save_figure(plot_distribution(plan.outcomes, title="Number of interviews"), plot)
    if as_json:
        _print_json(payload)
    else:
        console = _console()
        _notes(inputs, warnings)
        console.print(programs_table(plan, width=console.width))
        if plan.signal_report is not None:
            # +0.13 s on `smartpick --help` if imported at the top (measured): loaded only here
            from optimizer.output.render import signals_table

            console.print(signals_table(plan.signal_report, width=console.width))
        console.print(summary_table(inputs, plan, limits))
        if out:
            console.print(f"Wrote {out}")
    if plan.status == "time_limit":
        click.echo(f"No list was found within the time limit of {time_limit:g} s. Raise --time-limit.", err=True)


# --- serve: the local web app ---------------------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any other than 127.0.0.1 lets other computers in, with a token.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--token", default=None, help="Access token, at least 16 characters (for any host but 127.0.0.1 one "
                                            "is made up if not given).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your web browser.")
def serve(host, port, token, open_browser):
    """Start SmartPick's web page and JSON API on this computer (Ctrl-C stops it).

    The page does what the commands do, with forms, tables and charts; it works without internet.
    The API (see /docs) gives the same JSON as --json. Example: smartpick serve --open
    """
    # +0.23 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.web.server import serve as run

    try:
        run(host, port, token, open_browser, echo=click.echo)
    except KeyboardInterrupt:
        # a request may still be solving in a worker thread, which Python cannot stop and would wait for at exit:
        # end the process now (uploads live in memory only, and nothing is being written)
        click.echo("SmartPick stopped (Ctrl-C).", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    except SmartPickError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_INPUT)
    except OSError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_INPUT)


# --- calibration: the model against the published outcomes ---------------------------------------------------

@main.command("calibration")
@click.option("--fit", is_flag=True, help="Refit the fitted figures (1-3 min) and write them into the model file.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
              help="The model file to check or refit (default: the bundled data/model.toml).")
@guarded
def calibration(fit, model_path):
    """Show SmartPick's chances against the published 2026 outcomes of non-US IMGs (NRMP Charting Outcomes).

    For a reference population of typical non-US IMGs (data/calibration/) SmartPick chooses each list as `solve`
    would, then compares the mean chance of matching, the interviews and the match rate by Step 2 CK band with the
    published figures, checks the match curve, and shows the advice's worked examples with their probabilities.

    Example: smartpick calibration
    """
    # +0.26 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.studies.calibration import fit_to_published, solve_population, with_fitted_block
    from optimizer.output.render_calibration import calibration_check_lines
    from optimizer.model.scoring import load_model

    path = Path(model_path) if model_path else data_path("model.toml")
    model = load_model(str(path))
    if fit:
        result = fit_to_published(model, progress=lambda text: click.echo(text, err=True))
        atomic_write_text(path, with_fitted_block(path.read_text(encoding="utf-8"), result))
        click.echo(f"Wrote the fitted figures and {len(result.draws)} uncertainty draws into {path}", err=True)
        model = load_model(str(path))
    for line in calibration_check_lines(solve_population(model, with_range=True), model):
        click.echo(line)


# --- calibrate: refit the model on an advisor's outcomes ------------------------------------------------------

@main.command()
@click.option("--applicants", "applicants_path", required=True, type=click.Path(dir_okay=False),
              help="One row per applicant (CSV or XLSX): an id and the profile's keys as columns.")
@click.option("--applications", "applications_path", required=True, type=click.Path(dir_okay=False),
              help="One row per application (CSV or XLSX): applicant id, program, invited yes/no.")
@click.option("--programs", type=click.Path(dir_okay=False), default=None,
              help="The programs sheet the applications name (default: the bundled demo data).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
              help="The model to refit (default: the bundled data/model.toml).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the refitted model (.toml).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Write a page with the cross-validation and the reliability diagram (.html).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@guarded
def calibrate(applicants_path, applications_path, programs, model_path, out, report_path, as_json):
    """Refit the interview model on your own students' outcomes, and check out of sample whether it is better.

    The data never leave this computer; the model file holds no applicant rows. Use the refit with --model.

    Example: smartpick calibrate --applicants students.xlsx --applications applications.xlsx --out my_model.toml
    """
    # +0.64 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.inputs.outcome_files import load_outcomes
    from optimizer.output.model_file import write_model
    from optimizer.inputs.datafiles import load_bundled_toml, read_toml
    from optimizer.model.refit import refit_on_outcomes
    from optimizer.output.render_refit import refit_lines
    from optimizer.model.scoring import InterviewModel

    inputs = (applicants_path, applications_path, programs, model_path)
    if out:
        check_out_path(out, inputs, formats=(".toml",))
    if report_path:
        check_out_path(report_path, inputs, formats=(".html",), flag="--report")
    base_data = read_toml(model_path) if model_path else load_bundled_toml("model.toml")
    model = InterviewModel.from_dict(base_data)
    profiles, applications, form, table = load_outcomes(applicants_path, applications_path, programs)
    result = refit_on_outcomes(model, base_data, profiles, applications, form=form, programs=table)
    base_name = model_path or "the bundled data/model.toml"
    if out:
        write_model(out, result, str(base_name))
    if report_path:
        # +0.64 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.refit_report import render_calibration_report
        from optimizer.output.html_report import write_report

        write_report(report_path, render_calibration_report(result, {
            "applicants": applicants_path, "applications": applications_path, "model": base_name,
            "programs": programs or "the bundled demo programs"}))
    if as_json:
        _print_json(result.payload())
        return
    for line in refit_lines(result):
        click.echo(line)
    for path in (out, report_path):
        if path:
            click.echo(f"Wrote {path}")




# --- batch: a cohort ------------------------------------------------------------------------------------------

@main.command()
@click.option("--applicants", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="One applicant per row (CSV or XLSX): the profile's keys as columns, and applicant_id.")
@click.option("--programs", "programs", type=click.Path(dir_okay=False), default=None,
              help="The programs sheet (CSV or XLSX). Default: the bundled demo data.")
@click.option("--sheet", "sheet_name", default=None, help="Sheet name inside the programs XLSX (default: first).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
              help="A copy of data/model.toml with your own coefficients.")
@click.option("--scenarios", "scenario_paths", multiple=True, type=click.Path(), metavar="DIR|FILE",
              help="Solve each applicant once per scenario (a folder of .toml files, or files; repeatable).")
@click.option("--workers", type=click.IntRange(1, 512), default=1, show_default=True,
              help="Local processes to solve on.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster instead (tcp://host:8786); needs pip install 'smartpick[cluster]'.")
@click.option("--no-signals", "use_signals", is_flag=True, flag_value=False, default=True,
              help="Leave ERAS program signals out of the choice.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the results (.xlsx: a summary and a sheet per list; .csv: the summary; .json; .jsonl: a "
                   "line per list with its whole solve --json).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guarded
def batch(applicants, programs, sheet_name, model_path, scenario_paths, workers, scheduler, use_signals, out,
          as_json):
    """Solve a whole cohort's lists: each applicant (times each scenario) as `smartpick solve` would.

    A bad row is reported with its row and column, and the others go on (exit code 2 at the end).

    Example: smartpick batch --applicants cohort.xlsx --scenarios scenarios/ --workers 2 --out results.xlsx
    """
    # +0.35 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.inputs.applicants import read_applicants
    from optimizer.cohort import batch_payload, connect, make_tasks, run_tasks, workbook_sheets
    from optimizer.model.scoring import load_model
    from optimizer.inputs.sheet import read_programs

    if out:
        check_out_path(out, (programs, applicants), formats=(".xlsx", ".csv", ".json", ".jsonl"))
    reader_notes: list[str] = []
    rows, errors = read_applicants(applicants, notes=reader_notes)
    for note in reader_notes:  # e.g. a row left out as an exact copy of an earlier one
        click.echo(f"Note: {printable(note)}", err=True)
    tasks, scenario_errors = make_tasks(rows, scenario_paths, use_signals=use_signals)
    errors = sorted(errors + scenario_errors, key=lambda e: (e.row or 0))
    table = read_programs(programs or data_path("programs.csv"), sheet_name)
    model = load_model(model_path)
    client = connect(scheduler) if scheduler else None
    try:
        with _progress(len(tasks), as_json, "lists") as advance:
            results = run_tasks(table, model, tasks, workers=workers, client=client,
                                progress=lambda done, total: advance(done, f"{done} of {total} lists"))
    finally:
        if client is not None:
            client.close()
    payload = batch_payload(results, errors)
    if out and out.lower().endswith(".jsonl"):
        # +0.35 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.cohort import json_lines

        atomic_write_text(out, json_lines(results, errors))
    elif out:
        write_table(out, workbook_sheets(results, errors), payload)
    if as_json:
        _print_json(payload)
    else:
        # +0.16 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.render_batch import batch_table

        console = _console()
        if programs is None:
            console.print(f"[dim]Note: {DEMO_NOTE}[/dim]")
        console.print(batch_table(results))
        # +0.02 s on `smartpick --help` if imported at the top (measured): loaded only here
        from rich.markup import escape

        for result in results:
            if result.message:
                where = result.applicant_id + (f", {result.scenario}" if result.scenario else "")
                console.print(f"[yellow]{escape(where)}[/yellow]: {escape(result.message)}")
        if out:
            console.print(f"Wrote {out}")

    # on stderr, whole lines: one per kind of problem, with every row it is found in
    for line in describe_problems([Problem(file=str(applicants), row=e.row, column=e.column, message=e.message)
                                   for e in errors]):
        click.echo(f"Error: {printable(line)}", err=True)
    if errors:
        sys.exit(EXIT_INPUT)


# --- validate and init: the program sheet ---------------------------------------------------------------------

@main.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option("--sheet", "sheet_name", metavar="NAME", help="Worksheet to read in an .xlsx file (default: the first).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@guarded
def validate(file, sheet_name, as_json):
    """Read and check a programs sheet (CSV or XLSX) without changing it.

    Lists every problem with its row and column, and what SmartPick assumes where the sheet says nothing.
    Exit code 2 if anything must be fixed.

    Example: smartpick validate my_programs.xlsx
    """
    # +0.04 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.inputs.sheet import validate_programs

    report = validate_programs(file, sheet_name)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        # +0.04 s on `smartpick --help` if imported at the top (measured): loaded only here
        from optimizer.output.render_validate import validation_lines

        for line, to_stderr in validation_lines(file, report):
            click.echo(printable(line), err=to_stderr)
    if report.errors:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=str))
@guarded
def init(directory):
    """Start your own sheet: writes programs.csv, programs.xlsx and profile.toml into DIR.

    The sheets hold three example rows (real Illinois programs with estimated values): replace them with your
    programs. Existing files are never overwritten.

    Example: smartpick init my_search
    """
    # +0.07 s on `smartpick --help` if imported at the top (measured): loaded only here
    from optimizer.output.starter import write_starter_files

    targets = write_starter_files(directory)
    click.echo(f"Wrote {', '.join(str(path) for path in targets)}.")
    click.echo("Next: replace the three example rows with your programs (one row per program; the 'How to fill' "
               "sheet of programs.xlsx explains each column), put your own details in profile.toml, then run:\n"
               f"  smartpick validate {targets[1]}")


if __name__ == "__main__":
    main()
