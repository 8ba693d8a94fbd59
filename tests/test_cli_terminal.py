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
    """The bundled programs the way a person keeps them: a title row, no program-type column (and no data_source:
    a person's own sheet is theirs, taken as checked), blank visas in some rows and 'H1B - no' in others, and a row
    pasted twice."""
    with open(data_path("programs.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    drop = {header.index("program_type"), header.index("data_source")}
    rows = [[cell for i, cell in enumerate(row) if i not in drop] for row in rows]
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


def _list_lines(stdout: str) -> tuple[str, list[str]]:
    """(the header line, the program lines) of the 'Your list' table."""
    lines = stdout.split("Your list", 1)[1].splitlines()
    header = next(line for line in lines if " Program " in line)
    rows = []
    for line in lines[lines.index(header) + 1:]:
        if re.match(r"^\s+\d+ ", line):
            rows.append(line)
        elif rows:
            break
    return header, rows


def _list_rows(stdout: str) -> list[list[str]]:
    return [line.split() for line in _list_lines(stdout)[1]]


def _name_width(stdout: str) -> int:
    """How many characters the list's program column shows (the longest name as shown)."""
    header, rows = _list_lines(stdout)
    start, end = header.index("Program"), header.index("City")
    return max(len(line[start:end].rstrip()) for line in rows)


def test_a_wider_terminal_never_shows_shorter_names():
    widths = {columns: _name_width(run("solve", columns=columns).stdout) for columns in (80, 100, 120)}
    assert widths[100] >= widths[80] and widths[120] >= widths[100], widths
    assert widths[100] >= 30, widths  # not cut to 12 characters


def test_best_chance_first_is_sorted_by_the_chance():
    rows = _list_rows(run("solve", columns=160).stdout)
    chances = [float(next(cell for cell in row if cell.endswith("%")).rstrip("%")) for row in rows]
    assert len(chances) > 20 and chances == sorted(chances, reverse=True)


def test_the_frontier_says_what_per_100_counts_and_fits_100_columns():
    result = run("frontier", "--budget", "2000,2500,3000", columns=100)
    assert result.exit_code == 0, result.output
    assert "per +$100" in result.stdout and "Interviews per +$100: the weighted expected interviews" in \
        " ".join(result.stdout.split())
    assert "…" not in result.stdout.split("Best list at each budget", 1)[1].split("\n\n")[0]
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 100


def test_the_frontier_chart_lines_keep_off_the_frame():
    from optimizer.output.plotting import plot_frontier

    points = [{"budget": 2000, "expected_interviews": 2.2, "p_match": 0.0},
              {"budget": 3000, "expected_interviews": 2.7, "p_match": 0.36}]
    ax = plot_frontier(points)
    bottom, top = ax.get_ylim()
    assert bottom < 0 < 2.7 < top
    right = [other for other in ax.figure.axes if other is not ax][0]
    bottom, top = right.get_ylim()
    assert bottom < 0 and 0.36 < top <= 1.1
    left, right_edge = ax.get_xlim()
    assert left < 2000 and right_edge > 3000
