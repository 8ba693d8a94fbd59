"""A comparison: `smartpick compare --json`, saved lists re-evaluated side by side on the request's sheet and
profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from optimizer.errors import InputError, Problem
from optimizer.studies.compare import compare_files, comparison_payload
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
    profile_name, _ = profile_of(sent)
    comparison, _ = compare_files(inputs, [name for name, _ in lists], profile_name, use_signals=use_signals,
                                  contents=[data for _, data in lists], read_limits=sheet_limits())
    return json_response(comparison_payload(comparison, inputs))
