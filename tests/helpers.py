"""Factories for small random instances shared by the optimizer tests (no files needed)."""

from __future__ import annotations

import random

from optimizer.solver.constraints import Limits
from optimizer.model.fees import FeeSchedule
from optimizer.inputs.profile_types import TierSettings
from optimizer.inputs.programs import Program
from optimizer.model.scoring import Candidate, assign_tiers

FEES_2026 = {"season": "2026", "transcript_fee_usd": 80,
             "fees": {"per_program": [{"from": 1, "to": 30, "usd": 11}, {"from": 31, "usd": 30}]}}
FEES_2025 = {"season": "2025", "transcript_fee_usd": 80,
             "fees": {"first_block_programs": 10, "first_block_usd": 99,
                      "per_program": [{"from": 11, "to": 20, "usd": 19}, {"from": 21, "to": 30, "usd": 23},
                                      {"from": 31, "usd": 26}]}}
WEIGHTS = {"home city": 1.5, "home metro": 1.4, "home state": 1.2, "home division": 1.1, "elsewhere": 1.0}
SPECIALTIES = ("Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry")


def setup_candidates(n: int, seed: int = 0, specialties=SPECIALTIES[:2], eligible_share: float = 0.85,
                     signal_kinds=None) -> list[Candidate]:
    """`n` scored programs with random chances, regions and states; tiers by the default relative rule."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        specialty = rng.choice(specialties)
        region = rng.choice(list(WEIGHTS))
        state = "IL" if region in ("home city", "home metro", "home state") else rng.choice(["IN", "WI", "NY", "TX"])
        program = Program(program_id=f"P{i:05d}", program=f"Program {i}", city="City", state=state,
                          specialty=specialty, institution=f"Inst {i // 2}")
        p = min(0.95, rng.betavariate(1.3, 8))
        eligible = rng.random() < eligible_share
        kinds = (signal_kinds or {}).get(specialty, ()) if eligible else ()
        out.append(Candidate(program=program, eligible=eligible, p_interview=p if eligible else 0.0,
                             region=region, weight=WEIGHTS[region],
                             reasons=() if eligible else ("not open to you",),
                             p_with_signal=tuple((k, _signal(p, m)) for k, m in kinds)))
    return assign_tiers(out, TierSettings())


def _signal(p, multiplier):
    odds = p / (1 - p) * multiplier
    return odds / (1 + odds)


def setup_limits(min_programs=8, max_programs=12, budget=250.0, fees=FEES_2026, **changes) -> Limits:
    values = dict(min_programs=min_programs, max_programs=max_programs, budget_usd=budget,
                  bands={"reach": (0.2, 0.3), "core": (0.5, 0.6), "safety": (0.1, 0.2)},
                  fees=FeeSchedule.from_dict(fees))
    values.update(changes)
    return Limits(**values)
