"""Run what-if scenarios side by side: each scenario's profile is scored and solved like `smartpick solve`.

The job, for every door (CLI, web app, report): `load_scenario_files` (the files and the profile they change, every
problem listed) then `run_scenarios` (each solved on one sheet); `scenario_row` is one result's numbers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from optimizer import pipeline
from optimizer.errors import InputError, Problem, SmartPickError
from optimizer.inputs.portfolio_files import PortfolioRow, SavedPortfolio
from optimizer.inputs.profile import read_profile_data
from optimizer.inputs.profile_types import REGIONS
from optimizer.inputs.resources import DEMO_PROFILE, data_path, scenarios_dir
from optimizer.inputs.scenario_files import Scenario, ScenarioError, load_scenarios
from optimizer.model.scoring import TIERS
from optimizer.solver.constraints import mix


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    description: str
    file: str
    plan: object | None  # pipeline.Plan, None when the scenario could not be solved
    limits: object | None
    inputs: object | None
    error: str | None = None


def load_scenario_files(paths=(), profile_path: str | Path | None = None, profile_text: str | None = None
                        ) -> tuple[list[Scenario], list[ScenarioError]]:
    """The scenarios of `paths` (files, or folders of .toml files; none: the bundled examples), each a change to
    the profile at `profile_path` (None: the bundled example; `profile_text`: its contents, already in memory),
    and every problem found in them (a scenario that does not apply is a note, `not_applicable`)."""
    profile_path = profile_path or data_path(DEMO_PROFILE)
    base = read_profile_data(profile_path, profile_text)
    return load_scenarios(list(paths) or [scenarios_dir()], base, str(profile_path))


def run_scenarios(table, scenarios, model, use_signals: bool = True, backend: str = "cpsat",
                  time_limit: float | None = None, progress=None, robust: bool = False) -> list[ScenarioResult]:
    """Solve each scenario on the same sheet. An infeasible scenario is a result with its explanation, not a
    crash; `progress(i, name)` is called before each one (the CLI draws a progress bar). `robust` (or a
    scenario's own goals.robust) asks for the robust list (pipeline.make_plan)."""
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


def scenario_portfolio(path: Path, inputs, profile_path: str | Path, use_signals: bool = True) -> SavedPortfolio:
    """The list `smartpick scenarios run` chooses for the scenario file at `path` (on the profile at
    `profile_path` and the sheet of `inputs`), as a saved list for `smartpick compare`. Raises InputError when the
    scenario is broken or has no list."""
    found, errors = load_scenario_files([path], profile_path)
    if errors:
        raise InputError([Problem(file=e.file, column=e.key, message=e.message) for e in errors])
    result = run_scenarios(inputs.table, found, inputs.model, use_signals)[0]
    if result.plan is None or not result.plan.solution.chosen:
        reason = result.error or pipeline.NO_LIST_IN_TIME
        raise InputError(f"the scenario '{result.name}' gives no list to compare: {reason}", file=str(path))
    solution = result.plan.solution
    rows = tuple(PortfolioRow(row=i, program_id=c.program_id, program=c.program.program,
                              signal=solution.signals.get(c.program_id))
                 for i, c in enumerate(solution.chosen, start=1))
    return SavedPortfolio(name=path.stem, file=str(path), rows=rows, row_word="item", has_signals=True,
                          source=f"the list scenario '{result.name}' chooses")
