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

from optimizer.model.outcomes import MatchCurve, MatchCurves, expit, gauss_hermite, solve_intercepts
from optimizer.inputs.datafiles import load_bundled_toml
from optimizer.model import published

POPULATION_OUTCOMES_FILE = "calibration/population_outcomes.toml"
RANGE_PERCENTILES = (10, 90)
MAX_COUNT = 40  # interview counts of 40 or more share the last cell (the match curves are flat long before)
NODES = 32  # Gauss-Hermite nodes for the applicant's latent strength (as outcomes.correlated_distribution)
RANGE_NODES = 12  # enough for a percentile over draws (the same range to 4 decimals as 20 nodes on four profiles)
RANGE_TOP = 21  # every match curve is flat from 20 ranks (model/published.py TOP_RANK): counts >= 21 share a cell


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
    z, w = gauss_hermite(nodes)
    present = p > 0
    safe = np.where(present, np.clip(p, 1e-12, 1 - 1e-12), 0.5)
    a = solve_intercepts(safe, sigma[:, None], z, w)
    conditional = np.where(present[..., None], expit(a[..., None] + sigma[:, None, None] * z), 0.0)
    flat = conditional.transpose(0, 2, 1).reshape(rows * z.size, n)
    dist = _truncated_poisson_binomial(flat, top).reshape(rows, z.size, top + 1)
    return np.einsum("rgk,g->rk", dist, w)


def curve_cells(curve, top: int = MAX_COUNT) -> np.ndarray:
    """P(match | N = 0..top) from a MatchCurve, for the cells of batch_distributions."""
    return curve.values(top)


# --- the fitted figures, and how a list's chances move with them ------------------------------------------------

def fitted_values(model) -> dict[tuple[str, str], float]:
    """The model's current values of the fitted figures, keyed (table, key) as an uncertainty draw names them
    "table.key": every specialty's level and score slope the model names (and "default"), and the latent SD."""
    figures = {("specialty_intercept", k): float(v) for k, v in model.specialty_intercept.items()}
    figures.update({("specialty_score_per_10", k): float(v) for k, v in model.specialty_score_per_10.items()})
    figures[("correlation", "latent_sd")] = float(model.latent_sd)
    return figures


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


# Assumed figures about programs rather than the applicant: the reference population's lists hold programs like any
# list's, so a shift of one of these moves the fitted level with it. Only how this list's programs differ from their
# own average (weighted by chance) carries their error.
PROGRAM_SIDE = ("coefficients.img_share_per_10", "coefficients.positions_log", "intercept.community",
                "intercept.university", "signals.gold", "signals.silver", "signals.standard")
RANGE_DRAWS = 40  # draws behind the range: each pairs one refit of the fitted figures with a draw of the priors
PRIOR_SEED = 2026


def model_draws(model) -> list[tuple[dict, dict]]:
    """The draws behind the P(match) range: (a refit of the fitted figures, from [uncertainty], taken in turn;
    a draw of every assumed figure's change from its prior, [priors]). Deterministic."""
    if not model.uncertainty and not model.priors:
        return []
    rng = np.random.default_rng(PRIOR_SEED)
    names = sorted(model.priors)
    fitted = model.uncertainty or ({},)
    out = []
    for i in range(RANGE_DRAWS):
        deltas = rng.normal(size=len(names)) * np.array([model.priors[n] for n in names])
        out.append((fitted[i % len(fitted)], dict(zip(names, deltas.tolist()))))
    return out


def batch_p_match(p: np.ndarray, sigma: np.ndarray, specialties, curves, curve_shift: np.ndarray,
                  top: int = RANGE_TOP, nodes: int = RANGE_NODES) -> np.ndarray:
    """P(match) of one list under many versions of the model at once: row r has the list's chances p[r], latent SD
    sigma[r] and match-curve shift curve_shift[r]; `specialties` names each column's specialty (the curves of
    outcomes.MatchCurves, combined as there)."""
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    sigma = np.asarray(sigma, dtype=float)
    rows, n = p.shape
    z, w = gauss_hermite(nodes)
    a = solve_intercepts(p, sigma[:, None], z, w)
    conditional = expit(a[..., None] + sigma[:, None, None] * z)  # rows x programs x nodes
    names = np.asarray(specialties)
    miss = np.ones((rows, z.size))
    for specialty in sorted(set(names.tolist())):
        columns = conditional[:, names == specialty, :]
        flat = columns.transpose(0, 2, 1).reshape(rows * z.size, columns.shape[1])
        dist = _truncated_poisson_binomial(flat, top).reshape(rows, z.size, top + 1)
        cells = curve_cells(curves.curve(specialty), top)
        shifted = np.array([shifted_curve(cells, s) for s in curve_shift])
        miss *= 1.0 - np.einsum("rgk,rk->rg", dist, shifted)
    return (1.0 - miss) @ w


def p_match_range(model, curves, applicant, chosen, applied_p, point: float | None = None,
                  match_year: int | None = None) -> tuple[float, float]:
    """The 10th-90th percentile of P(match) for a list over the model's uncertainty: RANGE_DRAWS versions of the
    model, each with one refit of the fitted levels, score slopes, latent SD and match curve ([uncertainty]) and a
    draw of every assumed figure from its prior ([priors]: visa, years since graduation, US clinical experience,
    letters, signals, program size and kind, estimated limits, ...; PROGRAM_SIDE figures relative to the list's own
    average). Never excludes the point value; the point
    value twice when the model has neither (a user's own model file without them).

    `chosen` are the list's candidates and `applied_p` their chances as the list applies them (with signals);
    `point` is the list's P(match) as shown (computed here when not given); `curves` the applicant's
    outcomes.MatchCurves (a single MatchCurve is taken as every specialty's)."""
    if isinstance(curves, MatchCurve):
        curves = MatchCurves(tuple((s, curves) for s in sorted({c.program.specialty for c in chosen}) or ["all"]))
    applied = np.clip(np.asarray(applied_p, dtype=float), 1e-12, 1 - 1e-12)
    specialties = [c.program.specialty for c in chosen]
    if point is None:
        point = float(batch_p_match(applied[None, :], np.array([model.latent_sd]), specialties, curves,
                                    np.zeros(1))[0])
    draws = model_draws(model)
    if not draws or not len(chosen):
        return point, point
    year = int(match_year if match_year is not None else model.season or 2026)
    logit = np.log(applied / (1 - applied))
    score_x = np.array([model.score_gap(applicant, c.program) for c in chosen])
    names = sorted(model.priors)
    features = np.zeros((len(chosen), len(names)))
    for i, (c, q) in enumerate(zip(chosen, applied)):
        signal = next((kind for kind, with_kind in c.p_with_signal if abs(with_kind - q) < 1e-9
                       and q > c.p_interview + 1e-12), None)
        found = model.assumed_features(applicant, c.program, year, signal, "below a stated cutoff" in dict(c.terms),
                                       c.unmet_estimates)
        features[i] = [found.get(name, 0.0) for name in names]
    program_side = [j for j, name in enumerate(names) if name in PROGRAM_SIDE]
    features[:, program_side] -= (applied @ features[:, program_side]) / applied.sum()
    base = fitted_values(model)
    rows, sigmas, shifts = [], [], []
    for fitted, deltas in draws:
        values = _draw_values(base, fitted)
        shift = {s: fitted_shift(base, values, s) for s in set(specialties)}
        d_level = np.array([shift[s][0] for s in specialties])
        d_slope = np.array([shift[s][1] for s in specialties])
        prior_shift = features @ np.array([deltas[name] for name in names])
        rows.append(expit(logit + d_level + d_slope * score_x + prior_shift))
        sigmas.append(values[("correlation", "latent_sd")])
        shifts.append(fitted.get("curve_shift", 0.0))
    drawn = batch_p_match(np.array(rows), np.array(sigmas), specialties, curves, np.array(shifts))
    low, high = np.percentile(drawn, RANGE_PERCENTILES)
    return float(min(low, point)), float(max(high, point))


@dataclass(frozen=True)
class PopulationFigure:
    """The published match rate of applicants like this one, in one specialty."""

    p_match: float
    group: str  # in words, e.g. "non-US IMGs in Internal Medicine with Step 2 CK 230-239"
    source: str
    short_source: str = ""
    specialty: str = ""
    derived: bool = False  # True when the figure by score band is derived from published distributions

    def as_dict(self) -> dict:
        return {"specialty": self.specialty, "p_match": self.p_match, "group": self.group, "source": self.source}


BANDS = (0, 220, 230, 240, 250)  # Step 2 CK bands of "applicants like you" (lower bounds; the last open-ended)


def _band_label(step2ck: int) -> tuple[int, str]:
    i = max(k for k, low in enumerate(BANDS) if step2ck >= low)
    high = BANDS[i + 1] - 1 if i + 1 < len(BANDS) else None
    return i, (f"below {BANDS[1]}" if i == 0 else f"{BANDS[i]} or more" if high is None else f"{BANDS[i]}-{high}")


def population_p_match(applicant) -> list[PopulationFigure]:
    """The published (or published-derived) match rate of the applicant's group in each specialty they apply to,
    in the order they wrote them: non-US IMGs in a specialty with published 2026 figures get that specialty's rate
    (by Step 2 CK band, derived from its score distributions); otherwise the applicant type's all-specialty figure
    (data/calibration/population_outcomes.toml), named as such."""
    entries = load_bundled_toml(POPULATION_OUTCOMES_FILE).get("groups", [])
    out = []
    for specialty in applicant.specialties or ["all"]:
        spec = published.figures(specialty) if applicant.applicant_type == "non-US IMG" else None
        if spec is not None:
            group = f"non-US IMGs in {specialty}"
            source = (f"{published.published()['source']}: {spec['matched']:,} of {spec['preferred']:,} non-US IMGs "
                      f"who preferred {specialty} matched")
            short = "NRMP Charting Outcomes 2026"
            if applicant.step2ck is not None:
                i, label = _band_label(applicant.step2ck)
                rate = published.band_match_rates(spec, list(BANDS))[i]
                out.append(PopulationFigure(rate, f"{group} with Step 2 CK {label}",
                                            source + "; by Step 2 CK band derived from the published score "
                                            "distributions of matched and not-matched applicants",
                                            short + "; by score band derived", specialty, True))
            else:
                out.append(PopulationFigure(published.match_rate(spec), group, source, short, specialty))
            continue
        for entry in entries:
            if entry["applicant_type"] == applicant.applicant_type and entry["specialty"] == "all":
                group = f"{applicant.applicant_type}s in all specialties"
                if specialty != "all":
                    group += f" (no published figure for {specialty} alone)"
                out.append(PopulationFigure(float(entry["p_match"]), group, entry["source"],
                                            entry.get("short_source", ""), specialty))
                break
    return out


def describe_range(low: float, high: float) -> str:
    """A range in whole percent, as people read it."""
    lo, hi = math.floor(low * 100), math.ceil(high * 100)
    return f"{lo}%" if lo == hi else f"{lo}-{hi}%"
