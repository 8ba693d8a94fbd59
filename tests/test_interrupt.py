"""Ctrl-C (a real SIGINT sent to a real process): one line, exit 130, no output written (optimizer/interrupt.py)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from optimizer.interrupt import EXIT_INTERRUPTED, MESSAGE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")
SMARTPICK = [sys.executable, "-c", "import cli; cli.main()"]


def interrupt_after(args, seconds, cwd):
    """Start a command, send SIGINT after `seconds`; (exit code, stderr, seconds from the signal to the end)."""
    process = subprocess.Popen([*SMARTPICK, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    time.sleep(seconds)
    assert process.poll() is None, "the command ended before it could be interrupted: give it more work"
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr.decode(), time.monotonic() - sent


def test_ctrl_c_stops_a_long_frontier_and_writes_nothing(tmp_path, tmp_path_factory):
    # three specialties, up to 300 programs, 1,000 budgets $5 apart: tens of seconds of work
    base = (Path(__file__).parents[1] / "data" / "profiles" / "im_applicant.toml").read_text(encoding="utf-8")
    profile = tmp_path_factory.mktemp("profile") / "hedging.toml"
    profile.write_text(base.replace('specialties = ["Internal Medicine"]',
                                    'specialties = ["Internal Medicine", "Family Medicine", "Psychiatry"]')
                       .replace("max_programs = 120", "max_programs = 300"), encoding="utf-8")
    code, stderr, _ = interrupt_after(["frontier", "--profile", str(profile), "--budget", "500:5495:5",
                                       "--out", "points.json", "--plot", "frontier.png"], 2.5, tmp_path)
    assert code == EXIT_INTERRUPTED, stderr
    assert stderr.strip().splitlines()[-1] == MESSAGE
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []  # neither output, nor a temporary file


def test_ctrl_c_during_start_up_is_one_line(tmp_path):
    # While Python loads SmartPick's modules (click, pandas, OR-Tools): one line and 130, never a traceback. A
    # signal that lands while the interpreter itself is still starting (before any of SmartPick runs) is Python's
    # own business: such a try says nothing and the next, later one is made.
    conclusive = 0
    for seconds in (0.3, 0.6, 0.9, 1.2, 1.6):
        process = subprocess.Popen([*SMARTPICK, "frontier", "--budget", "500:9000:10", "--backend", "pulp",
                                    "--out", "p.json"],
                                   cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
        time.sleep(seconds)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        if b"init_import_site" in stderr:
            continue
        conclusive += 1
        assert process.returncode == EXIT_INTERRUPTED, stderr
        # one line; a later try may land after start-up, below the notes about the inputs
        lines = stderr.decode().strip().splitlines()
        assert lines[-1] == MESSAGE and all(line.startswith("Note:") or line.startswith("  ") for line in lines[:-1]), \
            stderr
        assert list(tmp_path.iterdir()) == []
    assert conclusive >= 3


def test_ctrl_c_inside_the_solver_stops_the_search_before_its_time_limit(tmp_path):
    # The main thread is inside CP-SAT (C++), which does not return to Python until its time limit: the watcher
    # thread reports and ends the process.
    script = tmp_path / "long_solve.py"
    script.write_text(textwrap.dedent("""
        import random, sys
        from ortools.linear_solver import pywraplp
        from optimizer import interrupt
        from optimizer.solver.linear import SAT_PARAMETERS
        solver = pywraplp.Solver.CreateSolver("CP-SAT")
        rng = random.Random(0)
        xs = [solver.IntVar(0, 1, f"x{i}") for i in range(400)]
        for _ in range(30):
            solver.Add(sum(rng.randint(1, 50) * x for x in xs) <= 3000)
        solver.Maximize(sum(rng.randint(1, 100) * x for x in xs))
        settings = [p for p in SAT_PARAMETERS if not p.startswith("num_workers")]
        assert solver.SetSolverSpecificParametersAsString(" ".join(settings + ["num_workers:2",
                                                                               "max_time_in_seconds:60"]))
        print("solving", flush=True)
        try:
            with interrupt.handling():
                solver.Solve()
            print("the search ran to its end: an interrupted solve must never be reported", flush=True)
        except KeyboardInterrupt:
            interrupt.report()
            sys.exit(interrupt.EXIT_INTERRUPTED)
    """))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert process.stdout.readline().strip() == b"solving"
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    stdout, stderr = process.communicate(timeout=60)
    elapsed = time.monotonic() - sent
    assert process.returncode == EXIT_INTERRUPTED, stderr
    assert stderr.decode().strip() == MESSAGE
    assert b"ran to its end" not in stdout
    assert elapsed < 30  # far below the 60 s time limit: the search did not run on (never a timing benchmark)


def test_the_ctrl_c_line_names_a_file_written_whole_before_the_stop(tmp_path):
    from optimizer import interrupt
    from optimizer.output.writers import atomic_write_text

    atomic_write_text(tmp_path / "earlier.json", "{}")  # before the command: not this command's doing
    with interrupt.handling():
        assert interrupt.message() == MESSAGE  # nothing written yet: "Nothing was written."
        atomic_write_text(tmp_path / "list.json", "{}")
        line = interrupt.message()
    assert line == f"Stopped (Ctrl-C). {tmp_path / 'list.json'} was written whole before the stop; nothing else " \
                   "was written."
    assert "Nothing was written" not in line and "earlier.json" not in line


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_the_server_with_a_long_request_in_flight(tmp_path, presses):
    """`smartpick serve` with a frontier of 1,000 budgets over three specialties running (half a minute of work):
    Ctrl-C (and a second one) ends it at once, with one line, exit 130 and no traceback."""
    import socket
    import threading

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*SMARTPICK, "serve", "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{base}/api/health", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    profile = (Path(__file__).parents[1] / "data" / "profiles" / "im_applicant.toml").read_text(encoding="utf-8")
    profile = profile.replace('specialties = ["Internal Medicine"]',
                              'specialties = ["Internal Medicine", "Family Medicine", "Psychiatry"]')
    request = threading.Thread(target=lambda: httpx.post(f"{base}/api/frontier", timeout=600, data={
        "profile": profile.replace("max_programs = 120", "max_programs = 300"), "budget": "500:5495:5"}),
        daemon=True)
    request.start()
    time.sleep(2.5)
    assert request.is_alive(), "the request ended before the server could be stopped: give it more work"
    for _ in range(presses):
        server.send_signal(signal.SIGINT)
        time.sleep(0.3)
    try:
        _, stderr = server.communicate(timeout=15)  # a guard, not a speed check: the request takes 30 s
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError("the server went on with the request after Ctrl-C")
    assert server.returncode == EXIT_INTERRUPTED
    assert stderr.decode().strip() == "SmartPick stopped (Ctrl-C).", stderr.decode()
