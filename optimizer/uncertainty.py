"""How sure a P(match) is, and what happened to applicants like this one.

`p_match_range` re-prices a chosen list under each uncertainty draw of the model (refits of the fitted figures on
resampled published targets, with the match curve moved within its stated error: data/model.toml [uncertainty]) and
returns the 10th and 90th percentiles. `population_p_match` looks up the published match rate of the applicant's
group (applicant type, specialty and Step 2 CK band) in data/calibration/population_outcomes.toml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizer.outcomes import _poisson_binomial_rows, interview_distribution

POPULATION_OUTCOMES_FILE = "calibration/population_outcomes.toml"
RANGE_PERCENTILES = (10, 90)


def _draw_shifts(model, draw: dict, specialties: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per program: how its log-odds level and score slope move from the model's fitted figures to one draw's."""
    level, slope = {}, {}
    for s in set(specialties):
        level_key = s if s in model.specialty_intercept else "default"
        slope_key = s if s in model.specialty_score_per_10 else "default"
        level[s] = draw.get(f"specialty_intercept.{level_key}", model.level(s)) - model.level(s)
        slope[s] = draw.get(f"specialty_score_per_10.{slope_key}", model.score_slope(s)) - model.score_slope(s)
    return np.array([level[s] for s in specialties]), np.array([slope[s] for s in specialties])


def p_match_range(model, curve, applicant, chosen, applied_p) -> tuple[float, float]:
    """The 10th-90th percentile of P(match) for a list over the model's uncertainty draws, never excluding the point
    value (the point value twice when the model has no draws, e.g. a user's own model file without them).

    `chosen` are the list's candidates and `applied_p` their chances as the list applies them (with signals)."""
    applied = np.clip(np.asarray(applied_p, dtype=float), 1e-12, 1 - 1e-12)
    values = curve.values(len(chosen))
    point = float(interview_distribution(applied) @ values[:len(chosen) + 1])
    if not model.uncertainty or not len(chosen):
        return point, point
    logit = np.log(applied / (1 - applied))
    specialties = [c.program.specialty for c in chosen]
    score_x = np.array([model.score_gap(applicant, c.program) for c in chosen])
    top = values.max() if values.max() > 0 else 1.0
    rows, curves = [], []
    for draw in model.uncertainty:
        d_level, d_slope = _draw_shifts(model, draw, specialties)
        rows.append(1 / (1 + np.exp(-(logit + d_level + d_slope * score_x))))
        curves.append(np.clip(values + draw.get("curve_shift", 0.0) * values / top, 0.0, 1.0))
    dists = _poisson_binomial_rows(np.array(rows))
    drawn = (dists * np.array(curves)[:, :dists.shape[1]]).sum(axis=1)
    low, high = np.percentile(drawn, RANGE_PERCENTILES)
    return float(min(low, point)), float(max(high, point))


@dataclass(frozen=True)
class PopulationFigure:
    """The published match rate of applicants like this one."""

    p_match: float
    group: str  # in words, e.g. "non-US IMGs in Internal Medicine with Step 2 CK 230-239"
    source: str
    short_source: str = ""


def population_p_match(applicant) -> PopulationFigure | None:
    """The published (or published-derived) match rate of the applicant's group, or None when none is known."""
    from optimizer.datafiles import load_bundled_toml

    entries = load_bundled_toml(POPULATION_OUTCOMES_FILE).get("groups", [])
    specialty = applicant.specialties[0] if applicant.specialties else "all"
    for wanted in (specialty, "all"):
        for entry in entries:
            if entry["applicant_type"] != applicant.applicant_type or entry["specialty"] != wanted:
                continue
            group = f"{applicant.applicant_type}s" + ("" if wanted == "all" else f" in {wanted}")
            bands = entry.get("step2ck_bands")
            if bands and applicant.step2ck is not None:
                i = max(k for k, low in enumerate(bands) if applicant.step2ck >= low)
                high = bands[i + 1] - 1 if i + 1 < len(bands) else None
                label = (f"below {bands[1]}" if i == 0 else f"{bands[i]} or more" if high is None
                         else f"{bands[i]}-{high}")
                return PopulationFigure(entry["p_match"][i], f"{group} with Step 2 CK {label}", entry["source"],
                                        entry.get("short_source", ""))
            overall = entry.get("overall", entry["p_match"][0] if isinstance(entry["p_match"], list)
                                else entry["p_match"])
            return PopulationFigure(float(overall), group, entry["source"], entry.get("short_source", ""))
    return None


def describe_range(low: float, high: float) -> str:
    """A range in whole percent, as people read it."""
    lo, hi = math.floor(low * 100), math.ceil(high * 100)
    return f"{lo}%" if lo == hi else f"{lo}-{hi}%"
