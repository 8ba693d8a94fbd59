"""Risk objectives: never worse than the expected-interviews list, bound above the value, exact on tiny cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from optimizer.solver.constraints import violations
from optimizer.solver.nonlinear import Objective, risk_value, solve_risk
from optimizer.solver.optimize import solve_portfolio
from optimizer.model.outcomes import MatchCurve
from tests.helpers import setup_candidates, setup_limits

CURVE = MatchCurve.from_dict({"applicant_type": "non-US IMG", "specialty": "all", "year": 2025, "source": "test",
                              "assumption": True, "note": "", "ranks": [0, 1, 2, 3, 5, 8, 12, 20],
                              "p_match": [0.0, 0.35, 0.45, 0.52, 0.64, 0.8, 0.9, 0.97]})


def _value(chosen, objective, sigma=None):
    return risk_value(np.array([c.p_interview for c in chosen]), objective, CURVE, sigma)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("text", ["match", "at-least:5", "at-least:12"])
def test_risk_objective_never_loses_to_the_interviews_list(seed, text):
    objective = Objective.parse(text)
    candidates = setup_candidates(500, seed=seed)
    limits = setup_limits(min_programs=60, max_programs=100, budget=1200 + 300 * seed)
    plain = solve_portfolio(candidates, limits)
    risk = solve_risk(candidates, limits, objective, CURVE)
    assert violations(list(risk.chosen), limits) == []
    assert risk.objective >= _value(plain.chosen, objective) - 1e-12
    assert risk.objective == pytest.approx(_value(risk.chosen, objective))
    assert risk.bound >= risk.objective - 1e-12
    assert risk.gap == pytest.approx(risk.bound - risk.objective)
    assert risk.status in ("optimal", "feasible")


@pytest.mark.parametrize("seed", range(3))
def test_risk_objective_is_exact_or_bounded_on_tiny_instances(seed):
    objective = Objective.parse("match")
    candidates = setup_candidates(12, seed=seed, eligible_share=1.0)
    limits = setup_limits(min_programs=4, max_programs=6, budget=1000,
                          bands={"reach": (0.0, 1.0), "core": (0.0, 1.0), "safety": (0.0, 1.0)})
    best = max(_value(subset, objective) for n in range(4, 7) for subset in itertools.combinations(candidates, n))
    risk = solve_risk(candidates, limits, objective, CURVE)
    # with no limit but the count, the best list takes the most likely programs: the search must find it
    assert risk.objective == pytest.approx(best, abs=1e-12)
    assert risk.bound >= best - 1e-12


def test_correlated_objective_uses_the_correlated_view():
    candidates = setup_candidates(300, seed=4)
    limits = setup_limits(min_programs=60, max_programs=100, budget=2000)
    objective = Objective.parse("at-least:5")
    risk = solve_risk(candidates, limits, objective, CURVE, sigma=0.8)
    assert risk.objective == pytest.approx(_value(risk.chosen, objective, sigma=0.8))
    assert risk.objective <= _value(risk.chosen, objective) + 1e-12  # correlation widens the spread


@pytest.mark.parametrize("text", ["", "matchh", "at-least:0", "at-least:x", "at-least:99"])
def test_bad_objectives_are_refused(text):
    from optimizer.errors import InputError

    if text == "":
        assert Objective.parse(text).kind == "interviews"
        return
    with pytest.raises(InputError, match="at-least:K"):
        Objective.parse(text)
