"""Outcomes of an application list: how many interviews it may bring, and the chance of matching.

Portfolio probabilities -> Outcomes. Two views of the same list:

- independent: each program decides on its own (Poisson-binomial distribution of the interview count);
- correlated: programs see the same applicant, so their decisions move together (a latent-strength model with the
  same expected count and a wider spread).

P(match) combines the interview distribution with a match-by-ranks curve from `data/match_curves.toml`.
Pure functions and frozen dataclasses; no printing, no file I/O except reading the bundled curves.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from optimizer.inputs import datafiles
from optimizer.errors import InputError, Problem
from optimizer.model import published
from optimizer.model.published import concave_majorant_values, upper_hull

MATCH_CURVES_FILE = "match_curves.toml"

# For outputs to print beside every P(match).
RANK_ASSUMPTION = ("P(match) assumes every interview becomes a rank on your list (N interviews = N ranks) and "
                   "uses the probability of matching by number of ranks from the match curve named with it.")
CORRELATION_ASSUMPTION = ("The correlated view assumes programs judge the same application alike: an applicant who "
                          "looks weak to one program looks weak to many. How strongly is set so that the spread of "
                          "interviews between applicants who matched and who did not is the one NRMP published for "
                          "2026; the expected number of interviews is the same in both views.")

AT_LEAST_KS = tuple(range(1, 16))  # the k of P(at least k interviews) that Outcomes reports


# ---------------------------------------------------------------------------------------------------------------
# Independent decisions: the Poisson-binomial distribution

def _as_probabilities(p: Sequence[float] | np.ndarray) -> np.ndarray:
    """Probabilities as a 1-D float array; a value outside [0, 1] is a bug upstream, so ValueError."""
    probabilities = np.asarray(p, dtype=float).reshape(-1)
    if not np.all(np.isfinite(probabilities)) or np.any((probabilities < 0) | (probabilities > 1)):
        raise ValueError(f"interview probabilities must lie in [0, 1]; got {probabilities}")
    return probabilities


def poisson_binomial_rows(p_rows: np.ndarray) -> np.ndarray:
    """P(N = 0..n) for each row of a (rows, n) matrix of independent Bernoulli probabilities.

    Dynamic programming over programs: adding program i moves mass from k to k+1 with probability p_i. Each step is
    a convex combination of non-negative numbers, so nothing cancels and the result stays accurate in the tails
    (unlike FFT or characteristic-function methods). O(n^2) work, vectorized over k and over rows.
    """
    rows, n = p_rows.shape
    dist = np.zeros((rows, n + 1))
    dist[:, 0] = 1.0
    for i in range(n):
        p_i = p_rows[:, i:i + 1]
        # Only counts 0..i can be non-zero before program i is added.
        dist[:, 1:i + 2] = dist[:, 1:i + 2] * (1.0 - p_i) + dist[:, 0:i + 1] * p_i
        dist[:, 0:1] *= 1.0 - p_i
    return dist


def interview_distribution(p: Sequence[float] | np.ndarray) -> np.ndarray:
    """Exact distribution of the number of interviews when each program decides independently.

    Takes the interview probability p_i of each program on the list; returns an array of length n + 1 whose entry k
    is P(N = k), N being the number of interview offers (a Poisson-binomial distribution). Sums to 1.
    """
    return poisson_binomial_rows(_as_probabilities(p)[None, :])[0]


def mean_sd(dist: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of a count distribution given as P(N = 0..n)."""
    dist = np.asarray(dist, dtype=float)
    counts = np.arange(dist.size)
    mean = float(dist @ counts)
    variance = float(dist @ (counts - mean) ** 2)
    return mean, math.sqrt(max(variance, 0.0))


def p_at_least(dist: Sequence[float] | np.ndarray, k: int) -> float:
    """P(N >= k) for a count distribution given as P(N = 0..n); 1 for k <= 0, 0 beyond n."""
    dist = np.asarray(dist, dtype=float)
    if k <= 0:
        return 1.0
    # Summing the tail directly keeps small tail probabilities accurate (1 - cdf would cancel).
    return float(min(max(dist[k:].sum(), 0.0), 1.0))


def _tail_sums(dist: np.ndarray) -> np.ndarray:
    """tails[k] = P(N >= k) for k = 0..n+1, from one reversed cumulative sum."""
    return np.concatenate([np.cumsum(dist[::-1])[::-1], [0.0]])


# ---------------------------------------------------------------------------------------------------------------
# Correlated decisions: the latent-strength model

@functools.lru_cache(maxsize=None)
def gauss_hermite(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes z_j and weights w_j (summing to 1) so that sum_j w_j f(z_j) ~ E[f(Z)] for Z ~ N(0, 1)."""
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    z.setflags(write=False)
    w = w / w.sum()
    w.setflags(write=False)
    return z, w


# Not scipy.special.expit: importing scipy.special costs every command ~0.25 s of start-up (measured, issue 26), and
# its exp (the C library's) differs in the last digit from numpy's, which the figures of `solve --json` were made with.
def expit(x: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-x)); exp(-x) may overflow to inf for x < -709, giving exactly 0, the
    right limit (four times faster than exp(-logaddexp(0, -x)), which the P(match) range calls on 10^5 elements)."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _check_latent_sd(sigma: float, nodes: int) -> None:
    if not (math.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"latent_sd (sigma) must be a finite number >= 0; got {sigma}")
    if int(nodes) != nodes or nodes < 1:
        raise ValueError(f"nodes must be a positive integer; got {nodes}")


def latent_intercepts(p: Sequence[float] | np.ndarray, sigma: float, nodes: int = 32) -> np.ndarray:
    """Intercepts a_i with E_z[expit(a_i + sigma z)] = p_i, the expectation by Gauss-Hermite quadrature.

    Takes the programs' interview probabilities, the latent SD and the number of quadrature nodes; returns one
    intercept per program (-inf for p_i = 0, +inf for p_i = 1). See solve_intercepts for the method.
    """
    probabilities = _as_probabilities(p)
    _check_latent_sd(sigma, nodes)
    z, w = gauss_hermite(int(nodes))
    intercepts = np.where(probabilities >= 1.0, np.inf, -np.inf)
    inside = (probabilities > 0.0) & (probabilities < 1.0)
    intercepts[inside] = solve_intercepts(probabilities[inside], np.float64(sigma), z, w)
    return intercepts


def solve_intercepts(target: np.ndarray, sigma: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """a with sum_j w_j expit(a + sigma z_j) = target, elementwise: `target` of any shape, every value strictly
    between 0 and 1; `sigma` a latent SD per element (or one, or one per row of a 2-D target as sigma[:, None]).

    Newton's method inside a bracket that always holds the root, falling back to bisection whenever a Newton step
    would leave it; an element stops moving once it is within 1e-13 of its target (relative to min(p, 1 - p)). The
    bracket [logit p - sigma z_max, logit p + sigma z_max] holds the root because the quadrature mean lies between
    expit(a - sigma z_max) and expit(a + sigma z_max). The batch of outcomes (P(match) ranges over many lists and
    latent SDs) and one list's latent_intercepts share it.
    """
    target = np.asarray(target, dtype=float)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float), target.shape)
    logit = np.log(target) - np.log1p(-target)
    reach = sigma * float(np.max(np.abs(z)))
    low, high = logit - reach, logit + reach
    # Probit approximation E[expit(a + sigma Z)] ~ expit(a / sqrt(1 + pi sigma^2 / 8)) gives a close first guess.
    a = np.clip(logit * np.sqrt(1.0 + np.pi * sigma ** 2 / 8.0), low, high)
    tolerance = 1e-13 * np.minimum(target, 1.0 - target) + 1e-16
    active = sigma > 0  # with sigma = 0 the intercept is the logit itself
    for _ in range(200):
        if not active.any():
            break
        a_on, s_on = a[active], sigma[active]
        conditional = expit(a_on[..., None] + s_on[..., None] * z)
        excess = conditional @ w - target[active]
        moving = np.abs(excess) > tolerance[active]
        # an element within tolerance stays where it is (its bracket may have closed onto it)
        lo, hi = low[active], high[active]
        hi = np.where(moving & (excess > 0), a_on, hi)
        lo = np.where(moving & (excess <= 0), a_on, lo)
        slope = (conditional * (1.0 - conditional)) @ w
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = a_on - excess / slope
        step = np.where((newton > lo) & (newton < hi) & np.isfinite(newton), newton, 0.5 * (lo + hi))
        a[active] = np.where(moving, step, a_on)
        low[active], high[active] = lo, hi
        active[active] = moving
    return a


def conditional_probabilities(p: np.ndarray, sigma: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """(weights w_j, matrix of p_i(z_j) with one row per quadrature node)."""
    z, w = gauss_hermite(int(nodes))
    intercepts = latent_intercepts(p, sigma, nodes)
    with np.errstate(invalid="ignore"):
        conditional = expit(intercepts[None, :] + sigma * z[:, None])
    # Programs certain either way stay certain at every strength.
    conditional[:, p >= 1.0] = 1.0
    conditional[:, p <= 0.0] = 0.0
    return w, conditional


def correlated_distribution(p: Sequence[float] | np.ndarray, sigma: float, nodes: int = 32) -> np.ndarray:
    """Distribution of the number of interviews when programs' decisions are correlated through the applicant.

    The model: the applicant has a latent strength z ~ N(0, 1), the same for every program (an application that
    looks weak to one program looks weak to many). Given z, programs decide independently with
    logit p_i(z) = a_i + sigma * z, where a_i is set so that E_z[p_i(z)] = p_i: each program's own chance, and so
    the expected number of interviews, is unchanged. The count distribution is the mixture
    sum_j w_j * PoissonBinomial(p(z_j)) over `nodes` Gauss-Hermite nodes z_j with weights w_j.

    sigma (`latent_sd` in data/model.toml) is fitted to the published spread of ranks (matched 6.1, unmatched 2.5
    contiguous ranks, NRMP Charting Outcomes 2026; see optimizer/studies/calibration.py): with 0.8,
    an applicant one SD above their expected strength has exp(1.6) ~ 5 times the odds of an interview of one SD
    below. sigma = 0 gives back the independent distribution.

    Properties: the mean equals sum(p). The variance is at least the independent one: Var N = sum_i E[p_i(z)(1 -
    p_i(z))] + Var(sum_i p_i(z)) = independent variance - sum_i Var p_i(z) + Var(sum_i p_i(z)), and the cross
    covariances Cov(p_i(z), p_k(z)) are >= 0 because every p_i(z) increases with z.

    Returns an array of length n + 1 whose entry k is P(N = k).
    """
    probabilities = _as_probabilities(p)
    _check_latent_sd(sigma, nodes)
    w, conditional = conditional_probabilities(probabilities, sigma, nodes)
    return w @ poisson_binomial_rows(conditional)


# ---------------------------------------------------------------------------------------------------------------
# The match curve: P(match | number of ranks)

def _curve_problem(message: str, key: str, where: str, value: object = None) -> InputError:
    return InputError(Problem(file=MATCH_CURVES_FILE, column=f"{where}{key}", message=message,
                              value=None if value is None else str(value)))


@dataclass(frozen=True)
class MatchCurve:
    """Probability of matching given the number of programs ranked, for one applicant type and specialty.

    `ranks` are strictly increasing numbers of ranks and `p_match` the probability of matching with that many.
    Between listed ranks the curve is linear; beyond the last it stays flat; with 0 ranks it is 0.
    `assumption` is True when the figures are SmartPick's assumption rather than a published table.
    """

    applicant_type: str
    specialty: str
    year: int | None
    source: str
    assumption: bool
    note: str
    ranks: tuple[int, ...]
    p_match: tuple[float, ...]

    @classmethod
    def from_dict(cls, d: Mapping, *, where: str = "") -> MatchCurve:
        """Build a curve from one `[[curves]]` entry; InputError names the key and the fix.

        `where` prefixes key names in messages (e.g. "curves[2].").
        """
        for key in ("applicant_type", "specialty", "source", "ranks", "p_match"):
            if key not in d:
                raise _curve_problem(f"missing key '{key}'; every curve needs applicant_type, specialty, source, "
                                     "ranks and p_match.", key, where)
        ranks, p_values = d["ranks"], d["p_match"]
        if not isinstance(ranks, (list, tuple)) or not ranks:
            raise _curve_problem("ranks must be a non-empty list of whole numbers, e.g. [1, 2, 5, 10].",
                                 "ranks", where, ranks)
        if any(isinstance(r, bool) or not isinstance(r, int) or r < 0 for r in ranks):
            raise _curve_problem("ranks must be whole numbers >= 0.", "ranks", where, ranks)
        if any(b <= a for a, b in zip(ranks, ranks[1:])):
            raise _curve_problem("ranks must be strictly increasing.", "ranks", where, ranks)
        if not isinstance(p_values, (list, tuple)) or len(p_values) != len(ranks):
            raise _curve_problem(f"p_match needs one probability per rank ({len(ranks)} values).",
                                 "p_match", where, p_values)
        if any(isinstance(q, bool) or not isinstance(q, (int, float)) or not 0.0 <= q <= 1.0 for q in p_values):
            raise _curve_problem("p_match values are probabilities between 0 and 1 (0.85, not 85).",
                                 "p_match", where, p_values)
        if any(b < a for a, b in zip(p_values, p_values[1:])):
            raise _curve_problem("p_match must not decrease as ranks grow: ranking one more program never "
                                 "lowers the chance to match.", "p_match", where, p_values)
        if ranks[0] == 0 and p_values[0] != 0:
            raise _curve_problem("with 0 ranks the chance to match is 0.", "p_match", where, p_values)
        year = d.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise _curve_problem("year must be a whole number, e.g. 2024.", "year", where, year)
        assumption = d.get("assumption", False)
        if not isinstance(assumption, bool):
            raise _curve_problem("assumption must be true or false.", "assumption", where, assumption)
        return cls(applicant_type=str(d["applicant_type"]), specialty=str(d["specialty"]), year=year,
                   source=str(d["source"]), assumption=assumption, note=str(d.get("note", "")),
                   ranks=tuple(int(r) for r in ranks), p_match=tuple(float(q) for q in p_values))

    def _knots(self) -> tuple[np.ndarray, np.ndarray]:
        """The interpolation points, with (0 ranks, 0) added when the data start later."""
        ranks = np.asarray(self.ranks, dtype=float)
        values = np.asarray(self.p_match, dtype=float)
        if ranks[0] > 0:
            ranks, values = np.concatenate([[0.0], ranks]), np.concatenate([[0.0], values])
        return ranks, values

    def p_match_given(self, n: float) -> float:
        """P(match | n ranks): linear between listed ranks, flat beyond the last, 0 at 0 ranks. n may be fractional."""
        if n < 0:
            raise ValueError(f"number of ranks must be >= 0; got {n}")
        ranks, values = self._knots()
        return float(np.interp(n, ranks, values))

    def values(self, n_max: int) -> np.ndarray:
        """P(match | n ranks) for n = 0..n_max, as an array of length n_max + 1."""
        if n_max < 0:
            raise ValueError(f"n_max must be >= 0; got {n_max}")
        ranks, values = self._knots()
        return np.interp(np.arange(int(n_max) + 1, dtype=float), ranks, values)

    def is_concave(self, tolerance: float = 1e-12) -> bool:
        """True when each extra rank adds no more than the one before (slopes never increase)."""
        ranks, values = self._knots()
        slopes = np.diff(values) / np.diff(ranks)
        return bool(np.all(np.diff(slopes) <= tolerance))

    def concave_majorant(self) -> MatchCurve:
        """The smallest concave curve lying on or above this one (the upper hull of its points).

        For a bound that holds even when the data curve is not concave: E[m(N)] <= E[hull(N)] <= hull(E[N]).
        """
        ranks, values = self._knots()
        hull = upper_hull(ranks, values)
        return MatchCurve(applicant_type=self.applicant_type, specialty=self.specialty, year=self.year,
                          source=self.source, assumption=self.assumption,
                          note=(self.note + " " if self.note else "") + "(concave majorant: an upper bound)",
                          ranks=tuple(int(ranks[i]) for i in hull), p_match=tuple(float(values[i]) for i in hull))


def _bundled_curve_entries() -> list:
    entries = datafiles.load_bundled_toml(MATCH_CURVES_FILE).get("curves", [])
    if not isinstance(entries, list):
        raise InputError(Problem(file=MATCH_CURVES_FILE, column="curves",
                                 message="expected a list of [[curves]] tables."))
    return entries


def _derived_curve(applicant_type: str, specialty: str) -> MatchCurve | None:
    """The curve derived from the specialty's published 2026 non-US IMG rank distributions (model/published.py);
    for US IMGs the same curve raised by the US IMG shift of match_curves.toml ([us_img]); None when the specialty
    has no published figures."""
    spec = published.figures(specialty)
    if spec is None or applicant_type not in ("non-US IMG", "US IMG"):
        return None
    values = published.derived_curve(spec)
    source = published.derived_curve_source(specialty, spec)
    assumption, note = False, "Derived, approximate (+-0.07); ranks are taken as interviews (see rank_assumption)."
    if applicant_type == "US IMG":
        shift = datafiles.load_bundled_toml(MATCH_CURVES_FILE)["us_img"]
        values = _shifted_up(values, float(shift["logit_shift"]))
        source = f"{shift['source']} Base curve: {source}"
        assumption, note = True, shift["note"]
    return MatchCurve(applicant_type=applicant_type, specialty=specialty, year=2026, source=source,
                      assumption=assumption, note=note, ranks=tuple(range(len(values))), p_match=tuple(values))


def _shifted_up(values: list[float], logit_shift: float) -> list[float]:
    """A curve raised by `logit_shift` on the log-odds scale at every rank (0 stays 0), made concave again by its
    least concave majorant: never below the curve it came from."""
    raised = [0.0] + [1 / (1 + math.exp(-(math.log(v / (1 - v)) + logit_shift))) if 0 < v < 1 else v
                      for v in values[1:]]
    return concave_majorant_values(raised)


def load_match_curve(applicant_type: str, specialty: str = "all") -> MatchCurve:
    """The match curve for an applicant type and specialty.

    In order: a curve data/match_curves.toml gives for exactly this type and specialty; the curve derived from the
    specialty's published 2026 figures (non-US and US IMGs); the applicant type's "all" curve. An unknown applicant
    type is an InputError naming the valid ones.
    """
    entries = _bundled_curve_entries()
    of_type = [(i, e) for i, e in enumerate(entries) if str(e.get("applicant_type", "")) == applicant_type]
    if not of_type:
        known = sorted({str(e.get("applicant_type", "")) for e in entries})
        raise InputError(Problem(file=MATCH_CURVES_FILE, column="applicant_type", value=applicant_type,
                                 message="no match curve for this applicant type; use one of: "
                                         + ", ".join(f"'{t}'" for t in known) + "."))
    for i, entry in of_type:
        if str(entry.get("specialty", "")) == specialty:
            return MatchCurve.from_dict(entry, where=f"curves[{i}].")
    derived = _derived_curve(applicant_type, specialty)
    if derived is not None:
        return derived
    for i, entry in of_type:
        if str(entry.get("specialty", "")) == "all":
            return MatchCurve.from_dict(entry, where=f"curves[{i}].")
    known = sorted({str(e.get("specialty", "")) for _, e in of_type})
    raise InputError(Problem(file=MATCH_CURVES_FILE, column="specialty", value=specialty,
                             message=f"no match curve for this specialty and no 'all' curve for {applicant_type}; "
                                     "curves exist for: " + ", ".join(f"'{s}'" for s in known) + "."))


@dataclass(frozen=True)
class MatchCurves:
    """The match curve of each specialty an applicant applies to: one list has one P(match), whatever order the
    specialties are written in.

    The model (README, "The model"): each specialty's curve is read on the ranks (interviews) the applicant has in
    that specialty, and the chances of not matching multiply: P(match) = 1 - prod_s (1 - m_s(N_s)). It is the
    usual single-specialty curve when all interviews are in one specialty; a second specialty adds its own chance
    on its own interviews, like ranking a second specialty below the first on one rank list. In the correlated view
    the interview counts N_s are independent given the applicant's latent strength, so the product is taken at each
    quadrature node and then averaged.
    """

    by_specialty: tuple[tuple[str, MatchCurve], ...]

    @classmethod
    def load(cls, applicant_type: str, specialties) -> "MatchCurves":
        names = sorted(set(specialties)) or ["all"]
        return cls(tuple((s, load_match_curve(applicant_type, s)) for s in names))

    def curve(self, specialty: str) -> MatchCurve:
        table = dict(self.by_specialty)
        if specialty in table:
            return table[specialty]
        return load_match_curve(self.by_specialty[0][1].applicant_type, specialty)

    @property
    def first(self) -> MatchCurve:
        return self.by_specialty[0][1]

    def sources(self) -> list[dict]:
        return [{"specialty": s, "applicant_type": c.applicant_type, "year": c.year, "source": c.source,
                 "assumption": c.assumption} for s, c in self.by_specialty]


def combined_p_match(conditional: np.ndarray, weights: np.ndarray, specialties: Sequence[str],
                     curves: "MatchCurves") -> float:
    """P(match) of a list over several specialties (MatchCurves' model): `conditional` has one row of program
    chances per latent-strength node (one row and weight 1 for independent decisions), `specialties` one name per
    column."""
    names = np.asarray(specialties)
    miss = np.ones(conditional.shape[0])
    for specialty in sorted(set(names.tolist())):
        columns = conditional[:, names == specialty]
        dist = poisson_binomial_rows(columns)
        miss *= 1.0 - dist @ curves.curve(specialty).values(columns.shape[1])
    return float(min(max(weights @ (1.0 - miss), 0.0), 1.0))


def combined_curve_values(curves: "MatchCurves", top: int) -> np.ndarray:
    """G(t) for t = 0..top: the highest P(match) any split of t interviews between the specialties gives
    (1 - prod_s (1 - m_s(k_s)) with sum k_s = t), by dynamic programming over the specialties. Every list's
    P(match) is E[g(N_1, ..., N_S)] <= E[G(T)], T the total: the optimizer bounds it through G's concave majorant."""
    best_miss = None
    for _, curve in curves.by_specialty:
        miss = 1.0 - curve.values(top)
        if best_miss is None:
            best_miss = miss
            continue
        combined = np.empty(top + 1)
        for t in range(top + 1):
            combined[t] = min(best_miss[t - k] * miss[k] for k in range(t + 1))
        best_miss = combined
    return 1.0 - best_miss


def p_match(dist: Sequence[float] | np.ndarray, curve: MatchCurve) -> float:
    """P(match) = sum_n P(N = n) * P(match | n ranks); see RANK_ASSUMPTION (each interview becomes a rank)."""
    dist = np.asarray(dist, dtype=float)
    return float(min(max(dist @ curve.values(dist.size - 1), 0.0), 1.0))


# ---------------------------------------------------------------------------------------------------------------
# Bounds for the optimizer

def match_upper_bound(max_expected_interviews: float, curve: MatchCurve) -> float:
    """An upper bound on P(match) of any list whose expected number of interviews is at most E_max.

    Proof. Let m be the curve interpolated linearly between its listed ranks (flat beyond the last); P(match) of a
    list is E[m(N)], N the number of interviews (m agrees with the table at whole numbers). If m is concave, Jensen's
    inequality gives E[m(N)] <= m(E[N]); m is nondecreasing and E[N] <= E_max, so m(E[N]) <= m(E_max). This holds
    for any distribution of N with that mean, so for the independent and the correlated views alike.

    Takes E_max (the largest sum of interview probabilities the constraints allow, computed by the optimizer) and
    the curve; returns m(E_max). Raises ValueError when the curve is not concave (the proof needs it): pass
    `curve.concave_majorant()` instead, which bounds the curve from above and is concave.
    """
    if not (math.isfinite(max_expected_interviews) and max_expected_interviews >= 0):
        raise ValueError(f"max_expected_interviews must be a finite number >= 0; got {max_expected_interviews}")
    if not curve.is_concave():
        raise ValueError(f"the match curve for {curve.applicant_type} / {curve.specialty} is not concave, so "
                         "Jensen's bound does not apply; use curve.concave_majorant()")
    return curve.p_match_given(max_expected_interviews)


def at_least_upper_bound(max_expected_interviews: float, k: int, independent: bool = False) -> float:
    """An upper bound on P(at least k interviews) of any list with expected interviews at most E_max.

    Proof. Any distribution: N >= 0, so Markov's inequality gives P(N >= k) <= E[N] / k <= E_max / k.
    Independent decisions (`independent=True`), when k >= E_max + 1: N is Poisson-binomial with mean mu <= E_max,
    so k >= mu + 1 and Hoeffding (1956, Theorem 4) gives P(N >= k) <= P(Binomial(n, mu/n) >= k); by Anderson and
    Samuels (1967) a binomial upper tail at k >= np + 1 is at most the Poisson(np) tail; the Poisson tail grows
    with its mean, so P(N >= k) <= P(Poisson(E_max) >= k). Returns the smallest of these that apply, and at most 1;
    k must be >= 1.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1; got {k}")
    if not (math.isfinite(max_expected_interviews) and max_expected_interviews >= 0):
        raise ValueError(f"max_expected_interviews must be a finite number >= 0; got {max_expected_interviews}")
    bound = min(1.0, max_expected_interviews / k)
    if independent and k >= max_expected_interviews + 1:
        bound = min(bound, _poisson_upper_tail(max_expected_interviews, k))
    return bound


def _poisson_upper_tail(mean: float, k: int) -> float:
    """P(Poisson(mean) >= k), as 1 minus the sum of the first k terms (exact enough for k <= 60)."""
    term, below = math.exp(-mean), 0.0
    for i in range(k):
        below += term
        term *= mean / (i + 1)
    return min(1.0, max(0.0, 1.0 - below))


# ---------------------------------------------------------------------------------------------------------------
# Everything about one list

@dataclass(frozen=True)
class Outcomes:
    """What an application list may bring. `correlated_*` fields are None unless a latent SD was given.

    distribution[k] = P(N = k); p_at_least[k] = P(N >= k) for k = 1..15; p_match follows RANK_ASSUMPTION.
    expected_home_interviews is None when no program was flagged home or not.
    """

    expected_interviews: float
    sd: float
    distribution: tuple[float, ...]
    p_at_least: dict[int, float]
    p_match: float
    expected_home_interviews: float | None = None
    latent_sd: float | None = None
    correlated_distribution: tuple[float, ...] | None = None
    correlated_sd: float | None = None
    correlated_p_at_least: dict[int, float] | None = None
    correlated_p_match: float | None = None
    curve: MatchCurve | None = field(default=None, compare=False)  # the (first) specialty's curve
    curves: "MatchCurves | None" = field(default=None, compare=False)  # every specialty's, when given
    p_match_range: tuple[float, float] | None = None  # 10th-90th percentile over the model's uncertainty draws
    population_p_match: float | None = None  # what happened to applicants like this one (published)
    population_group: str | None = None  # who they are, in words
    population_source: str | None = None
    population_short_source: str | None = None
    population: tuple = ()  # one {specialty, p_match, group, source} per specialty applied to (published)
    view: str = "independent"  # which view the headline fields (distribution, sd, p_at_least, p_match) are
    independent_p_match: float | None = None  # the independent view's P(match) when the headline is correlated
    independent_p_at_least: dict[int, float] | None = None
    independent_distribution: tuple[float, ...] | None = None  # the independent view's, when the headline is not

    @property
    def independent_view(self) -> tuple[tuple[float, ...], dict[int, float], float]:
        """(distribution, P(at least k), P(match)) if programs decided independently, whichever the headline."""
        if self.view == "correlated":
            return self.independent_distribution, self.independent_p_at_least, self.independent_p_match
        return self.distribution, self.p_at_least, self.p_match

    def correlated_headline(self) -> "Outcomes":
        """The same outcomes with the correlated view as the headline (the independent one kept beside it)."""
        if self.correlated_distribution is None:
            return self
        return replace(self, distribution=self.correlated_distribution, sd=self.correlated_sd,
                       p_at_least=self.correlated_p_at_least, p_match=self.correlated_p_match, view="correlated",
                       independent_p_match=self.p_match, independent_p_at_least=self.p_at_least,
                       independent_distribution=self.distribution)

    def as_dict(self) -> dict:
        """Plain values for JSON (unrounded); the curve is named by its source, not copied."""
        result = {name: getattr(self, name) for name in (
            "expected_interviews", "sd", "distribution", "p_at_least", "p_match", "expected_home_interviews",
            "latent_sd", "correlated_distribution", "correlated_sd", "correlated_p_at_least", "correlated_p_match",
            "population_p_match", "population_group", "population_source", "view", "independent_p_match",
            "independent_p_at_least")}
        result["p_match_range"] = list(self.p_match_range) if self.p_match_range is not None else None
        result["population"] = [dict(entry) for entry in self.population]
        for name in ("distribution", "correlated_distribution"):
            if result[name] is not None:
                result[name] = list(result[name])
        for name in ("p_at_least", "correlated_p_at_least", "independent_p_at_least"):
            if result[name] is not None:
                result[name] = {str(k): v for k, v in result[name].items()}
        if self.curve is not None:
            result["match_curve"] = {"applicant_type": self.curve.applicant_type, "specialty": self.curve.specialty,
                                     "year": self.curve.year, "source": self.curve.source,
                                     "assumption": self.curve.assumption}
        if self.curves is not None:
            result["match_curves"] = self.curves.sources()
        result["rank_assumption"] = RANK_ASSUMPTION
        return result


def _at_least_table(dist: np.ndarray) -> dict[int, float]:
    tails = _tail_sums(dist)
    return {k: float(min(max(tails[k], 0.0), 1.0)) if k < tails.size else 0.0 for k in AT_LEAST_KS}


def list_p_match(p: Sequence[float] | np.ndarray, curves: MatchCurves, specialties: Sequence[str],
                 sigma: float | None) -> float:
    """P(match) of one list (sigma None: independent decisions), by MatchCurves' model: a list in one specialty
    reads that specialty's curve on its interview distribution; a list in several combines them. What evaluate
    reports, without the rest of Outcomes (the risk objectives call it for every list they try)."""
    probabilities = _as_probabilities(p)
    groups = sorted(set(specialties or ()))
    if len(groups) <= 1:
        curve = curves.curve(groups[0]) if groups else curves.first
        dist = (correlated_distribution(probabilities, sigma) if sigma is not None
                else interview_distribution(probabilities))
        return p_match(dist, curve)
    if sigma is None:
        return combined_p_match(probabilities[None, :], np.ones(1), specialties, curves)
    _check_latent_sd(sigma, 32)
    w, conditional = conditional_probabilities(probabilities, sigma, 32)
    return combined_p_match(conditional, w, specialties, curves)


def evaluate(p: Sequence[float] | np.ndarray, curve: "MatchCurve | MatchCurves", home: Sequence[bool] | None = None,
             sigma: float | None = None, specialties: Sequence[str] | None = None) -> Outcomes:
    """Outcomes of a list from its programs' interview probabilities.

    `p` are the probabilities as the list applies them (with signals); `home` optionally flags each program as in
    the applicant's home state or metro; `sigma` is the latent SD of the correlated view (None: independent only).
    `curve` is one match curve, or the MatchCurves of the applicant's specialties with `specialties` naming each
    program's: a list in one specialty is read on that specialty's curve, a list in several by MatchCurves' model.
    """
    probabilities = _as_probabilities(p)
    curves = curve if isinstance(curve, MatchCurves) else None
    groups = sorted(set(specialties)) if specialties is not None else []
    if curves is not None:
        curve = curves.curve(groups[0]) if len(groups) == 1 else curves.first
    several = curves is not None and len(groups) > 1
    dist = poisson_binomial_rows(probabilities[None, :])[0]
    _, sd = mean_sd(dist)
    home_expected = None
    if home is not None:
        flags = np.asarray(home, dtype=bool).reshape(-1)
        if flags.size != probabilities.size:
            raise ValueError(f"home has {flags.size} flags for {probabilities.size} programs")
        home_expected = float(probabilities[flags].sum())
    independent_match = (combined_p_match(probabilities[None, :], np.ones(1), specialties, curves) if several
                         else p_match(dist, curve))
    outcomes = dict(expected_interviews=float(probabilities.sum()), sd=sd, distribution=tuple(dist.tolist()),
                    p_at_least=_at_least_table(dist), p_match=independent_match,
                    expected_home_interviews=home_expected, curve=curve, curves=curves)
    if sigma is not None:
        _check_latent_sd(sigma, 32)
        # one set of conditional chances serves the distribution and, over several specialties, P(match)
        w, conditional = conditional_probabilities(probabilities, sigma, 32)
        correlated = w @ poisson_binomial_rows(conditional)
        correlated_match = (combined_p_match(conditional, w, specialties, curves) if several
                            else p_match(correlated, curve))
        outcomes.update(latent_sd=float(sigma), correlated_distribution=tuple(correlated.tolist()),
                        correlated_sd=mean_sd(correlated)[1], correlated_p_at_least=_at_least_table(correlated),
                        correlated_p_match=correlated_match)
    return Outcomes(**outcomes)
