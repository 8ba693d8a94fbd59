"""What `smartpick calibrate` prints: the data, the cross-validated scores, the verdict, the coefficients moved."""

from __future__ import annotations

from optimizer.output.refit_report import verdict
from optimizer.model.refit import Calibration


def refit_lines(calibration: Calibration) -> list[str]:
    """Plain lines for the terminal."""
    base, refit = calibration.cv.scores("base"), calibration.cv.scores("refit")
    low, high = calibration.seasons
    seasons = str(low) if low == high else f"{low}-{high}"
    form = "" if calibration.form == "applications" else " (summary counts: only the levels are fitted)"
    lines = [f"{calibration.applicants} applicants, {calibration.applications} applications, seasons {seasons}{form}.",
             f"Held-out scores ({calibration.cv.folds}-fold cross-validation by applicant; lower is better):",
             f"  base model  log-loss {base['log_loss']:.4f}  Brier {base['brier']:.4f}",
             f"  refit       log-loss {refit['log_loss']:.4f}  Brier {refit['brier']:.4f}",
             verdict(calibration), "",
             f"{'coefficient':40} {'base':>9} {'refit':>9}   95% interval"]
    for c in calibration.coefficients:
        lines.append(f"{c.name:40} {c.base:9.3f} {c.fitted:9.3f}   {c.low:.3f} to {c.high:.3f}")
    for term, why in calibration.kept:
        lines.append(f"Kept at base: {term} ({why}).")
    return lines
