"""The Python API: the worked example of docs/python-api.md runs as written, and the API gives what the commands
give."""

from __future__ import annotations

import doctest
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer import api
from optimizer.errors import InputError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "python-api.md"


def test_the_docs_example_runs_as_written():
    failures, tried = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.ELLIPSIS
                                       | doctest.NORMALIZE_WHITESPACE, raise_on_error=False, verbose=False)
    assert tried > 30
    assert failures == 0


def test_the_api_is_importable_from_the_package_and_lazy():
    import subprocess
    import sys

    import optimizer.cohort  # noqa: F401 - modules of the package must not hide the API's functions
    import optimizer.studies.compare  # noqa: F401
    import optimizer.solver.frontier  # noqa: F401
    from optimizer import batch, compare, frontier, load_profile, score, solve

    assert solve is api.solve and score is api.score and load_profile is api.load_profile
    assert frontier is api.frontier and compare is api.compare and batch is api.batch
    assert optimizer.SolveResult is api.SolveResult and optimizer.api is api
    loaded = subprocess.run([sys.executable, "-c", "import sys, optimizer; print('optimizer.api' in sys.modules, "
                             "'pandas' in sys.modules)"], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == ["False", "False"]
    with pytest.raises(AttributeError):
        optimizer.no_such_function


def test_solve_payload_equals_the_command(demo_solve):
    result = api.solve()
    timing = {"solve_seconds"}
    assert {k: v for k, v in result.payload.items() if k not in timing} == \
        {k: v for k, v in demo_solve.payload.items() if k not in timing}
    assert list(result.programs.program_id) == [p["program_id"] for p in demo_solve.payload["programs"]]


def test_score_frame_equals_score_json(run_json):
    payload = run_json("score")
    frame = api.score()
    assert list(frame.program_id) == [p["program_id"] for p in payload["programs"]]
    assert list(frame.p_interview) == [p["p_interview"] for p in payload["programs"]]
    assert set(payload["programs"][0]) <= set(frame.columns)


def test_frontier_frame_equals_frontier_json(run_json):
    payload = run_json("frontier", "--budget", "1500,2500")
    frame = api.frontier(budgets="1500,2500")
    points = payload["points"]
    for column in ("budget", "status", "count"):
        assert list(frame[column]) == [p[column] for p in points]
    solved = frame[frame.status == "optimal"]
    assert list(solved.p_match) == [p["p_match"] for p in points if p["status"] == "optimal"]
    assert list(solved.p_match_range.map(list)) == [p["p_match_range"] for p in points if p["status"] == "optimal"]


def test_a_programs_dataframe_reads_like_the_sheet():
    sheet = pd.read_csv(Path(optimizer.__file__).parent.parent / "data" / "programs.csv", dtype=str,
                        keep_default_na=False)
    from_frame = api.load_programs(sheet.head(300))
    from_file = api.load_programs()
    assert [p.program_id for p in from_frame.programs] == [p.program_id for p in from_file.programs[:300]]
    broken = sheet.head(5).copy()
    broken.loc[1, "state"] = "Atlantis"
    with pytest.raises(InputError, match="row 3"):
        api.load_programs(broken)


def test_compare_takes_ids_results_and_frames():
    result = api.solve()
    side = api.compare(lists={"ids": result.program_ids, "result": result, "frame": result.programs})
    assert list(side.portfolio) == ["ids", "result", "frame"]
    assert side.loc[1, "p_match"] == pytest.approx(result.p_match)
    assert side.loc[2, "cost"] == side.loc[1, "cost"] == result.cost
    with pytest.raises(InputError, match="give the lists"):
        api.compare()


def test_bad_arguments_are_input_errors():
    with pytest.raises(InputError, match="solve\\(\\)"):
        api.solve(budget="lots")
    with pytest.raises(InputError, match="frontier\\(\\)"):
        api.frontier(budgets=["-5"])
