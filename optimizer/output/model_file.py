"""The refitted model file `smartpick calibrate --out` writes: TOML, atomically, with no applicant rows (reading
the outcome data it is fitted on is inputs/outcome_files.py's)."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import tomli_w

from optimizer.model.refit import LEVEL_PRIOR_SD, MULTIPLIER_PRIOR_SD, SIGNAL_TERM, TERM_COEFFICIENTS, Calibration
from optimizer.model.scoring import InterviewModel
from optimizer.output.writers import atomic_write_text


def _one_comment_line(text) -> str:
    """`text` fit for one TOML comment line (a path may hold a newline or another control character)."""
    return "".join(c if c.isprintable() else " " for c in str(text))


def model_text(calibration: Calibration, base_name: str, today: datetime.date | None = None) -> str:
    """The refitted model as a model file: the base's data with the fitted values, and a [refit] table saying what
    was fitted, on how much data, how well (cross-validated), and each coefficient's base, fitted value and interval.
    No applicant rows."""
    data = dict(calibration.model_data)
    base, refit = calibration.cv.scores("base"), calibration.cv.scores("refit")
    low, high = calibration.seasons
    data["refit"] = {
        "method": "penalized logistic regression on the model's own terms: a level shift per specialty key and a "
                  "multiplier per term, normal priors centred on the base (scipy.optimize.minimize, trust-exact); "
                  "95% intervals from the inverse Hessian (Laplace), each widened to the sandwich estimate clustered by applicant when that is wider",
        "base_model": base_name, "date": f"{today or datetime.date.today():%Y-%m-%d}",
        "form": calibration.form, "applicants": calibration.applicants, "applications": calibration.applications,
        "seasons": f"{low}" if low == high else f"{low}-{high}",
        "level_prior_sd": LEVEL_PRIOR_SD, "multiplier_prior_sd": MULTIPLIER_PRIOR_SD,
        "folds": calibration.cv.folds, "base_log_loss": base["log_loss"], "refit_log_loss": refit["log_loss"],
        "base_brier": base["brier"], "refit_brier": refit["brier"], "better": calibration.better,
        "recommended": calibration.better,
        "kept_at_base": [f"{term}: {why}" for term, why in calibration.kept],
        "shared_multipliers": [f"{term}: one multiplier scales {', '.join(names)} together"
                               + (" (on the log-odds scale: odds multiplier ** m)" if term == SIGNAL_TERM else "")
                               for term, names in TERM_COEFFICIENTS.items() if len(names) > 1
                               and any(c.term == f"weight of '{term}'" for c in calibration.coefficients)],
        "coefficients": [{**c.as_dict(), "fitted_as": c.term} for c in calibration.coefficients],
    }
    verdict = "better out of sample: recommended" if calibration.better else \
        "NOT better out of sample: not recommended (keep the base model)"
    header = (f"# SmartPick interview model refitted by `smartpick calibrate` on {calibration.applicants} applicants "
              f"and {calibration.applications} applications\n# (seasons {data['refit']['seasons']}); "
              f"{verdict}.\n# Base: {_one_comment_line(base_name)}. Each fitted coefficient's base value, fitted value "
              "and 95% interval are in [[refit.coefficients]].\n# Use it with: smartpick solve --model THIS_FILE\n\n")
    return header + tomli_w.dumps(data)


def write_model(path, calibration: Calibration, base_name: str) -> Path:
    """Write the refitted model file atomically; check it reads back as a model."""
    text = model_text(calibration, base_name)
    InterviewModel.from_dict(tomllib.loads(text))  # a file that would not load is a bug, caught before writing
    return atomic_write_text(path, text)
