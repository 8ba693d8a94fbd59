"""Fixtures shared by the test modules: the command line through Click's runner, and the bundled demo data solved
once per test session (every test that only reads the demo's answer shares it)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

import cli


def invoke(*args):
    """`smartpick ARGS` in-process; a traceback (any exception but Click's exit) fails the test at once."""
    result = CliRunner().invoke(cli.main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def invoke_json(*args) -> dict:
    """`smartpick ARGS --json`, which must succeed; its JSON payload."""
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def run():
    """Run the command line: run("solve", "--budget", 3000) -> Click's Result (exit_code, output, stdout)."""
    return invoke


@pytest.fixture(scope="session")
def run_json():
    """Run a command with --json: run_json("solve") -> the payload (the exit code must be 0)."""
    return invoke_json


@pytest.fixture(scope="session")
def demo_solve(tmp_path_factory):
    """`smartpick solve` on the bundled demo data, once: its --json payload and the list written as CSV, XLSX and
    JSON (the same solve twice, so the two files are also a check that solving is deterministic)."""
    folder = tmp_path_factory.mktemp("demo_solve")
    paths = SimpleNamespace(csv=folder / "list.csv", xlsx=folder / "list.xlsx", json=folder / "list.json")
    payload = invoke_json("solve", "--out", paths.csv)
    again = invoke_json("solve", "--out", paths.xlsx)
    timing = {"solve_seconds"}  # the one field that may differ between two runs
    assert {k: v for k, v in again.items() if k not in timing} == {k: v for k, v in payload.items() if k not in timing}
    paths.json.write_text(json.dumps(payload), encoding="utf-8")
    return SimpleNamespace(payload=payload, folder=folder, **vars(paths))
