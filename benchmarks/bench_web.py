"""How fast the web app answers a what-if: p50 and p95 of POST /api/solve as the page sends it, on the bundled data.

The page sends the whole input again at each change (the profile's TOML text, and the sheet when it is the
person's own), so each answer includes reading the sheet, scoring, solving (twice: the list, and the list with $100
more for "what $100 more buys"), placing signals and the interview distribution. The server is `python -m
optimizer.web` (uvicorn) on 127.0.0.1 in its own process; requests come one at a time over HTTP, as from one
person's page, and each is timed from sending to the whole answer read. Target: under 300 ms.

    python benchmarks/bench_web.py [--runs 30]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def percentile(values: list[float], q: float) -> float:
    """The q-quantile by the nearest-rank method (q = 0.95: the value 95% of the runs are at or below)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 1)) - 1))]


def measure(base: str, runs: int, form: dict, files: dict | None) -> list[float]:
    import httpx

    seconds = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for i in range(runs + 2):  # two untimed warm-ups (imports, the first solve)
            budget = 2000 + 50 * (i % 20)  # a person dragging the budget slider
            started = time.perf_counter()
            response = client.post("/api/solve", data={**form, "budget": str(budget)}, files=files)
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            assert response.json()["budget"] == budget
            if i >= 2:
                seconds.append(elapsed)
    return seconds


@contextlib.contextmanager
def server_process():
    """`python -m optimizer.web` on a free port of 127.0.0.1; yields its address, stops it after."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "optimizer.web", "--port", str(port)], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/api/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from optimizer.inputs.resources import DEMO_PROFILE, DEMO_PROGRAMS, data_path

    profile = data_path(DEMO_PROFILE).read_text(encoding="utf-8")
    sheet = data_path(DEMO_PROGRAMS).read_bytes()
    rows = sheet.count(b"\n") - 1
    cases = [
        ("bundled data, signals on", {"profile": profile}, None),
        ("bundled data, no signals", {"profile": profile, "no_signals": "true"}, None),
        ("uploaded sheet (same data), signals on", {"profile": profile},
         {"programs": ("programs.csv", sheet, "text/csv")}),
    ]
    print(f"POST /api/solve, what-if budget changes, {rows:,} programs (the bundled sheet), {args.runs} runs each")
    print(f"{'case':42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    with server_process() as base:
        for name, form, files in cases:
            seconds = measure(base, args.runs, form, files)
            ms = [1000 * s for s in seconds]
            print(f"{name:42} {statistics.median(ms):8.0f} {percentile(ms, 0.95):8.0f} {max(ms):8.0f}")


if __name__ == "__main__":
    main()
