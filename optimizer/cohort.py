"""A cohort's lists: each applicant (times each scenario) solved as `smartpick solve` would, here, on local
processes or on a Dask cluster.

The work is a list of `Task`s (an applicant's profile, perhaps changed by a scenario). `solve_task` solves one
exactly as `smartpick solve --profile` does (same limits, objective, time limit and solver settings; the solver is
seeded and single-threaded, so a task gives the same list wherever it runs). `run_tasks` runs them in order in this
process, on a pool of local processes, or on a `dask.distributed.Client`; the programs sheet and the model go to
each worker once (the pool's initializer, or a broadcast scatter), not with every task. Results come back in the
order of the tasks, whatever order they finish in.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

from optimizer import pipeline
from optimizer.solver import DEFAULT_TIME_LIMIT
from optimizer.inputs.applicants import ApplicantRow, RowError
from optimizer.errors import InputError, SmartPickError
from optimizer.inputs.profile import read_profile_data
from optimizer.inputs.resources import DEMO_NOTE
from optimizer.inputs.scenario_files import load_scenarios, scenario_paths
from optimizer.output.render import solve_payload
from optimizer.output.workbook import sheet_title


@dataclass(frozen=True)
class Task:
    """One list to solve: an applicant's profile, as a scenario changes it (scenario None: the row as written)."""

    index: int  # position in the batch: results are returned in this order
    applicant_id: str
    row: int
    scenario: str | None
    profile: object  # profile_types.Profile


@dataclass(frozen=True)
class TaskResult:
    """A solved task: `payload` is `smartpick solve --json` for it (None when no list meets the limits, and then
    `message` says why)."""

    index: int
    applicant_id: str
    row: int
    scenario: str | None
    payload: dict | None
    message: str | None = None

    @property
    def status(self) -> str:
        return self.payload["status"] if self.payload else "infeasible"

    def summary(self) -> dict:
        """The contract's batch result: applicant_id, scenario, status, count, cost, expected_interviews, p_match
        (unrounded), then the row, the P(match) range, whether it is the robust list and a message where there is one."""
        p = self.payload or {}
        low_high = p.get("p_match_range") or (None, None)
        return {"applicant_id": self.applicant_id, "scenario": self.scenario, "status": self.status,
                "count": p.get("count", 0), "cost": p.get("cost"), "expected_interviews": p.get("expected_interviews"),
                "p_match": p.get("p_match"), "row": self.row, "budget": p.get("budget"),
                "p_match_range": p.get("p_match_range"), "p_match_low": low_high[0], "p_match_high": low_high[1],
                "robust": p.get("robust"), "message": self.message}


def make_tasks(applicants: list[ApplicantRow], scenario_paths=(), use_signals: bool = True
               ) -> tuple[list[Task], list[RowError]]:
    """The tasks of a cohort: each applicant as written, or once per scenario file when `scenario_paths` (files or
    folders) are given. A scenario that does not fit an applicant's row is an error on that row, and the
    applicant's other scenarios go on."""
    tasks: list[Task] = []
    errors: list[RowError] = []
    if scenario_paths:
        scenario_paths, errors = _readable_scenarios(scenario_paths)
        if not scenario_paths:
            return [], errors
    for applicant in applicants:
        if not scenario_paths:
            variants = [(None, applicant.profile)]
        else:
            found, problems = load_scenarios(list(scenario_paths), applicant.data, applicant.profile.source)
            variants = [(s.name, s.profile) for s in found]
            errors.extend(RowError(applicant.row, p.key, f"{p.file}: {p.message}") for p in problems)
        for name, profile in variants:
            if not use_signals:
                profile = replace(profile, goals=replace(profile.goals, use_signals=False))
            tasks.append(Task(len(tasks), applicant.applicant_id, applicant.row, name, profile))
    return tasks, errors


def _readable_scenarios(paths) -> tuple[list, list[RowError]]:
    """The scenario files that can be read at all (found, TOML syntax right); a file that cannot is one error for
    the whole cohort, not one per applicant."""
    files, missing = scenario_paths(paths)
    errors = [RowError(None, None, f"{e.file}: {e.message}") for e in missing]
    readable = []
    for path in files:
        try:
            read_profile_data(path)
        except InputError as error:
            errors.extend(RowError(None, p.column, p.describe()) for p in error.problems)
            continue
        readable.append(path)
    return readable, errors


def solve_task(table, model, task: Task, time_limit: float = DEFAULT_TIME_LIMIT) -> TaskResult:
    """One task solved as `smartpick solve` solves a profile: the same payload (its solve_seconds aside)."""
    notes = (DEMO_NOTE,) if table.is_demo else ()
    try:
        inputs = pipeline.inputs_for(table, task.profile, model, notes)
        # as `smartpick solve` would for this profile: its objective, and the robust list when goals.robust says so
        # (a scenario may set it)
        plan, limits = pipeline.solve_list(inputs, time_limit=time_limit)
    except SmartPickError as error:
        return TaskResult(task.index, task.applicant_id, task.row, task.scenario, None, str(error))
    return TaskResult(task.index, task.applicant_id, task.row, task.scenario, solve_payload(inputs, plan, limits))


# --- running: here, on local processes, or on a Dask cluster ----------------------------------------------------

_WORKER_STATE: dict = {}  # a pool process's copy of the sheet and model, set once by its initializer


def _init_worker(table, model) -> None:
    _WORKER_STATE.update(table=table, model=model)


def _solve_in_worker(task: Task, time_limit: float) -> TaskResult:
    return solve_task(_WORKER_STATE["table"], _WORKER_STATE["model"], task, time_limit)


def run_tasks(table, model, tasks: list[Task], workers: int = 1, client=None,
              time_limit: float = DEFAULT_TIME_LIMIT,
              progress=None) -> list[TaskResult]:
    """Solve every task; results in the tasks' order. `client` (a dask.distributed.Client) runs them on its
    cluster; otherwise `workers` > 1 runs them on that many local processes. `progress(done, total)` is called as
    tasks finish."""
    if client is not None:
        results = _run_dask(client, table, model, tasks, time_limit, progress)
    elif workers > 1 and len(tasks) > 1:
        results = _run_pool(table, model, tasks, workers, time_limit, progress)
    else:
        results = []
        for task in tasks:
            results.append(solve_task(table, model, task, time_limit))
            if progress:
                progress(len(results), len(tasks))
    return sorted(results, key=lambda r: r.index)


def _run_pool(table, model, tasks, workers, time_limit, progress) -> list[TaskResult]:
    # spawn: a fresh interpreter per worker, safe whatever threads this process runs (the progress bar's).
    # The workers start with Ctrl-C ignored (inherited): Ctrl-C reaches the whole process group, and this process
    # alone stops the pool, rather than every worker dying mid-task with its own traceback.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)),
                                   mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker,
                                   initargs=(table, model))
        futures = [pool.submit(_solve_in_worker, task, time_limit) for task in tasks]  # starts the workers
    finally:
        signal.signal(signal.SIGINT, previous)
    # on Ctrl-C or a bug: drop the queued tasks, do not wait for them
    results = _collect(as_completed(futures), len(tasks), progress,
                       cancel=lambda: pool.shutdown(wait=False, cancel_futures=True))
    pool.shutdown()
    return results


def _run_dask(client, table, model, tasks, time_limit, progress) -> list[TaskResult]:
    # distributed takes over 0.5 s to import (measured): loaded only when this runs
    from distributed import as_completed

    # one copy of the sheet and model on every worker; the tasks carry only a reference to it
    table_ref, model_ref = client.scatter([table, model], broadcast=True, hash=False)
    futures = [client.submit(solve_task, table_ref, model_ref, task, time_limit, key=f"smartpick-task-{task.index}",
                             pure=False) for task in tasks]
    return _collect(as_completed(futures), len(tasks), progress, cancel=lambda: client.cancel(futures))


def _collect(finished, total: int, progress, cancel) -> list[TaskResult]:
    """The results of futures in the order they finish (`finished` yields them: a pool's or Dask's as_completed),
    calling progress(done, total); on Ctrl-C or an error, cancel() drops the tasks left, then the error goes on."""
    results = []
    try:
        for future in finished:
            results.append(future.result())
            if progress:
                progress(len(results), total)
    except BaseException:
        cancel()
        raise
    return results


SCHEDULER_TIMEOUT = "10s"  # how long `--scheduler` waits for the scheduler to answer


def connect(address: str):
    """A Dask client for a scheduler address (tcp://host:8786); InputError when Dask is missing or the scheduler
    does not answer within SCHEDULER_TIMEOUT."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("running on a cluster needs Dask: pip install 'smartpick[cluster]'",
                         file="--scheduler") from None
    try:
        return Client(address, timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(f"no Dask scheduler answers at {address} ({error}). Check the address (e.g. "
                         "tcp://10.0.0.5:8786) and that the scheduler is running.", file="--scheduler") from None


# --- what the results workbook holds -----------------------------------------------------------------------------

def list_sheet_names(results: list[TaskResult]) -> list[str]:
    """The worksheet name of each result's list (Excel's 31 characters, unique), in the results' order."""
    used = {"summary", "errors"}
    return [sheet_title(r.applicant_id if r.scenario is None else f"{r.applicant_id} {r.scenario}", used)
            for r in results]


def workbook_sheets(results: list[TaskResult], errors: list[RowError]) -> dict[str, list[dict]]:
    """Summary (one row per applicant x scenario), Errors (when any), then one sheet per list."""
    names = list_sheet_names(results)
    summary = []
    for result, name in zip(results, names):
        row = result.summary()
        row.pop("p_match_range")
        row["sheet"] = name if result.payload else None
        summary.append(row)
    sheets = {"Summary": summary}
    if errors:
        sheets["Errors"] = [e.as_dict() for e in errors]
    for result, name in zip(results, names):
        if result.payload:
            sheets[name] = [{k: v for k, v in p.items()} for p in result.payload["programs"]]
    return sheets


def batch_payload(results: list[TaskResult], errors: list[RowError]) -> dict:
    """`smartpick batch --json`: {"results": [...], "errors": [{"row", "column", "message"}]}."""
    return {"results": [r.summary() for r in results], "errors": [e.as_dict() for e in errors]}


def json_lines(results: list[TaskResult], errors: list[RowError]) -> str:
    """JSON lines: one line per refused row ({"type": "error", "row", "column", "message"}), then one per list
    ({"type": "result", the batch result's fields, "solve": its whole `smartpick solve --json`})."""
    lines = [json.dumps({"type": "error", **e.as_dict()}, default=str) for e in errors]
    lines += [json.dumps({"type": "result", **r.summary(), "solve": r.payload}, default=str) for r in results]
    return "\n".join(lines) + "\n"
