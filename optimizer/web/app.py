"""The web app: the page, and a JSON API whose payloads are the CLI's `--json` payloads, built by the same calls.

Every request carries its own inputs (the sheet and the profile are sent again with each solve, held in memory,
never written to disk); the only thing kept between requests is the last few sheets read, keyed by their bytes'
hash, so one person's data never reach another's page. The solver runs in a worker thread, off the event loop. SmartPick's own errors become HTTP 422 with the located problems:
{"error": "input", "message": the CLI's text, "problems": [{"file", "row", "column", "value", "message"}]}
or {"error": "infeasible", "message", "reasons": [...]}.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from optimizer.errors import InfeasibleError, InputError, Problem, ProfileError, SmartPickError
from optimizer.web.security import (CROSS_SITE_REFUSED, HOST_REFUSED, NO_FRAMES, TOKEN_COOKIE, TOKEN_REFUSED, Access,
                                    cross_site)
from optimizer.web.uploads import (MAX_REQUEST_BYTES, MAX_TIME_LIMIT, RequestTooLarge, flag_field, load_inputs,
                                   profile_of, read_form, read_sheet, sheet_limits, solve_job)

HERE = Path(__file__).parent
log = logging.getLogger("smartpick.web")

# The multipart body documented for /docs (the app reads it itself, to keep uploads in memory and bounded).
_INPUT_FIELDS = {
    "profile": {"type": "string", "description": "The profile's TOML text (or a .toml file). Absent: the bundled "
                                                 "example applicant."},
    "programs": {"type": "string", "format": "binary", "description": "The programs sheet (CSV or XLSX). Absent: "
                                                                      "the bundled demo data."},
    "sheet": {"type": "string", "description": "Worksheet name inside an XLSX file (default: the first)."},
    "no_signals": {"type": "boolean", "description": "Leave ERAS program signals out of the choice."},
}
_SOLVE_FIELDS = {
    "budget": {"type": "number", "description": "Budget in US dollars (default: the profile's budget_usd)."},
    "min": {"type": "integer", "description": "Fewest programs (default: the profile's)."},
    "max": {"type": "integer", "description": "Most programs (default: the profile's)."},
    "objective": {"type": "string", "description": "interviews, match or at-least:K (default: the profile's)."},
    "correlated": {"type": "boolean", "description": "Optimize P(match)/P(at least K) under the correlated view."},
    "backend": {"type": "string", "enum": ["cpsat", "pulp"]},
    "time_limit": {"type": "number", "description": f"Seconds the solver may use (at most {MAX_TIME_LIMIT:g})."},
    "must": {"type": "array", "items": {"type": "string"}, "description": "program_id or exact name; repeatable."},
    "never": {"type": "array", "items": {"type": "string"}, "description": "program_id or exact name; repeatable."},
}


def _form_doc(fields: dict, summary: str) -> dict:
    return {"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": fields}}}},
            "responses": {"422": {"description": "The input is wrong: the CLI's located problems, as JSON."}},
            "summary": summary}


# --- the app -----------------------------------------------------------------------------------------------------

def _json(payload, status: int = 200) -> Response:
    """JSON written as `--json` writes it (json.dumps, default=str), so the two are the same text."""
    return Response(json.dumps(payload, indent=2, default=str), status_code=status, media_type="application/json")


def error_payload(error: SmartPickError) -> dict:
    if isinstance(error, InfeasibleError):
        return {"error": "infeasible", "message": str(error), "reasons": error.reasons}
    if isinstance(error, InputError):
        from optimizer.errors import describe_problems

        # "problem_lines": the same problems for a person, identical ones grouped with their rows
        return {"error": "input", "message": str(error), "problems": [p.as_dict() for p in error.problems],
                "problem_lines": describe_problems(error.problems)}
    return {"error": "input", "message": str(error), "problems": []}


def create_app(access: Access | None = None) -> FastAPI:
    """The ASGI app. `access`: who may use it (default: this computer only, no token)."""
    from optimizer import __version__ as version

    access = access or Access.for_bind("127.0.0.1")
    app = FastAPI(title="SmartPick", version=version, docs_url=None, redoc_url=None,
                  description="The JSON API of SmartPick's local web app: each payload is the `--json` payload of "
                              "the CLI command of the same name, for the same inputs.")
    app.state.access = access

    @app.middleware("http")
    async def guard(request: Request, call_next):
        response = await _guarded(request, call_next)
        response.headers.update(NO_FRAMES)  # no other page may show this one in a frame (clickjacking)
        return response

    async def _guarded(request: Request, call_next):
        headers = request.headers
        if not access.host_allowed(headers.get("host")):
            return _json({"error": "host", "message": HOST_REFUSED.format(host=headers.get("host", ""))}, 400)
        if cross_site(request.method, headers.get("host"), headers.get("origin"), headers.get("sec-fetch-site")):
            return _json({"error": "cross-site", "message": CROSS_SITE_REFUSED}, 403)
        query_token = request.query_params.get("token")
        if not access.token_ok(query_token, headers.get("authorization"), request.cookies.get(TOKEN_COOKIE)):
            return _json({"error": "token", "message": TOKEN_REFUSED}, 403)
        response = await call_next(request)
        if access.token and query_token:
            response.set_cookie(TOKEN_COOKIE, access.token, httponly=True, samesite="strict")
        return response

    @app.exception_handler(SmartPickError)
    async def user_error(request: Request, error: SmartPickError):
        return _json(error_payload(error), 422)

    @app.exception_handler(RequestTooLarge)
    async def too_large(request: Request, error: RequestTooLarge):
        return _json(error_payload(InputError(
            f"the upload is larger than {MAX_REQUEST_BYTES // (1024 * 1024)} MB. Send only the programs sheet (CSV "
            "or XLSX) and the profile; delete unused sheets or columns, or save the sheet as CSV.",
            file="upload")), 413)

    @app.exception_handler(Exception)
    async def bug(request: Request, error: Exception):
        log.exception("SmartPick web: unexpected error")
        return _json({"error": "bug", "message": "Something went wrong inside SmartPick (a bug, not your input). "
                                                 "The server's window shows the details; please report them."}, 500)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request):
        from optimizer.web.pages import render_page

        return HTMLResponse(render_page(version))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request):
        from optimizer.web.pages import render_docs

        return HTMLResponse(render_docs(version))

    @app.get("/api/health", summary="Is the server up; SmartPick's version")
    async def health():
        return {"status": "ok", "version": version}

    @app.post("/api/solve", openapi_extra=_form_doc(_INPUT_FIELDS | _SOLVE_FIELDS, "`smartpick solve --json`"))
    async def solve(request: Request):
        form = await read_form(request)
        return _json((await run_in_threadpool(solve_job, form))[3])

    @app.post("/api/workbook", openapi_extra=_form_doc(_INPUT_FIELDS | _SOLVE_FIELDS,
                                                       "`smartpick solve --out list.xlsx`: the workbook"))
    async def workbook(request: Request):
        form = await read_form(request)

        def job():
            from optimizer.output.report_files import solution_sheets
            from optimizer.output.workbook import write_workbook

            _, plan, _, payload = solve_job(form)
            buffer = io.BytesIO()
            write_workbook(buffer, solution_sheets(plan, payload))
            return buffer.getvalue()

        return Response(await run_in_threadpool(job), headers={
            "Content-Disposition": 'attachment; filename="smartpick_list.xlsx"'},
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.post("/api/report", openapi_extra=_form_doc(_INPUT_FIELDS, "`smartpick report`: the HTML page"))
    async def report(request: Request):
        form = await read_form(request)

        def job():
            from optimizer import pipeline
            from optimizer.output.html_report import frontier_budgets, render_report

            inputs, plan, limits, _ = solve_job(form)
            if plan.outcomes is None:
                raise InfeasibleError(["the solver found no list within its time limit; narrow the count window"])
            frontier, _ = pipeline.run_frontier(inputs, frontier_budgets(limits.budget_usd), limits=limits)
            return render_report(inputs, plan, limits, frontier)

        return Response(await run_in_threadpool(job), media_type="text/html", headers={
            "Content-Disposition": 'attachment; filename="smartpick_report.html"'})

    @app.post("/api/validate", openapi_extra=_form_doc({"programs": _INPUT_FIELDS["programs"],
                                                        "sheet": _INPUT_FIELDS["sheet"]},
                                                       "`smartpick validate --json` (422 when it has errors)"))
    async def validate(request: Request):
        form = await read_form(request)
        if "programs" not in form.files:
            raise InputError(Problem(file="programs", message="send the sheet to check as the 'programs' file"))
        name, data = form.files["programs"]

        def job():
            from optimizer.inputs.sheet import validate_programs

            return validate_programs(name, form.text("sheet") or None, data, sheet_limits())

        report = await run_in_threadpool(job)
        return _json(report.as_json(), 422 if report.errors else 200)

    @app.post("/api/score", openapi_extra=_form_doc(_INPUT_FIELDS, "`smartpick score --json`"))
    async def score(request: Request):
        form = await read_form(request)

        def job():
            from optimizer import pipeline
            from optimizer.output.render_score import score_payload

            inputs = load_inputs(form)
            return score_payload(inputs, pipeline.score(inputs))

        return _json(await run_in_threadpool(job))

    @app.post("/api/frontier", openapi_extra=_form_doc(
            _INPUT_FIELDS | {"budget": {"type": "string", "description": "LOW:HIGH:STEP or A,B,C (required)"},
                             "backend": _SOLVE_FIELDS["backend"]}, "`smartpick frontier --json`"))
    async def frontier(request: Request):
        form = await read_form(request)

        def job():
            from optimizer import pipeline
            from optimizer.inputs.parsing import parse_budget_list
            from optimizer.web.uploads import parsed
            from optimizer.output.render_more import frontier_payload

            budgets = form.text("budget")
            if not budgets:
                raise InputError(Problem(file="budget", message="give the budgets, e.g. 1500:4000:100 or "
                                                                "1500,2500,3500"))
            budget_list = parsed("budget", budgets, parse_budget_list)
            inputs = load_inputs(form)
            result, _ = pipeline.run_frontier(inputs, budget_list, (form.text("backend") or "cpsat").lower())
            return frontier_payload(inputs, result)

        return _json(await run_in_threadpool(job))

    @app.post("/api/scenarios", openapi_extra=_form_doc(_INPUT_FIELDS, "`smartpick scenarios run --json` "
                                                                       "(the bundled example scenarios)"))
    async def scenarios(request: Request):
        form = await read_form(request)

        def job():
            from optimizer.inputs.profile import read_profile_data
            from optimizer.output.render_more import scenarios_payload
            from optimizer.inputs.resources import DEMO_PROFILE, data_path, scenarios_dir
            from optimizer.inputs.scenario_files import load_scenarios
            from optimizer.solver.scenarios import run_scenarios

            inputs = load_inputs(form)  # checks the profile and the sheet first, as the CLI does
            name, text = profile_of(form)
            base = read_profile_data(name or data_path(DEMO_PROFILE), text)
            found, errors = load_scenarios([scenarios_dir()], base, str(name or data_path(DEMO_PROFILE)))
            table = inputs.table if "programs" in form.files else read_sheet(None, None, None)
            results = run_scenarios(table, found, inputs.model, not flag_field(form, "no_signals"))
            return scenarios_payload(results, errors, demo="programs" not in form.files)

        return _json(await run_in_threadpool(job))

    @app.post("/api/compare", openapi_extra=_form_doc(
            _INPUT_FIELDS | {"lists": {"type": "array", "items": {"type": "string", "format": "binary"},
                                       "description": "Two or more saved lists (CSV, XLSX or JSON; repeat the "
                                                      "field), as `smartpick compare A B ...` takes them."}},
            "`smartpick compare --json`"))
    async def compare(request: Request):
        form = await read_form(request)

        def job():
            from optimizer import pipeline
            from optimizer.solver.compare import compare_portfolios, comparison_payload
            from optimizer.inputs.portfolio_files import load_portfolios
            from optimizer.inputs.resources import DEMO_PROFILE, data_path

            sent = form.uploads.get("lists", [])
            if len(sent) < 2:
                raise InputError(Problem(file="lists", message="send two or more lists to compare (the field "
                                                               "'lists', once per file)"))
            use_signals = not flag_field(form, "no_signals")
            inputs = load_inputs(form)
            candidates = pipeline.score(inputs)
            limits, _ = pipeline.make_limits(inputs, candidates)
            profile_name, _ = profile_of(form)
            saved = load_portfolios([name for name, _ in sent], inputs, profile_name or data_path(DEMO_PROFILE),
                                    use_signals=use_signals, contents=[data for _, data in sent],
                                    limits=sheet_limits())
            comparison = compare_portfolios(saved, inputs, candidates, limits, use_signals=use_signals)
            return comparison_payload(comparison, inputs)

        return _json(await run_in_threadpool(job))

    @app.get("/api/profile/example", summary="The bundled example profile: its TOML text and its keys")
    async def example_profile():
        from optimizer.inputs.profile import read_profile_data
        from optimizer.inputs.resources import DEMO_PROFILE, data_path

        path = data_path(DEMO_PROFILE)
        return _json({"toml": path.read_text(encoding="utf-8"), "data": read_profile_data(path)})

    @app.post("/api/profile/read", openapi_extra=_form_doc({"profile": _INPUT_FIELDS["profile"]},
                                                           "A profile's keys, to fill the form"))
    async def read_profile(request: Request):
        from optimizer.inputs.profile import read_profile_data

        form = await read_form(request)
        name, text = profile_of(form)
        if text is None:
            raise ProfileError("the profile is empty. Choose a .toml file.", file="profile")
        return _json({"data": read_profile_data(name, text)})

    return app
