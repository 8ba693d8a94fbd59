"""The whole job in one place, for the CLI and the reports: load the inputs, score, set the limits, solve,
evaluate. Each step is a call into its own module; nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from optimizer.solver.constraints import Limits, specialty_counts, tier_bounds
from optimizer.errors import InfeasibleError, InputError, Problem
from optimizer.model.fees import FeeSchedule, load_fee_schedule
from optimizer.model.geography import Metro, load_metro
from optimizer.inputs.profile_types import Profile
from optimizer.inputs.programs import ProgramTable
from optimizer.inputs.resources import DEMO_NOTE, DEMO_PROFILE, DEMO_PROGRAMS, data_path
from optimizer.model.scoring import Candidate, InterviewModel, TIERS, VISA_UNKNOWN_CHECK, load_model, score_programs
from optimizer.inputs.profile import load_profile
from optimizer.inputs.sheet import read_programs
from optimizer.model.outcomes import MatchCurves, Outcomes, evaluate
from optimizer.model.signals import check_fixed_signals, signal_kinds, signal_rules
from optimizer.model.uncertainty import p_match_range, population_p_match
from optimizer.solver.diagnose import explain_infeasible, suggest_fixes
from optimizer.solver.frontier import compute_frontier, planned_frontier
from optimizer.solver.nonlinear import Objective, solve_risk
from optimizer.solver.optimize import PortfolioModel, SignalReport, Solution, explain_signals


NO_LIST_IN_TIME = "the solver found no list within its time limit"


@dataclass(frozen=True)
class Inputs:
    """Everything one run reads: the sheet, the profile and the data files their settings point to."""

    table: ProgramTable
    profile: Profile
    model: InterviewModel
    metro: Metro
    fees: FeeSchedule
    signal_kinds: dict  # specialty -> signal kinds of the season, e.g. {"Family Medicine": ("standard",)}
    notes: tuple[str, ...] = ()  # things the user must know (demo data, defaults assumed)


def load_inputs(programs: str | Path | None = None, profile: str | Path | None = None,
                sheet_name: str | None = None, model_path: str | None = None, use_signals: bool = True,
                programs_data: bytes | None = None, profile_text: str | None = None,
                table: ProgramTable | None = None) -> Inputs:
    """Read the sheet and profile (the bundled demo ones when not given) and the data they need.

    `programs_data` and `profile_text` are the files' contents when they are already in memory (the web app's
    uploads, never written to disk); `programs` and `profile` then only name them in messages. `table`: the sheet
    named `programs` already read (the web app reuses it between what-if changes)."""
    if table is None:
        table = read_programs(programs or data_path(DEMO_PROGRAMS), sheet_name, programs_data)
    prof = load_profile(profile or data_path(DEMO_PROFILE), profile_text)
    notes = []
    if programs is None:
        table = replace(table, source="bundled demo data", is_demo=True)
        notes.append(DEMO_NOTE)
    if not use_signals:
        prof = replace(prof, goals=replace(prof.goals, use_signals=False))
    if profile is None:
        prof = replace(prof, is_demo=True)
        notes.append(f"Profile: the bundled example ({DEMO_PROFILE}); pass --profile FILE for your own.")
    return inputs_for(table, prof, load_model(model_path), tuple(notes))


def inputs_for(table: ProgramTable, profile: Profile, model: InterviewModel, notes: tuple[str, ...] = ()) -> Inputs:
    """The Inputs of a sheet and profile already read (scenarios swap the profile)."""
    season = profile.goals.season
    return Inputs(table=table, profile=profile, model=model, metro=load_metro(profile.goals.home_metro),
                  fees=load_fee_schedule(season), signal_kinds=signal_kinds(season), notes=notes)


def score(inputs: Inputs) -> list[Candidate]:
    kinds = inputs.signal_kinds if inputs.profile.goals.use_signals else {}
    return score_programs(inputs.table, inputs.profile, inputs.model, inputs.metro, kinds)


def _resolve(names: tuple[str, ...], candidates: list[Candidate], flag: str) -> set[str]:
    """Program ids for what the user typed after --must/--never: a program_id or a program's exact name."""
    if not names:
        return set()
    by_id = {c.program_id.lower(): c.program_id for c in candidates}
    by_name: dict[str, list[str]] = {}
    for c in candidates:
        by_name.setdefault(c.program.program.lower().strip(), []).append(c.program_id)
    out = set()
    for name in names:
        key = name.lower().strip()
        if key in by_id:
            out.add(by_id[key])
        elif key in by_name:
            out.update(by_name[key])
        else:
            raise InputError(f"{flag} '{name}' matches no program_id or program name in the sheet. "
                             "Run `smartpick score` to see the program_id of each program.", file=flag)
    return out


def check_specialties(inputs: Inputs) -> list[str]:
    """The profile's specialties the sheet has no program of: InputError naming what the sheet has when it has
    none of them, else a warning per missing one (the list holds the others)."""
    counts: dict[str, int] = {}
    for program in inputs.table.programs:
        counts[program.specialty] = counts.get(program.specialty, 0) + 1
    wanted = inputs.profile.applicant.specialties
    missing = [s for s in wanted if s not in counts]
    if not missing:
        return []
    has = ", ".join(f"{s} ({n})" for s, n in sorted(counts.items(), key=lambda item: -item[1])) or "no programs"
    if len(missing) < len(wanted):
        return [f"the programs sheet has no {' or '.join(missing)} programs, so the list holds only "
                f"{', '.join(s for s in wanted if s in counts)}. Add {' and '.join(missing)} programs to the sheet "
                "to apply there too."]
    # no `value`: the message names them, and "found ..." would read as if the sheet had them
    raise InputError(Problem(file=str(inputs.table.source), column="specialty",
                             message=f"your profile applies to {', '.join(missing)}, but the programs sheet has no "
                                     f"{' or '.join(missing)} programs. The sheet has: {has}. Add those programs "
                                     "to the sheet, or change applicant.specialties in the profile to specialties "
                                     "the sheet has."))


def make_limits(inputs: Inputs, candidates: list[Candidate], budget_usd: float | None = None,
                min_programs: int | None = None, max_programs: int | None = None,
                must: tuple[str, ...] = (), never: tuple[str, ...] = ()) -> tuple[Limits, list[str]]:
    """The limits of this run (profile goals, then the command's flags) and warnings about them."""
    warnings = check_specialties(inputs)
    must_ids = {c.program_id for c in candidates if c.program.apply == "must"} | _resolve(must, candidates, "--must")
    never_ids = {c.program_id for c in candidates if c.program.apply == "never"} | _resolve(never, candidates,
                                                                                            "--never")
    both = must_ids & never_ids
    if both:
        raise InputError(f"programs marked both must and never apply: {', '.join(sorted(both))}. Keep one.",
                         file="apply")
    by_id = {c.program_id: c for c in candidates}
    for pid in sorted(must_ids):
        if not by_id[pid].eligible:
            warnings.append(f"must-apply program {pid} ({by_id[pid].program.program}) is not open to you and is "
                            f"left out: {'; '.join(by_id[pid].reasons)}")
    must_ids = {pid for pid in must_ids if by_id[pid].eligible}
    limits = Limits.from_goals(inputs.profile.goals, inputs.fees, must_ids, never_ids, budget_usd=budget_usd,
                               min_programs=min_programs, max_programs=max_programs)
    if limits.min_programs > limits.max_programs:
        raise InputError(f"the minimum number of programs ({limits.min_programs}) is above the maximum "
                         f"({limits.max_programs}). Lower --min or raise --max.", file="--min/--max")
    if limits.budget_usd < 0:
        raise InputError(f"the budget is negative (${limits.budget_usd:,.0f}). Give a budget in US dollars.",
                         file="--budget")
    return limits, warnings


def check_feasible(candidates: list[Candidate], limits: Limits) -> None:
    """Raise InfeasibleError with every limit that cannot be met, before any solver runs."""
    reasons = explain_infeasible(candidates, limits)
    if reasons:
        raise_infeasible(candidates, limits, reasons)


def raise_infeasible(candidates: list[Candidate], limits: Limits, reasons: list[str]) -> None:
    """Raise InfeasibleError with the reasons and the changes that work (each checked by solving with it)."""
    fixes = suggest_fixes(candidates, limits)
    if fixes:
        reasons = [*reasons, *(f"what works (checked by solving again): {fix}" for fix in fixes)]
    else:
        reasons = [*reasons, "No single change to the budget, the minimum, the tier bands or the must-apply marks "
                             "is enough: add programs open to you to the sheet, or loosen several limits."]
    raise InfeasibleError(reasons)


@dataclass(frozen=True)
class Plan:
    """A solved list with everything a person reads about it."""

    solution: "Solution"
    objective: "Objective"
    outcomes: "Outcomes | None"
    binding: tuple[str, ...]  # limits the list presses against
    gain_per_100: float | None  # objective gained with $100 more budget (None when not computed)
    warnings: tuple[str, ...] = ()
    signal_report: "SignalReport | None" = None
    fees: "FeeSchedule | None" = None  # the schedule that priced the list (each program's own fee is read from it)
    robust: bool = False  # chosen for the low end of the P(match) range (see make_plan)

    @property
    def status(self) -> str:
        return self.solution.status


def require_list(plan: Plan) -> Plan:
    """The plan, when the solver found a list; InfeasibleError when it found none within its time limit (a report
    or a comparison needs a list)."""
    if plan.outcomes is None:
        raise InfeasibleError([f"{NO_LIST_IN_TIME}; narrow the count window or the programs sheet"])
    return plan


def match_curve(inputs: Inputs):
    """The match-by-ranks curves of this applicant (outcomes.MatchCurves): one per specialty applied to, for their
    applicant type; the order the specialties are written in does not matter."""
    applicant = inputs.profile.applicant
    return MatchCurves.load(applicant.applicant_type, applicant.specialties)


def solve_list(inputs: Inputs, budget_usd: float | None = None, min_programs: int | None = None,
               max_programs: int | None = None, objective: str | None = None, must: tuple[str, ...] = (),
               never: tuple[str, ...] = (), backend: str = "cpsat", time_limit: float | None = None,
               correlated: bool = False, candidates: list[Candidate] | None = None,
               robust: bool | None = None) -> tuple[Plan, Limits]:
    """`smartpick solve` as one call, for every door (CLI, web app): score (unless `candidates` are given), set the
    limits (profile goals, then the flags given), solve for the objective (default: the profile's) and explain. The
    payload is render.solve_payload(inputs, plan, limits)."""
    candidates = score(inputs) if candidates is None else candidates
    limits, warnings = make_limits(inputs, candidates, budget_usd, min_programs, max_programs, must, never)
    plan = make_plan(inputs, candidates, limits, objective or inputs.profile.goals.objective, backend, time_limit,
                     correlated, warnings=tuple(warnings),
                     robust=inputs.profile.goals.robust if robust is None else robust)
    return plan, limits


def run_frontier(inputs: Inputs, budgets: list[float], backend: str = "cpsat", progress=None,
                 candidates: list[Candidate] | None = None, limits: Limits | None = None,
                 robust: bool | None = None, objective: str | None = None):
    """`smartpick frontier` as one call: (the best list at each budget, warnings about the limits). The payload is
    render_more.frontier_payload(inputs, result). `candidates` and `limits` already made (the report's) are used as
    they are; otherwise the programs are scored and the profile's limits set. `objective` (default: the profile's
    goals.objective): expected interviews, one model solved at every budget; P(match) or P(at least K), each
    budget solved as `smartpick solve` would, with its proven bound and gap. `robust` (default: the profile's
    goals.robust): the robust list at each budget (make_plan)."""
    candidates = score(inputs) if candidates is None else candidates
    warnings: list[str] = []
    if limits is None:
        limits, warnings = make_limits(inputs, candidates)
    robust = inputs.profile.goals.robust if robust is None else robust
    goal = Objective.parse("match" if robust else (objective or inputs.profile.goals.objective))
    if goal.kind != "interviews":
        def plan_at(budget):
            try:
                return make_plan(inputs, candidates, replace(limits, budget_usd=budget), str(goal), backend,
                                 marginal=False, robust=robust)
            except InfeasibleError:
                return None
        return planned_frontier(budgets, plan_at, str(goal), robust, progress), warnings
    rules = signal_rules(inputs.profile.goals.season) if inputs.profile.goals.use_signals else {}
    result = compute_frontier(candidates, limits, budgets,
                              lambda chosen, applied: evaluate_list(inputs, chosen, applied), backend,
                              signal_rules=rules, progress=progress)
    return result, warnings


def evaluate_list(inputs: Inputs, chosen, applied_p=None, with_range: bool = True):
    """Outcomes of a list (interview distribution, P(at least k), P(match), both views); `with_range` False leaves
    out the P(match) range (the calibration's populations, which do not show it)."""
    curves = match_curve(inputs)
    p = applied_p if applied_p is not None else [c.p_interview for c in chosen]
    home = [c.region in ("home city", "home metro", "home state") for c in chosen]
    specialties = [c.program.specialty for c in chosen]
    outcomes = evaluate(p, curves, home=home, sigma=inputs.model.latent_sd or None, specialties=specialties)
    if inputs.model.correlated_headline:  # the calibrated model: what a profile does not show is allowed for
        outcomes = outcomes.correlated_headline()
    applicant = inputs.profile.applicant
    groups = population_p_match(applicant)
    group = groups[0] if groups else None
    low_high = (p_match_range(inputs.model, curves, applicant, chosen, p, outcomes.p_match,
                              match_year=int(inputs.profile.goals.season)) if with_range else None)
    return replace(outcomes, p_match_range=low_high,
                   population_p_match=group.p_match if group else None,
                   population_group=group.group if group else None,
                   population_source=group.source if group else None,
                   population_short_source=group.short_source if group else None,
                   population=tuple(g.as_dict() for g in groups))


def binding_limits(solution, limits: Limits) -> list[str]:
    """The limits the list presses against, in words."""
    out = []
    n = solution.count
    if n == limits.max_programs:
        out.append(f"the maximum of {limits.max_programs} programs")
    if n == limits.min_programs:
        out.append(f"the minimum of {limits.min_programs} programs")
    counts = specialty_counts(solution.chosen)
    left = limits.budget_usd - solution.cost.total_usd
    next_price = min((limits.fees.marginal_fee(k + 1) for k in counts.values()), default=0.0)
    if counts and left < next_price:
        out.append(f"the budget (${left:,.0f} left; the next program costs ${next_price:,.0f})")
    for tier in TIERS:
        k = sum(1 for c in solution.chosen if c.tier == tier)
        low, high = tier_bounds(n, limits.bands[tier])
        if k == low and low > 0:
            out.append(f"the {tier} minimum ({low} of {n})")
        if k == high:
            out.append(f"the {tier} maximum ({high} of {n})")
    return out


def make_plan(inputs: Inputs, candidates: list[Candidate], limits: Limits, objective: str = "interviews",
              backend: str = "cpsat", time_limit: float | None = None, correlated: bool = False,
              marginal: bool = True, warnings: tuple[str, ...] = (), with_range: bool = True,
              robust: bool = False) -> Plan:
    """Solve for the objective, evaluate the list and explain it. Raises InfeasibleError with the reasons.

    `robust`: the list whose P(match) holds up best if the model's figures are off: the highest low end of the
    P(match) range (uncertainty.p_match_range, the 10th percentile over the model's draws) among the lists the
    P(match) search finds; its objective is that low end, and its bound P(match)'s (no list's low end is above
    its own P(match))."""
    goal = Objective.parse("match" if robust else objective)
    check_feasible(candidates, limits)
    rules = signal_rules(inputs.profile.goals.season) if inputs.profile.goals.use_signals else {}
    check_fixed_signals(candidates, rules, inputs.table.source)
    gain = None
    report = None
    if goal.kind == "interviews":
        model = PortfolioModel(candidates, limits, backend, signal_rules=rules,
                               max_budget_usd=limits.budget_usd + (100 if marginal else 0))
        solution = model.solve(time_limit=time_limit)
        if marginal and solution.objective is not None:
            richer = model.solve(budget_usd=limits.budget_usd + 100, time_limit=time_limit, start_from=solution)
            if richer.objective is not None:
                gain = richer.objective - solution.objective
            if rules and solution.signals:
                report = explain_signals(candidates, limits, solution, rules, backend, time_limit)
    else:
        curve = match_curve(inputs)
        # the calibrated model reports the correlated view, so risk objectives optimize that view too
        sigma = inputs.model.latent_sd if (correlated or inputs.model.correlated_headline) else None
        rank = _low_end(inputs, curve) if robust else None
        solution = solve_risk(candidates, limits, goal, curve, sigma, backend, time_limit, rules, rank=rank)
    if solution.status == "infeasible":
        raise_infeasible(candidates, limits, ["the limits together cannot be met, although each can be alone."])
    if solution.status == "time_limit":
        return Plan(solution, goal, None, (), None, warnings, fees=limits.fees, robust=robust)
    outcomes = evaluate_list(inputs, solution.chosen, [solution.applied_p(c) for c in solution.chosen], with_range)
    warnings = tuple(warnings) + tuple(check_warnings(inputs, solution.chosen))
    return Plan(solution, goal, outcomes, tuple(binding_limits(solution, limits)), gain, warnings, report,
                limits.fees, robust)


def _low_end(inputs: Inputs, curves):
    """rank(chosen, applied_p, p_match) for solve_risk: the low end of the list's P(match) range, as shown."""
    def rank(chosen, applied_p, p_match):
        return p_match_range(inputs.model, curves, inputs.profile.applicant, chosen, applied_p, p_match,
                             match_year=int(inputs.profile.goals.season))[0]
    return rank


def check_warnings(inputs: Inputs, chosen, where: str = "on your list") -> list[str]:
    """What the programs `chosen` rest on that the applicant should check: an unknown visa policy (the chance is
    lowered), a city spelled close to the home city or a suburb (read as that place)."""
    out = []
    unknown = [c for c in chosen if VISA_UNKNOWN_CHECK in c.checks]
    if unknown:
        share = inputs.model.visa_unknown_factor(inputs.profile.applicant)
        several = len(unknown) > 1
        out.append(f"Visa unknown: check. The sheet does not know whether {len(unknown)} program"
                   f"{'s' if several else ''} {where} sponsor{'' if several else 's'} your visa "
                   f"({_listed([c.program.program for c in unknown])}); "
                   + (f"their chance is counted at {share:.0%} of what it would be (the share of programs that "
                      f"sponsor {inputs.profile.applicant.visa}). " if share < 1 else "")
                   + "Ask them, and write the answer in the sheet's visa column.")
    estimated = [c for c in chosen if c.unmet_estimates]
    if estimated:
        out.append(f"Estimated limits: check. {len(estimated)} program{'s' if len(estimated) > 1 else ''} {where} "
                   f"({_listed([c.program.program for c in estimated])}) may not take you by a limit whose value is "
                   "only an estimate in the data (visa, Step cutoff or years since graduation): the chance is "
                   "lowered, not zero. Check with each program; `smartpick score --json` lists them under checks.")
    cities = sorted({check for c in chosen for check in c.checks if check.startswith("city ")})
    if cities:
        out.append("Cities read as a near spelling of your home metro's: "
                   + _listed([check.removesuffix(": check") for check in cities])
                   + ". Check them, and correct the spelling in the sheet if a match is wrong.")
    return out


def _listed(items: list[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")
