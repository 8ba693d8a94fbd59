"""Refit the interview model on an advisor's own outcomes: who applied where, and who was invited.

The fit keeps the model's own terms (InterviewModel.logit_terms) and asks how much each should weigh for these
applicants:

    logit p(invite) = base log-odds + level shift[specialty] + sum_k (m_k - 1) * term_k

where term_k is the term's contribution under the base model. A multiplier m_k = 1 and a shift of 0 give back the
base model; each has a normal prior centred there (sd LEVEL_PRIOR_SD, MULTIPLIER_PRIOR_SD), so a small data set
stays near the base and a large one moves it. The fit is the maximum of the penalized likelihood (a penalized
logistic regression, scipy.optimize.minimize with its exact gradient and Hessian); the 95% intervals come from the
inverse Hessian at the optimum (the Laplace approximation), widened where the sandwich estimate clustered by
applicant is wider (an applicant's applications share what their profile does not show). Each multiplier maps back onto the coefficients it
scales (e.g. fitted us_lor = base us_lor x m), so the refit is again a model file usable with --model.

Whether the refit is better is measured out of sample: K-fold cross-validation by applicant (no applicant in both
the training and the test folds), log-loss and Brier score of the base and the refit on the held-out applications.

Pure computation: no files, no printing (optimizer/inputs/applicants.py and applications.py read, the CLI writes).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from optimizer.errors import InputError
from optimizer.model.scoring import InterviewModel, below_stated_cutoff, broken_limits

LEVEL_PRIOR_SD = 0.5  # assumption: a specialty's level moves by more than +-1 log-odds only on strong evidence
MULTIPLIER_PRIOR_SD = 0.5  # assumption: a term's weight halves or grows by half at one prior sd
FOLDS = 5
CV_SEED = 2026
Z95 = 1.959963984540054
SIGNAL_TERM = "signal"
SCORE_TERM = "Step score vs program"
# Terms of logit_terms kept at their base values, with why (they cannot be told apart from the level shift).
KEPT_TERMS = {"program type": "the differences between program types are kept at base; the level shift of each "
                              "specialty absorbs their common level",
              "latent strength (correlation.latent_sd)": "kept at base: the refit treats each application on its "
                                                         "own, so it says nothing about how an applicant's "
                                                         "chances move together"}
# A model term -> the coefficients of the model file it scales (all by the same multiplier).
TERM_COEFFICIENTS: dict[str, tuple[str, ...]] = {
    "IMG share": ("coefficients.img_share_per_10",),
    "program size": ("coefficients.positions_log",),
    "Step failures": ("coefficients.step_failure",),
    "years since graduation": ("coefficients.years_since_graduation",),
    "US clinical experience": ("coefficients.usce", "coefficients.usce_in_state", "coefficients.usce_missing"),
    "US letters": ("coefficients.us_lor",),
    "research": ("coefficients.research",),
    "ties to the state": ("coefficients.ties_state",),
    "alumni": ("coefficients.alumni",),
    "no visa needed": ("coefficients.no_visa_needed",),
    "US medical school": ("coefficients.us_md_do",),
    "below a stated cutoff": ("coefficients.soft_cutoff_below",),
    SIGNAL_TERM: ("signals.gold", "signals.silver", "signals.standard"),
}


@dataclass(frozen=True)
class Case:
    """One application as the fit sees it: whose, which specialty keys, each term's base contribution, the outcome."""

    applicant_id: str
    level_key: str  # the key of [specialty_intercept] this program's level comes from
    slope_key: str  # the key of [specialty_score_per_10]
    terms: dict
    invited: bool
    season: int


def build_cases(model: InterviewModel, profiles: dict, applications) -> list[Case]:
    """The Cases of `applications` (optimizer.inputs.applications.Application) for the applicants' `profiles` (id ->
    Profile). A signal adds ln(odds multiplier of its kind); a score below a stated cutoff adds the soft-cutoff term
    (the application was made, so the cutoff did not rule it out)."""
    cases = []
    for application in applications:
        profile = profiles[application.applicant_id]
        applicant, program = profile.applicant, application.program
        season = int(profile.goals.season)
        terms = dict(model.logit_terms(applicant, program, season, below_stated_cutoff(applicant, program)))
        if application.signal and application.signal in model.signal_odds:
            terms[SIGNAL_TERM] = math.log(model.signal_odds[application.signal])
        specialty = program.specialty
        cases.append(Case(
            applicant_id=application.applicant_id,
            level_key=specialty if specialty in model.specialty_intercept else "default",
            slope_key=specialty if specialty in model.specialty_score_per_10 else "default",
            terms=terms, invited=bool(application.invited), season=season))
    return cases


@dataclass(frozen=True)
class Parameter:
    """One fitted number: a level shift (kind 'level', prior mean 0) or a multiplier minus 1 ('score', 'term')."""

    kind: str
    key: str  # the specialty key (level, score) or the term's name
    prior_sd: float

    @property
    def label(self) -> str:
        which = "the specialties without their own (default)" if self.key == "default" else self.key
        if self.kind == "level":
            return f"level of {which}"
        if self.kind == "score":
            return f"score slope of {which}"
        return f"weight of '{self.key}'"


@dataclass(frozen=True)
class Design:
    """The regression: base log-odds (offset), one column per parameter, outcomes, and each row's applicant."""

    parameters: tuple[Parameter, ...]
    offset: np.ndarray
    columns: np.ndarray  # rows x parameters
    invited: np.ndarray
    applicant_ids: tuple[str, ...]
    unused_terms: tuple[str, ...] = ()  # fittable terms that no application has (kept at base)

    @property
    def prior_sd(self) -> np.ndarray:
        return np.array([p.prior_sd for p in self.parameters])


def make_design(cases: list[Case]) -> Design:
    """The design of `cases`: a level shift and a score multiplier per specialty key present, and a multiplier for
    each term of TERM_COEFFICIENTS that is not zero for some application."""
    if not cases:
        raise InputError("no applications to fit. The applications file needs at least one row.")
    parameters = [Parameter("level", key, LEVEL_PRIOR_SD) for key in sorted({c.level_key for c in cases})]
    parameters += [Parameter("score", key, MULTIPLIER_PRIOR_SD) for key in sorted({c.slope_key for c in cases})
                   if any(c.terms.get(SCORE_TERM, 0.0) for c in cases if c.slope_key == key)]
    present = [name for name in TERM_COEFFICIENTS if any(c.terms.get(name, 0.0) for c in cases)]
    parameters += [Parameter("term", name, MULTIPLIER_PRIOR_SD) for name in present]
    columns = np.zeros((len(cases), len(parameters)))
    for i, case in enumerate(cases):
        for j, parameter in enumerate(parameters):
            if parameter.kind == "level":
                columns[i, j] = 1.0 if case.level_key == parameter.key else 0.0
            elif parameter.kind == "score":
                columns[i, j] = case.terms.get(SCORE_TERM, 0.0) if case.slope_key == parameter.key else 0.0
            else:
                columns[i, j] = case.terms.get(parameter.key, 0.0)
    return Design(parameters=tuple(parameters),
                  offset=np.array([sum(c.terms.values()) for c in cases]),
                  columns=columns, invited=np.array([1.0 if c.invited else 0.0 for c in cases]),
                  applicant_ids=tuple(c.applicant_id for c in cases),
                  unused_terms=tuple(name for name in TERM_COEFFICIENTS if name not in present))


@dataclass(frozen=True)
class Fit:
    """The fitted parameters (level shifts, multipliers minus 1) and their covariance (inverse Hessian)."""

    parameters: tuple[Parameter, ...]
    estimate: np.ndarray
    covariance: np.ndarray
    converged: bool

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))

    def value(self, kind: str, key: str) -> tuple[float, float]:
        """(estimate, se) of a parameter; (0, 0) when it was not fitted (the base holds)."""
        for j, p in enumerate(self.parameters):
            if p.kind == kind and p.key == key:
                return float(self.estimate[j]), float(self.se[j])
        return 0.0, 0.0


def fit(design: Design, rows: np.ndarray | None = None) -> Fit:
    """The maximum of the penalized log-likelihood on `rows` of the design (all rows by default)."""
    rows = np.arange(len(design.invited)) if rows is None else rows
    x, offset, y = design.columns[rows], design.offset[rows], design.invited[rows]
    precision = 1.0 / design.prior_sd ** 2

    def objective(theta):
        eta = offset + x @ theta
        return float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * np.sum(precision * theta ** 2))

    def gradient(theta):
        p = expit(offset + x @ theta)
        return x.T @ (p - y) + precision * theta

    def hessian(theta):
        p = expit(offset + x @ theta)
        return (x * (p * (1 - p))[:, None]).T @ x + np.diag(precision)

    start = np.zeros(len(design.parameters))
    result = minimize(objective, start, jac=gradient, hess=hessian, method="trust-exact",
                      options={"gtol": 1e-8, "maxiter": 200})
    laplace = np.linalg.inv(hessian(result.x))
    # An applicant's applications share what the profile does not show (the model's latent strength), so they are
    # not independent: the sandwich with scores summed per applicant allows for it. Each variance is the larger of
    # the two, so neither a few applicants (noisy sandwich) nor correlated outcomes make the interval too narrow.
    residual = expit(offset + x @ result.x) - y
    groups = np.unique(np.array(design.applicant_ids)[rows], return_inverse=True)[1]
    per_applicant = np.zeros((groups.max() + 1, x.shape[1]))
    np.add.at(per_applicant, groups, x * residual[:, None])
    sandwich = laplace @ (per_applicant.T @ per_applicant) @ laplace
    scale = np.sqrt(np.maximum(np.diag(sandwich), np.diag(laplace)) / np.diag(laplace))
    covariance = laplace * np.outer(scale, scale)
    return Fit(design.parameters, result.x, covariance, bool(result.success))


def predict(design: Design, theta: np.ndarray | None, rows: np.ndarray | None = None) -> np.ndarray:
    """P(invite) of `rows` under the base (theta None) or a fit's parameters."""
    rows = np.arange(len(design.invited)) if rows is None else rows
    eta = design.offset[rows] if theta is None else design.offset[rows] + design.columns[rows] @ theta
    return expit(eta)


# --- is it better? ------------------------------------------------------------------------------------------------

def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


@dataclass(frozen=True)
class CrossValidation:
    """Held-out predictions of the base and the refit for every application, and the scores they give."""

    folds: int
    base_p: np.ndarray
    refit_p: np.ndarray
    invited: np.ndarray

    def scores(self, which: str) -> dict:
        p = self.base_p if which == "base" else self.refit_p
        return {"log_loss": log_loss(self.invited, p), "brier": brier(self.invited, p)}

    @property
    def better(self) -> bool:
        """True when the refit beats the base out of sample on both scores."""
        base, refit = self.scores("base"), self.scores("refit")
        return refit["log_loss"] < base["log_loss"] and refit["brier"] < base["brier"]


def fold_of_applicants(applicant_ids, folds: int, seed: int = CV_SEED) -> dict[str, int]:
    """Each applicant's fold: applicants shuffled (seeded), then dealt round-robin into `folds` folds."""
    unique = sorted(set(applicant_ids))
    order = np.random.default_rng(seed).permutation(len(unique))
    return {unique[i]: k % folds for k, i in enumerate(order)}


def cross_validate(design: Design, folds: int = FOLDS, seed: int = CV_SEED) -> CrossValidation:
    """K-fold cross-validation by applicant (fewer folds when there are fewer applicants; at least 2)."""
    n_applicants = len(set(design.applicant_ids))
    if n_applicants < 2:
        raise InputError("cross-validation needs at least 2 applicants with applications; the files have "
                         f"{n_applicants}. Add more applicants.")
    folds = min(folds, n_applicants)
    fold = fold_of_applicants(design.applicant_ids, folds, seed)
    row_fold = np.array([fold[a] for a in design.applicant_ids])
    refit_p = np.empty(len(design.invited))
    for k in range(folds):
        test = np.flatnonzero(row_fold == k)
        train = np.flatnonzero(row_fold != k)
        refit_p[test] = predict(design, fit(design, train).estimate, test)
    return CrossValidation(folds, predict(design, None), refit_p, design.invited)


@dataclass(frozen=True)
class ReliabilityBin:
    """One decile of predicted chances: how many applications, the mean prediction and the observed rate."""

    count: int
    predicted: float
    observed: float


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[ReliabilityBin]:
    """Applications sorted by predicted chance and cut into `bins` groups of equal size (deciles)."""
    order = np.argsort(p, kind="stable")
    return [ReliabilityBin(len(part), float(p[part].mean()), float(y[part].mean()))
            for part in np.array_split(order, min(bins, len(p))) if len(part)]


# --- back to the model file ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Coefficient:
    """A coefficient of the model file: its base value, the refit's value and the 95% interval."""

    name: str  # as in the file: "coefficients.us_lor", "specialty_intercept.default", "signals.gold"
    base: float
    fitted: float
    low: float
    high: float
    term: str  # the parameter it comes from, in words

    def as_dict(self) -> dict:
        return {"name": self.name, "base": self.base, "fitted": self.fitted, "low": self.low, "high": self.high}


def _get(data: dict, name: str) -> float | None:
    table, _, key = name.partition(".")
    value = data.get(table, {}).get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def coefficients(fitted: Fit, base_data: dict) -> list[Coefficient]:
    """Every coefficient the fit moves, base -> fitted with its 95% interval, in the order of the parameters."""
    rows = []
    for j, parameter in enumerate(fitted.parameters):
        theta, se = float(fitted.estimate[j]), float(fitted.se[j])
        low_theta, high_theta = theta - Z95 * se, theta + Z95 * se
        if parameter.kind == "level":
            name = f"specialty_intercept.{parameter.key}"
            base = _get(base_data, name) or 0.0
            rows.append(Coefficient(name, base, base + theta, base + low_theta, base + high_theta, parameter.label))
            continue
        names = ((f"specialty_score_per_10.{parameter.key}",) if parameter.kind == "score"
                 else TERM_COEFFICIENTS[parameter.key])
        for name in names:
            base = _get(base_data, name)
            if base is None:
                continue
            if name.startswith("signals."):  # odds multipliers: the log-odds scale, odds ** m
                value = [math.exp(math.log(base) * (1 + t)) for t in (theta, low_theta, high_theta)]
            else:
                value = [base * (1 + t) for t in (theta, low_theta, high_theta)]
            rows.append(Coefficient(name, base, value[0], min(value[1:]), max(value[1:]), parameter.label))
    return rows


def refitted_model_data(base_data: dict, fitted: Fit) -> dict:
    """The base model file's data with the fitted coefficients in place (and its uncertainty draws moved by the same
    level shifts and score multipliers, so the P(match) range follows the refit)."""
    data = copy.deepcopy(base_data)
    for row in coefficients(fitted, base_data):
        table, _, key = row.name.partition(".")
        data.setdefault(table, {})[key] = row.fitted
    for draw in data.get("uncertainty", {}).get("draws", []):
        for name in list(draw):
            table, _, key = name.partition(".")
            if table == "specialty_intercept":
                draw[name] = draw[name] + fitted.value("level", key)[0]
            elif table == "specialty_score_per_10":
                draw[name] = draw[name] * (1 + fitted.value("score", key)[0])
    return data


# --- the whole calibration ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """What `calibrate` found: the data's size, the fit, the coefficients, cross-validation and reliability."""

    applicants: int
    applications: int
    seasons: tuple[int, int]
    fit: Fit
    coefficients: list[Coefficient]
    cv: CrossValidation
    model_data: dict
    kept: tuple[tuple[str, str], ...] = ()  # (term, why it stays at base)
    form: str = "applications"  # "applications" (each application) or "summary" (counts per applicant)
    notes: tuple[str, ...] = field(default=())

    @property
    def better(self) -> bool:
        return self.cv.better

    def payload(self) -> dict:
        """The `smartpick calibrate --json` shape (CONTRACT.md), plus the form, seasons and folds."""
        return {"applicants": self.applicants, "applications": self.applications,
                "base": self.cv.scores("base"), "refit": self.cv.scores("refit"), "better": self.better,
                "coefficients": [c.as_dict() for c in self.coefficients],
                "form": self.form, "seasons": list(self.seasons), "folds": self.cv.folds,
                "kept_at_base": [{"term": t, "why": w} for t, w in self.kept], "notes": list(self.notes)}


def refit_on_outcomes(model: InterviewModel, base_data: dict, profiles: dict, applications,
                      form: str = "applications", programs=None, folds: int = FOLDS, seed: int = CV_SEED) -> Calibration:
    """Refit `model` (read from `base_data`) on an advisor's outcome data (`smartpick calibrate`): the applicants'
    `profiles` (id -> Profile) and their `applications` (each application, form "applications") or summaries
    (counts per applicant, form "summary", which needs the `programs` table the applicants chose from and fits only
    the levels)."""
    if form == "summary":
        return _refit_on_summaries(model, base_data, profiles, applications, programs, folds, seed)
    cases = build_cases(model, profiles, applications)
    design = make_design(cases)
    fitted = fit(design)
    seasons = [c.season for c in cases]
    kept = tuple(KEPT_TERMS.items()) + tuple(
        (name, "no application in the data has this term, so the data say nothing about it")
        for name in design.unused_terms)
    return Calibration(applicants=len(set(design.applicant_ids)), applications=len(cases),
                       seasons=(min(seasons), max(seasons)), fit=fitted,
                       coefficients=coefficients(fitted, base_data), cv=cross_validate(design, folds, seed),
                       model_data=refitted_model_data(base_data, fitted), kept=kept)


# --- the summary form: counts per applicant, levels only ----------------------------------------------------------

@dataclass(frozen=True)
class _SummaryData:
    """Per applicant: base log-odds of every program they were eligible for, its level key, and the counts."""

    logits: list[np.ndarray]
    keys: list[np.ndarray]  # index into `parameters` per program
    applications: np.ndarray
    interviews: np.ndarray
    applicant_ids: tuple[str, ...]
    parameters: tuple[Parameter, ...]


def _summary_data(model: InterviewModel, profiles: dict, summaries, programs) -> _SummaryData:
    rows = []
    for summary in summaries:
        profile = profiles[summary.applicant_id]
        applicant, season = profile.applicant, int(profile.goals.season)
        pool = [p for p in programs.programs if p.specialty in applicant.specialties
                and not broken_limits(applicant, p, season, False)]  # past applications: the sheet as stated
        if pool and summary.applications:
            rows.append((summary, pool,
                         [sum(model.logit_terms(applicant, p, season).values()) for p in pool],
                         [p.specialty if p.specialty in model.specialty_intercept else "default" for p in pool]))
    if not rows:
        raise InputError("no applicant of the summary has both applications and programs they could apply to in "
                         "the programs sheet. Check the specialties and the --programs sheet.")
    level_keys = sorted({k for *_, keys in rows for k in keys})
    index = {k: i for i, k in enumerate(level_keys)}
    return _SummaryData(
        logits=[np.array(logits) for _, _, logits, _ in rows],
        keys=[np.array([index[k] for k in keys]) for *_, keys in rows],
        applications=np.array([s.applications for s, *_ in rows], dtype=float),
        interviews=np.array([s.interviews for s, *_ in rows], dtype=float),
        applicant_ids=tuple(s.applicant_id for s, *_ in rows),
        parameters=tuple(Parameter("level", k, LEVEL_PRIOR_SD) for k in level_keys))


def _mean_chances(data: _SummaryData, theta: np.ndarray, rows) -> np.ndarray:
    """Each applicant's chance per application: the mean over the programs they could apply to."""
    return np.array([expit(data.logits[i] + theta[data.keys[i]]).mean() for i in rows])


def _fit_summary(data: _SummaryData, rows) -> Fit:
    """Penalized binomial likelihood of interviews out of applications; covariance from a numerical Hessian."""
    precision = 1.0 / np.array([p.prior_sd for p in data.parameters]) ** 2
    n, k = data.applications[rows], data.interviews[rows]

    def objective(theta):
        p = np.clip(_mean_chances(data, theta, rows), 1e-12, 1 - 1e-12)
        return float(-np.sum(k * np.log(p) + (n - k) * np.log(1 - p)) + 0.5 * np.sum(precision * theta ** 2))

    result = minimize(objective, np.zeros(len(data.parameters)), method="BFGS")
    h, size = 1e-4, len(result.x)
    hessian = np.empty((size, size))
    for a in range(size):
        for b in range(size):
            step_a, step_b = np.eye(size)[a] * h, np.eye(size)[b] * h
            hessian[a, b] = (objective(result.x + step_a + step_b) - objective(result.x + step_a - step_b)
                             - objective(result.x - step_a + step_b) + objective(result.x - step_a - step_b)) / (4 * h * h)
    return Fit(data.parameters, result.x, np.linalg.inv(hessian), bool(result.success))


def _expanded(data: _SummaryData, chances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-application rows from the counts: each applicant's interviews as 1s, other applications as 0s."""
    y, p = [], []
    for i, chance in enumerate(chances):
        n, k = int(data.applications[i]), int(data.interviews[i])
        y += [1.0] * k + [0.0] * (n - k)
        p += [chance] * n
    return np.array(y), np.array(p)


def _refit_on_summaries(model, base_data, profiles, summaries, programs, folds, seed) -> Calibration:
    data = _summary_data(model, profiles, summaries, programs)
    everyone = np.arange(len(data.applicant_ids))
    fitted = _fit_summary(data, everyone)
    if len(everyone) < 2:
        raise InputError("cross-validation needs at least 2 applicants; add more applicants.")
    folds = min(folds, len(everyone))
    fold = fold_of_applicants(data.applicant_ids, folds, seed)
    row_fold = np.array([fold[a] for a in data.applicant_ids])
    held_out = np.empty(len(everyone))
    for f in range(folds):
        test, train = np.flatnonzero(row_fold == f), np.flatnonzero(row_fold != f)
        held_out[test] = _mean_chances(data, _fit_summary(data, train).estimate, test)
    y, refit_p = _expanded(data, held_out)
    _, base_p = _expanded(data, _mean_chances(data, np.zeros(len(data.parameters)), everyone))
    seasons = [int(profiles[a].goals.season) for a in data.applicant_ids]
    kept = (("every term but the levels", "the summary form does not say which programs each applicant applied "
             "to, so only the level of each specialty is fitted (each applicant's chance per application taken as "
             "the mean over the programs of the sheet they could apply to); the levels then also absorb whatever else the "
             "base gets wrong for these applicants"),)
    return Calibration(applicants=len(everyone), applications=int(data.applications.sum()),
                       seasons=(min(seasons), max(seasons)), fit=fitted,
                       coefficients=coefficients(fitted, base_data), cv=CrossValidation(folds, base_p, refit_p, y),
                       model_data=refitted_model_data(base_data, fitted), kept=kept, form="summary")
