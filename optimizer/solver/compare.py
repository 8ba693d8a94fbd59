"""Moved to optimizer.studies.compare (issue 26: comparing re-evaluates whole lists, above the solver). This name
stays only until optimizer/web/ imports the new one; tests/test_layout.py lists it as the one allowed up-reach."""

from optimizer.studies.compare import compare_portfolios, comparison_payload  # noqa: F401
