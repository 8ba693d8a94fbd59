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

    from optimizer import api
    programs = api.load_programs("my_programs.xlsx")   # or a DataFrame; None for the bundled demo data
    me = api.load_profile("me.toml")                    # or {"applicant": {...}, "goals": {...}}
    result = api.solve(programs, me, budget=3000)       # result.programs: a DataFrame; result.payload: solve --json
    api.score(...), api.frontier(...), api.compare(...), api.batch(...)

`load_programs`, `load_profile`, `score`, `solve` and `SolveResult` can also be imported from `optimizer` itself.
(`frontier`, `compare` and `batch` cannot: they are also the names of modules of this package, and importing a
module replaces a package attribute of the same name.) The names load lazily, on first use, so importing
`optimizer` stays cheap for the command line.
"""

__version__ = "0.1.0"

API = ("api", "load_programs", "load_profile", "score", "solve", "SolveResult")
__all__ = [*API, "__version__"]


def __getattr__(name: str):
    if name in API:
        import importlib

        api = importlib.import_module("optimizer.api")
        return api if name == "api" else getattr(api, name)
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")
