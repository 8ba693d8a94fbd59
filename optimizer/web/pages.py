"""The HTML pages, from Jinja2 templates shipped in the package (autoescaped; no asset from the internet)."""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from optimizer.web.form import form_sections
from optimizer.web.uploads import MAX_PROGRAMS, MAX_REQUEST_BYTES

TEMPLATES = Path(__file__).parent / "templates"


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def render_page(version: str) -> str:
    """The app's one page: sheet, profile form, results."""
    return _environment().get_template("index.html").render(
        version=version, sections=form_sections(), max_mb=MAX_REQUEST_BYTES // (1024 * 1024),
        max_programs=f"{MAX_PROGRAMS:,}")


def render_docs(version: str) -> str:
    """The API's page: its endpoints and fields, read by the page's script from the generated /openapi.json
    (Swagger UI would load from a CDN)."""
    return _environment().get_template("docs.html").render(version=version)
