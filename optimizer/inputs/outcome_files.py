"""The outcome data of `smartpick calibrate`: applicants, their applications (or a summary per applicant) and the
programs sheet they name, read with every problem reported at once."""

from __future__ import annotations

from dataclasses import replace

from optimizer.errors import InputError, Problem
from optimizer.inputs.applicants import read_applicants
from optimizer.inputs.applications import is_summary_form, read_applications, read_summary
from optimizer.inputs.resources import DEMO_PROGRAMS, data_path
from optimizer.inputs.sheet import read_programs


def load_outcomes(applicants_path, applications_path, programs_path=None):
    """(profiles: id -> Profile, applications or summaries, form: "applications" or "summary", the programs table).
    InputError lists every problem of both files (row, column and the fix)."""
    table = read_programs(programs_path or data_path(DEMO_PROGRAMS))
    if programs_path is None:
        table = replace(table, source="the bundled demo programs", is_demo=True)
    rows, errors = read_applicants(applicants_path)  # the same reader as `smartpick batch`
    problems = [Problem(file=str(applicants_path), row=e.row, column=e.column, message=e.message) for e in errors]
    profiles = {row.applicant_id: row.profile for row in rows}
    if problems:  # fix the applicants first: their ids are what the applications file is checked against
        raise InputError(problems)
    known = profiles.keys()
    if is_summary_form(applications_path):
        found, more = read_summary(applications_path, known)
        form = "summary"
    else:
        found, more = read_applications(applications_path, known, table)
        form = "applications"
    problems += more
    if problems:
        raise InputError(problems)
    return profiles, found, form, table
