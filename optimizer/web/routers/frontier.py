"""The budget frontier: `smartpick frontier --json`, the best list at each budget."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from optimizer import pipeline
from optimizer.errors import InputError, Problem
from optimizer.inputs.parsing import parse_budget_list
from optimizer.output.render_more import frontier_payload
from optimizer.web.replies import ERRORS, json_response
from optimizer.web.fields import frontier_form
from optimizer.web.uploads import Sent, load_inputs, parsed

router = APIRouter(tags=["frontier"], responses=ERRORS)


@router.post("/api/frontier", summary="`smartpick frontier --json`")
def frontier(sent: Annotated[Sent, Depends(frontier_form)]) -> Response:
    budgets = sent.text("budget")
    if not budgets:
        raise InputError(Problem(file="budget", message="give the budgets, e.g. 1500:4000:100 or 1500,2500,3500"))
    budget_list = parsed("budget", budgets, parse_budget_list)
    inputs = load_inputs(sent)
    result, _ = pipeline.run_frontier(inputs, budget_list, (sent.text("backend") or "cpsat").lower())
    return json_response(frontier_payload(inputs, result))
