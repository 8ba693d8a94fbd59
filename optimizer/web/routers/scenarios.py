"""The scenarios: `smartpick scenarios run --json` on the bundled example scenarios, applied to the request's
profile and sheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from optimizer.output.render_more import scenarios_payload
from optimizer.studies.scenarios import load_scenario_files, run_scenarios
from optimizer.web.replies import ERRORS, json_response
from optimizer.web.fields import inputs_form
from optimizer.web.uploads import Sent, flag_field, load_inputs, profile_of, read_sheet

router = APIRouter(tags=["scenarios"], responses=ERRORS)


@router.post("/api/scenarios", summary="`smartpick scenarios run --json` (the bundled example scenarios)")
def scenarios(sent: Annotated[Sent, Depends(inputs_form)]) -> Response:
    inputs = load_inputs(sent)  # checks the profile and the sheet first, as the CLI does
    name, text = profile_of(sent)
    found, errors = load_scenario_files((), name, text)
    table = inputs.table if "programs" in sent.files else read_sheet(None, None, None)
    results = run_scenarios(table, found, inputs.model, not flag_field(sent, "no_signals"))
    return json_response(scenarios_payload(results, errors, demo="programs" not in sent.files))
