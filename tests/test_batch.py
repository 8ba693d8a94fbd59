"""`smartpick batch`: each applicant's list equals `smartpick solve` on that applicant's profile, the same results
whether solved here, on local processes or on a Dask cluster, bad rows located and the others solved."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from optimizer.inputs.applicants import read_applicants
from optimizer.cohort import make_tasks, run_tasks
from optimizer.inputs.resources import data_path
from optimizer.model.scoring import load_model
from optimizer.inputs.sheet import read_programs

FIXTURE = "tests/fixtures/cohort/small.csv"
SCENARIOS = ("scenarios/baseline.toml", "scenarios/tight_budget.toml")
RESULT_FIELDS = ("status", "count", "cost", "expected_interviews", "p_match")


def toml_text(data: dict) -> str:
    """A profile dict (strings, lists of strings and one level of sub-tables) as TOML."""
    lines = []
    for table, keys in data.items():
        lines.append(f"[{table}]")
        subs = {k: v for k, v in keys.items() if isinstance(v, dict)}
        lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items() if k not in subs]
        for name, sub in subs.items():
            lines.append(f"[{table}.{name}]")
            lines += [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in sub.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def cohort():
    rows, errors = read_applicants(FIXTURE)
    assert errors == []
    return rows


@pytest.fixture(scope="module")
def batch_json(run_json):
    return run_json("batch", "--applicants", FIXTURE)


def test_each_result_equals_solve_on_the_applicants_profile(cohort, batch_json, run_json, tmp_path):
    assert [r["applicant_id"] for r in batch_json["results"]] == ["amina", "bao", "carla"]
    assert batch_json["errors"] == []
    for applicant, result in zip(cohort, batch_json["results"]):
        profile = tmp_path / f"{applicant.applicant_id}.toml"
        profile.write_text(toml_text(applicant.data), encoding="utf-8")
        solved = run_json("solve", "--profile", profile)
        assert {k: result[k] for k in RESULT_FIELDS} == {k: solved[k] for k in RESULT_FIELDS}
        assert result["p_match_range"] == solved["p_match_range"]
        assert result["status"] == "optimal" and result["count"] > 0


def test_results_are_the_same_on_local_processes_and_on_a_dask_cluster(cohort):
    """The acceptance check of parallel runs: 3 applicants x 2 scenarios, identical payloads (timing aside)."""
    distributed = pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[test]'")
    table, model = read_programs(data_path("programs.csv")), load_model(None)
    tasks, errors = make_tasks(cohort, SCENARIOS)
    assert errors == [] and len(tasks) == 6
    here = run_tasks(table, model, tasks)
    pool = run_tasks(table, model, tasks, workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        cluster = run_tasks(table, model, tasks, client=client)

    def comparable(results):
        return [(r.applicant_id, r.scenario, {k: v for k, v in r.payload.items() if k != "solve_seconds"})
                for r in results]

    assert comparable(pool) == comparable(here)
    assert comparable(cluster) == comparable(here)
    assert [(r.applicant_id, r.scenario) for r in here] == [(a.applicant_id, s) for a in cohort
                                                            for s in ("Baseline", "Tight budget")]
    tight = {r.applicant_id: r.payload["cost"] for r in here if r.scenario == "Tight budget"}
    base = {r.applicant_id: r.payload["cost"] for r in here if r.scenario == "Baseline"}
    assert all(tight[a] <= base[a] for a in base)


def test_a_bad_row_is_reported_and_the_others_are_solved(run, tmp_path):
    bad = tmp_path / "cohort.csv"
    bad.write_text("applicant_id,Specialty,Step 2 CK,Visa\n"
                   "ok,IM,233,J-1\n"
                   "typo,IM,2330,J-1\n"
                   "alsook,FM,225,none\n", encoding="utf-8")
    result = run("batch", "--applicants", bad, "--json")
    assert result.exit_code == 2, result.output
    payload = json.loads(result.stdout)
    assert [r["applicant_id"] for r in payload["results"]] == ["ok", "alsook"]
    assert payload["errors"] == [{"row": 3, "column": "Step 2 CK", "message": payload["errors"][0]["message"]}]
    assert "300" in payload["errors"][0]["message"]
    text = run("batch", "--applicants", bad)
    assert text.exit_code == 2
    assert "row 3, column 'Step 2 CK'" in text.output
    assert "Traceback" not in text.output


def test_a_scenario_that_does_not_fit_a_row_is_an_error_on_that_row(run, tmp_path):
    scenario = tmp_path / "plus15.toml"
    scenario.write_text('name = "Step 2 CK +15"\n[applicant]\nstep2ck_delta = 15\n', encoding="utf-8")
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("applicant_id,specialties,step2ck,step1,visa\na,IM,233,,J-1\nb,IM,,230,J-1\n", encoding="utf-8")
    result = run("batch", "--applicants", cohort, "--scenarios", scenario, "--json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert [(r["applicant_id"], r["scenario"]) for r in payload["results"]] == [("a", "Step 2 CK +15")]
    assert payload["errors"][0]["row"] == 3 and "Step 2 CK" in payload["errors"][0]["message"]


def test_results_workbook_has_a_summary_and_a_sheet_per_list(run, batch_json, tmp_path):
    out = tmp_path / "results.xlsx"
    result = run("batch", "--applicants", FIXTURE, "--scenarios", SCENARIOS[1], "--out", out)
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "Summary"
    summary = list(book["Summary"].iter_rows(values_only=True))
    header = summary[0]
    for column in ("applicant_id", "scenario", "status", "count", "cost", "expected_interviews", "p_match",
                   "p_match_low", "p_match_high", "sheet"):
        assert column in header
    rows = [dict(zip(header, r)) for r in summary[1:]]
    assert [r["applicant_id"] for r in rows] == ["amina", "bao", "carla"]
    for row in rows:
        listed = list(book[row["sheet"]].iter_rows(values_only=True))
        assert len(listed) - 1 == row["count"]  # one row per program under the header
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically


def test_an_unreachable_scheduler_is_a_clear_error(run, monkeypatch):
    pytest.importorskip("distributed")
    from optimizer import cohort

    monkeypatch.setattr(cohort, "SCHEDULER_TIMEOUT", "0.5s")  # the same refusal, without waiting out the 10 s
    result = run("batch", "--applicants", FIXTURE, "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in result.output


def test_an_unreadable_scenario_file_is_one_error_for_the_cohort(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[applicant\nstep2ck = 240\n", encoding="utf-8")
    rows, _ = read_applicants(FIXTURE)
    tasks, errors = make_tasks(rows, [broken, SCENARIOS[1], tmp_path / "missing.toml"])
    assert [(t.applicant_id, t.scenario) for t in tasks] == [(r.applicant_id, "Tight budget") for r in rows]
    assert len(errors) == 2 and all(e.row is None for e in errors)
    assert any("broken.toml" in e.message for e in errors) and any("missing.toml" in e.message for e in errors)


def test_an_infeasible_applicant_is_a_result_with_solves_reasons(run, tmp_path):
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("applicant_id,specialties,step2ck,visa,budget_usd,min_programs\n"
                      "poor,FM,225,J-1,500,80\n", encoding="utf-8")
    result = run("batch", "--applicants", cohort, "--json")
    assert result.exit_code == 0, result.output  # a list no budget can pay for is an answer, not a bad row
    (only,) = json.loads(result.stdout)["results"]
    assert (only["status"], only["count"], only["cost"]) == ("infeasible", 0, None)
    rows, _ = read_applicants(cohort)
    profile = tmp_path / "poor.toml"
    profile.write_text(toml_text(rows[0].data), encoding="utf-8")
    solved = run("solve", "--profile", profile)
    assert solved.exit_code == 2
    assert only["message"] and only["message"].strip() in solved.output


def test_a_missing_applicants_file_says_so(run):
    result = run("batch", "--applicants", "no_such_cohort.csv")
    assert result.exit_code == 2
    assert "no_such_cohort.csv: applicants file not found" in result.output


def test_json_lines_hold_each_whole_solve_payload(run, batch_json, tmp_path):
    out = tmp_path / "results.jsonl"
    result = run("batch", "--applicants", FIXTURE, "--out", out)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["type"] for line in lines] == ["result"] * 3
    for line, summary in zip(lines, batch_json["results"]):
        assert {k: line[k] for k in summary} == summary
        assert line["solve"]["p_match"] == summary["p_match"] and len(line["solve"]["programs"]) == summary["count"]


def test_the_scheduler_flag_runs_on_a_dask_cluster_with_the_same_json(run, batch_json):
    distributed = pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[test]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        result = run("batch", "--applicants", FIXTURE, "--scheduler", lc.scheduler_address, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == batch_json


def test_on_dask_the_sheet_goes_to_each_worker_once_not_with_every_task(cohort):
    distributed = pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[test]'")
    from optimizer.inputs.programs import ProgramTable

    table, model = read_programs(data_path("programs.csv")), load_model(None)
    tasks, _ = make_tasks(cohort)

    class Spy:
        """The real client, noting what is scattered and what each task carries."""

        def __init__(self, client):
            self.client, self.scattered, self.task_args = client, [], []

        def scatter(self, data, **kwargs):
            self.scattered.append((data, kwargs))
            return self.client.scatter(data, **kwargs)

        def submit(self, function, *args, **kwargs):
            self.task_args.append(args)
            return self.client.submit(function, *args, **kwargs)

        def cancel(self, futures):
            return self.client.cancel(futures)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        spy = Spy(client)
        results = run_tasks(table, model, tasks, client=spy)
        (data, options), = spy.scattered
        assert data[0] is table and options.get("broadcast") is True
        assert len(spy.task_args) == len(tasks)
        assert not any(isinstance(arg, ProgramTable) for args in spy.task_args for arg in args)
        holders = client.who_has()
        assert max(len(workers) for workers in holders.values()) == 2  # the scattered sheet is on both workers
    assert [r.status for r in results] == ["optimal"] * len(tasks)


def test_a_scenario_asking_for_the_robust_list_gets_it_as_solve_would(cohort, run_json, tmp_path):
    """goals.robust in a scenario is read, not dropped: batch gives what `smartpick solve --robust` gives."""
    scenario = tmp_path / "robust.toml"
    scenario.write_text('name = "robust"\ndescription = "the list that holds up best"\n[goals]\nrobust = true\n',
                        encoding="utf-8")
    first = cohort[0]
    one = tmp_path / "one.csv"
    lines = open(FIXTURE, encoding="utf-8").read().splitlines()
    one.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    payload = run_json("batch", "--applicants", one, "--scenarios", scenario)
    [result] = payload["results"]
    assert result["robust"] is True
    profile = tmp_path / f"{first.applicant_id}.toml"
    profile.write_text(toml_text(first.data), encoding="utf-8")
    solved = run_json("solve", "--profile", profile, "--robust")
    assert {k: result[k] for k in RESULT_FIELDS} == {k: solved[k] for k in RESULT_FIELDS}
