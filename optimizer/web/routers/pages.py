"""The page, the API's page, and whether the server is up."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from optimizer import __version__
from optimizer.web.pages import render_docs, render_page

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page() -> HTMLResponse:
    return HTMLResponse(render_page(__version__))


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs() -> HTMLResponse:
    return HTMLResponse(render_docs(__version__))


@router.get("/api/health", tags=["server"], summary="Is the server up; SmartPick's version")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
