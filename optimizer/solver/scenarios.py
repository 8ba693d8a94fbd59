"""Run what-if scenarios side by side: each scenario's profile is scored and solved like `smartpick solve`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from optimizer.errors import SmartPickError


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    description: str
    file: str
    plan: object | None  # pipeline.Plan, None when the scenario could not be solved
    limits: object | None
    inputs: object | None
    error: str | None = None


def run_scenarios(table, scenarios, model, use_signals: bool = True, backend: str = "cpsat",
                  time_limit: float | None = None, progress=None, robust: bool = False) -> list[ScenarioResult]:
    """Solve each scenario on the same sheet. An infeasible scenario is a result with its explanation, not a
    crash; `progress(i, name)` is called before each one (the CLI draws a progress bar). `robust` (or a
    scenario's own goals.robust) asks for the robust list (pipeline.make_plan)."""
    from optimizer import pipeline

    results = []
    for i, scenario in enumerate(scenarios):
        if progress:
            progress(i, scenario.name)
        profile = scenario.profile
        if not use_signals:
            profile = replace(profile, goals=replace(profile.goals, use_signals=False))
        try:
            inputs = pipeline.inputs_for(table, profile, model)
            candidates = pipeline.score(inputs)
            limits, warnings = pipeline.make_limits(inputs, candidates)
            plan = pipeline.make_plan(inputs, candidates, limits, profile.goals.objective, backend, time_limit,
                                      marginal=False, warnings=tuple(warnings),
                                      robust=robust or profile.goals.robust)
            results.append(ScenarioResult(scenario.name, scenario.description, scenario.file, plan, limits, inputs))
        except SmartPickError as error:
            results.append(ScenarioResult(scenario.name, scenario.description, scenario.file, None, None, None,
                                          str(error)))
    return results


def scenario_row(result: ScenarioResult) -> dict:
    """One scenario's numbers, for JSON, files and the side-by-side table (unrounded)."""
    from optimizer.solver.constraints import mix
    from optimizer.inputs.profile_types import REGIONS
    from optimizer.model.scoring import TIERS

    row = {"name": result.name, "description": result.description, "file": result.file}
    if result.plan is None:
        row.update(status="infeasible", error=result.error, cost=None, count=0, objective=None,
                   expected_interviews=None, p_at_least_5=None, p_match=None, robust=None)
        return row
    s, o = result.plan.solution, result.plan.outcomes
    home_state = result.inputs.metro.state
    row.update(
        status=s.status, objective_kind=str(result.plan.objective), robust=result.plan.robust,
        objective=s.objective, bound=s.bound, gap=s.gap,
        cost=s.cost.total_usd if s.cost else None, budget=s.budget_usd, count=s.count,
        expected_interviews=o.expected_interviews if o else None, p_at_least_5=o.p_at_least[5] if o else None,
        p_match=o.p_match if o else None, p_match_range=list(o.p_match_range) if o and o.p_match_range else None,
        population_p_match=o.population_p_match if o else None, tier_mix=mix(s.chosen, "tier", TIERS),
        region_mix=mix(s.chosen, "region", REGIONS), home_state=home_state,
        home_state_count=sum(1 for c in s.chosen if c.program.state == home_state),
        signals=len(s.signals),
    )
    return row
