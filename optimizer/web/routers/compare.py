"""A comparison: `smartpick compare --json`, saved lists re-evaluated side by side on the request's sheet and
profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from optimizer import pipeline
from optimizer.errors import InputError, Problem
from optimizer.inputs.portfolio_files import load_portfolios
from optimizer.inputs.resources import DEMO_PROFILE, data_path
from optimizer.solver.compare import compare_portfolios, comparison_payload
from optimizer.web.replies import ERRORS, json_response
from optimizer.web.fields import compare_form
from optimizer.web.uploads import Sent, flag_field, load_inputs, profile_of, sheet_limits

router = APIRouter(tags=["compare"], responses=ERRORS)


@router.post("/api/compare", summary="`smartpick compare --json`")
def compare(sent: Annotated[Sent, Depends(compare_form)]) -> Response:
    lists = sent.uploads.get("lists", [])
    if len(lists) < 2:
        raise InputError(Problem(file="lists", message="send two or more lists to compare (the field 'lists', once "
                                                       "per file)"))
    use_signals = not flag_field(sent, "no_signals")
    inputs = load_inputs(sent)
    candidates = pipeline.score(inputs)
    limits, _ = pipeline.make_limits(inputs, candidates)
    profile_name, _ = profile_of(sent)
    saved = load_portfolios([name for name, _ in lists], inputs, profile_name or data_path(DEMO_PROFILE),
                            use_signals=use_signals, contents=[data for _, data in lists], limits=sheet_limits())
    comparison = compare_portfolios(saved, inputs, candidates, limits, use_signals=use_signals)
    return json_response(comparison_payload(comparison, inputs))
