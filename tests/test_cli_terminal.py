"""What the terminal shows: results on stdout, warnings grouped on stderr, tables as wide as the terminal, and a
fee column that adds up to the cost."""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner

from cli import main
from optimizer.inputs.resources import data_path


@pytest.fixture(scope="module")
def titled_sheet(tmp_path_factory):
    """The bundled programs the way a person keeps them: a title row, no program-type column, blank visas in some
    rows and 'H1B - no' in others, and a row pasted twice."""
    with open(data_path("programs.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    drop = header.index("program_type")
    rows = [[cell for i, cell in enumerate(row) if i != drop] for row in rows]
    visa = rows[0].index("visa")
    for row in rows[1:30]:
        row[visa] = ""
    for row in rows[30:35]:
        row[visa] = "H1B - no"
    path = tmp_path_factory.mktemp("sheet") / "my programs.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["My ERAS 2026 list"])
        writer.writerows(rows)
        writer.writerow(rows[3])
    return path


def run(*args, columns=100):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(main, list(args))


def test_warnings_go_to_stderr_one_line_per_kind(titled_sheet):
    result = run("solve", "--programs", str(titled_sheet))
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stdout  # piped results stay clean
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning")]
    assert len(warnings) <= 5
    text = " ".join(result.stderr.split())
    assert "header on row 2" in text and "1 repeated row not read" in text
    assert "visa (5)" in text and "visa (29)" in text
    assert f"smartpick validate '{titled_sheet}'" in text


def test_validate_still_lists_every_warning_in_full(titled_sheet):
    result = run("validate", str(titled_sheet), "--json")
    warnings = json.loads(result.stdout)["warnings"]
    assert any("says no to H-1B" in w and "rows 32, 33, 34, 35, 36" in w for w in warnings)
    assert any("No 'program_type' column" in w for w in warnings)


@pytest.mark.parametrize("command", [("solve",), ("score",)])
def test_tables_fit_a_narrow_terminal(command):
    result = run(*command, columns=80)
    assert result.exit_code == 0, result.output
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80


def test_a_wide_terminal_shows_full_names():
    wide = run("solve", "--json")
    longest = max(json.loads(wide.stdout)["programs"], key=lambda p: len(p["program"]))["program"]
    assert len(longest) > 30
    assert longest in run("solve", columns=200).stdout
    assert longest not in run("solve", columns=80).stdout


def test_the_fee_column_is_each_programs_real_fee_and_adds_up_to_the_cost():
    result = run("solve", "--budget", "2500", "--min", "40", "--max", "60", columns=160)
    assert result.exit_code == 0, result.output
    fees = [int(m.group(1)) for m in re.finditer(r"\$(\d+)\s*$", result.stdout, re.MULTILINE)]
    payload = json.loads(run("solve", "--budget", "2500", "--min", "40", "--max", "60", "--json").stdout)
    assert len(fees) == payload["count"]
    breakdown = payload["cost_breakdown"]
    assert sum(fees) == pytest.approx(sum(breakdown["eras_fees_by_specialty"].values()))
    assert sum(fees) + breakdown["usmle_transcript"] == pytest.approx(payload["cost"])
    assert len(set(fees)) > 1  # the first programs of a specialty are cheaper than the later ones
    caption = " ".join(result.stdout.split())
    assert f"the list costs ${payload['cost']:,.0f}" in caption


def test_exclusions_are_counted_under_their_kind():
    import dataclasses

    from optimizer.output.render_score import summary
    from tests.helpers import setup_candidates

    reasons = ["the program sponsors H-1B only; you can use J-1", "the program sponsors no visa; you can use J-1",
               "the program states a Step 2 CK cutoff of 230; your profile has no Step 2 CK score",
               "you will be 9 years from graduation; the program takes at most 5"]
    marked = [dataclasses.replace(c, eligible=False, reasons=(reason,))
              for c, reason in zip(setup_candidates(4, seed=1), reasons)]
    assert summary(marked)["excluded_by"] == {"visa": 2, "Step cutoff": 1, "years since graduation": 1}
