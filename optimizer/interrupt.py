"""Ctrl-C for the command line: the first one stops any command within a second or two, with one line and exit 130.

Python raises KeyboardInterrupt only when the main thread runs Python code; inside a long C++ call (the CP-SAT
solver, which SmartPick tells not to catch Ctrl-C itself, so that an interrupted search is never reported as a
result) it would wait for the call to end. So the signal also wakes a watcher thread, through the wakeup file
descriptor Python writes to the moment a signal arrives. If the main thread has not reported the interrupt within
GRACE_SECONDS, the watcher does it and ends the process. Outputs are written atomically, so an interrupted run leaves
no partial file either way.

Used by the CLI only (`cli.guarded`); the core never installs handlers.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
GRACE_SECONDS = 1.5
MESSAGE = "Stopped (Ctrl-C). Nothing was written."


class Interrupted(KeyboardInterrupt):
    """The user pressed Ctrl-C."""


_lock = threading.Lock()
_state = {"reported": False, "pipe": None, "armed": False, "received": False, "written_from": 0}


def _written() -> list[str]:
    """The files written whole since the command started (output/writers.py records them; not imported here, so
    that nothing is imported while a signal is handled: when it was never imported, nothing was written)."""
    writers = sys.modules.get("optimizer.output.writers")
    return writers.WRITTEN[_state["written_from"]:] if writers is not None else []


def message() -> str:
    """The Ctrl-C line, true to what was written: nothing, or the files finished before the stop."""
    done = _written()
    if not done:
        return MESSAGE
    names = ", ".join(done)
    return (f"Stopped (Ctrl-C). {names} {'was' if len(done) == 1 else 'were'} written whole before the stop; "
            "nothing else was written.")


def report(stream=None) -> bool:
    """Print the one line (once per process); True if this call printed it."""
    with _lock:
        if _state["reported"]:
            return False
        _state["reported"] = True
    stream = stream or sys.stderr
    try:
        stream.write(message() + "\n")
        stream.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more to say
        pass
    return True


def received() -> bool:
    """True once Ctrl-C was pressed during the current command: an error raised after it is its consequence (a
    C extension interrupted while importing reports an ImportError, for one), not a problem to show."""
    return _state["received"]


def _raise(signum, frame):
    _state["received"] = True
    raise Interrupted


def _watch(read_fd: int) -> None:
    while True:
        try:
            received = os.read(read_fd, 64)
        except OSError:
            return
        if not received:
            return
        if signal.SIGINT in received and _state["armed"]:
            _state["received"] = True
            time.sleep(GRACE_SECONDS)
            if _state["armed"] and report(sys.__stderr__):
                os._exit(EXIT_INTERRUPTED)


class handling:
    """Context manager: Ctrl-C raises Interrupted in the main thread, and ends the process if the main thread is
    stuck in C++ for more than GRACE_SECONDS. Does nothing outside the main thread (e.g. a web server's workers)."""

    def __enter__(self):
        self.active = threading.current_thread() is threading.main_thread()
        if not self.active:
            return self
        if _state["pipe"] is None:
            read_fd, write_fd = os.pipe()
            os.set_blocking(write_fd, False)
            _state["pipe"] = (read_fd, write_fd)
            threading.Thread(target=_watch, args=(read_fd,), name="smartpick-ctrl-c", daemon=True).start()
        self.previous_handler = signal.signal(signal.SIGINT, _raise)
        self.previous_fd = signal.set_wakeup_fd(_state["pipe"][1], warn_on_full_buffer=False)
        _state["reported"] = _state["received"] = False
        writers = sys.modules.get("optimizer.output.writers")
        _state["written_from"] = len(writers.WRITTEN) if writers is not None else 0
        _state["armed"] = True
        return self

    def __exit__(self, *exc_info):
        if self.active:
            _state["armed"] = False
            signal.set_wakeup_fd(self.previous_fd)
            signal.signal(signal.SIGINT, self.previous_handler)
        return False
