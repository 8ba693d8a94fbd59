"""Throughput of `smartpick batch` (issue 18): applicants per minute on one core and on 2 workers of a local Dask
cluster, the scaling from 1 to 2, memory per worker, and the check that every way gives identical results.

Example:
    python benchmarks/bench_batch.py --applicants 200 --runs 3

On a seeded cohort (make_cohort.py) and the bundled programs sheet, it times, median of N runs:
  (a) in-process, one core: `run_tasks(..., workers=1)` (the sheet read and model loaded before the clock starts);
  (b) in-process, a 2-worker Dask LocalCluster (one thread per worker process), started before the clock starts:
      the sheet scattered to both workers once, then every task;
  (c) in-process, 2 local processes (`--workers 2`, concurrent.futures), pool start-up included;
and once each, whole processes: `smartpick batch --json` (one core) and `smartpick batch --scheduler ADDRESS
--json` against the same LocalCluster. It checks that (a), (b), (c) give the same payloads (solve_seconds aside) and
the two commands the same JSON, and reports each worker's resident memory after its run and the CPU seconds an
applicant costs (the measure that does not depend on what else the shared machine runs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import _common as common

sys.path.insert(0, str(common.REPO))


def comparable(results) -> list:
    return [(r.applicant_id, r.scenario, r.message,
             None if r.payload is None else {k: v for k, v in r.payload.items() if k != "solve_seconds"})
            for r in results]


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used: what the work costs whatever else runs on the machine."""
    import psutil

    times = psutil.Process().cpu_times()
    return times.user + times.system


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from distributed import Client, LocalCluster

    from make_cohort import main as make_cohort
    from optimizer.inputs.applicants import read_applicants
    from optimizer.cohort import make_tasks, run_tasks
    from optimizer.inputs.resources import data_path
    from optimizer.model.scoring import load_model
    from optimizer.inputs.sheet import read_programs

    workdir = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    common.use_bytecode_cache(workdir)
    print(common.machine())
    cohort = workdir / "cohort.csv"
    make_cohort(["--applicants", str(args.applicants), "--seed", str(args.seed), "--out", str(cohort)])
    rows, errors = read_applicants(cohort)
    assert not errors, errors
    tasks, _ = make_tasks(rows)
    table, model = read_programs(data_path("programs.csv")), load_model(None)
    print(f"{len(tasks)} applicants, {len(table.programs)} programs (the bundled sheet)")

    def timed(run):
        start = time.perf_counter()
        results = run()
        return time.perf_counter() - start, results

    one_core, one_core_cpu, reference = [], [], None
    for _ in range(args.runs):
        cpu_before = time.process_time()
        seconds, results = timed(lambda: run_tasks(table, model, tasks))
        one_core.append(seconds)
        one_core_cpu.append(time.process_time() - cpu_before)
        reference = reference or comparable(results)
        assert comparable(results) == reference, "one core: two runs differ"
    one_core_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    pool = []
    for _ in range(args.runs):
        seconds, results = timed(lambda: run_tasks(table, model, tasks, workers=2))
        pool.append(seconds)
        assert comparable(results) == reference, "2 local processes differ from one core"

    cluster_times = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: None)  # workers up before the clock starts
        cluster_cpu = []
        for _ in range(args.runs):
            cpu_before = sum(client.run(cpu_seconds).values())
            seconds, results = timed(lambda: run_tasks(table, model, tasks, client=client))
            cluster_times.append(seconds)
            cluster_cpu.append(sum(client.run(cpu_seconds).values()) - cpu_before)
            assert comparable(results) == reference, "the Dask LocalCluster differs from one core"
        worker_rss = client.run(rss_mb)
        command = [common.smartpick(), "batch", "--applicants", str(cohort), "--json"]
        cli_one, cli_one_out = common.time_process(command)
        cli_dask, cli_dask_out = common.time_process([*command, "--scheduler", cluster.scheduler_address])
    same_cli = json.loads(cli_one_out) == json.loads(cli_dask_out)
    assert same_cli, "smartpick batch differs between one core and --scheduler"
    statuses = {}
    for result in json.loads(cli_one_out)["results"]:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1

    def per_minute(seconds: float) -> str:
        return f"{len(tasks) / seconds * 60:.0f}"

    a, b, c = common.median(one_core), common.median(cluster_times), common.median(pool)
    common.print_table(f"Applicants per minute ({len(tasks)} applicants, median of {args.runs} runs)", [
        ("how", "seconds", "applicants/min", "scaling vs 1 core"),
        ("(a) in-process, 1 core", f"{a:.1f}", per_minute(a), "1.00"),
        ("(b) Dask LocalCluster, 2 workers", f"{b:.1f}", per_minute(b), f"{a / b:.2f}"),
        ("(c) 2 local processes (--workers 2)", f"{c:.1f}", per_minute(c), f"{a / c:.2f}"),
        ("smartpick batch --json (whole process, 1 run)", f"{cli_one:.1f}", per_minute(cli_one), ""),
        ("smartpick batch --scheduler (whole process, 1 run)", f"{cli_dask:.1f}", per_minute(cli_dask),
         f"{cli_one / cli_dask:.2f}"),
    ])
    cpu_a, cpu_b = common.median(one_core_cpu), common.median(cluster_cpu)
    print(f"\nCPU seconds per applicant: one core {cpu_a / len(tasks):.3f} (so {len(tasks) / cpu_a * 60:.0f} "
          f"applicants per minute per fully available core); Dask workers {cpu_b / len(tasks):.3f} "
          f"(all workers together; scaling 1 -> 2 workers at full cores would be {2 * cpu_a / cpu_b:.2f})")
    print(f"Memory: one-core process peak {one_core_rss:.0f} MB; Dask workers after the runs "
          + ", ".join(f"{mb:.0f} MB" for mb in worker_rss.values()))
    print(f"Identical results: (a) = (b) = (c) payloads (solve_seconds aside) on every run: yes; "
          f"`smartpick batch --json` = `smartpick batch --scheduler --json`: {'yes' if same_cli else 'NO'}")
    print(f"Statuses: {statuses}; cores {os.cpu_count()}, load average now {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
