"""The budget frontier: the best list at each budget, and where one more dollar stops buying interviews.

It is a loop over the budget on one model (PyPortfolioOpt's pattern), reusing work between points:
- budgets below the cheapest possible list are infeasible without a solve (diagnose.cheapest_costs);
- the list that is best at the highest budget costs some amount C; at every budget from C up it is still the
  best (it is feasible there and nothing better exists at a higher budget), so those points need no solve;
- the model keeps only the programs a list affordable at the highest budget can hold;
- the rest move the budget row of one model, which CP-SAT solves from scratch each time, size by size when
  that is faster (PortfolioModel.solve), so every point is the proven optimum a fresh `solve` finds there.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.solver.constraints import Limits
from optimizer.solver.diagnose import cheapest_costs
from optimizer.solver.optimize import PortfolioModel

# Diminishing returns: $100 more adds less than this to the chance of matching (0.2 percentage points: each further
# match would cost more than $50,000 in fees). A judgement, not a fact: with chances of a few percent an application,
# the chance of matching keeps rising with every program, so a rule in interviews stopped far too early.
FLAT_BELOW_PER_100 = 0.002


@dataclass(frozen=True)
class FrontierPoint:
    budget: float
    status: str
    objective: float | None
    expected_interviews: float | None
    p_match: float | None
    p_at_least_5: float | None
    count: int
    cost: float | None
    gain_per_100: float | None  # objective gained per $100 since the previous point
    p_match_range: tuple[float, float] | None = None  # 10th-90th percentile over the model's uncertainty
    bound: float | None = None  # for P(match) and P(at least K): no list at this budget does better (proven)
    gap: float | None = None  # bound - objective


@dataclass(frozen=True)
class Frontier:
    points: tuple[FrontierPoint, ...]
    diminishing_at: float | None  # the budget after which each $100 adds less than FLAT_BELOW_PER_100 to P(match)
    rule: str
    robust: bool = False  # each point the robust list at its budget (planned_frontier)
    objective: str = "interviews"  # what each point's list maximizes: interviews, match or at-least:K


RULE = ("the smallest budget from which each further $100 adds less than {:g} percentage points to the chance of "
        "matching, at every later point")


def compute_frontier(candidates, limits: Limits, budgets: list[float], evaluate, backend: str = "cpsat",
                     time_limit: float | None = None, signal_rules: dict | None = None,
                     progress=None) -> Frontier:
    """The best list (and signals) at each budget, for the expected-interviews objective.
    `evaluate(chosen, applied_p)` gives a list's Outcomes; `progress(done, budget)`, if given, is called after each
    budget (for a progress bar)."""
    highest = max(budgets)
    model = PortfolioModel(candidates, limits, backend, signal_rules=signal_rules, max_budget_usd=highest)
    at_highest = model.solve(budget_usd=highest, time_limit=time_limit)
    n_min = min(limits.min_programs, sum(1 for c in candidates if c.eligible and c.program_id not in limits.never))
    floor, _ = cheapest_costs(candidates, limits, n_min).get(n_min, (float("inf"), {}))
    points, outcomes_cache, previous, last_solution = [], {}, None, None
    for done, budget in enumerate(sorted(budgets)):
        if progress is not None:
            progress(done, f"${budget:,.0f}")
        if budget + 1e-9 < floor:
            solution = None
            status = "infeasible"
        elif at_highest.status == "optimal" and budget >= at_highest.cost.total_usd:
            solution = at_highest
            status = solution.status
        else:
            # the best list at the previous (lower) budget is still allowed here: start the search from it
            solution = model.solve(budget_usd=budget, time_limit=time_limit, start_from=last_solution)
            status = solution.status
            last_solution = solution if solution.values is not None else last_solution
        if solution is None or not solution.chosen:
            points.append(FrontierPoint(budget, status, None, None, None, None, 0, None, None))
            continue
        key = tuple((c.program_id, solution.signals.get(c.program_id)) for c in solution.chosen)
        if key not in outcomes_cache:
            outcomes_cache[key] = evaluate(solution.chosen, [solution.applied_p(c) for c in solution.chosen])
        o = outcomes_cache[key]
        gain = None
        if previous is not None and previous.objective is not None and budget > previous.budget:
            gain = (solution.objective - previous.objective) / (budget - previous.budget) * 100
        point = FrontierPoint(budget, status, solution.objective, o.expected_interviews, o.p_match,
                              o.p_at_least[5], solution.count, solution.cost.total_usd, gain, o.p_match_range)
        points.append(point)
        previous = point
    return Frontier(tuple(points), _diminishing(points), rule=RULE.format(100 * FLAT_BELOW_PER_100))


def planned_frontier(budgets: list[float], plan_at, objective: str = "match", robust: bool = False,
                     progress=None) -> Frontier:
    """The best list for a risk objective (P(match), P(at least K)) or the robust list at each budget, each solved
    afresh: `plan_at(budget)` is that budget's pipeline.Plan, or None when no list meets the limits there. Each
    point's objective is its list's P(match) or P(at least K) (robust: the low end of its P(match) range), with
    the proven bound and gap of its solve."""
    points, previous = [], None
    for done, budget in enumerate(sorted(budgets)):
        if progress is not None:
            progress(done, f"${budget:,.0f}")
        plan = plan_at(budget)
        if plan is None or plan.outcomes is None or not plan.solution.chosen:
            points.append(FrontierPoint(budget, "infeasible" if plan is None else plan.status, None, None, None,
                                        None, 0, None, None))
            continue
        s, o = plan.solution, plan.outcomes
        gain = None
        if previous is not None and budget > previous.budget:
            gain = (s.objective - previous.objective) / (budget - previous.budget) * 100
        point = FrontierPoint(budget, s.status, s.objective, o.expected_interviews, o.p_match, o.p_at_least[5],
                              s.count, s.cost.total_usd, gain, o.p_match_range, s.bound, s.gap)
        points.append(point)
        previous = point
    return Frontier(tuple(points), _diminishing(points), rule=RULE.format(100 * FLAT_BELOW_PER_100), robust=robust,
                    objective="match" if robust else objective)


def _diminishing(points) -> float | None:
    solved = [p for p in points if p.objective is not None and p.p_match is not None]
    gains = [None] + [(b.p_match - a.p_match) / (b.budget - a.budget) * 100 if b.budget > a.budget else None
                      for a, b in zip(solved, solved[1:])]
    for i, point in enumerate(solved):
        later = [g for g in gains[i + 1:] if g is not None]
        if later and all(g < FLAT_BELOW_PER_100 for g in later):
            return point.budget
    return None
