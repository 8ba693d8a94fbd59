"""What follows from the published 2026 outcomes of non-US IMGs, per specialty (data/calibration/published_2026.toml).

Three things are derived here, by one method for every specialty, so that no specialty borrows another's figures:

- the match curve P(match | n contiguous ranks): each group's ranks (matched, not matched) fitted by a negative
  binomial on ranks - 1 with the published mean and SD, then Bayes' rule with the published match rate. The fit is
  used up to the third quartile of the matched applicants' ranks (where the published distributions have their
  mass); beyond it each extra rank removes the same share of the remaining risk as the last derived one (a
  constant hazard), up to a plateau of PLATEAU; the least concave majorant makes it concave (the optimizer's
  bound needs it). For Internal Medicine this reproduces the derived points of data/calibration/targets.toml
  within 0.02.
- the match rate by Step 2 CK band: the matched and not-matched score distributions as normals, mixed with the
  rate (Bayes' rule per band);
- the reference population's score mixture (calibration).

Pure functions on plain data; the file is read once.
"""

from __future__ import annotations

import functools
import math
from optimizer.inputs.datafiles import load_bundled_toml

PUBLISHED_FILE = "calibration/published_2026.toml"
PLATEAU = 0.96  # ASSUMPTION: the derived IM curve levels off near 0.96 (NRMP Charting Outcomes 2026); used for all
TOP_RANK = 20
# Specialties with fewer non-US IMGs preferring them than this have their fitted level and score slope pulled toward
# the other specialties' (partial pooling), and say so.
POOLING_APPLICANTS = 300


@functools.lru_cache(maxsize=1)
def published() -> dict:
    """The published figures of data/calibration/published_2026.toml."""
    return load_bundled_toml(PUBLISHED_FILE)


def specialties() -> tuple[str, ...]:
    """The specialties with published non-US IMG outcomes, largest first."""
    table = published()["specialties"]
    return tuple(sorted(table, key=lambda s: -table[s]["preferred"]))


def figures(specialty: str) -> dict | None:
    """The published figures of one specialty, or None when it has none."""
    return published()["specialties"].get(specialty)


def match_rate(spec: dict) -> float:
    return spec["matched"] / spec["preferred"]


def pooled(spec: dict) -> bool:
    """True when the specialty has too few applicants to stand alone in the fit."""
    return spec["preferred"] < POOLING_APPLICANTS


def _rank_pmf(group: dict, n: int) -> float:
    """P(ranks = n) for a group whose ranks - 1 follow a negative binomial with the group's mean and SD (a Poisson
    when the published SD is not above what a Poisson would give)."""
    mean, variance, k = group["mean"] - 1.0, group["sd"] ** 2, n - 1
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0 if k == 0 else 0.0
    if variance <= mean * 1.0001:
        return math.exp(k * math.log(mean) - mean - math.lgamma(k + 1))
    p = mean / variance
    r = mean * p / (1 - p)
    return math.exp(math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * math.log(p) + k * math.log1p(-p))


def upper_hull(xs, ys) -> list[int]:
    """The indexes of the points (xs[i], ys[i]) on their upper hull, xs increasing: the knots of the least concave
    majorant. Each point is dropped while it lies on or below the chord from the one before it to the next."""
    hull: list[int] = []
    for i in range(len(xs)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (ys[b] - ys[a]) * (xs[i] - xs[a]) <= (ys[i] - ys[a]) * (xs[b] - xs[a]):
                hull.pop()
            else:
                break
        hull.append(i)
    return hull


def concave_majorant_values(values: list[float]) -> list[float]:
    """The least concave majorant of points (0, v0), (1, v1), ... evaluated at each whole number."""
    hull = upper_hull(range(len(values)), values)
    out = []
    for a, b in zip(hull, hull[1:]):
        out += [values[a] + (values[b] - values[a]) * (n - a) / (b - a) for n in range(a, b)]
    return out + [values[hull[-1]]]


def derived_curve(spec: dict) -> list[float]:
    """P(match | n ranks) for n = 0..TOP_RANK from one specialty's published figures (see the module's doc)."""
    rate = match_rate(spec)
    matched, not_matched = spec["ranks_matched"], spec["ranks_not_matched"]
    last = max(2, int(math.ceil(matched["q3"])))
    values = [0.0]
    for n in range(1, TOP_RANK + 1):
        if n <= last:
            fm, fu = _rank_pmf(matched, n), _rank_pmf(not_matched, n)
            value = rate * fm / (rate * fm + (1 - rate) * fu) if fm + fu > 0 else values[-1]
        else:  # constant hazard: each rank removes the share of the remaining risk the last derived one did
            before, now = values[-2], values[-1]
            keep = (1 - now) / (1 - before) if before < 1 else 0.0
            value = 1 - (1 - now) * min(1.0, keep)
        values.append(min(max(value, values[-1]), PLATEAU))
    return concave_majorant_values(values)


def derived_curve_source(specialty: str, spec: dict) -> str:
    m, u = spec["ranks_matched"], spec["ranks_not_matched"]
    return (f"Derived from NRMP Charting Outcomes in the Match: International Medical Graduates, Main Residency "
            f"Match 2026 (July 2026), {specialty}: contiguous ranks of matched (mean {m['mean']:g}, SD {m['sd']:g}) "
            f"and not-matched ({u['mean']:g}, {u['sd']:g}) non-US IMGs, {match_rate(spec):.1%} matched "
            f"({spec['matched']:,} of {spec['preferred']:,}). Negative-binomial fit of each group's ranks, Bayes' "
            f"rule, constant hazard past the matched third quartile ({m['q3']:g}), plateau {PLATEAU}, concave "
            "majorant (optimizer/model/published.py).")


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def step2ck_cdf(spec: dict, score: float) -> float:
    """P(Step 2 CK <= score) in the published matched / not-matched mixture of one specialty (normals)."""
    rate = match_rate(spec)
    m, u = spec["step2ck_matched"], spec["step2ck_not_matched"]
    return (rate * _normal_cdf((score - m["mean"]) / m["sd"])
            + (1 - rate) * _normal_cdf((score - u["mean"]) / u["sd"]))


def band_match_rates(spec: dict, bands: list[float]) -> list[float]:
    """The match rate in each Step 2 CK band (lower bounds; the last open-ended), derived by Bayes' rule from the
    published score distributions as normals with their published means and one pooled SD (two SDs would make the
    rate turn down at one end, an artefact of the normal shape rather than anything published)."""
    rate = match_rate(spec)
    sd = math.sqrt((spec["step2ck_matched"]["sd"] ** 2 + spec["step2ck_not_matched"]["sd"] ** 2) / 2)
    m = {"mean": spec["step2ck_matched"]["mean"], "sd": sd}
    u = {"mean": spec["step2ck_not_matched"]["mean"], "sd": sd}
    out = []
    for i, low in enumerate(bands):
        high = bands[i + 1] if i + 1 < len(bands) else math.inf
        lo = -math.inf if i == 0 else low

        def mass(group, lo=lo, high=high):
            cdf = (lambda x: 0.0 if x == -math.inf else 1.0 if x == math.inf
                   else _normal_cdf((x - group["mean"]) / group["sd"]))
            return cdf(high) - cdf(lo)
        matched, not_matched = rate * mass(m), (1 - rate) * mass(u)
        out.append(round(matched / (matched + not_matched), 3))
    return out


def score_difference(spec: dict) -> float:
    """Published mean Step 2 CK of matched minus not-matched non-US IMGs (points)."""
    return float(spec["step2ck_matched"]["mean"] - spec["step2ck_not_matched"]["mean"])


def mean_ranks(spec: dict) -> float:
    """Mean contiguous ranks of all who preferred the specialty (matched and not, weighted by the rate)."""
    rate = match_rate(spec)
    return rate * spec["ranks_matched"]["mean"] + (1 - rate) * spec["ranks_not_matched"]["mean"]

