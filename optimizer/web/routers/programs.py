"""The programs: a sheet checked (`smartpick validate --json`) and every program's chances (`smartpick score`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from optimizer import pipeline
from optimizer.errors import InputError, Problem
from optimizer.inputs.sheet import validate_programs
from optimizer.output.render_score import score_payload
from optimizer.web.replies import ERRORS, json_response
from optimizer.web.fields import inputs_form, sheet_form
from optimizer.web.uploads import Sent, load_inputs, sheet_limits

router = APIRouter(tags=["programs"], responses=ERRORS)


@router.post("/api/validate", summary="`smartpick validate --json` (422 when it has errors)")
def validate(sent: Annotated[Sent, Depends(sheet_form)]) -> Response:
    if "programs" not in sent.files:
        raise InputError(Problem(file="programs", message="send the sheet to check as the 'programs' file"))
    name, data = sent.files["programs"]
    report = validate_programs(name, sent.text("sheet") or None, data, sheet_limits())
    return json_response(report.as_json(), 422 if report.errors else 200)


@router.post("/api/score", summary="`smartpick score --json`")
def score(sent: Annotated[Sent, Depends(inputs_form)]) -> Response:
    inputs = load_inputs(sent)
    return json_response(score_payload(inputs, pipeline.score(inputs)))
