"""Explain, in words and numbers, why no list meets the limits: which limit fails, and changes that work (each
checked by solving with it before it is suggested)."""

from __future__ import annotations

import math
from dataclasses import replace

from optimizer.solver.constraints import Limits, group_of, list_cost, specialty_counts, tier_bounds
from optimizer.model.scoring import TIERS, Candidate
from optimizer.solver.optimize import PortfolioModel


def _money(usd: float) -> str:
    return f"${usd:,.0f}"


def cheapest_costs(candidates: list[Candidate], limits: Limits, n_max: int) -> dict[int, tuple[float, dict]]:
    """For each list size n <= n_max that the open programs allow: the least it can cost (ERAS fees + transcript)
    and the mix of specialties that costs it, taking at least the must-apply programs of each specialty."""
    pool = [c for c in candidates if c.eligible and c.program_id not in limits.never]
    available = specialty_counts(pool)
    required = specialty_counts([c for c in pool if c.program_id in limits.must])
    fees = limits.fees
    best = {0: (0.0, {})}  # programs so far -> (cost, mix)
    for specialty in sorted(available):
        nxt: dict[int, tuple[float, dict]] = {}
        for k, (cost, mix) in best.items():
            for take in range(required.get(specialty, 0), min(available[specialty], n_max - k) + 1):
                total = cost + fees.specialty_fee(take)
                if k + take not in nxt or total < nxt[k + take][0]:
                    nxt[k + take] = (total, {**mix, specialty: take} if take else mix)
        best = nxt
    return {n: (cost + (fees.transcript_usd if n else 0.0), mix) for n, (cost, mix) in best.items()}


def _describe_mix(n: int, mix: dict[str, int]) -> str:
    if len(mix) == 1:
        return f"{n} {next(iter(mix))} programs"
    return f"{n} programs ({', '.join(f'{s} {k}' for s, k in sorted(mix.items()))})"


def _names(candidates, limit: int = 5) -> str:
    """'Mercy Hospital (row 4), Lakeview (row 7) and 3 more'."""
    shown = [c.program.program + (f" (row {c.program.row})" if getattr(c.program, "row", 0) else "")
             for c in candidates[:limit]]
    more = len(candidates) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _needs(n: int, band: tuple[float, float]) -> str:
    low, high = tier_bounds(n, band)
    return f"{low}-{high}" if low <= high else "no whole number of programs"


def explain_infeasible(candidates: list[Candidate], limits: Limits) -> list[str]:
    """Every limit that cannot be met, each as a sentence with the numbers; empty if none is found alone.
    These are checks that need no solver; `suggest_fixes` finds the changes that work."""
    reasons = []
    pool = [c for c in candidates if c.eligible and c.program_id not in limits.never]
    must = [c for c in pool if c.program_id in limits.must]
    n_pool = len(pool)
    if n_pool < limits.min_programs:
        ineligible = sum(1 for c in candidates if not c.eligible)
        reasons.append(f"only {n_pool} program{'s are' if n_pool != 1 else ' is'} open to you ({ineligible} of "
                       f"{len(candidates)} are excluded by specialty, visa, cutoffs or graduation year); the "
                       f"minimum is {limits.min_programs}.")
    if len(must) > limits.max_programs:
        reasons.append(f"{len(must)} programs are marked must apply ({_names(must)}), more than the maximum of "
                       f"{limits.max_programs}.")
    if must:
        must_cost = list_cost(must, limits.fees).total_usd
        if must_cost > limits.budget_usd + 1e-9:
            reasons.append(f"the {len(must)} programs marked must apply ({_names(must)}) alone cost "
                           f"{_money(must_cost)}, above the budget of {_money(limits.budget_usd)}.")
        for t in TIERS:
            forced = [c for c in must if c.tier == t]
            most = tier_bounds(limits.max_programs, limits.bands[t])[1]
            if len(forced) > most:
                reasons.append(f"{len(forced)} programs marked must apply are {t} programs ({_names(forced)}); "
                               f"a list of at most {limits.max_programs} may hold {most} {t} programs "
                               f"({limits.bands[t][1]:.0%} of the list).")

    n_min = min(limits.min_programs, n_pool)
    costs = cheapest_costs(candidates, limits, n_min)
    if n_min and n_min in costs and costs[n_min][0] > limits.budget_usd + 1e-9:
        cost, mix = costs[n_min]
        reasons.append(f"{_describe_mix(n_min, mix)} cost at least {_money(cost)} with the "
                       f"{_money(limits.fees.transcript_usd)} transcript fee; the budget is "
                       f"{_money(limits.budget_usd)} (your minimum is {limits.min_programs} programs).")

    tier_pool = {t: sum(1 for c in pool if c.tier == t) for t in TIERS}
    unlimited = {t: limits.max_programs for t in TIERS}
    window = range(limits.min_programs, limits.max_programs + 1)
    if not any(_tiers_fit(n, unlimited, limits) for n in window):
        smallest = next((n for n in range(limits.max_programs + 1, 1000) if _tiers_fit(n, {t: n for t in TIERS},
                                                                                        limits)), None)
        bands = ", ".join(f"{limits.bands[t][0]:.0%}-{limits.bands[t][1]:.0%} {t}" for t in TIERS)
        reasons.append(f"the tier bands: no list of {limits.min_programs} to {limits.max_programs} programs can hold "
                       f"{bands} in whole programs"
                       + (f"; the smallest list that can has {smallest} programs" if smallest else "") + ".")
    elif not any(_tiers_fit(n, tier_pool, limits) for n in window):
        n = next(n for n in window if _tiers_fit(n, unlimited, limits))  # the smallest list the bands allow
        short = [f"{tier_pool[t]} {t} open to you, a list of {n} needs {_needs(n, limits.bands[t])}" for t in TIERS
                 if tier_pool[t] < tier_bounds(n, limits.bands[t])[0]] or \
                [f"{tier_pool[t]} {t} open to you, a list of {n} needs {_needs(n, limits.bands[t])}" for t in TIERS]
        reasons.append("the tier bands cannot be met: " + "; ".join(short) + ".")

    for attribute, lows, highs in limits.group_limits():
        for group, low in sorted(lows.items()):
            have = sum(1 for c in pool if group_of(c, attribute) == group)
            if have < low:
                reasons.append(f"at least {low} programs in {group} were asked for (min_per_{attribute}); only "
                               f"{have} there {'is' if have == 1 else 'are'} open to you.")
        for group, high in sorted(highs.items()):
            forced = [c for c in must if group_of(c, attribute) == group]
            if len(forced) > high:
                reasons.append(f"{len(forced)} programs marked must apply are in {group} ({_names(forced)}), above "
                               f"its maximum of {high} (max_per_{attribute}).")
    if limits.min_programs > limits.max_programs:
        reasons.append(f"the minimum ({limits.min_programs}) is above the maximum ({limits.max_programs}).")
    return reasons


# --- what would work, checked by solving --------------------------------------------------------------------

CHECK_SECONDS = 10.0  # each check is a feasibility solve; one that takes longer is not suggested


def _works(candidates, limits: Limits, budget_usd: float | None = None):
    """The best list under these limits (at `budget_usd`), or None when there is none (or none found in time)."""
    solution = PortfolioModel(candidates, limits).solve(budget_usd=budget_usd, time_limit=CHECK_SECONDS)
    return solution if solution.status in ("optimal", "feasible") and solution.chosen else None


def suggest_fixes(candidates: list[Candidate], limits: Limits) -> list[str]:
    """Changes that each, alone, make a list possible, every one checked by solving with it: the budget, the
    minimum count, the tier bands, the programs marked must apply, the per-state/region/specialty minimums."""
    fixes = []
    rich = replace(limits, budget_usd=1e9)
    richest = _works(candidates, rich)
    if richest is not None:
        low, high = int(limits.budget_usd), int(richest.cost.total_usd + 0.5)
        while low + 1 < high:  # the cheapest budget that works: a list exists at `high`, none at `low`
            middle = (low + high) // 2
            if _works(candidates, replace(limits, budget_usd=middle)) is not None:
                high = middle
            else:
                low = middle
        fixes.append(f"raise the budget to {_money(high)} (budget_usd = {high} in the profile or scenario, or "
                     f"--budget {high}).")
    if limits.min_programs > 1:
        low, high = 0, limits.min_programs  # no list with the minimum at `high`; try lower minimums
        while low + 1 < high:
            middle = (low + high) // 2
            if _works(candidates, replace(limits, min_programs=middle)) is not None:
                low = middle
            else:
                high = middle
        if low >= 1:
            fixes.append(f"lower the minimum to {low} program{'s' if low > 1 else ''} (min_programs = {low} in the "
                         f"profile or scenario, or --min {low}); more than that cannot be had within your other "
                         "limits.")
    open_bands = replace(limits, bands={t: (0.0, 1.0) for t in TIERS})
    free = _works(candidates, open_bands)
    if free is not None and limits.bands != open_bands.bands:
        bands = _widened_bands(limits, free)
        if _works(candidates, replace(limits, bands=bands)) is not None:
            text = ", ".join(f"{t} = [{bands[t][0]:.2f}, {bands[t][1]:.2f}]" for t in TIERS
                             if bands[t] != limits.bands[t])
            fixes.append(f"widen the tier bands in [goals.tiers] of the profile or scenario: {text}.")
    if limits.must and _works(candidates, replace(limits, must=frozenset())) is not None:
        must = [c for c in candidates if c.program_id in limits.must]
        fixes.append(f"mark fewer programs as must apply: with none marked, a list exists. Marked now: "
                     f"{_names(must)} (the sheet's Apply column, or --must).")
    minimums = {"min_per_region": {}, "min_per_state": {}, "min_per_specialty": {}}
    if any(getattr(limits, key) for key in minimums) and _works(candidates, replace(limits, **minimums)):
        asked = "; ".join(f"{key} {dict(getattr(limits, key))}" for key in minimums if getattr(limits, key))
        fixes.append(f"lower the per-group minimums in your profile ({asked}): without them, a list exists.")
    return fixes


def _widened_bands(limits: Limits, solution) -> dict[str, tuple[float, float]]:
    """Each tier's band widened (to the nearest 5%) just enough to hold the tier mix of `solution`."""
    n = max(1, solution.count)
    bands = {}
    for t in TIERS:
        share = sum(1 for c in solution.chosen if c.tier == t) / n
        low, high = limits.bands[t]
        bands[t] = (min(low, math.floor(share * 20) / 20), max(high, math.ceil(share * 20) / 20))
    return bands


def _tiers_fit(n: int, tier_pool: dict[str, int], limits: Limits) -> bool:
    lows, highs = zip(*(tier_bounds(n, limits.bands[t]) for t in TIERS))
    caps = [min(h, tier_pool[t]) for h, t in zip(highs, TIERS)]
    return all(lo <= cap for lo, cap in zip(lows, caps)) and sum(lows) <= n <= sum(caps)
