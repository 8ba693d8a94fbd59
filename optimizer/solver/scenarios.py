"""Moved to optimizer.studies.scenarios (issue 26: scenarios run whole lists, above the solver). This name stays only
until optimizer/web/ imports the new one; tests/test_layout.py lists it as the one allowed up-reach."""

from optimizer.studies.scenarios import run_scenarios  # noqa: F401
