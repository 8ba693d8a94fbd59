"""SmartPick: choose a residency application list that maximizes interviews under a budget.

The data flows one way, one module per arrow:

    sheet.py     spreadsheet  -> ProgramTable          (loading, validation)
    profile.py   profile TOML -> Profile
    scoring.py   (ProgramTable, Profile) -> Candidates  (probability, tier, region, weight)
    optimize.py  Candidates + constraints -> Portfolio  (CP-SAT or PuLP)
    outcomes.py  Portfolio -> Outcomes                  (interview distribution, P(match))
    report writers and cli.py render the results.

For notebooks, the public Python API (optimizer/api.py, docs/python-api.md) takes files or pandas DataFrames and
dicts and returns DataFrames:

    from optimizer import load_programs, load_profile, score, solve, frontier, compare, batch
    programs = load_programs("my_programs.xlsx")   # or a DataFrame; None for the bundled demo data
    me = load_profile("me.toml")                    # or {"applicant": {...}, "goals": {...}}
    result = solve(programs, me, budget=3000)       # result.programs: a DataFrame; result.payload: solve --json

The names load lazily (on first use), so importing `optimizer` stays cheap for the command line.
"""

__version__ = "0.1.0"

API = ("load_programs", "load_profile", "score", "solve", "frontier", "compare", "batch", "SolveResult")
__all__ = [*API, "__version__"]


def __getattr__(name: str):
    if name in API:
        from optimizer import api

        return getattr(api, name)
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")
