"""SmartPick: choose a residency application list that maximizes interviews under a budget.

The data flow, and the room each step lives in:

    inputs/   what users write, read and checked
              sheet.py (programs sheet -> ProgramTable), profile.py (+ profile_schema.py: profile TOML -> Profile),
              parsing.py (the one parser of objectives, budgets, counts, tier bands), scenario_files.py,
              portfolio_files.py (saved lists), applicants.py / applications.py (cohorts, outcome data),
              headers.py (the one header mapper every sheet reader uses)
    model/    chances, fees, signals, outcomes
              scoring.py ((ProgramTable, Profile) -> Candidates: chance, tier, region, weight), geography.py,
              fees.py, signals.py, outcomes.py (list -> interview distribution, P(match)), uncertainty.py (its
              range; applicants like you), refit.py (advisors' data)
    solver/   choosing lists
              optimize.py (Candidates + limits -> Solution, on linear.py's CP-SAT / PuLP backends), nonlinear.py
              (P(match), P(at least K)), frontier.py, diagnose.py (why no list fits), constraints.py (Limits, the
              price of a list)
    output/   what people read: render*.py (terminal tables, JSON payloads), workbook.py, html_report.py and
              templates/, plotting.py, writers.py (the one atomic writer)

    pipeline.py  the whole job of one list (load -> score -> limits -> solve -> evaluate), one call per command
    studies/  many lists through the pipeline: scenarios.py (what-ifs side by side), compare.py (saved lists
              re-evaluated), calibration.py (the model against published outcomes, solving populations)
    api.py       the Python API for notebooks (DataFrames in and out; docs/python-api.md)
    cohort.py    many applicants at once (`smartpick batch`): here, on processes, or on a Dask cluster
    web/         the local web app (`smartpick serve`); cli.py is the command line (cli.py at the
                 repository's top is its entry in a checkout). Both are thin doors onto pipeline.

Nothing under inputs/, model/ or solver/ prints or formats a table, and every import points down the list above:
errors < inputs < model < solver < pipeline < studies < output < the doors (cli, api, cohort, web); tests/test_layout.py
checks both, and docs/layers.md draws it (scripts/draw_layers.py).

The public Python API (optimizer/api.py) takes files or pandas DataFrames and dicts and returns DataFrames:

    from optimizer import load_programs, load_profile, solve
    programs = load_programs("my_programs.xlsx")   # or a DataFrame; None for the bundled demo data
    me = load_profile("me.toml")                    # or {"applicant": {...}, "goals": {...}}
    result = solve(programs, me, budget=3000)       # result.programs: a DataFrame; result.payload: solve --json
    score(...), frontier(...), compare(...), batch(...)

The names load lazily, on first use, so importing `optimizer` stays cheap for the command line.
"""

import importlib

__version__ = "0.1.0"

API = ("api", "load_programs", "load_profile", "score", "solve", "SolveResult", "frontier", "compare", "batch")
__all__ = [*API, "__version__"]


def __getattr__(name: str):
    if name in API:
        api = importlib.import_module("optimizer.api")
        return api if name == "api" else getattr(api, name)
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")
