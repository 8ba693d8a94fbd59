"""The web app: the page, and a JSON API whose payloads are the CLI's `--json` payloads, built by the same calls.

Every request carries its own inputs (the sheet and the profile are sent again with each solve, held in memory,
never written to disk); the only thing kept between requests is the last few sheets read, keyed by their bytes'
hash, so one person's data never reach another's page. The routes (optimizer/web/routers, one per resource) run
in worker threads, off the event loop; SmartPick's errors become HTTP 422 with the located problems
(optimizer/web/replies.py). The OpenAPI description at /openapi.json is generated from the routes and their
forms (optimizer/web/fields.py).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from optimizer import __version__
from optimizer.web.replies import add_error_handlers, json_response
from optimizer.web.routers import ROUTERS
from optimizer.web.security import (CROSS_SITE_REFUSED, HOST_REFUSED, NO_FRAMES, TOKEN_COOKIE, TOKEN_REFUSED, Access,
                                    cross_site)
from optimizer.web.uploads import LimitUploads

HERE = Path(__file__).parent
DESCRIPTION = ("The JSON API of SmartPick's local web app: each payload is the `--json` payload of the CLI command of "
               "the same name, for the same inputs. Inputs go as a multipart form: `profile` (the profile's TOML "
               "text), `programs` (a CSV or XLSX file) and the command's flags.")


def create_app(access: Access | None = None) -> FastAPI:
    """The ASGI app. `access`: who may use it (default: this computer only, no token)."""
    # no Swagger UI or ReDoc: they load from a CDN; /docs is the app's own page over /openapi.json
    app = FastAPI(title="SmartPick", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.access = access or Access.for_bind("127.0.0.1")
    app.add_middleware(LimitUploads)
    app.middleware("http")(guard)  # added last: runs first
    add_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app


async def guard(request: Request, call_next):
    """Who may use the server (optimizer/web/security.py): its Host names, no other page, its token; and no page
    may show it in a frame (clickjacking)."""
    response = await _checked(request, call_next)
    response.headers.update(NO_FRAMES)
    return response


async def _checked(request: Request, call_next):
    access: Access = request.app.state.access
    headers = request.headers
    if not access.host_allowed(headers.get("host")):
        return json_response({"error": "host", "message": HOST_REFUSED.format(host=headers.get("host", ""))}, 400)
    if cross_site(request.method, headers.get("host"), headers.get("origin"), headers.get("sec-fetch-site")):
        return json_response({"error": "cross-site", "message": CROSS_SITE_REFUSED}, 403)
    query_token = request.query_params.get("token")
    if not access.token_ok(query_token, headers.get("authorization"), request.cookies.get(TOKEN_COOKIE)):
        return json_response({"error": "token", "message": TOKEN_REFUSED}, 403)
    response = await call_next(request)
    if access.token and query_token:
        response.set_cookie(TOKEN_COOKIE, access.token, httponly=True, samesite="strict")
    return response
