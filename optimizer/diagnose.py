"""Explain, in words and numbers, why no list meets the limits: which limit fails and the least it would take."""

from __future__ import annotations

from optimizer.constraints import Limits, group_of, specialty_counts, tier_bounds
from optimizer.scoring import TIERS, Candidate


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


def explain_infeasible(candidates: list[Candidate], limits: Limits) -> list[str]:
    """Every limit that cannot be met, each as a sentence with the numbers; empty if none is found alone."""
    reasons = []
    pool = [c for c in candidates if c.eligible and c.program_id not in limits.never]
    must = [c for c in pool if c.program_id in limits.must]
    n_pool = len(pool)
    if n_pool < limits.min_programs:
        ineligible = sum(1 for c in candidates if not c.eligible)
        reasons.append(f"only {n_pool} program{'s are' if n_pool != 1 else ' is'} open to you ({ineligible} of "
                       f"{len(candidates)} are excluded by "
                       f"specialty, visa, cutoffs or graduation year); the minimum is {limits.min_programs}. "
                       f"Lower min_programs to {n_pool} or add programs to the sheet.")
    if len(must) > limits.max_programs:
        reasons.append(f"{len(must)} must-apply programs, more than the maximum of {limits.max_programs}")

    n_min = min(limits.min_programs, n_pool)
    costs = cheapest_costs(candidates, limits, n_min)
    cost, mix = costs.get(n_min, (float("inf"), {}))
    if n_min and cost > limits.budget_usd + 1e-9:
        affordable = max((n for n, (c, _) in costs.items() if n < n_min and c <= limits.budget_usd + 1e-9),
                         default=0)
        reasons.append(f"{_describe_mix(n_min, mix)} cost at least {_money(cost)} with the "
                       f"{_money(limits.fees.transcript_usd)} transcript fee; the budget is "
                       f"{_money(limits.budget_usd)}. Raise the budget by {_money(cost - limits.budget_usd)}, "
                       f"or lower the minimum to {affordable} programs (the most this budget buys).")

    tier_pool = {t: sum(1 for c in pool if c.tier == t) for t in TIERS}
    unlimited = {t: limits.max_programs for t in TIERS}
    window = range(limits.min_programs, limits.max_programs + 1)
    if not any(_tiers_fit(n, unlimited, limits) for n in window):
        smallest = next((n for n in range(limits.max_programs + 1, 1000) if _tiers_fit(n, {t: n for t in TIERS},
                                                                                        limits)), None)
        bands = ", ".join(f"{limits.bands[t][0]:.0%}-{limits.bands[t][1]:.0%} {t}" for t in TIERS)
        reasons.append(f"no list of {limits.min_programs} to {limits.max_programs} programs can hold {bands} in whole "
                       "programs" + (f"; the smallest list that can has {smallest} programs" if smallest else "")
                       + ". Raise the count window or widen the bands in [goals.tiers].")
    elif not any(_tiers_fit(n, tier_pool, limits) for n in window):
        n = limits.min_programs
        short = []
        for t in TIERS:
            low, high = tier_bounds(n, limits.bands[t])
            short.append(f"{t} {tier_pool[t]} open to you, a list of {n} needs {low}-{high}")
        reasons.append("the tier bands cannot be met: " + "; ".join(short) +
                       ". Widen the bands in [goals.tiers] or add programs.")

    for attribute, lows, highs in limits.group_limits():
        for group, low in sorted(lows.items()):
            have = sum(1 for c in pool if group_of(c, attribute) == group)
            if have < low:
                reasons.append(f"at least {low} programs in {group} were asked for; only {have} there are open "
                               "to you")
        for group, high in sorted(highs.items()):
            forced = sum(1 for c in must if group_of(c, attribute) == group)
            if forced > high:
                reasons.append(f"{forced} must-apply programs in {group}, above its maximum of {high}")
    if limits.min_programs > limits.max_programs:
        reasons.append(f"the minimum ({limits.min_programs}) is above the maximum ({limits.max_programs})")
    if reasons:
        n = limits.min_programs
        needs = ", ".join(f"{t} " + ("{}-{}".format(*tier_bounds(n, limits.bands[t]))
                                     if tier_bounds(n, limits.bands[t])[0] <= tier_bounds(n, limits.bands[t])[1]
                                     else "no whole number") for t in TIERS)
        reasons.append("for reference, programs open to you by tier: " +
                       ", ".join(f"{t} {tier_pool[t]}" for t in TIERS) + f"; a list of {n} needs {needs}")
    return reasons


def _tiers_fit(n: int, tier_pool: dict[str, int], limits: Limits) -> bool:
    lows, highs = zip(*(tier_bounds(n, limits.bands[t]) for t in TIERS))
    caps = [min(h, tier_pool[t]) for h, t in zip(highs, TIERS)]
    return all(lo <= cap for lo, cap in zip(lows, caps)) and sum(lows) <= n <= sum(caps)
