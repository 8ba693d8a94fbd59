"""Starting the web app: choose who may reach it, print its address (with the token, as Jupyter does), run uvicorn."""

from __future__ import annotations

from urllib.parse import quote

from optimizer.web.security import Access, is_loopback


def address(host: str, port: int, token: str | None) -> str:
    """The address to open: loopback shown as 127.0.0.1, every-address binds as this computer's name."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/" + (f"?token={quote(token)}" if token else "")


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None, open_browser: bool = False,
          echo=print) -> None:
    """Run the server until Ctrl-C. Any host but loopback requires a token (made up when not given)."""
    import threading
    import webbrowser

    import uvicorn

    from optimizer.web.app import create_app

    access = Access.for_bind(host, token)
    url = address(host, port, access.token)
    echo(f"SmartPick is running at {url}")
    if not is_loopback(host):
        echo("Other computers can reach it: share the address with its token only with people you trust.")
    echo("Leave this window open while you use it; press Ctrl-C to stop.")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, (url,)).start()
    uvicorn.run(create_app(access), host=host, port=port, log_level="warning", server_header=False)
