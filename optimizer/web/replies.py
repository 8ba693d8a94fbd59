"""What the web app answers: JSON written as `--json` writes it, and SmartPick's errors as HTTP 422 with the located
problems:
{"error": "input", "message": the CLI's text, "problems": [{"file", "row", "column", "value", "message"}],
 "problem_lines": [...]} or {"error": "infeasible", "message", "reasons": [...]}; a body too large is a 413 of the
same shape, a request from another page a 403, a bug a 500 that says so.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from optimizer.errors import InfeasibleError, InputError, Problem, SmartPickError, describe_problems
from optimizer.web.uploads import MAX_REQUEST_BYTES, RequestTooLarge

log = logging.getLogger("smartpick.web")

TOO_LARGE = (f"the upload is larger than {MAX_REQUEST_BYTES // (1024 * 1024)} MB. Send only the programs sheet (CSV "
             "or XLSX) and the profile; delete unused sheets or columns, or save the sheet as CSV.")
BUG = ("Something went wrong inside SmartPick (a bug, not your input). The server's window shows the details; "
       "please report them.")


def json_response(payload, status: int = 200) -> Response:
    """JSON written as `--json` writes it (json.dumps, default=str), so the two are the same text."""
    return Response(json.dumps(payload, indent=2, default=str), status_code=status, media_type="application/json")


def error_payload(error: SmartPickError) -> dict:
    if isinstance(error, InfeasibleError):
        return {"error": "infeasible", "message": str(error), "reasons": error.reasons}
    if isinstance(error, InputError):
        # "problem_lines": the same problems for a person, identical ones grouped with their rows
        return {"error": "input", "message": str(error), "problems": [p.as_dict() for p in error.problems],
                "problem_lines": describe_problems(error.problems)}
    return {"error": "input", "message": str(error), "problems": []}


# --- the shapes, for the OpenAPI description ----------------------------------------------------------------

class LocatedProblem(BaseModel):
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    message: str


class ErrorReply(BaseModel):
    """A refused request: `error` is input, infeasible, cross-site, host, token or bug."""

    error: str
    message: str
    problems: list[LocatedProblem] = []
    problem_lines: list[str] = []
    reasons: list[str] = []


ERRORS = {422: {"model": ErrorReply, "description": "The input is wrong (the CLI's located problems, exit code 2 "
                                                    "there), or no list meets the limits."},
          413: {"model": ErrorReply, "description": f"The body is larger than {MAX_REQUEST_BYTES // 2**20} MB."},
          403: {"model": ErrorReply, "description": "The request came from another web page, or without the "
                                                    "server's token."}}


# --- errors as answers ------------------------------------------------------------------------------------------

async def user_error(request: Request, error: SmartPickError) -> Response:
    return json_response(error_payload(error), 422)


async def wrong_field(request: Request, error: RequestValidationError) -> Response:
    """A field of the wrong kind (text where a file goes): located by its name, as the CLI names its option."""
    problems = [Problem(file=str(issue["loc"][-1]), message=_field_message(issue)) for issue in error.errors()]
    return json_response(error_payload(InputError(problems)), 422)


def _field_message(issue: dict) -> str:
    if "UploadFile" in issue["msg"]:  # text sent where a file goes
        name = issue["loc"][-1]
        return f"send it as a file, not as text (with curl: -F {name}=@FILE)"
    return issue["msg"]


async def http_error(request: Request, error: HTTPException) -> Response:
    if isinstance(error, RequestTooLarge):
        return json_response(error_payload(InputError(TOO_LARGE, file="upload")), 413)
    if error.status_code == 400:  # the multipart body could not be parsed
        return json_response(error_payload(InputError(f"the upload could not be read ({error.detail}). Send the "
                                                      "form again.", file="request")), 422)
    return await http_exception_handler(request, error)


async def bug(request: Request, error: Exception) -> Response:
    log.exception("SmartPick web: unexpected error")
    return json_response({"error": "bug", "message": BUG}, 500)


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SmartPickError, user_error)
    app.add_exception_handler(RequestValidationError, wrong_field)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, bug)
