"""Score every program for one applicant: interview probability, eligibility with reasons, tier, region, weight.

The model is a logistic regression whose coefficients all live in data/model.toml (see that file for the terms,
their rationale and sources). Hard rules make a program ineligible, each with a reason in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from optimizer.model.geography import Metro
from optimizer.inputs.profile_types import Applicant, Profile, TierSettings
from optimizer.inputs.programs import Program, ProgramTable
from optimizer.inputs.datafiles import load_bundled_toml, read_toml

TIERS = ("reach", "core", "safety")


def _numbers(table: dict) -> dict[str, float]:
    """The numeric entries of a data table (skipping its rationale, source and assumption flags)."""
    return {k: float(v) for k, v in table.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


# Not scipy.special.expit: importing scipy.special costs every command ~0.25 s of start-up (measured, issue 26; no
# other scipy is imported to score or solve), and its last digit differs from this stable form for x < 0.
def logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _bundled_visa_unknown() -> dict:
    """The assumption for programs of unknown visa policy (data/sheet_defaults.toml [visa_unknown])."""
    return dict(load_bundled_toml("sheet_defaults.toml").get("visa_unknown", {}))


VISA_UNKNOWN_CHECK = "visa unknown: check"


@dataclass(frozen=True)
class InterviewModel:
    """The coefficients of data/model.toml, read once."""

    intercept: dict
    reference: dict
    coef: dict
    latent_sd: float
    signal_odds: dict  # signal kind -> odds multiplier (>= 1)
    season: str = ""
    specialty_intercept: dict = field(default_factory=dict)  # specialty (or "default") -> log-odds offset
    specialty_reference: dict = field(default_factory=dict)  # specialty -> reference score offset
    specialty_score_per_10: dict = field(default_factory=dict)  # specialty (or "default") -> score slope
    uncertainty: tuple[dict, ...] = field(default=(), compare=False)  # refits on resampled targets (calibration)
    correlated_headline: bool = False  # True: the outcomes people read allow for the latent strength
    img_pivot: dict = field(default_factory=dict)  # specialty -> the IMG share its typical program has
    estimated_limit: dict = field(default_factory=dict)  # visa / cutoff / years -> log-odds when an estimate is unmet
    priors: dict = field(default_factory=dict, compare=False)  # assumed figure ("table.key") -> prior SD
    prior_reference: dict = field(default_factory=dict, compare=False)  # the reference applicant's features
    # applicant's visa -> share of programs sponsoring it: what a program of unknown visa policy is assumed to do
    visa_unknown_share: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_dict(cls, data: dict) -> "InterviewModel":
        signal_odds = _numbers(data.get("signals", {}))
        if any(v < 1 for v in signal_odds.values()):
            raise ValueError("a signal odds multiplier below 1 would lower a probability")
        return cls(
            intercept=_numbers(data["intercept"]),
            reference=_numbers(data["reference_score"]),
            coef=_numbers(data["coefficients"]),
            latent_sd=float(data.get("correlation", {}).get("latent_sd", 0.0)),
            signal_odds=signal_odds,
            season=str(data.get("season", "")),
            specialty_intercept=_numbers(data.get("specialty_intercept", {})),
            specialty_reference=_numbers(data.get("specialty_reference_offset", {})),
            specialty_score_per_10=_numbers(data.get("specialty_score_per_10", {})),
            uncertainty=tuple(dict(d) for d in data.get("uncertainty", {}).get("draws", [])),
            correlated_headline=bool(data.get("correlation", {}).get("headline", False)),
            img_pivot=_numbers(data.get("img_share_pivot", {})),
            estimated_limit=_numbers(data.get("estimated_limits", {})),
            priors={k: float(v["sd"]) for k, v in data.get("priors", {}).items()
                    if isinstance(v, dict) and "sd" in v},
            prior_reference=_numbers(data.get("priors", {}).get("reference", {})),
            visa_unknown_share=_numbers(data.get("visa_unknown") or _bundled_visa_unknown()),
        )

    def pivot(self, specialty: str) -> float:
        """The IMG share a typical program of `specialty` has: a program's share is read relative to it (in
        Pediatrics and Psychiatry a low share mostly means few IMGs apply, not that IMGs are turned away)."""
        return self.img_pivot.get(specialty, self.coef["img_share_pivot"])

    def visa_unknown_factor(self, applicant: Applicant) -> float:
        """What an interview chance is multiplied by at a program whose visa policy is unknown: the share of
        programs sponsoring the applicant's visa (1 when no visa is needed)."""
        if not applicant.usable_visas():
            return 1.0
        return self.visa_unknown_share.get(applicant.visa, min(self.visa_unknown_share.values(), default=1.0))

    def level(self, specialty: str) -> float:
        """The log-odds every program of `specialty` starts from, on top of its type's intercept (fitted)."""
        table = self.specialty_intercept
        return table.get(specialty, table.get("default", 0.0))

    def score_slope(self, specialty: str) -> float:
        """Log-odds per 10 points of score above a program's reference, for `specialty` (fitted)."""
        table = self.specialty_score_per_10
        return table.get(specialty, table.get("default", self.coef.get("score_per_10", 0.0)))

    def reference_score(self, program: Program, using_step1: bool) -> float:
        """The score this program treats as its usual bar: a stated cutoff plus a margin, else one inferred from
        its type and IMG share."""
        ref = self.reference
        cutoff = program.step1_cutoff if using_step1 else program.step2_cutoff
        if cutoff is not None:
            return cutoff + ref["above_stated_cutoff"]  # a stated bar is the program's own: no specialty offset
        base = ref[program.program_type] + self.specialty_reference.get(program.specialty, 0.0)
        if program.img_pct is not None:
            base += ref["per_10_img_points"] * (program.img_pct - self.pivot(program.specialty)) / 10
        if using_step1:
            base += ref["step1_offset"]
        return base

    def score_gap(self, applicant: Applicant, program: Program) -> float:
        """(applicant's score - the program's reference) / 10: what the score slope multiplies (0 for "pass" only)."""
        using_step1 = applicant.step2ck is None
        score = applicant.step1 if using_step1 else applicant.step2ck
        if score is None:
            return 0.0
        return (score - self.reference_score(program, using_step1)) / 10

    def logit_terms(self, applicant: Applicant, program: Program, match_year: int,
                    soft_cutoff_penalty: bool = False, unmet_estimates: tuple[str, ...] = ()) -> dict[str, float]:
        """Each term's contribution to the log-odds of an interview, by name (for explanations). `unmet_estimates`
        names the limits (visa, cutoff, years) the applicant does not meet where the program's value is only an
        estimate: each lowers the chance instead of ruling the program out."""
        c = self.coef
        terms = {"program type": self.intercept[program.program_type] + self.level(program.specialty),
                 # "pass" only: treated as at the program's usual bar
                 "Step score vs program": self.score_slope(program.specialty) * self.score_gap(applicant, program)}
        if program.img_pct is not None:
            terms["IMG share"] = c["img_share_per_10"] * (program.img_pct - self.pivot(program.specialty)) / 10
        if program.positions and c.get("positions_log"):
            # bigger programs interview more people: interviews scale with first-year positions
            terms["program size"] = c["positions_log"] * math.log(program.positions / c["positions_pivot"])
        terms["Step failures"] = c["step_failure"] * applicant.step_failures
        if applicant.graduation_year is not None:
            years = max(0, match_year - applicant.graduation_year - int(c["years_free"]))
            terms["years since graduation"] = c["years_since_graduation"] * years
        usce = c["usce"] * min(applicant.usce_months, c["usce_cap_months"]) / c["usce_cap_months"]
        if applicant.usce_months > 0 and program.state in applicant.usce_states:
            usce += c["usce_in_state"]
        if program.usce_required and applicant.usce_months <= 0:
            usce += c["usce_missing"]
        terms["US clinical experience"] = usce
        terms["US letters"] = c["us_lor"] * min(applicant.us_lors, c["us_lor_cap"])
        terms["research"] = c["research"] * min(applicant.research_items, c["research_cap"])
        terms["ties to the state"] = c["ties_state"] if program.state in applicant.ties_states else 0.0
        terms["alumni"] = c["alumni"] if program.alumni_from_my_school > 0 else 0.0
        terms["no visa needed"] = c["no_visa_needed"] if applicant.visa == "none" else 0.0
        if applicant.applicant_type == "US MD/DO" and c.get("us_md_do"):
            terms["US medical school"] = c["us_md_do"]
        if soft_cutoff_penalty:
            terms["below a stated cutoff"] = c["soft_cutoff_below"]
        for kind in unmet_estimates:
            terms[f"estimated {kind} limit"] = self.estimated_limit[kind]
        return terms

    def assumed_features(self, applicant: Applicant, program: Program, match_year: int,
                         signal: str | None = None, soft_cutoff_penalty: bool = False,
                         unmet_estimates: tuple[str, ...] = ()) -> dict[str, float]:
        """What each ASSUMED figure of the model multiplies for this applicant and program, keyed as the figure
        ("coefficients.usce", "signals.gold", ...): the P(match) range moves each figure by a draw of its prior.
        Applicant terms are taken relative to the reference applicant the levels were fitted on
        ([priors.reference]): at the reference an assumed figure's error is absorbed by the fitted level, so a
        profile far from it (many years out, no US experience) carries more of that error."""
        c, ref = self.coef, self.prior_reference
        years = 0.0
        if applicant.graduation_year is not None:
            years = max(0, match_year - applicant.graduation_year - int(c["years_free"]))
        out = {
            "coefficients.years_since_graduation": years - ref.get("years_beyond_free", 0.0),
            "coefficients.usce": (min(applicant.usce_months, c["usce_cap_months"]) / c["usce_cap_months"]
                                  - ref.get("usce_share", 0.0)),
            "coefficients.usce_in_state": float(applicant.usce_months > 0 and program.state in applicant.usce_states),
            "coefficients.usce_missing": float(program.usce_required and applicant.usce_months <= 0),
            "coefficients.us_lor": min(applicant.us_lors, c["us_lor_cap"]) - ref.get("us_lors", 0.0),
            "coefficients.research": min(applicant.research_items, c["research_cap"]) - ref.get("research_items", 0.0),
            "coefficients.ties_state": float(program.state in applicant.ties_states),
            "coefficients.alumni": float(program.alumni_from_my_school > 0),
            "coefficients.no_visa_needed": float(applicant.visa == "none") - ref.get("no_visa_needed", 0.0),
            "coefficients.step_failure": float(applicant.step_failures),
            "coefficients.us_md_do": float(applicant.applicant_type == "US MD/DO"),
            "coefficients.soft_cutoff_below": float(soft_cutoff_penalty),
            "intercept.community": float(program.program_type == "community"),
            "intercept.university": float(program.program_type == "university"),
        }
        if program.img_pct is not None:
            out["coefficients.img_share_per_10"] = (program.img_pct - self.pivot(program.specialty)) / 10
        if program.positions and c.get("positions_log"):
            out["coefficients.positions_log"] = math.log(program.positions / c["positions_pivot"])
        if signal:
            out[f"signals.{signal}"] = 1.0
        for kind in unmet_estimates:
            out[f"estimated_limits.{kind}"] = 1.0
        return out

    def with_signal(self, p: float, kind: str) -> float:
        """The interview chance with a signal of `kind`: the odds times the kind's multiplier (never lower)."""
        if p <= 0.0:
            return 0.0
        if p >= 1.0:
            return 1.0
        odds = p / (1 - p) * self.signal_odds[kind]
        return odds / (1 + odds)


@dataclass(frozen=True)
class Candidate:
    """One program scored for one applicant."""

    program: Program
    eligible: bool
    p_interview: float  # without a signal; 0 when ineligible
    region: str
    weight: float
    tier: str | None = None  # reach, core or safety; None when ineligible
    reasons: tuple[str, ...] = ()  # why ineligible (empty when eligible)
    p_with_signal: tuple[tuple[str, float], ...] = ()  # signal kind -> probability with that signal
    terms: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    # facts the chance rests on that the applicant should check: estimated limits the applicant may not meet
    # (lowered, not ruled out), "visa unknown: check", a city read from a near spelling
    checks: tuple[str, ...] = ()
    unmet_estimates: tuple[str, ...] = field(default=(), compare=False)  # kinds of the unmet estimates

    @property
    def program_id(self) -> str:
        return self.program.program_id

    def p_with(self, kind: str | None) -> float:
        """The interview chance with a signal of `kind` (None: without a signal)."""
        return dict(self.p_with_signal)[kind] if kind else self.p_interview

    @property
    def value(self) -> float:
        """Weighted probability: what the default objective sums."""
        return self.weight * self.p_interview


def broken_limits(applicant: Applicant, program: Program, match_year: int,
                  soft_cutoffs: bool) -> list[tuple[str, str, str]]:
    """The hard rules the applicant breaks at this program, each as (kind, the program's column, a sentence a doctor
    reads); kind is "specialty", "visa", "cutoff" or "years"."""
    if program.specialty not in applicant.specialties:  # the one reason that matters: the rest would be noise
        return [("specialty", "specialty", f"{program.specialty} is not a specialty you are applying to")]
    broken = []
    needed = applicant.usable_visas()
    # an unknown visa policy is an estimate, not a checked fact: it lowers the chance (see score_programs)
    if needed and program.visa != "unknown" and not (program.visas() & needed):
        offered = "sponsors no visa" if program.visa == "none" else f"sponsors {program.visa} only"
        broken.append(("visa", "visa", f"the program {offered}; you can use {applicant.visa}"))
    if not soft_cutoffs:
        if program.step2_cutoff is not None and "step2_cutoff" not in program.soft_cutoffs:
            if applicant.step2ck is None:
                broken.append(("cutoff", "step2_cutoff", f"the program states a Step 2 CK cutoff of "
                               f"{program.step2_cutoff}; your profile has no Step 2 CK score"))
            elif applicant.step2ck < program.step2_cutoff:
                broken.append(("cutoff", "step2_cutoff", f"your Step 2 CK {applicant.step2ck} is below the stated "
                               f"cutoff {program.step2_cutoff}"))
        if program.step1_cutoff is not None and "step1_cutoff" not in program.soft_cutoffs \
                and applicant.step1 is not None and applicant.step1 < program.step1_cutoff:
            broken.append(("cutoff", "step1_cutoff",
                           f"your Step 1 {applicant.step1} is below the stated cutoff {program.step1_cutoff}"))
    if program.max_years_since_graduation is not None and applicant.graduation_year is not None:
        years = match_year - applicant.graduation_year
        if years > program.max_years_since_graduation:
            broken.append(("years", "max_years_since_graduation", f"you will be {years} years from graduation; "
                           f"the program takes at most {program.max_years_since_graduation}"))
    return broken


def split_limits(applicant: Applicant, program: Program, match_year: int,
                 soft_cutoffs: bool) -> tuple[list[str], list[str], tuple[str, ...]]:
    """(reasons that rule the program out, sentences to check, kinds of unmet estimated limits): a limit rules a
    program out only where its value is checked (a user's own sheet, or a bundled value its data_source names as
    checked); an estimated one lowers the chance and says "estimated: check with the program"."""
    broken = broken_limits(applicant, program, match_year, soft_cutoffs)
    if not broken:
        return [], [], ()
    estimated = program.estimated_columns()  # read off data_source only where a limit is broken
    reasons, checks, kinds = [], [], []
    for kind, column, sentence in broken:
        if kind != "specialty" and column in estimated:
            checks.append(f"estimated: {sentence} (check with the program)")
            if kind not in kinds:
                kinds.append(kind)
        else:
            reasons.append(sentence)
    return reasons, checks, tuple(kinds)


def ineligibility_reasons(applicant: Applicant, program: Program, match_year: int, soft_cutoffs: bool) -> list[str]:
    """The hard rules that rule this program out, each as a sentence a doctor reads (estimated limits do not)."""
    return split_limits(applicant, program, match_year, soft_cutoffs)[0]


def below_stated_cutoff(applicant: Applicant, program: Program, only_soft: bool = False) -> bool:
    """True when the applicant is below a stated cutoff (with `only_soft`, one the program only prefers)."""
    soft = program.soft_cutoffs
    if program.step2_cutoff is not None and (not only_soft or "step2_cutoff" in soft) \
            and (applicant.step2ck is None or applicant.step2ck < program.step2_cutoff):
        return True
    return program.step1_cutoff is not None and (not only_soft or "step1_cutoff" in soft) \
        and applicant.step1 is not None and applicant.step1 < program.step1_cutoff


def tier_map(scored, settings: TierSettings) -> dict[str, str]:
    """program_id -> reach, core or safety for the eligible entries of `scored` ((program, p) pairs).

    Relative rule (default): within each specialty, the applicant's own eligible programs ranked by probability
    (ties by program_id): the least likely `reach_share` are reach, the most likely `safety_share` are safety, the
    rest core. It works for the weakest applicant too: whatever the levels, the pool splits into three tiers.
    Absolute rule: p < reach_below is reach, p >= safety_above is safety.
    """
    tiers: dict[str, str] = {}
    if settings.rule == "absolute":
        for program, p in scored:
            tiers[program.program_id] = ("reach" if p < settings.reach_below
                                         else "safety" if p >= settings.safety_above else "core")
        return tiers
    by_specialty: dict[str, list[tuple[float, str]]] = {}
    for program, p in scored:
        by_specialty.setdefault(program.specialty, []).append((p, program.program_id))
    for pool in by_specialty.values():
        pool.sort()
        n = len(pool)
        n_reach = round(n * settings.reach_share)
        n_safety = round(n * settings.safety_share)
        for i, (_, program_id) in enumerate(pool):
            tiers[program_id] = "reach" if i < n_reach else "safety" if i >= n - n_safety else "core"
    return tiers


def assign_tiers(candidates: list[Candidate], settings: TierSettings) -> list[Candidate]:
    """The candidates with their tiers set by `tier_map`."""
    tiers = tier_map([(c.program, c.p_interview) for c in candidates if c.eligible], settings)
    return [replace(c, tier=tiers.get(c.program_id)) for c in candidates]


def score_programs(table: ProgramTable, profile: Profile, model: InterviewModel, metro: Metro,
                   signal_kinds: dict[str, tuple[str, ...]] | None = None) -> list[Candidate]:
    """Score every program of the sheet for the profile's applicant, in the sheet's order.

    `signal_kinds` maps a specialty to the signal kinds its season allows (e.g. {"Internal Medicine": ("gold",
    "silver")}); each eligible program that accepts signals gets its probability with each kind.
    """
    applicant, goals = profile.applicant, profile.goals
    match_year = int(goals.season)
    weights = metro.weight_table(goals.weights)
    signal_kinds = signal_kinds or {}
    rows = []
    for program in table.programs:
        reasons, checks, unmet = split_limits(applicant, program, match_year, goals.soft_cutoffs)
        if reasons:  # an ineligible program has no chance to explain
            terms, p, checks, unmet = {}, 0.0, [], ()
        else:
            # a cutoff the program only prefers (or every cutoff, with soft_cutoffs) lowers the chance
            soft_penalty = below_stated_cutoff(applicant, program, only_soft=not goals.soft_cutoffs)
            terms = model.logit_terms(applicant, program, match_year, soft_penalty, unmet)
            p = logistic(sum(terms.values()))
        rows.append((program, reasons, p, terms, checks, unmet))
    unknown_visa = model.visa_unknown_factor(applicant)
    tiers = tier_map([(row[0], row[2]) for row in rows if not row[1]], goals.tiers)
    scored, regions = [], {}
    for program, reasons, p, terms, checks, unmet in rows:
        place = (program.city, program.state)
        region, near = regions.get(place) or regions.setdefault(place, _region(metro, *place))
        kinds = signal_kinds.get(program.specialty, ()) if (not reasons and program.accepts_signals) else ()
        # a program that may not sponsor the applicant's visa: the chance times the share that do
        factor, checks = ((unknown_visa, (*checks, VISA_UNKNOWN_CHECK)) if program.visa == "unknown"
                          else (1.0, tuple(checks)))
        if near:
            checks += (f"city '{program.city}' read as {near} ({region}): check",)
        scored.append(Candidate(
            program=program, eligible=not reasons, p_interview=p * factor, region=region, weight=weights[region],
            tier=tiers.get(program.program_id), reasons=tuple(reasons),
            p_with_signal=tuple((k, factor * model.with_signal(p, k)) for k in kinds) if kinds else (),
            terms=tuple(terms.items()) if terms else (), checks=checks, unmet_estimates=unmet,
        ))
    return scored


def _region(metro: Metro, city: str, state: str) -> tuple[str, str | None]:
    """(the region of a place, the metro place a near spelling was matched to, or None)."""
    region = metro.region_of(city, state)
    if region in ("home city", "home metro"):
        return region, None
    near = metro.near_match(city, state)
    return (near[0], near[1]) if near else (region, None)


def load_model(path: str | None = None) -> InterviewModel:
    """The bundled model (data/model.toml), or a user's copy at `path`."""
    return InterviewModel.from_dict(read_toml(path) if path else load_bundled_toml("model.toml"))
