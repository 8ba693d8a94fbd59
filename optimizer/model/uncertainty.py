"""How sure a P(match) is, and what happened to applicants like this one.

`p_match_range` re-prices a chosen list under each uncertainty draw of the model (refits of the fitted figures on
resampled published targets, with the match curve moved within its stated error: data/model.toml [uncertainty]) and
returns the 10th and 90th percentiles. `population_p_match` looks up the published match rate of the applicant's
group (applicant type, specialty and Step 2 CK band) in data/calibration/population_outcomes.toml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from optimizer.model.outcomes import _expit, _gauss_hermite, solve_intercepts

POPULATION_OUTCOMES_FILE = "calibration/population_outcomes.toml"
RANGE_PERCENTILES = (10, 90)
MAX_COUNT = 40  # interview counts of 40 or more share the last cell (the match curves are flat long before)
NODES = 32  # Gauss-Hermite nodes for the applicant's latent strength (as outcomes.correlated_distribution)
RANGE_NODES = 20  # enough for a percentile over draws (within 0.001 of 32 nodes for latent SDs up to 1)
RANGE_TOP = 30  # P(match | n) is flat long before 30 interviews


def _truncated_poisson_binomial(p_rows: np.ndarray, top: int) -> np.ndarray:
    """P(N = 0..top-1) and P(N >= top) for each row of independent Bernoulli probabilities."""
    rows, n = p_rows.shape
    dist = np.zeros((rows, top + 1))
    dist[:, 0] = 1.0
    for i in range(n):
        moved = dist[:, :top] * p_rows[:, i:i + 1]  # program i adds one interview; the last cell keeps its mass
        dist[:, :top] -= moved
        dist[:, 1:] += moved
    return dist


def batch_distributions(p: np.ndarray, sigma: np.ndarray, top: int = MAX_COUNT, nodes: int = NODES) -> np.ndarray:
    """Interview-count distributions (rows of P(N = 0..top-1), P(N >= top)) for many lists at once, in the
    correlated view of outcomes.correlated_distribution: row r has its programs' chances p[r] (0 = no program:
    lists of different lengths are padded with zeros) and its latent SD sigma[r] (0 = independent)."""
    p = np.asarray(p, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    rows, n = p.shape
    z, w = _gauss_hermite(nodes)
    present = p > 0
    safe = np.where(present, np.clip(p, 1e-12, 1 - 1e-12), 0.5)
    a = solve_intercepts(safe, sigma[:, None], z, w)
    conditional = np.where(present[..., None], _expit(a[..., None] + sigma[:, None, None] * z), 0.0)
    flat = conditional.transpose(0, 2, 1).reshape(rows * z.size, n)
    dist = _truncated_poisson_binomial(flat, top).reshape(rows, z.size, top + 1)
    return np.einsum("rgk,g->rk", dist, w)


def curve_cells(curve, top: int = MAX_COUNT) -> np.ndarray:
    """P(match | N = 0..top) from a MatchCurve, for the cells of batch_distributions."""
    return curve.values(top)


# --- the fitted figures, and how a list's chances move with them ------------------------------------------------

# The figures of data/model.toml that `smartpick calibration --fit` sets, as (table, key); an uncertainty draw names
# them "table.key".
FITTED = (("specialty_intercept", "default"), ("specialty_intercept", "Family Medicine"),
          ("specialty_score_per_10", "default"), ("specialty_score_per_10", "Family Medicine"),
          ("correlation", "latent_sd"))


def fitted_values(model) -> dict[tuple[str, str], float]:
    """The model's current values of the fitted figures."""
    def value(table, key):
        if table == "correlation":
            return model.latent_sd
        return model.level(key) if table == "specialty_intercept" else model.score_slope(key)
    return {(table, key): value(table, key) for table, key in FITTED}


def with_values(model, values: dict[tuple[str, str], float]):
    """A copy of `model` with the fitted figures set to `values`."""
    intercepts = dict(model.specialty_intercept)
    slopes = dict(model.specialty_score_per_10)
    sigma = model.latent_sd
    for (table, key), v in values.items():
        if table == "correlation":
            sigma = float(v)
        else:
            (intercepts if table == "specialty_intercept" else slopes)[key] = float(v)
    return replace(model, specialty_intercept=intercepts, specialty_score_per_10=slopes, latent_sd=sigma)


def _model_figures(model) -> dict[tuple[str, str], float]:
    """Every level and score slope the model names (a user's model may name more specialties than are fitted),
    and its latent SD, keyed as fitted_values."""
    figures = {("specialty_intercept", k): v for k, v in model.specialty_intercept.items()}
    figures.update({("specialty_score_per_10", k): v for k, v in model.specialty_score_per_10.items()})
    return {**fitted_values(model), **figures}


def _draw_values(base: dict, draw: dict) -> dict[tuple[str, str], float]:
    """`base` with the figures an uncertainty draw names ("table.key") replaced by the draw's."""
    values = dict(base)
    for name, value in draw.items():
        table, _, key = name.partition(".")
        if (table, key) in values:
            values[(table, key)] = float(value)
    return values


def fitted_shift(base: dict, values: dict, specialty: str) -> tuple[float, float]:
    """(level change, score-slope change) of `specialty` from the figures `base` to `values` (both keyed as
    fitted_values); a specialty without a figure of its own moves with "default"."""
    def change(table):
        key = specialty if (table, specialty) in base else "default"
        return values[(table, key)] - base[(table, key)]
    return change("specialty_intercept"), change("specialty_score_per_10")


def shifted_curve(curve: np.ndarray, shift: float) -> np.ndarray:
    """The match curve moved by `shift` at its plateau and proportionally below it (0 stays 0; stays concave)."""
    top = curve.max() if curve.size and curve.max() > 0 else 1.0
    return np.clip(curve + shift * curve / top, 0.0, 1.0)


def p_match_range(model, curve, applicant, chosen, applied_p, point: float | None = None) -> tuple[float, float]:
    """The 10th-90th percentile of P(match) for a list over the model's uncertainty draws (each moves the fitted
    levels, score slopes and latent SD, and the match curve within its stated error), never excluding the point
    value; the point value twice when the model has no draws (e.g. a user's own model file without them).

    `chosen` are the list's candidates and `applied_p` their chances as the list applies them (with signals);
    `point` is the list's P(match) as shown (computed here when not given)."""
    applied = np.clip(np.asarray(applied_p, dtype=float), 1e-12, 1 - 1e-12)
    if point is None:
        point_dist = batch_distributions(applied[None, :], np.array([model.latent_sd]))[0]
        point = float(point_dist @ curve_cells(curve))
    cells = curve_cells(curve, RANGE_TOP)
    if not model.uncertainty or not len(chosen):
        return point, point
    logit = np.log(applied / (1 - applied))
    specialties = [c.program.specialty for c in chosen]
    score_x = np.array([model.score_gap(applicant, c.program) for c in chosen])
    base = _model_figures(model)
    rows, curves, sigmas = [], [], []
    for draw in model.uncertainty:
        values = _draw_values(base, draw)
        shift = {s: fitted_shift(base, values, s) for s in set(specialties)}
        d_level = np.array([shift[s][0] for s in specialties])
        d_slope = np.array([shift[s][1] for s in specialties])
        rows.append(1 / (1 + np.exp(-(logit + d_level + d_slope * score_x))))
        curves.append(shifted_curve(cells, draw.get("curve_shift", 0.0)))
        sigmas.append(values[("correlation", "latent_sd")])
    dists = batch_distributions(np.array(rows), np.array(sigmas), top=RANGE_TOP, nodes=RANGE_NODES)
    drawn = (dists * np.array(curves)).sum(axis=1)
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
    from optimizer.inputs.datafiles import load_bundled_toml

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
