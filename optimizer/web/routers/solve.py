"""A list: `smartpick solve --json`, the same list as a workbook, and the HTML report around it."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from optimizer import pipeline
from optimizer.output.html_report import frontier_budgets, render_report
from optimizer.output.report_files import solution_sheets
from optimizer.output.workbook import write_workbook
from optimizer.web.replies import ERRORS, json_response
from optimizer.web.fields import solve_form
from optimizer.web.uploads import Sent, solve_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(tags=["list"], responses=ERRORS)
Solve = Annotated[Sent, Depends(solve_form)]


@router.post("/api/solve", summary="`smartpick solve --json`",
             responses={200: {"description": "The payload of `smartpick solve --json`."}})
def solve(sent: Solve) -> Response:
    return json_response(solve_job(sent)[3])


@router.post("/api/workbook", summary="`smartpick solve --out list.xlsx`: the workbook", response_class=Response,
             responses={200: {"content": {XLSX: {}}, "description": "The list's workbook."}})
def workbook(sent: Solve) -> Response:
    _, plan, _, payload = solve_job(sent)
    buffer = io.BytesIO()
    write_workbook(buffer, solution_sheets(plan, payload))
    return Response(buffer.getvalue(), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="smartpick_list.xlsx"'})


@router.post("/api/report", summary="`smartpick report`: the HTML page", response_class=Response,
             responses={200: {"content": {"text/html": {}}, "description": "The report, one self-contained page."}})
def report(sent: Solve) -> Response:
    inputs, plan, limits, _ = solve_job(sent)
    pipeline.require_list(plan)
    frontier, _ = pipeline.run_frontier(inputs, frontier_budgets(limits.budget_usd), limits=limits,
                                        objective="interviews", robust=False)  # as `smartpick report`
    return Response(render_report(inputs, plan, limits, frontier), media_type="text/html",
                    headers={"Content-Disposition": 'attachment; filename="smartpick_report.html"'})
