"""Small hostile inputs (issue 25, item 7): each is refused with a message naming it and exit code 2 (HTTP 422),
never a traceback or a silent change of meaning."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from optimizer.web.app import create_app


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def deep_toml(levels: int) -> str:
    return "[applicant]\nspecialties = " + "[" * levels + '"IM"' + "]" * levels + "\n"


@pytest.mark.parametrize("text", [deep_toml(600), "[applicant]\nx = " + "{a = " * 600 + "1" + "}" * 600 + "\n"])
def test_deeply_nested_toml_is_not_valid_toml(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    result = run("solve", "--profile", path)
    assert result.exit_code == 2, result.output
    assert f"Error: {path}: not valid TOML: lists or tables are nested hundreds of levels deep" in result.output
    response = TestClient(create_app(), base_url="http://127.0.0.1:8000").post("/api/solve", data={"profile": text})
    assert response.status_code == 422 and "not valid TOML" in response.json()["message"]


def test_a_device_as_the_profile_is_refused():
    result = run("solve", "--profile", "/dev/zero")
    assert result.exit_code == 2
    assert "/dev/zero: this is not a regular file" in result.output and "a .toml file" in result.output


@pytest.mark.parametrize("flags, message", [
    (["--objective", "at-least:-3"], "as a positive whole number from 1 to 60"),
    (["--objective", "at least = -3"], "as a positive whole number from 1 to 60"),
    (["--time-limit", "-1"], "-1.0 is not in the range x>0"),
    (["--time-limit", "0"], "is not in the range x>0"),
    (["--token", "a"], "the access token is too short"),
])
def test_flags_out_of_range_are_refused(flags, message):
    result = run("serve" if flags[0] == "--token" else "solve", *flags)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_an_infeasible_budget_keeps_or_tools_own_log_off_stderr():
    """OR-Tools writes its C++ log to the process's stderr (out of CliRunner's reach): a real process."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "solve", "--budget", "100"],
                          cwd=Path(__file__).parents[1], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: No application list meets every limit:"), done.stderr
    assert "contradictory bounds" not in done.stderr and "W0000" not in done.stderr


COHORT = Path(__file__).parent / "fixtures" / "cohort" / "small.csv"


def test_an_empty_applicants_file_gets_an_applicants_message(tmp_path):
    empty = tmp_path / "cohort.csv"
    empty.write_bytes(b"")
    result = run("batch", "--applicants", empty)
    assert result.exit_code == 2
    assert f"Error: {empty}: the file is empty. An applicants file has a header row" in result.output
    assert "program" not in result.output


def test_an_exact_copy_of_a_cohort_row_is_noted(tmp_path):
    lines = COHORT.read_text(encoding="utf-8").splitlines()
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("\n".join(lines[:2] + [lines[1]]) + "\n", encoding="utf-8")  # amina, then amina again
    result = run("batch", "--applicants", cohort, "--json")
    assert result.exit_code == 0, result.output
    assert "Note: Row 3 repeats row 2 exactly: the copies are not read." in result.output
