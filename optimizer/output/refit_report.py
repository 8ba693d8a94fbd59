"""The page of `smartpick calibrate --report`: is the refit better out of sample, the reliability diagram (drawn),
and every coefficient base -> refit with its interval. One self-contained HTML file (the chart is an SVG inside)."""

from __future__ import annotations

import datetime

from optimizer.model.refit import Calibration, reliability
from optimizer import __version__
from optimizer.output.html_report import svg_chart, template_environment
from optimizer.output.plotting import plot_reliability


def verdict(calibration: Calibration) -> str:
    """One sentence: use the refit or not, and why."""
    base, refit = calibration.cv.scores("base"), calibration.cv.scores("refit")
    if calibration.better:
        return (f"The refit predicts held-out applicants better than the base model (log-loss {refit['log_loss']:.4f} "
                f"against {base['log_loss']:.4f}, Brier {refit['brier']:.4f} against {base['brier']:.4f}): use it "
                "with --model.")
    return (f"The refit does not predict held-out applicants better than the base model (log-loss "
            f"{refit['log_loss']:.4f} against {base['log_loss']:.4f}, Brier {refit['brier']:.4f} against "
            f"{base['brier']:.4f}): keep the base model. More applicants would tell more.")


def render_calibration_report(calibration: Calibration, files: dict, today: datetime.date | None = None) -> str:
    """The page as text. `files` names the inputs: applicants, applications, programs, model."""
    cv = calibration.cv
    base_bins, refit_bins = reliability(cv.base_p, cv.invited), reliability(cv.refit_p, cv.invited)
    refit_order = sorted(range(len(cv.refit_p)), key=lambda i: cv.refit_p[i])
    chart = svg_chart(plot_reliability({"base model": base_bins, "refit (held out)": refit_bins}),
                   "Reliability diagram: predicted interview chance against the observed rate, by tenth of "
                   "applications, for the base model and the cross-validated refit")
    deciles = []
    # numpy takes 0.11 s to import (measured): loaded only when this runs
    import numpy as np

    for bin_, part in zip(refit_bins, np.array_split(np.array(refit_order, dtype=int), len(refit_bins))):
        deciles.append({"count": bin_.count, "predicted": bin_.predicted, "observed": bin_.observed,
                        "base": float(cv.base_p[part].mean())})
    low, high = calibration.seasons
    invited = int(cv.invited.sum())
    context = {
        "version": __version__, "today": f"{today or datetime.date.today():%B %d, %Y}",
        "applicants_file": files.get("applicants", ""), "applications_file": files.get("applications", ""),
        "programs_source": files.get("programs", ""), "base_model": files.get("model", ""),
        "better": calibration.better, "verdict": verdict(calibration),
        "applicants": calibration.applicants, "applications": calibration.applications,
        "form_words": "each application" if calibration.form == "applications" else
                      "counts per applicant: only the levels are fitted",
        "seasons": str(low) if low == high else f"{low}-{high}", "invited": invited,
        "invited_share": f"{invited / max(1, len(cv.invited)):.1%}", "folds": cv.folds,
        "losses": [("base model", cv.scores("base")), ("refit", cv.scores("refit"))],
        "chart": chart, "deciles": deciles, "coefficients": calibration.coefficients,
        "kept": calibration.kept, "notes": calibration.notes,
    }
    return template_environment().get_template("calibration.html").render(context)
