"""SmartPick: choose a residency application list that maximizes interviews under a budget.

The data flows one way, one module per arrow:

    sheet.py     spreadsheet  -> ProgramTable          (loading, validation)
    profile.py   profile TOML -> Profile
    scoring.py   (ProgramTable, Profile) -> Candidates  (probability, tier, region, weight)
    optimize.py  Candidates + constraints -> Portfolio  (CP-SAT or PuLP)
    outcomes.py  Portfolio -> Outcomes                  (interview distribution, P(match))
    report writers and cli.py render the results.
"""

__version__ = "0.1.0"
