"""Simulated outcome data for `smartpick calibrate`: applicants, where they applied and who was invited, drawn from a
model whose coefficients are known (seeded). Used by the tests (does the refit recover the truth?) and by
scripts/make_outcomes.py (the worked example). Every applicant and outcome is synthetic.

`perturbed_model_data` makes the "truth": the base model file's data with some coefficients moved, as an advisor's
students might differ from the national average. `simulate_outcomes` returns the rows of the two files as cell text.
Data tooling (scripts/make_outcomes.py, tests, benchmarks): nothing under optimizer/ imports it; the chances come
through the scoring module's public names, as SmartPick computes them.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from optimizer.inputs.programs import ProgramTable
from optimizer.model.scoring import InterviewModel, below_stated_cutoff, logistic, broken_limits

# How the example truth differs from the base: level shifts (log-odds) and multipliers of coefficients.
EXAMPLE_SHIFTS = {"specialty_intercept.Internal Medicine": 0.4, "specialty_intercept.Family Medicine": -0.3}
EXAMPLE_MULTIPLIERS = {"specialty_score_per_10.Internal Medicine": 1.5, "coefficients.us_lor": 1.8,
                       "coefficients.usce": 0.6, "coefficients.usce_in_state": 0.6, "coefficients.usce_missing": 0.6,
                       "coefficients.ties_state": 1.6}
SIGNALS = {"Internal Medicine": ("gold", "gold", "silver", "silver", "silver"),
           "Family Medicine": ("standard",) * 5}
APPLICANT_COLUMNS = ("applicant_id", "specialties", "step2ck", "visa", "graduation_year", "usce_months",
                     "usce_states", "us_lors", "research_items", "ties_states", "step_failures", "applicant_type",
                     "season")
APPLICATION_COLUMNS = ("applicant_id", "program_id", "invited", "signal")
OUTCOME_FILES = ("applicants.csv", "applications.csv")  # what an advisor gives `smartpick calibrate`


def csv_text(rows: list[dict], columns) -> str:
    """Rows as CSV text under a header of `columns`."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def outcome_files(applicants: list[dict], applications: list[dict]) -> dict[str, str]:
    """File name -> CSV text of the two outcome files (OUTCOME_FILES) for simulated applicants and applications."""
    return {OUTCOME_FILES[0]: csv_text(applicants, APPLICANT_COLUMNS),
            OUTCOME_FILES[1]: csv_text(applications, APPLICATION_COLUMNS)}


def perturbed_model_data(base_data: dict, shifts: dict | None = None, multipliers: dict | None = None) -> dict:
    """The model file's data with `shifts` added and `multipliers` applied ("table.key" -> number)."""
    data = copy.deepcopy(base_data)
    for name, shift in (EXAMPLE_SHIFTS if shifts is None else shifts).items():
        table, _, key = name.partition(".")
        data[table][key] = data[table][key] + shift
    for name, factor in (EXAMPLE_MULTIPLIERS if multipliers is None else multipliers).items():
        table, _, key = name.partition(".")
        data[table][key] = data[table][key] * factor
    return data


def simulate_outcomes(truth: InterviewModel, table: ProgramTable, n_applicants: int, seed: int,
                      specialties=("Internal Medicine", "Family Medicine"),
                      seasons=(2025, 2026), latent_sd: float = 0.0) -> tuple[list[dict], list[dict]]:
    """(applicant rows, application rows) as cell text: `n_applicants` synthetic applicants, each applying to 25-60
    programs of their specialty they are eligible for, signalling five of them, invited with the chance `truth`
    gives, independently given the applicant; `latent_sd` > 0 adds a strength of each applicant (normal, on the
    log-odds, mean chosen so that each program's chance over applicants stays what `truth` gives, approximately by
    the probit rescaling) shared by all their applications, as real outcomes have."""
    rng = np.random.default_rng(seed)
    by_specialty = {s: [p for p in table.programs if p.specialty == s] for s in specialties}
    states = sorted({p.state for p in table.programs})
    from optimizer.inputs.profile_types import Applicant

    applicants, applications = [], []
    for i in range(n_applicants):
        specialty = specialties[0] if rng.random() < 0.65 else specialties[1]
        season = int(rng.choice(seasons))
        visa = str(rng.choice(["J-1", "J-1 or H-1B", "none"], p=[0.55, 0.3, 0.15]))
        kind = "US MD/DO" if rng.random() < 0.05 else ("US IMG" if visa == "none" else "non-US IMG")
        usce_months = int(rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 12]))
        usce_states = tuple(rng.choice(states, size=int(rng.integers(1, 3)), replace=False)) if usce_months else ()
        applicant = Applicant(
            specialties=(specialty,), visa=visa, step2ck=int(np.clip(round(rng.normal(238, 12)), 200, 275)),
            step_failures=int(rng.choice([0, 1, 2], p=[0.85, 0.12, 0.03])),
            graduation_year=season - int(rng.integers(0, 9)), usce_months=usce_months,
            usce_states=usce_states, us_lors=int(rng.integers(0, 5)), research_items=int(rng.integers(0, 9)),
            ties_states=tuple(rng.choice(states, size=int(rng.integers(0, 3)), replace=False)),
            applicant_type=kind)
        applicant_id = f"S{i + 1:04d}"
        strength = rng.normal(0.0, latent_sd) if latent_sd else 0.0
        shrink = math.sqrt(1 + math.pi * latent_sd ** 2 / 8)  # E[expit(a + strength)] ~ expit(a / shrink): keeps the marginal chance
        pool = [by_specialty[specialty][j] for j in rng.permutation(len(by_specialty[specialty]))[:200]]
        # the simulated world: the synthetic sheet's values are true, so every limit rules a program out
        eligible = [p for p in pool if not broken_limits(applicant, p, season, False)]
        chosen = eligible[:int(rng.integers(25, 61))]
        if not chosen:
            continue
        signalled = {p.program_id: kind for p, kind in zip(
            [p for p in chosen if p.accepts_signals], SIGNALS.get(specialty, ()))}
        applicants.append(_applicant_row(applicant_id, applicant, season))
        for program in chosen:
            terms = truth.logit_terms(applicant, program, season, below_stated_cutoff(applicant, program))
            logit = sum(terms.values())
            signal = signalled.get(program.program_id)
            if signal:
                logit += math.log(truth.signal_odds[signal])
            invited = rng.random() < logistic(logit * shrink + strength if latent_sd else logit)
            applications.append({"applicant_id": applicant_id, "program_id": program.program_id,
                                 "invited": "yes" if invited else "no", "signal": signal or ""})
    return applicants, applications


def _applicant_row(applicant_id: str, applicant, season: int) -> dict:
    return {"applicant_id": applicant_id, "specialties": "; ".join(applicant.specialties),
            "step2ck": str(applicant.step2ck), "visa": applicant.visa,
            "graduation_year": str(applicant.graduation_year), "usce_months": str(applicant.usce_months),
            "usce_states": "; ".join(applicant.usce_states), "us_lors": str(applicant.us_lors),
            "research_items": str(applicant.research_items), "ties_states": "; ".join(applicant.ties_states),
            "step_failures": str(applicant.step_failures), "applicant_type": applicant.applicant_type,
            "season": str(season)}
