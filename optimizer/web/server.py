"""Starting the web app: choose who may reach it, print its address (with the token, as Jupyter does), run uvicorn."""

from __future__ import annotations

import signal
import socket
import threading
import webbrowser
from urllib.parse import quote

import uvicorn

from optimizer.web.app import create_app
from optimizer.web.security import Access, is_loopback

STOP_SECONDS = 1.0  # how long requests in flight may still take after Ctrl-C


def address(host: str, port: int, token: str | None) -> str:
    """The address to open: loopback shown as 127.0.0.1, every-address binds as this computer's name."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/" + (f"?token={quote(token)}" if token else "")


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None, open_browser: bool = False,
          echo=print) -> None:
    """Run the server until Ctrl-C (then raise KeyboardInterrupt: a request still running in a worker thread, a
    solve, cannot be stopped from Python, so the caller ends the process). Any host but loopback requires a token
    (made up when not given)."""
    access = Access.for_bind(host, token)
    url = address(host, port, access.token)
    echo(f"SmartPick is running at {url}")
    if not is_loopback(host):
        outside = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
        echo(f"From other computers: {address(outside, port, access.token)}")
        echo("Share that address (it holds the access token) only with people you trust.")
    echo("Leave this window open while you use it; press Ctrl-C to stop.")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, (url,)).start()
    # uvicorn log level "critical": its shutdown messages (and a cancelled request's traceback) are not the user's
    # business; the requests in flight get STOP_SECONDS to finish, then are cancelled
    server = uvicorn.Server(uvicorn.Config(create_app(access), host=host, port=port, log_level="critical",
                                           server_header=False, timeout_graceful_shutdown=STOP_SECONDS))
    stopped = threading.Event()
    # uvicorn handles Ctrl-C while it runs (a second one cuts the wait short) and raises the signal again when it
    # returns; this handler, not Python's KeyboardInterrupt, receives that and any later Ctrl-C: no traceback
    previous = signal.signal(signal.SIGINT, lambda signum, frame: stopped.set())
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot listen (the port taken, the address not this computer's)
        server.should_exit = False
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # from here on the caller ends the process
    if server.should_exit or stopped.is_set():  # stopped by Ctrl-C: say so to the caller
        raise KeyboardInterrupt
    signal.signal(signal.SIGINT, previous)
    raise OSError(f"the server could not start on {host}:{port}: another program may be using port {port} (try "
                  f"--port {port + 1}), or {host} is not an address of this computer.")
