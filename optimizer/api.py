"""SmartPick for notebooks: files or pandas DataFrames / dicts in, pandas DataFrames out.

    from optimizer import api
    programs = api.load_programs("my_programs.xlsx")      # or a DataFrame; None: the bundled demo data
    me = api.load_profile("me.toml")                       # or a dict shaped like the TOML file
    api.score(programs, me)                                # one row per program: the `score --json` fields
    result = api.solve(programs, me, budget=3000)          # result.programs (DataFrame), result.payload (dict)
    api.frontier(programs, me, budgets=[2000, 2500, 3000])
    api.compare(programs, me, {"mine": ["IL-001", ...], "optimized": result})
    api.batch(cohort_dataframe, programs)                  # a cohort's lists, as `smartpick batch`

Every name of `__all__` is also importable from `optimizer` itself (loaded on first use, optimizer/__init__.py).

Each function does what the command of the same name does, so `solve(...).payload` equals `smartpick solve --json`
(its solve_seconds aside); a command's flags are keyword arguments (`signals=False` is `--no-signals`). Mistakes
raise `optimizer.errors.InputError` (or `InfeasibleError`), whose message names the file or key and the fix.
docs/python-api.md has a worked example.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from optimizer import pipeline
from optimizer.solver import DEFAULT_TIME_LIMIT
from optimizer.errors import InputError
from optimizer.cohort import make_tasks, run_tasks
from optimizer.inputs import vocab
from optimizer.inputs.applicants import cell_text, read_applicants, records_applicants
from optimizer.inputs.parsing import ParseError, parse_budget, parse_budget_list, parse_objective, parse_whole
from optimizer.inputs.portfolio_files import PortfolioRow, ROW_COLUMNS, SavedPortfolio, read_portfolio
from optimizer.inputs.profile import load_profile as load_file, parse_profile
from optimizer.inputs.profile_types import Profile
from optimizer.inputs.programs import ProgramTable
from optimizer.inputs.resources import DEMO_NOTE, DEMO_PROFILE, DEMO_PROGRAMS, data_path
from optimizer.inputs.sheet import check_grid, read_programs
from optimizer.model.scoring import InterviewModel, load_model
from optimizer.output.render import solve_payload
from optimizer.output.render_more import frontier_payload
from optimizer.output.render_score import score_payload
from optimizer.studies.compare import compare_saved, comparison_summary_rows

__all__ = ["load_programs", "load_profile", "score", "solve", "frontier", "compare", "batch", "SolveResult"]


# --- inputs ----------------------------------------------------------------------------------------------------

def load_programs(programs=None, sheet: str | None = None):
    """A programs sheet: a path to a CSV/XLSX file, a pandas DataFrame with the sheet's columns, or None for the
    bundled demo data. Returns the checked ProgramTable (pass it to the other functions); InputError lists every
    problem, each with its row and column."""
    if isinstance(programs, ProgramTable):
        return programs
    if programs is None:
        return replace(read_programs(data_path(DEMO_PROGRAMS)), source="bundled demo data", is_demo=True)
    if _is_frame(programs):
        header = (1, [str(c) for c in programs.columns])
        rows = [(number, [_cell(v) for v in values])
                for number, values in enumerate(programs.itertuples(index=False, name=None), start=2)]
        report = check_grid("DataFrame", header, rows, [])
        if report.errors:
            raise InputError(report.errors, file="DataFrame")
        return report.table
    return read_programs(programs, sheet)


def load_profile(profile=None):
    """An applicant profile: a path to a TOML file, a dict shaped like one ({"applicant": {...}, "goals": {...}}),
    or None for the bundled example. Returns the checked Profile; ProfileError lists every problem."""
    if isinstance(profile, Profile):
        return profile
    if profile is None:
        return replace(load_file(data_path(DEMO_PROFILE)), is_demo=True)
    if isinstance(profile, dict):
        return parse_profile(profile, "profile dict")
    return load_file(profile)


def _inputs(programs, profile, use_signals: bool = True, model=None):
    table, prof = load_programs(programs), load_profile(profile)
    if not use_signals:
        prof = replace(prof, goals=replace(prof.goals, use_signals=False))
    notes = ((DEMO_NOTE,) if table.is_demo else ()) + (
        (f"Profile: the bundled example ({DEMO_PROFILE}); pass --profile FILE for your own.",) if prof.is_demo else ())
    model = model if isinstance(model, InterviewModel) else load_model(model)
    return pipeline.inputs_for(table, prof, model, notes)


# --- score, solve, frontier, compare -------------------------------------------------------------------------------

def score(programs=None, profile=None, model=None):
    """Every program's chance for this applicant: a DataFrame, one row per program (best first), with the
    `smartpick score --json` fields as columns (program_id, program, specialty, city, state, visa, eligible,
    p_interview, tier, region, weight, reasons, p_with_signal, ...)."""
    # pandas takes 0.34 s to import (measured): loaded only when this runs
    import pandas as pd

    inputs = _inputs(programs, profile, model=model)
    return pd.DataFrame(score_payload(inputs, pipeline.score(inputs))["programs"])


@dataclass(frozen=True)
class SolveResult:
    """A solved list: `payload` is `smartpick solve --json`, `programs` the list as a DataFrame (one row per
    program, best chance first); the headline numbers are attributes."""

    payload: dict
    programs: object  # pandas.DataFrame
    plan: object  # pipeline.Plan, for the library's own functions

    @property
    def status(self) -> str:
        return self.payload["status"]

    @property
    def count(self) -> int:
        return self.payload["count"]

    @property
    def cost(self) -> float | None:
        return self.payload["cost"]

    @property
    def expected_interviews(self) -> float | None:
        return self.payload["expected_interviews"]

    @property
    def p_match(self) -> float | None:
        return self.payload["p_match"]

    @property
    def p_match_range(self) -> tuple[float, float] | None:
        low_high = self.payload.get("p_match_range")
        return tuple(low_high) if low_high else None

    @property
    def program_ids(self) -> list[str]:
        return [p["program_id"] for p in self.payload["programs"]]

    def __repr__(self) -> str:
        return (f"SolveResult(status={self.status!r}, count={self.count}, cost={self.cost}, "
                f"expected_interviews={self.expected_interviews}, p_match={self.p_match})")


def solve(programs=None, profile=None, budget: float | None = None, min: int | None = None, max: int | None = None,
          objective: str | None = None, signals: bool = True, must=(), never=(), correlated: bool = False,
          backend: str = "cpsat", time_limit: float = DEFAULT_TIME_LIMIT, model=None,
          robust: bool | None = None) -> SolveResult:
    """The best list, as `smartpick solve` (the flags are keyword arguments; None keeps the profile's value).
    `objective` is "interviews", "match" or "at-least:K"; `robust=True` asks for the list whose P(match) holds up
    best if SmartPick's figures are off (`--robust`). Raises InfeasibleError with the reasons when no list meets
    the limits."""
    # pandas takes 0.34 s to import (measured): loaded only when this runs
    import pandas as pd

    budget, low, high, objective = _limit_flags("solve()", budget, min, max, objective)
    inputs = _inputs(programs, profile, signals, model)
    plan, limits = pipeline.solve_list(inputs, budget, low, high, objective, tuple(must), tuple(never), backend,
                                       time_limit, correlated, robust=robust)
    payload = solve_payload(inputs, plan, limits)
    return SolveResult(payload, pd.DataFrame(payload["programs"]), plan)


def frontier(programs=None, profile=None, budgets=(1500, 2000, 2500, 3000, 3500), signals: bool = True,
             backend: str = "cpsat", model=None, robust: bool | None = None, objective: str | None = None):
    """The best list at each budget, as `smartpick frontier`: a DataFrame, one row per budget (budget, status,
    objective, expected_interviews, p_match, count, cost, gain_per_100, p_match_range, bound, gap). `budgets` is a
    list of dollars or the command's text ("1500:4000:500"); `objective` "interviews", "match" or "at-least:K"
    (`--objective`; None keeps the profile's goals.objective); `robust=True` gives the robust list at each budget
    (`--robust`; None keeps the profile's goals.robust)."""
    # pandas takes 0.34 s to import (measured): loaded only when this runs
    import pandas as pd

    try:
        budgets = parse_budget_list(budgets) if isinstance(budgets, str) else sorted({parse_budget(b) for b in budgets})
    except ParseError as error:
        raise InputError(f"frontier(): the budgets {error}", file="frontier()") from None
    inputs = _inputs(programs, profile, signals, model)
    objective = _limit_flags("frontier()", None, None, None, objective)[3]
    result, _ = pipeline.run_frontier(inputs, budgets, backend, robust=robust, objective=objective)
    return pd.DataFrame(frontier_payload(inputs, result)["points"])


def compare(programs=None, profile=None, lists: dict | None = None, signals: bool = True, budget=None, min=None,
            max=None, model=None):
    """Lists re-evaluated side by side, as `smartpick compare`: a DataFrame, one row per list (portfolio, count,
    cost, expected_interviews, p_match, limits broken, ...). `lists` maps a name to a list of program_ids, a
    SolveResult, a DataFrame with a program_id (or program) column, or a saved list's path."""
    # pandas takes 0.34 s to import (measured): loaded only when this runs
    import pandas as pd

    if not lists:
        raise InputError("compare(): give the lists to compare, e.g. lists={'mine': ['IL-001', ...], "
                         "'optimized': api.solve(...)}", file="compare()")
    inputs = _inputs(programs, profile, signals, model)
    budget, low, high, _ = _limit_flags("compare()", budget, min, max)
    saved = [_portfolio(name, given) for name, given in lists.items()]
    comparison, _ = compare_saved(inputs, saved, budget, low, high, use_signals=signals)
    frame = pd.DataFrame(comparison_summary_rows(comparison))
    frame["violations_list"] = [list(e.violations) for e in comparison.portfolios]
    return frame


def _portfolio(name: str, given):
    """A SavedPortfolio from what a notebook holds."""
    if isinstance(given, SolveResult):
        rows = tuple(PortfolioRow(row=i, program_id=p["program_id"], signal=p["signal"])
                     for i, p in enumerate(given.payload["programs"], start=1))
        return SavedPortfolio(name, name, rows, "item", has_signals=True, source="solve()")
    if _is_frame(given):
        return _frame_portfolio(name, given)
    if isinstance(given, (str, Path)):
        saved = read_portfolio(given)
        return replace(saved, name=name)
    if isinstance(given, (list, tuple)) and all(isinstance(pid, str) for pid in given):
        return SavedPortfolio(name, name, tuple(PortfolioRow(row=i, program_id=pid) for i, pid in
                                                enumerate(given, start=1)), "item", source="list of program_ids")
    raise InputError(f"compare(): the list '{name}' must be program_ids, a SolveResult, a DataFrame or a file path",
                     file="compare()")


def _frame_portfolio(name: str, frame):
    columns = {}
    for column in frame.columns:
        canonical = vocab.canonical_column(str(column))
        if canonical in ROW_COLUMNS and canonical not in columns:
            columns[canonical] = column
    if "program_id" not in columns and "program" not in columns:
        raise InputError(f"compare(): the DataFrame '{name}' needs a program_id or program column",
                         file="compare()")
    rows = []
    for i, record in enumerate(frame.to_dict("records"), start=2):
        values = {key: (_cell(record[column]) or None) for key, column in columns.items()}
        signal = vocab.parse_signal(values.pop("signal") or "") if "signal" in values else None
        rows.append(PortfolioRow(row=i, signal=signal, **values))
    return SavedPortfolio(name, name, tuple(rows), "row", has_signals="signal" in columns, source="DataFrame")


# --- a cohort ------------------------------------------------------------------------------------------------------

def batch(applicants, programs=None, scenarios=(), workers: int = 1, client=None, signals: bool = True,
          model=None):
    """A cohort's lists, as `smartpick batch`: `applicants` is a CSV/XLSX path or a DataFrame (one applicant per
    row, the profile's keys as columns); `client` a dask.distributed.Client to run on its cluster. Returns
    (results DataFrame: applicant_id, scenario, status, count, cost, expected_interviews, p_match, ...; errors
    DataFrame: row, column, message)."""
    # pandas takes 0.34 s to import (measured): loaded only when this runs
    import pandas as pd

    if _is_frame(applicants):
        rows, errors = records_applicants(applicants.to_dict("records"), "DataFrame")
    else:
        rows, errors = read_applicants(applicants)
    if isinstance(scenarios, (str, Path)):
        scenarios = [scenarios]
    tasks, more = make_tasks(rows, list(scenarios), use_signals=signals)
    model = model if isinstance(model, InterviewModel) else load_model(model)
    results = run_tasks(load_programs(programs), model, tasks, workers=workers, client=client)
    return (pd.DataFrame([r.summary() for r in results]),
            pd.DataFrame([e.as_dict() for e in errors + more], columns=["row", "column", "message"]))


# --- helpers ---------------------------------------------------------------------------------------------------

def _is_frame(value) -> bool:
    return type(value).__name__ == "DataFrame" and hasattr(value, "columns")


def _cell(value) -> str:
    """A DataFrame cell as the text a spreadsheet shows (NaN and None are blank, 220.0 is 220)."""
    return cell_text(value)


def _limit_flags(where: str, budget, low, high, objective=None):
    """The budget, min, max and objective arguments read by the flags' own parsers (one rule, one parser)."""
    try:
        return (None if budget is None else parse_budget(budget), None if low is None else parse_whole(low, 1),
                None if high is None else parse_whole(high, 1),
                None if objective is None else parse_objective(objective))
    except ParseError as error:
        raise InputError(f"{where}: {error} (budget in US dollars, min and max whole numbers of programs, "
                         "objective interviews, match or at-least:K)", file=where) from None
