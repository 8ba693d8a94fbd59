"""Calibration: the model against the published 2026 outcomes of non-US IMGs, and the fit of its `fitted` figures to them.

The reference population (data/calibration/reference_population.toml) is one typical non-US IMG per Step 2 CK
node, weighted by the published score mixture of the specialty. For each node SmartPick chooses its list exactly as
`smartpick solve` would (bundled data, budget, count window, signals), then the population's mean P(match),
expected interviews and match rate by score band are compared with data/calibration/targets.toml.

`smartpick calibration` prints model against target (and the worked examples); `--fit` refits the
figures marked `fitted` in data/model.toml by weighted least squares (scipy), alternating with re-solving the lists
until they stop changing, and refits on resampled targets for the uncertainty range shown beside every P(match).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import tomli_w
from scipy.special import expit

from optimizer.model.uncertainty import (batch_distributions, curve_cells, fitted_shift, fitted_values, shifted_curve,
                                         with_values)
from optimizer import pipeline
from optimizer.inputs.datafiles import load_bundled_toml
from optimizer.inputs.profile import parse_profile
from optimizer.inputs.resources import DEMO_PROGRAMS, data_path
from optimizer.inputs.sheet import read_programs
from optimizer.model import published
from optimizer.model.outcomes import load_match_curve, p_at_least

POPULATION_FILE = "calibration/reference_population.toml"
TARGETS_FILE = "calibration/targets.toml"
DRAWS = 20
# ASSUMPTION: the smallest score slope the fit may choose (log-odds per 10 points). Program directors cite Step 2 CK
# first when choosing whom to interview (93.7% in IM, NRMP PD survey), so a higher score is never worth nothing, even
# where the published match rates are flat across scores (FM: selection, not indifference, is the likelier reason).
MIN_SCORE_SLOPE = 0.1
DRAW_SEED = 2026
CURVE_SD = 0.035  # the derived match curve is given as +-0.07: about two standard deviations

# The advice's worked examples (data/SOURCES.md, "The advice"): the list sizes they used and the interviews they report.
WORKED_EXAMPLES = (
    ("IM example (Step 2 CK 233, J-1)", "profiles/im_applicant.toml", 120, 8),
    ("FM example (Step 2 CK 221, J-1)", "profiles/fm_applicant.toml", 100, 10),
)


@dataclass(frozen=True)
class Node:
    """One point of the reference population: a specialty, a Step 2 CK score and the share of applicants it
    stands for."""

    specialty: str
    step2ck: int
    weight: float


@dataclass(frozen=True)
class NodeList:
    """The list SmartPick chose for one node, with what the fit needs to re-price it under other figures."""

    node: Node
    logit: np.ndarray  # log-odds of each chosen program as the list applies it (signal included)
    score_x: np.ndarray  # (score - program's reference) / 10 for each chosen program
    curve: np.ndarray  # P(match | n) for the cells of uncertainty.batch_distributions
    program_ids: tuple[str, ...]
    pool: np.ndarray = None  # chances (no signal) of every program open to the node: for the hand-made comparison
    p_match_range: tuple[float, float] | None = None  # the range `smartpick solve` shows beside the node's P(match)


def load_population() -> dict:
    return load_bundled_toml(POPULATION_FILE)


def load_targets() -> dict:
    """data/calibration/targets.toml, with `targets` completed for every specialty of the reference population:
    the entries the file writes out, then for each other specialty the ones built from its published 2026 figures
    by the file's [per_specialty] rules (published_targets)."""
    data = dict(load_bundled_toml(TARGETS_FILE))
    written = list(data.get("targets", []))
    have = {(t["name"], t["specialty"]) for t in written}
    extra = []
    for specialty in load_population()["specialties"]:
        for t in published_targets(specialty, data.get("per_specialty", {})):
            if (t["name"], t["specialty"]) in have:
                continue
            if t["name"] == SCORE_DIFFERENCE and ("P(match) by Step 2 CK band", specialty) in have:
                t = {**t, "sd": None}  # the band targets carry the same information: a check, not fitted twice
            extra.append(t)
    data["targets"] = written + extra
    return data


SCORE_DIFFERENCE = "Step 2 CK, matched minus not matched"


def published_targets(specialty: str, rules: dict) -> list[dict]:
    """The targets of one specialty from its published 2026 figures (model/published.py). Each target's sd adds the
    sampling error of the specialty's applicant numbers to the rule's; bands are the rule's relative widths."""
    spec = published.figures(specialty)
    if spec is None:
        return []
    rate, n = published.match_rate(spec), spec["preferred"]
    n_matched, n_not = spec["matched"], spec["preferred"] - spec["matched"]
    m, u = spec["ranks_matched"], spec["ranks_not_matched"]
    sm, su = spec["step2ck_matched"], spec["step2ck_not_matched"]
    where = f"NRMP Charting Outcomes 2026, non-US IMGs in {specialty}"
    rate_band = rules.get("rate_band", 0.08)
    out = [
        {"name": "mean P(match)", "specialty": specialty, "value": rate,
         "sd": math.hypot(rules.get("rate_sd", 0.03), math.sqrt(rate * (1 - rate) / n)),
         "band": [rate - rate_band, rate + rate_band],
         "source": f"{where}: {spec['matched']:,} of {n:,} who preferred it matched ({rate:.1%})"},
        {"name": "mean expected interviews", "specialty": specialty, "value": published.mean_ranks(spec),
         "sd": rules.get("interviews_sd", 0.6), "band": [round(published.mean_ranks(spec) * f, 2)
                                                         for f in rules.get("interviews_band", [0.7, 1.75])],
         "source": f"{where}: mean contiguous ranks {published.mean_ranks(spec):.1f} ({m['mean']:g} matched, "
                   f"{u['mean']:g} not)"},
        {"name": "mean interviews when matched", "specialty": specialty, "value": m["mean"],
         "sd": math.hypot(rules.get("ranks_sd", 0.5), m["sd"] / math.sqrt(n_matched)),
         "band": [round(m["mean"] * f, 2) for f in rules.get("ranks_band", [0.75, 1.25])],
         "source": f"{where}: matched applicants ranked {m['mean']:g} programs on average (SD {m['sd']:g})"},
        {"name": "mean interviews when not matched (at least one)", "specialty": specialty, "value": u["mean"],
         "sd": math.hypot(rules.get("ranks_sd_not", 0.3), u["sd"] / math.sqrt(n_not)),
         "band": [round(u["mean"] * f, 2) for f in rules.get("ranks_band", [0.75, 1.25])],
         "source": f"{where}: unmatched applicants ranked {u['mean']:g} programs on average (SD {u['sd']:g})"},
        {"name": SCORE_DIFFERENCE, "specialty": specialty, "value": published.score_difference(spec),
         "sd": math.hypot(rules.get("score_difference_sd", 1.5),
                          math.sqrt(sm["sd"] ** 2 / n_matched + su["sd"] ** 2 / n_not)),
         "band": [published.score_difference(spec) - rules.get("score_difference_band", 4),
                  published.score_difference(spec) + rules.get("score_difference_band", 4)],
         "source": f"{where}: Step 2 CK of matched {sm['mean']:g} (SD {sm['sd']:g}) and not matched {su['mean']:g} "
                   f"(SD {su['sd']:g})"},
    ]
    return out


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def mixture_cdf(spec: dict, score: float) -> float:
    """P(Step 2 CK <= score) in the published matched / not-matched mixture of one specialty."""
    rate = spec["match_rate"]
    m, u = spec["matched"], spec["not_matched"]
    return (rate * _normal_cdf((score - m["mean"]) / m["sd"])
            + (1 - rate) * _normal_cdf((score - u["mean"]) / u["sd"]))


def score_mixture(population: dict, specialty: str) -> dict:
    """The published Step 2 CK mixture of a specialty: the population file's own entry when it writes one, else the
    specialty's published 2026 figures (matched and not-matched mean and SD, match rate)."""
    if specialty in population["step2ck"]:
        return population["step2ck"][specialty]
    spec = published.figures(specialty)
    return {"matched": spec["step2ck_matched"], "not_matched": spec["step2ck_not_matched"],
            "match_rate": published.match_rate(spec)}


def population_nodes(population: dict, specialty: str) -> list[Node]:
    """The score nodes of a specialty with their population weights (summing to 1; the end nodes take the tails)."""
    spec = score_mixture(population, specialty)
    scores = population["step2ck"]["nodes"]
    nodes = []
    for i, score in enumerate(scores):
        low = -math.inf if i == 0 else (scores[i - 1] + score) / 2
        high = math.inf if i == len(scores) - 1 else (score + scores[i + 1]) / 2
        weight = (1.0 if high == math.inf else mixture_cdf(spec, high)) - (
            0.0 if low == -math.inf else mixture_cdf(spec, low))
        nodes.append(Node(specialty, int(score), weight))
    return nodes


def node_profile(population: dict, node: Node):
    """The profile of one node, checked by the same parser as a user's profile."""
    applicant = dict(population["applicant"])
    years = applicant.pop("years_before_match")
    applicant.update(specialties=[node.specialty], step2ck=node.step2ck,
                     graduation_year=int(population["season"]) - years)
    goals = dict(population["goals"], season=population["season"])
    return parse_profile({"applicant": applicant, "goals": goals}, "reference population")


def solve_population(model, population: dict | None = None, table=None, with_range: bool = False) -> list[NodeList]:
    """Choose every node's list with `model`, as `smartpick solve` would (`with_range`: with the P(match) range it
    shows beside it)."""
    population = population or load_population()
    table = table or read_programs(data_path(DEMO_PROGRAMS))
    out = []
    for specialty in population["specialties"]:
        for node in population_nodes(population, specialty):
            inputs = pipeline.inputs_for(table, node_profile(population, node), model)
            candidates = pipeline.score(inputs)
            limits, _ = pipeline.make_limits(inputs, candidates)
            plan = pipeline.make_plan(inputs, candidates, limits, marginal=False, with_range=with_range)
            chosen = plan.solution.chosen
            applied = np.array([plan.solution.applied_p(c) for c in chosen])
            x = np.array([model.score_gap(inputs.profile.applicant, c.program) for c in chosen])
            curve = curve_cells(pipeline.match_curve(inputs).curve(node.specialty))
            pool = np.array([c.p_interview for c in candidates if c.eligible])
            out.append(NodeList(node, np.log(applied / (1 - applied)), x, curve,
                                tuple(c.program_id for c in chosen), pool, plan.outcomes.p_match_range))
    return out


def _node_shift(node_list: NodeList, base: dict, values: dict) -> np.ndarray:
    """How the log-odds of a node's chosen programs move when the fitted figures go from `base` to `values`."""
    d_level, d_slope = fitted_shift(base, values, node_list.node.specialty)
    return d_level + d_slope * node_list.score_x


def node_distributions(lists: list[NodeList], base: dict, values: dict) -> np.ndarray:
    """Each node's interview-count distribution under `values` (lists held fixed), one row per node."""
    width = max(len(nl.program_ids) for nl in lists)
    p = np.zeros((len(lists), width))
    for i, nl in enumerate(lists):
        p[i, :len(nl.program_ids)] = expit(nl.logit + _node_shift(nl, base, values))
    sigma = np.full(len(lists), values[("correlation", "latent_sd")])
    return batch_distributions(p, sigma), p.sum(axis=1)


def node_outcomes(lists: list[NodeList], base: dict, values: dict, curve_shift: float = 0.0):
    """Each node's (P(match), expected interviews, distribution, curve) under `values`, its lists held fixed."""
    dists, expected = node_distributions(lists, base, values)
    curves = np.array([shifted_curve(nl.curve, curve_shift) for nl in lists])
    return (dists * curves).sum(axis=1), expected, dists, curves


def population_summary(lists: list[NodeList], outcomes, bands: list[float]) -> dict:
    """Per specialty: mean P(match), mean expected interviews, mean chance per application, P(match) per band, and
    the mean interviews of those who match and of those who do not (with at least one, as NRMP counts ranks)."""
    p_match, expected, dists, curves = outcomes
    cells = np.arange(dists.shape[1])
    out = {}
    for specialty in dict.fromkeys(nl.node.specialty for nl in lists):
        idx = [i for i, nl in enumerate(lists) if nl.node.specialty == specialty]
        w = np.array([lists[i].node.weight for i in idx])
        w = w / w.sum()
        per_app = np.array([expected[i] / max(1, len(lists[i].program_ids)) for i in idx])
        band_rates = []
        for b, low in enumerate(bands):
            high = bands[b + 1] if b + 1 < len(bands) else math.inf
            inside = [k for k, i in enumerate(idx) if low <= lists[i].node.step2ck < high]
            wb = w[inside]
            band_rates.append(float((wb * p_match[[idx[k] for k in inside]]).sum() / wb.sum()) if inside else None)
        scores = np.array([lists[i].node.step2ck for i in idx], dtype=float)
        matched_w, unmatched_w = w * p_match[idx], w * (1 - p_match[idx])
        score_difference = float(matched_w @ scores / matched_w.sum() - unmatched_w @ scores / unmatched_w.sum())
        d, c = dists[idx] * w[:, None], curves[idx]
        matched = (d * c).sum(axis=0)
        unmatched = (d * (1 - c)).sum(axis=0)[1:]
        out[specialty] = {"mean P(match)": float(w @ p_match[idx]), "mean expected interviews": float(w @ expected[idx]),
                          "mean interviews when matched": float(matched @ cells / matched.sum()),
                          "mean interviews when not matched (at least one)":
                              float(unmatched @ cells[1:] / unmatched.sum()),
                          "P(no interview)": float(d[:, 0].sum()),
                          "chance per application on the chosen list": float(w @ per_app),
                          "P(match) by Step 2 CK band": band_rates, SCORE_DIFFERENCE: score_difference}
    return out


def _residuals(summary: dict, targets: list[dict], values_of=lambda t: t.get("value")) -> tuple[list, list]:
    """(residuals, the specialty of each) of the population's outcomes against the targets that have an sd."""
    res, whose = [], []
    for t in targets:
        if t.get("sd") is None or t["specialty"] not in summary:
            continue
        model_value = summary[t["specialty"]][t["name"]]
        wanted = values_of(t)
        if isinstance(model_value, list):
            found = [(m - v) / t["sd"] for m, v in zip(model_value, wanted) if m is not None]
        else:
            found = [(model_value - wanted) / t["sd"]]
        res += found
        whose += [t["specialty"]] * len(found)
    return res, whose


# Partial pooling (ASSUMPTION): a specialty with fewer than published.POOLING_APPLICANTS preferring non-US IMGs has
# its level and score slope pulled toward the larger specialties' (their applicant-weighted mean) with these prior
# SDs, so that a small specialty's few applicants move its figures only as far as they can show.
POOLING_SD = {"specialty_intercept": 1.0, "specialty_score_per_10": 0.1}


def fit_keys(specialties) -> list[tuple[str, str]]:
    """The figures the fit sets: each specialty's level and score slope, and the latent SD."""
    return ([("specialty_intercept", s) for s in specialties] + [("specialty_score_per_10", s) for s in specialties]
            + [("correlation", "latent_sd")])


def pooled_centre(values: dict, specialties) -> dict[str, float]:
    """The applicant-weighted mean level and score slope of the specialties that stand alone (not pooled)."""
    alone = [s for s in specialties if published.figures(s) and not published.pooled(published.figures(s))]
    weights = np.array([published.figures(s)["preferred"] for s in alone], dtype=float)
    return {table: float(weights @ np.array([values[(table, s)] for s in alone]) / weights.sum())
            for table in POOLING_SD}


def fit_values(lists: list[NodeList], base: dict, targets: list[dict], bands, start: dict | None = None,
               values_of=lambda t: t.get("value", t.get("values")), curve_shift: float = 0.0) -> dict:
    """The fitted figures that bring the population's outcomes nearest the targets, lists held fixed (weighted
    least squares, scipy, with the Jacobian's sparsity: a specialty's outcomes move only with its own figures and
    the latent SD). Small specialties are pulled toward the others (POOLING_SD)."""
    # scipy takes 0.3-0.43 s to import (measured): loaded only when this runs
    from scipy.optimize import least_squares

    specialties = list(dict.fromkeys(nl.node.specialty for nl in lists))
    keys = fit_keys(specialties)
    start = start or base
    centre = pooled_centre(start, specialties)
    pooled = [s for s in specialties if published.figures(s) and published.pooled(published.figures(s))]

    def residuals(theta):
        values = dict(zip(keys, theta))
        res, _ = _residuals(population_summary(lists, node_outcomes(lists, base, values, curve_shift), bands),
                            targets, values_of)
        res += [(values[(table, s)] - centre[table]) / sd for s in pooled for table, sd in POOLING_SD.items()]
        return res

    _, whose = _residuals(population_summary(lists, node_outcomes(lists, base, start, curve_shift), bands),
                          targets, values_of)
    sparsity = np.zeros((len(whose) + 2 * len(pooled), len(keys)), dtype=int)
    for row, specialty in enumerate(whose):
        for col, (table, key) in enumerate(keys):
            sparsity[row, col] = key in (specialty, "latent_sd")
    row = len(whose)
    for s in pooled:
        for table in POOLING_SD:
            sparsity[row, keys.index((table, s))] = 1
            row += 1
    bounds = {"specialty_intercept": (-10.0, 10.0), "specialty_score_per_10": (MIN_SCORE_SLOPE, 3.0),
              "correlation": (0.0, 2.5)}
    lower = [bounds[t][0] for t, _ in keys]
    upper = [bounds[t][1] for t, _ in keys]
    x0 = np.clip([start[k] for k in keys], lower, upper)
    fit = least_squares(residuals, x0, bounds=(lower, upper), x_scale=1.0, jac_sparsity=sparsity)
    return dict(zip(keys, (float(v) for v in fit.x)))


def with_default(values: dict, specialties) -> dict:
    """`values` with "default" (the level and score slope of every specialty without figures of its own: the
    preliminary and transitional tracks) set to the applicant-weighted mean of the specialties that stand alone."""
    centre = pooled_centre(values, specialties)
    return {**values, **{(table, "default"): v for table, v in centre.items()}}


@dataclass(frozen=True)
class FitResult:
    values: dict
    draws: tuple[dict, ...]
    iterations: int
    lists: list


def fit_to_published(model, iterations: int = 4, draws: int = DRAWS, seed: int = DRAW_SEED,
                     progress=None) -> FitResult:
    """Fit the model's fitted figures to the published outcomes (`smartpick calibration --fit`): solve the lists, fit with the lists fixed, repeat until the lists settle; then
    refit on resampled targets (and match curve) for the uncertainty draws. Deterministic for a seed."""
    population, targets_file = load_population(), load_targets()
    targets = targets_file["targets"]
    bands = population["step2ck"]["bands"]
    specialties = population["specialties"]
    keys = fit_keys(specialties)
    current_values = fitted_values(model)
    values = {k: (current_values[k] if k in current_values else
                  current_values[(k[0], "default")]) for k in keys}
    lists = None
    done = 0
    for done in range(1, iterations + 1):
        current = with_values(model, with_default(values, specialties))
        new_lists = solve_population(current, population)
        if progress:
            progress(f"iteration {done}: lists solved")
        if lists is not None and [nl.program_ids for nl in new_lists] == [nl.program_ids for nl in lists]:
            lists = new_lists
            break
        lists = new_lists
        values = fit_values(lists, dict(values), targets, bands)
    values = with_default(values, specialties)
    base = dict(values)
    rng = np.random.default_rng(seed)
    out = []
    for i in range(draws):
        noise = {id(t): rng.normal(size=len(t.get("values", [0]))) for t in targets}
        shift = float(rng.normal() * CURVE_SD)

        def resampled(t, noise=noise):
            if "values" in t:
                return [v + t["sd"] * z for v, z in zip(t["values"], noise[id(t)])]
            return t["value"] + t["sd"] * noise[id(t)][0]
        d = fit_values(lists, base, targets, bands, start=base, values_of=resampled, curve_shift=shift)
        d = with_default(d, specialties)
        out.append({f"{table}.{key}": v for (table, key), v in d.items()} | {"curve_shift": shift})
        if progress:
            progress(f"uncertainty draw {i + 1} of {draws}")
    return FitResult(values, tuple(out), done, lists)


def fitted_block(result: FitResult) -> str:
    """The TOML text of the fitted block of data/model.toml."""
    def table(name: str) -> str:
        lines = [f"[{name}]"]
        for (t, key), v in result.values.items():
            if t == name:
                spec = published.figures(key)
                note = "  # partially pooled: few applicants" if spec and published.pooled(spec) else ""
                lines.append(_toml_line(key, round(v, 4)) + note)
        return "\n".join(lines + ["fitted = true"])

    draws = ["[[uncertainty.draws]]\n" + "\n".join(_toml_line(k, round(v, 4)) for k, v in d.items())
             for d in result.draws]
    return "\n".join([
        "# --- fitted: written by `smartpick calibration --fit`; do not edit by hand (refit instead) ---",
        "# level (log-odds) and score slope (per 10 points) of each specialty, fitted to its own published 2026",
        "# outcomes; `default` (the applicant-weighted mean of the specialties fitted alone) serves the preliminary",
        "# and transitional tracks, which have no published outcomes of their own.",
        f"# Fit: weighted least squares to data/calibration/targets.toml, {result.iterations} rounds of re-solving.",
        table("specialty_intercept"), "", table("specialty_score_per_10"), "",
        "# SD of the applicant's latent strength (log-odds), shared by every program: what a profile does not show",
        "# (letters, interviews, school). Fitted to the spread of interviews between those who matched and not.",
        "[correlation]", _toml_line("latent_sd", round(result.values[("correlation", "latent_sd")], 4)),
        "fitted = true",
        "headline = true  # P(match) and P(at least k) allow for it (the correlated view is the one shown)", "",
        f"# Refits on resampled targets and match curve ({len(result.draws)} draws, seed {DRAW_SEED}): the range",
        "# shown beside every P(match).",
        "[uncertainty]",
        _toml_line("method", "refit with each target moved by a normal draw of its sd, and the match curve by one "
                             f"of sd {CURVE_SD}"), "", "\n\n".join(draws),
        "# --- end fitted ---", ""])


def _toml_line(key: str, value) -> str:
    """One `key = value` line of TOML (the key quoted when it must be), written by tomli-w."""
    return tomli_w.dumps({key: value}).rstrip("\n")


def with_fitted_block(model_text: str, result: FitResult) -> str:
    """A model file's text with its fitted block replaced by the refit's (the caller writes it)."""
    start = model_text.index("# --- fitted:")
    end = model_text.index("# --- end fitted ---") + len("# --- end fitted ---\n")
    return model_text[:start] + fitted_block(result) + model_text[end:]


# ---------------------------------------------------------------------------------------------------------------
# Model against target

@dataclass(frozen=True)
class CheckRow:
    specialty: str
    name: str
    model: float
    published: float | None
    band: tuple[float, float]
    source: str

    @property
    def within(self) -> bool:
        return self.band[0] <= self.model <= self.band[1]


def check_rows(lists: list[NodeList], model) -> list[CheckRow]:
    """Every target of targets.toml beside the model's value for the reference population."""
    population, targets = load_population(), load_targets()["targets"]
    base = fitted_values(model)
    summary = population_summary(lists, node_outcomes(lists, base, base), population["step2ck"]["bands"])
    rows = []
    for t in targets:
        specialties = list(summary) if t["specialty"] == "all" else [t["specialty"]]
        for specialty in specialties:
            value = summary[specialty][t["name"]]
            if isinstance(value, list):
                labels = _band_labels(t["bands"])
                for label, m, v in zip(labels, value, t["values"]):
                    if m is not None:
                        rows.append(CheckRow(specialty, f"P(match), Step 2 CK {label}", m, v,
                                             (v - t["tolerance"], v + t["tolerance"]), t["source"]))
            else:
                band = tuple(t["band"])
                spec = published.figures(specialty)
                if t.get("most_applications") and spec is not None:
                    band = (max(0.01, published.mean_ranks(spec) / t["most_applications"]), band[1])
                rows.append(CheckRow(specialty, t["name"], value, t.get("value"), band, t["source"]))
    return rows


def _band_labels(bands) -> list[str]:
    out = []
    for i, low in enumerate(bands):
        if i == 0:
            out.append(f"< {bands[1]}")
        elif i == len(bands) - 1:
            out.append(f">= {low}")
        else:
            out.append(f"{low}-{bands[i + 1] - 1}")
    return out


def curve_rows() -> list[tuple[int, float, float]]:
    """The bundled non-US IMG curve against the points derived from NRMP Charting Outcomes 2026 (targets.toml [curve_check]): (ranks, bundled, derived)."""
    derived = load_targets()["curve_check"]
    curve = load_match_curve(derived["applicant_type"], derived["specialty"])
    return [(n, curve.p_match_given(n), v) for n, v in zip(derived["ranks"], derived["p_match"])]


def range_rows(lists: list[NodeList], model) -> list[dict]:
    """Per specialty: the published rate, the population's mean P(match) and its mean range (the population-weighted
    mean of each node's 10th and 90th percentile), from lists solved with_range."""
    base = fitted_values(model)
    p_match = node_outcomes(lists, base, base)[0]
    rows = []
    for specialty in dict.fromkeys(nl.node.specialty for nl in lists):
        idx = [i for i, nl in enumerate(lists) if nl.node.specialty == specialty and nl.p_match_range]
        if not idx:
            continue
        w = np.array([lists[i].node.weight for i in idx])
        w = w / w.sum()
        low = float(w @ np.array([lists[i].p_match_range[0] for i in idx]))
        high = float(w @ np.array([lists[i].p_match_range[1] for i in idx]))
        rate = published.match_rate(published.figures(specialty))
        rows.append({"specialty": specialty, "published": rate, "model": float(w @ p_match[idx]), "low": low,
                     "high": high, "inside": low <= rate <= high})
    return rows


def specialty_curve_rows(ranks=(1, 2, 3, 5, 8, 10, 15)) -> list[dict]:
    """Each published specialty's derived match curve at a few ranks (non-US IMGs), and whether its fitted figures
    were pooled toward the others'."""
    rows = []
    for specialty in published.specialties():
        curve = load_match_curve("non-US IMG", specialty)
        spec = published.figures(specialty)
        rows.append({"specialty": specialty, "values": [curve.p_match_given(n) for n in ranks], "ranks": ranks,
                     "preferred": spec["preferred"], "pooled": published.pooled(spec)})
    return rows


# Applicant kinds compared for the US IMG check: (label, applicant_type, visa)
KINDS = (("non-US IMG, J-1", "non-US IMG", "J-1"), ("non-US IMG, no visa needed", "non-US IMG", "none"),
         ("US IMG", "US IMG", "none"))


def us_img_rows(model, specialties=("Internal Medicine", "Family Medicine")) -> list[dict]:
    """The reference applicant at the specialty's median Step 2 CK as a non-US IMG with a J-1, the same needing no
    visa, and a US IMG: P(match) of each one's list. Published raw gap (all specialties, NRMP 2023-2025): US IMGs 8-10
    points ahead of non-US IMGs, with lower average scores."""
    population = load_population()
    table = read_programs(data_path(DEMO_PROGRAMS))
    rows = []
    for specialty in specialties:
        spec = published.figures(specialty)
        score = int(round((spec["step2ck_matched"]["median"] + spec["step2ck_not_matched"]["median"]) / 2))
        row = {"specialty": specialty, "step2ck": score}
        for label, kind, visa in KINDS:
            profile = node_profile(population, Node(specialty, score, 1.0))
            profile = replace(profile, applicant=replace(profile.applicant, applicant_type=kind, visa=visa))
            inputs = pipeline.inputs_for(table, profile, model)
            candidates = pipeline.score(inputs)
            limits, _ = pipeline.make_limits(inputs, candidates)
            row[label] = pipeline.make_plan(inputs, candidates, limits, marginal=False, with_range=False).outcomes.p_match
        rows.append(row)
    return rows


def random_list_rows(lists: list[NodeList], model, draws: int = 5, seed: int = 2026) -> list[dict]:
    """How much SmartPick's lists add: the population's P(match) on its lists against lists of the same size drawn at
    random from the programs open to each applicant (no signals), under the same model. The population's own lists
    (what NRMP reports) lie between the two: applicants choose with care, but without the model."""
    rng = np.random.default_rng(seed)
    base = fitted_values(model)
    p_match, expected, _, _ = node_outcomes(lists, base, base)
    width = max(len(nl.program_ids) for nl in lists)
    rows = []
    for specialty in dict.fromkeys(nl.node.specialty for nl in lists):
        idx = [i for i, nl in enumerate(lists) if nl.node.specialty == specialty]
        w = np.array([lists[i].node.weight for i in idx])
        w = w / w.sum()
        random_p = np.zeros((len(idx) * draws, width))
        curves = []
        for k, i in enumerate(idx):
            nl = lists[i]
            for d in range(draws):
                pick = rng.choice(nl.pool, size=min(len(nl.program_ids), nl.pool.size), replace=False)
                random_p[k * draws + d, :pick.size] = pick
                curves.append(nl.curve)
        dists = batch_distributions(random_p, np.full(len(random_p), model.latent_sd))
        random_match = (dists * np.array(curves)).sum(axis=1).reshape(len(idx), draws).mean(axis=1)
        rows.append({"specialty": specialty, "smartpick_p_match": float(w @ p_match[idx]),
                     "random_p_match": float(w @ random_match),
                     "smartpick_interviews": float(w @ expected[idx]),
                     "random_interviews": float(w @ random_p.sum(axis=1).reshape(len(idx), draws).mean(axis=1))})
    return rows


def capacity_rows(lists: list[NodeList], model) -> list[dict]:
    """Interviews the population is predicted to get, against the interviews programs can give non-US IMGs."""
    cap = load_targets()["capacity"]
    base = fitted_values(model)
    _, expected, _, _ = node_outcomes(lists, base, base)
    rows = []
    for specialty, applicants in cap["applicants"].items():
        idx = [i for i, nl in enumerate(lists) if nl.node.specialty == specialty]
        if not idx:
            continue
        w = np.array([lists[i].node.weight for i in idx])
        predicted = applicants * float(w @ expected[idx]) / w.sum()
        slots = (cap["positions_2026"][specialty] * cap["interviews_per_position"]
                 * cap["non_us_img_share_of_filled"][specialty])
        rows.append({"specialty": specialty, "predicted_interviews": predicted, "img_interview_slots": slots,
                     "ratio": predicted / slots})
    return rows


@dataclass(frozen=True)
class WorkedExample:
    label: str
    programs: int
    reported: int
    expected_interviews: float
    p_at_least_reported: float
    p_match: float
    p_match_range: tuple[float, float]


def worked_examples(model=None) -> list[WorkedExample]:
    """The advice's two applicants, each with the list size they used, on the bundled data: what SmartPick expects
    and how likely what they reported was."""
    rows = []
    for label, profile, size, reported in WORKED_EXAMPLES:
        inputs = pipeline.load_inputs(None, data_path(profile))
        if model is not None:
            inputs = replace(inputs, model=model)
        candidates = pipeline.score(inputs)
        limits, _ = pipeline.make_limits(inputs, candidates, budget_usd=100_000, min_programs=size,
                                         max_programs=size)
        o = pipeline.make_plan(inputs, candidates, limits, marginal=False).outcomes
        dist = np.array(o.distribution)
        rows.append(WorkedExample(label, size, reported, o.expected_interviews, p_at_least(dist, reported),
                                  o.p_match, o.p_match_range))
    return rows
