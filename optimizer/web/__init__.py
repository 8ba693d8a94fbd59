"""SmartPick's local web app: a page and a JSON API over the same library the CLI calls.

A thin door, like cli.py: it reads the request (uploads stay in memory), calls `optimizer.pipeline` and the same
payload builders as `--json`, and turns SmartPick's errors into HTTP 422 with the located problems. Nothing is kept
between requests, so one person's data never reach another's page.

Start it with `smartpick serve` or `python -m optimizer.web`; `create_app()` builds the ASGI app.
"""

from optimizer.web.app import create_app

__all__ = ["create_app"]
