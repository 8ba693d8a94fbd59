"""Choose the application list: maximize the sum of weight x probability under the count window, tier bands,
budget and optional limits per region, state and specialty.

Model (data -> model -> variables -> constraints -> objective -> solve -> read):
- Programs that share every constraint's coefficients (same specialty, tier and, when a limit names it, region
  or state) compete only on their value, so within such a class the best list takes them in order of value.
  Each class keeps at most as many candidates as its tier band allows in the longest list (the longest the
  largest budget affords, when the model is told it), chained x[k] >= x[k+1]: a model of a few hundred
  variables instead of thousands, with the same optimum.
- The ERAS fee of a specialty is convex after its first block (prices never fall with the count), so linear
  segments price it exactly; a flat first block is one yes/no variable per specialty.
- Solved (PortfolioModel.solve) by one of two exact paths: in the usual case the problem is a network once the
  list size is fixed, and network.SizeNetwork solves sizes as linear programs (GLOP), bounding the others by
  duality; otherwise CP-SAT, size by size when that is faster (_solve_size_by_size).
Ties in value are broken by program_id (the sort order), and CP-SAT runs on one worker with a fixed seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from optimizer.solver.constraints import Limits, group_of, list_cost, tier_bounds
from optimizer.model.fees import Cost
from optimizer.solver.linear import BACKENDS, LinearModel, RawSolution
from optimizer.model.scoring import TIERS, Candidate
from optimizer.model.signals import SignalSetup
from optimizer.inputs.duplicates import near_duplicates
from optimizer.solver.network import SizeNetwork, network_ready

SHARE_SCALE = 1000  # tier shares are written as integers per thousand
# deterministic time of the first pass over the whole model, before the size search (see _solve_size_by_size);
# measured on 19-21-budget sweeps of the bundled data and a 10,000-program sheet
FIRST_EFFORT = 1.0
FIRST_EFFORT_SIGNALS = 0.1
PROOF_EFFORT = 0.5  # deterministic time of the first try to prove that no shorter list is better (see solve)


@dataclass(frozen=True)
class Solution:
    """An application list and how it was found."""

    status: str  # optimal, feasible, infeasible, time_limit
    chosen: tuple[Candidate, ...]  # in order of weighted probability, highest first
    objective: float | None  # sum of weight x probability
    bound: float | None  # proven upper bound on the objective
    gap: float | None  # bound - objective (0 when optimal; None when the backend cannot say)
    cost: Cost | None
    budget_usd: float
    backend: str
    seconds: float
    signals: dict[str, str] = field(default_factory=dict)  # program_id -> signal kind
    values: tuple[int, ...] | None = field(default=None, repr=False, compare=False)  # the model's variables

    @property
    def count(self) -> int:
        return len(self.chosen)

    def applied_p(self, c: Candidate) -> float:
        """The program's interview chance as this list applies it (with its signal, if any)."""
        return c.p_with(self.signals.get(c.program_id))


def default_value(c: Candidate, kind: str | None) -> float:
    """Weight x probability, with the signal's probability when the program is signaled."""
    return c.weight * c.p_with(kind)


def class_key(c: Candidate, limits: Limits) -> tuple:
    """Programs with the same key share every constraint coefficient: specialty (fees), tier, and the region or
    state when a limit names it."""
    key = [c.program.specialty, c.tier]
    for attribute, lows, highs in limits.group_limits():
        group = group_of(c, attribute)
        key.append(group if (group in lows or group in highs) else "*")
    return tuple(key)


class PortfolioModel:
    """The model for one applicant, sheet and set of limits: build once, solve at one or many budgets."""

    def __init__(self, candidates: list[Candidate], limits: Limits, backend: str = "cpsat",
                 value: Callable[[Candidate, str | None], float] | None = None,
                 signal_rules: dict | None = None, max_budget_usd: float | None = None):
        """`value(candidate, signal kind or None)` is what the objective sums for a chosen program (default:
        weight x probability, with the signal's probability when signaled). `signal_rules` (specialty ->
        signals.SignalRule) turns on the joint choice of signals; None or {} leaves signals out.
        `max_budget_usd`, the largest budget the model will be solved at (None: any), lets each class keep only
        as many programs as a list affordable at that budget can hold: a smaller model, solved much faster."""
        self.limits = limits
        self.max_budget_usd = max_budget_usd
        self.backend_name = backend
        self.value = value or default_value
        self.value_of = {c.program_id: self.value(c, None) for c in candidates}
        self.signals = SignalSetup(signal_rules or {}, candidates)
        pool = [c for c in candidates if c.eligible and c.program_id not in limits.never]
        self.longest = limits.max_programs if max_budget_usd is None else longest_affordable(pool, limits,
                                                                                              max_budget_usd)
        forced = limits.must | self.signals.fixed_ids()
        self.must = [c for c in pool if c.program_id in forced]
        self.classes = self._classes([c for c in pool if c.program_id not in forced])
        self.model = LinearModel()
        self.items: list[tuple[int, Candidate]] = []  # (variable, candidate)
        self.signal_vars: list[tuple[int, Candidate, str]] = []  # (variable, program, kind)
        self.duplicate_pairs: list[tuple] = []  # (program, program): one program written twice, one signal at most
        self._cheapest: list[float] | None = None  # every program position's price, cheapest first (when needed)
        self._build()
        self._backend = None  # built on first use: the network path below seldom needs it

        # the exact network path (optimizer/solver/network.py) when the problem has its shape, with CP-SAT
        self.network = SizeNetwork(self) if backend == "cpsat" and network_ready(self) else None

    # -- data ---------------------------------------------------------------------------------------------
    def _classes(self, pool: list[Candidate]) -> dict[tuple, list[Candidate]]:
        classes: dict[tuple, list[Candidate]] = {}
        for c in pool:
            classes.setdefault(class_key(c, self.limits), []).append(c)
        out = {}
        for key, members in sorted(classes.items(), key=lambda kv: tuple(map(str, kv[0]))):
            # a class never holds more programs than its tier's band allows in the longest affordable list, nor
            # more than its specialty's fee allows within the largest budget
            keep = tier_bounds(self.longest, self.limits.bands[key[1]])[1]
            if self.max_budget_usd is not None:
                keep = min(keep, _most_of_one_specialty(self.limits, self.max_budget_usd))
            by_value = sorted(members, key=lambda c: (-self.value_of[c.program_id], c.program_id))
            kept = by_value[:keep]
            # a signaled program may come from further down: keep the best by each signaled value too
            for kind, extra in self.signals.kinds_in(members):
                ranked = sorted(members, key=lambda c: (-self.value(c, kind) if kind in dict(c.p_with_signal)
                                                        else float("inf"), c.program_id))
                kept += ranked[:keep + extra]
            chosen_ids = {c.program_id for c in kept}
            out[key] = [c for c in by_value if c.program_id in chosen_ids]
        return out

    # -- variables and constraints -------------------------------------------------------------------------
    def _build(self) -> None:
        m, limits = self.model, self.limits
        for c in self.must:
            self.items.append((m.var(f"must {c.program_id}", 1, 1, self.value_of[c.program_id]), c))
        chains = []
        for key, members in self.classes.items():
            chain = []
            for c in members:
                x = m.var(f"apply {c.program_id}", 0, 1, self.value_of[c.program_id])
                self.items.append((x, c))
                chain.append(x)
            chains.append((key, chain))
        self._add_signals()
        signaled: dict[int, dict[int, int]] = {}
        x_of = {c.program_id: x for x, c in self.items}
        for s, c, _kind in self.signal_vars:
            signaled.setdefault(x_of[c.program_id], {})[s] = 1
        # within a class, programs listed without a signal are taken in order of value: if a program is listed
        # unsignaled, the one before it is listed too (a signaled program may sit anywhere)
        for key, chain in chains:
            for previous, x in zip(chain, chain[1:]):
                m.row(f"order {key}", {previous: 1, x: -1, **signaled.get(x, {})}, lo=0)
        all_x = {x: 1 for x, _ in self.items}
        self.count_var = m.var("number of programs", 0, self.longest)
        # the list holds between min_programs and max_programs programs
        m.row("count", {**all_x, self.count_var: -1}, lo=0, hi=0)
        m.row("count window", {self.count_var: 1}, lo=limits.min_programs, hi=limits.max_programs)
        # each tier's share of the list stays within its band
        for tier in TIERS:
            lo, hi = limits.bands[tier]
            in_tier = {x: SHARE_SCALE for x, c in self.items if c.tier == tier}
            m.row(f"{tier} at least {lo:.0%}", {**in_tier, self.count_var: -round(lo * SHARE_SCALE)}, lo=0)
            m.row(f"{tier} at most {hi:.0%}", {**in_tier, self.count_var: -round(hi * SHARE_SCALE)}, hi=0)
        # optional counts per region, state and specialty
        for attribute, lows, highs in limits.group_limits():
            for group in sorted(set(lows) | set(highs)):
                members = {x: 1 for x, c in self.items if group_of(c, attribute) == group}
                m.row(f"{attribute} {group}", members, lo=lows.get(group, float("-inf")),
                      hi=highs.get(group, float("inf")))
        # ERAS fees, per specialty, within the budget (in cents, after the transcript fee)
        fees = limits.fees
        budget_terms: dict[int, int] = {}
        self.fee_segments: dict[str, list[tuple[int, int]]] = {}  # specialty -> (variable, programs it covers)
        for specialty in sorted({c.program.specialty for _, c in self.items}):
            xs = {x: 1 for x, c in self.items if c.program.specialty == specialty}
            covered: dict[int, int] = {}
            if fees.first_block_programs:
                applies = m.var(f"applies to {specialty}")
                m.row(f"{specialty} needs its first block", {**xs, applies: -len(xs)}, hi=0)
                covered[applies] = fees.first_block_programs
                budget_terms[applies] = round(fees.first_block_usd * 100)
            for k, (length, usd) in enumerate(fees.segments(limits.max_programs)):
                seg = m.var(f"{specialty} fee segment {k}", 0, length)
                self.fee_segments.setdefault(specialty, []).append((seg, length))
                covered[seg] = 1
                budget_terms[seg] = round(usd * 100)
            # every chosen program is paid for by the first block or a priced segment
            m.row(f"{specialty} programs paid", {**{s: -w for s, w in covered.items()}, **xs}, hi=0)
        self.budget_row = m.row("budget", budget_terms, hi=self._budget_cents(limits.budget_usd))

    def _add_signals(self) -> None:
        """Signals, chosen with the list: a signal goes to a unit (a program, or for IM an institution whose
        categorical and preliminary tracks it covers), one signal per unit, each on a unit with a program in the
        list, at most the allowance per specialty and kind; a chosen program in a signaled unit counts at its
        signaled value. A unit of one program needs no variable of its own: its program's signal is the unit's."""
        m = self.model
        members: dict[tuple, list[tuple[int, Candidate]]] = {}
        for x, c in self.items:
            unit = self.signals.unit_of(c) if c.p_with_signal else None
            if unit is not None:
                members.setdefault(unit, []).append((x, c))
        allowance_terms: dict[tuple, dict[int, int]] = {}
        self.units = {}
        for unit, listed in members.items():
            fixed = self.signals.fixed_kind(unit)
            kinds = sorted({k for _, c in listed for k in dict(c.p_with_signal)})
            by_kind = {}
            for kind in kinds:
                lower = 1 if fixed == kind else 0
                upper = 0 if (fixed is not None and fixed != kind) else 1
                if len(listed) == 1:
                    x, c = listed[0]
                    v = m.var(f"signal {kind} to {c.program_id}", lower, upper,
                              self.value(c, kind) - self.value_of[c.program_id])
                    self.signal_vars.append((v, c, kind))
                    # a signal goes to a program on the list
                    m.row(f"signal needs {c.program_id} listed", {v: 1, x: -1}, hi=0)
                else:
                    v = m.var(f"signal {kind} to {unit[1]}", lower, upper)
                    for x, c in listed:
                        if kind not in dict(c.p_with_signal):
                            continue
                        counted = m.var(f"{c.program_id} counts as signaled {kind}", 0, 1,
                                        self.value(c, kind) - self.value_of[c.program_id])
                        self.signal_vars.append((counted, c, kind))
                        # a program counts as signaled only if it is on the list and its unit holds that signal
                        m.row(f"signal needs {c.program_id} listed", {counted: 1, x: -1}, hi=0)
                        m.row(f"signal needs its unit {unit[1]}", {counted: 1, v: -1}, hi=0)
                    # a unit's signal needs a program of it on the list
                    m.row(f"signal to {unit[1]} needs a listed program", {v: 1, **{x: -1 for x, _ in listed}}, hi=0)
                by_kind[kind] = v
                allowance_terms.setdefault((unit[0], kind), {})[v] = 1
            if len(by_kind) > 1:
                # one signal per unit
                m.row(f"one signal to {unit[1]}", {v: 1 for v in by_kind.values()}, hi=1)
            self.units[unit] = by_kind
        for (specialty, kind), terms in sorted(allowance_terms.items()):
            m.row(f"{specialty} {kind} signals within the allowance", terms,
                  hi=self.signals.allowance(specialty, kind))
        by_program: dict[str, list[int]] = {}
        for v, c, _ in self.signal_vars:
            by_program.setdefault(c.program_id, []).append(v)
        self.duplicate_pairs = [(a, b) for a, b in near_duplicates([c.program for _, c in self.items])
                                if a.program_id in by_program and b.program_id in by_program]
        for a, b in self.duplicate_pairs:
            # one program written twice (same specialty and city, names alike): at most one of the two is signaled
            m.row(f"one signal to {a.program_id} or {b.program_id}",
                  {v: 1 for v in by_program[a.program_id] + by_program[b.program_id]}, hi=1)

    @property
    def backend(self):
        """The solver backend (CP-SAT or PuLP) holding the model, built the first time it is needed."""
        if self._backend is None:
            self._backend = BACKENDS[self.backend_name](self.model)
        return self._backend

    def reweigh(self, value: Callable[[Candidate, str | None], float]) -> None:
        """Solve for another objective on the same model. Valid when `value` orders the programs of a class as
        the model's own value does (the classes keep their best programs by it): e.g. p - lam * p * (1 - p) for
        |lam| < 1 against p, which both rise with p."""
        self.value = value
        self.value_of = {c.program_id: value(c, None) for _, c in self.items}
        objective = {x: self.value_of[c.program_id] for x, c in self.items}
        objective.update({s: value(c, kind) - self.value_of[c.program_id] for s, c, kind in self.signal_vars})
        self.model.objective = objective
        if self._backend is not None:  # a backend built later reads the model's objective
            self._backend.set_objective(objective)

    def _budget_cents(self, budget_usd: float) -> float:
        return round((budget_usd - self.limits.fees.transcript_usd) * 100, 6)

    # -- solve and read --------------------------------------------------------------------------------------
    def solve(self, budget_usd: float | None = None, time_limit: float | None = None,
              start_from: Solution | None = None) -> Solution:
        """The best list at `budget_usd` (default: the limits' budget).

        With CP-SAT, when the problem is a network at fixed size (network.network_ready: the usual case), the
        exact linear programs of network.SizeNetwork (proven optimum, reproducible; no time limit is ever
        reached). Otherwise, with CP-SAT and no time limit: the size-by-size search below (proven optimum,
        reproducible); with a time limit, or with PuLP: one solve of the model. `start_from`, a list solved on this
        model (say at a nearby budget), is where a single solve (and, without signals, the search's first pass)
        starts."""
        budget = self.limits.budget_usd if budget_usd is None else budget_usd
        if self.max_budget_usd is not None and budget > self.max_budget_usd + 1e-9:
            raise ValueError(f"this model keeps the programs of budgets up to ${self.max_budget_usd:,.0f}, "
                             f"not ${budget:,.0f}: build it with a larger max_budget_usd")
        if self.network is not None:  # exact and fast: a time limit is never reached
            found = self.network.solve(budget, self.limits.min_programs, self._longest_affordable(budget))
            if found is not None:
                status, values, seconds = found
                objective = None if values is None else sum(c * values[i] for i, c in self.model.objective.items())
                return self._read(RawSolution(status, values, objective, objective, seconds), budget)
        self.backend.set_row_upper(self.budget_row, self._budget_cents(budget))
        hint = start_from.values if start_from is not None else None
        if time_limit or not hasattr(self.backend, "set_cutoff"):
            return self._read(self.backend.solve(time_limit, hint), budget)
        return self._read(self._solve_size_by_size(budget, hint), budget)

    def _longest_affordable(self, budget: float) -> int:
        """No list of the model's programs longer than this fits `budget`."""
        if self._cheapest is None:
            self._cheapest = _cheapest_prices([c for _, c in self.items], self.limits)
        return _count_within(self._cheapest, self.limits, budget)

    def _solve_size_by_size(self, budget: float, hint=None) -> RawSolution:
        """The optimum of the model, as one solve would give it, proven sooner when that solve is slow.

        The tier bands are shares of the list: when the list size n is free, the linear relaxation may take a
        fractional n and round no band, and CP-SAT may need many branches to prove the optimum (seconds to minutes
        with several specialties and signals). With n fixed the bands are whole numbers and a solve takes a
        fraction of a second. So: one solve of the whole model with a small effort (enough for most lists with
        one specialty); if it does not finish, the sizes are searched from the longest affordable down, each size
        required to beat the best list so far, and after each size a proof that no shorter list does better is
        tried with an effort that doubles at each try (a better list found on the way becomes the best); the first
        proof ends the search. Every size is covered by a proven result (a fixed-size optimum, 'infeasible' under
        the cutoff, or the final proof), so the answer is the model's optimum; efforts are deterministic time, so
        the answer is reproducible."""
        backend, count = self.backend, self.count_var
        if self.signal_vars:
            # a short first pass, without a hint: with signals a hint from a nearby budget made a 21-budget sweep
            # 4x slower
            first = backend.solve(effort=FIRST_EFFORT_SIGNALS)
        else:
            # without signals one pass started from a nearby budget's list usually finishes (as before the search)
            first = backend.solve(hint=hint, effort=FIRST_EFFORT)
        if first.status in ("optimal", "infeasible"):
            return first
        best = first if first.status == "feasible" else None
        lowest, n = self.limits.min_programs, self._longest_affordable(budget)
        seconds, effort = first.seconds, PROOF_EFFORT
        try:
            while n >= lowest:
                backend.set_bounds(count, n, n)
                backend.set_cutoff(None if best is None else backend.scaled_objective(best.values) + 1)
                found = backend.solve()
                seconds += found.seconds
                if found.status == "optimal":
                    best = found
                elif found.status != "infeasible":
                    raise RuntimeError(f"CP-SAT stopped without a limit on a fixed list size: {found.status}")
                n -= 1
                if best is not None and n >= lowest:
                    # can a list of n programs or fewer beat the best?
                    backend.set_bounds(count, lowest, n)
                    backend.set_cutoff(backend.scaled_objective(best.values) + 1)
                    proof = backend.solve(effort=effort)
                    seconds += proof.seconds
                    effort *= 2  # each try that fails gets twice the effort: the search ends in a few tries
                    if proof.status == "feasible":
                        best = proof  # yes, and here is one: go on with size n against it
                    elif proof.status == "infeasible":
                        n = lowest - 1  # no: the best is the optimum
                    elif proof.status == "optimal":
                        best, n = proof, lowest - 1  # the best of the sizes left, better than every longer list
        finally:
            backend.set_bounds(count, 0, self.longest)
            backend.set_cutoff(None)
        if best is None:
            return RawSolution("infeasible", None, None, None, seconds)
        return RawSolution("optimal", best.values, best.objective, best.objective, seconds)

    def _read(self, raw: RawSolution, budget: float) -> Solution:
        if raw.values is None:
            return Solution(raw.status, (), None, None, None, None, budget, self.backend_name, raw.seconds)
        chosen = [c for x, c in self.items if raw.values[x] == 1]
        signals = {c.program_id: kind for s, c, kind in self.signal_vars if raw.values[s] == 1}
        chosen.sort(key=lambda c: (-self.value(c, signals.get(c.program_id)), c.program_id))
        objective = sum(self.value(c, signals.get(c.program_id)) for c in chosen)
        bound = raw.bound
        gap = 0.0 if raw.status == "optimal" else (None if bound is None else max(0.0, bound - objective))
        if raw.status == "optimal":
            bound = objective
        return Solution(raw.status, tuple(chosen), objective, bound, gap, list_cost(chosen, self.limits.fees),
                        budget, self.backend_name, raw.seconds, signals, raw.values)


def solve_portfolio(candidates: list[Candidate], limits: Limits, backend: str = "cpsat",
                    time_limit: float | None = None, value=None, signal_rules: dict | None = None) -> Solution:
    """The best list for these candidates and limits (see PortfolioModel)."""
    return PortfolioModel(candidates, limits, backend, value, signal_rules,
                          max_budget_usd=limits.budget_usd).solve(time_limit=time_limit)


def _cheapest_prices(pool, limits: Limits) -> list[float]:
    """The price of every program position (the k-th program of a specialty costs fees.marginal_fee(k)) the
    pool allows, cheapest first. The n cheapest cost no more than any list of n programs (they may skip a
    specialty's first, flat-priced position), so a list longer than what they afford does not fit the budget."""
    available: dict[str, int] = {}
    for c in pool:
        available[c.program.specialty] = available.get(c.program.specialty, 0) + 1
    fees = limits.fees
    prices = [fees.marginal_fee(k) for n in available.values() for k in range(1, min(n, limits.max_programs) + 1)]
    return sorted(prices)


def _count_within(prices: list[float], limits: Limits, budget: float) -> int:
    """How many of the cheapest program positions the budget pays for (with the transcript fee), at most
    max_programs."""
    left = budget - limits.fees.transcript_usd + 1e-9
    count = 0
    for price in prices[:limits.max_programs]:
        if price > left:
            break
        left -= price
        count += 1
    return count


def longest_affordable(pool, limits: Limits, budget: float) -> int:
    """No list from `pool` longer than this fits `budget`."""
    return _count_within(_cheapest_prices(pool, limits), limits, budget)


def _most_of_one_specialty(limits: Limits, budget: float) -> int:
    """The most programs of one specialty `budget` pays for (with the transcript fee), at most max_programs."""
    fees, k = limits.fees, 0
    while k < limits.max_programs and fees.specialty_fee(k + 1) + fees.transcript_usd <= budget + 1e-9:
        k += 1
    return k


@dataclass(frozen=True)
class SignalReport:
    """Where the signals went and what they add, against two lists without a joint choice."""

    rows: tuple[dict, ...]  # per signaled program: program_id, program, kind, p_without, p_with, gain
    joint: float  # objective of the list and signals chosen together
    no_signals: float  # the best list with no signals
    list_then_signal: float  # the best list without signals, then the best signals inside it


def explain_signals(candidates, limits, solution, rules, backend="cpsat", time_limit=None) -> SignalReport:
    """The gain of each signal, and the joint choice against 'no signals' and 'choose the list, then signal'."""
    plain = PortfolioModel(candidates, limits, backend, max_budget_usd=limits.budget_usd).solve(time_limit=time_limit)
    listed = {c.program_id for c in plain.chosen}
    others = frozenset(c.program_id for c in candidates if c.program_id not in listed)
    fixed_list = replace(limits, must=frozenset(listed), never=limits.never | others, min_programs=len(listed),
                         max_programs=len(listed))
    then_signal = PortfolioModel(candidates, fixed_list, backend, signal_rules=rules,
                                 max_budget_usd=limits.budget_usd).solve(time_limit=time_limit)
    rows = []
    for c in solution.chosen:
        kind = solution.signals.get(c.program_id)
        if kind:
            rows.append({"program_id": c.program_id, "program": c.program.program, "specialty": c.program.specialty,
                         "kind": kind, "p_without": c.p_interview, "p_with": c.p_with(kind),
                         "gain": default_value(c, kind) - default_value(c, None)})
    rows.sort(key=lambda r: (-r["gain"], r["program_id"]))
    return SignalReport(tuple(rows), solution.objective, plain.objective or 0.0, then_signal.objective or 0.0)
