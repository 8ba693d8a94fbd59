"""Time `smartpick calibrate` on an advisor-sized data set (issue 17).

Example:
    python benchmarks/bench_calibrate.py --runs 5 --applicants 300

Writes simulated outcome files (scripts/make_outcomes.py's generator, seeded) to a temporary folder, then prints
the median wall time of (a) reading the two files against the bundled programs, (b) the fit on all applications,
(c) the 5-fold cross-validation, and (d) the whole `smartpick calibrate --json` process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _median(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (the median is shown)")
    parser.add_argument("--applicants", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from optimizer.inputs.outcome_files import load_outcomes
    from optimizer.inputs.datafiles import load_bundled_toml
    from optimizer.model.refit import build_cases, cross_validate, fit, make_design
    from optimizer.inputs.resources import data_path
    from optimizer.model.scoring import InterviewModel, load_model
    from optimizer.inputs.sheet import read_programs
    from smartpick_data.synth_outcomes import (OUTCOME_FILES, outcome_files, perturbed_model_data,
                                                 simulate_outcomes)

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        truth = InterviewModel.from_dict(perturbed_model_data(load_bundled_toml("model.toml")))
        applicants, applications = simulate_outcomes(truth, read_programs(data_path("programs.csv")),
                                                     args.applicants, args.seed)
        for name, text in outcome_files(applicants, applications).items():
            (folder / name).write_text(text, encoding="utf-8")
        paths = tuple(folder / name for name in OUTCOME_FILES)
        read_s, (profiles, found, _, _) = _median(lambda: load_outcomes(*paths), args.runs)
        design = make_design(build_cases(load_model(), profiles, found))
        fit_s, _ = _median(lambda: fit(design), args.runs)
        cv_s, _ = _median(lambda: cross_validate(design), args.runs)
        command = [sys.executable, "-c", "import cli; cli.main()", "calibrate", "--applicants", str(paths[0]),
                   "--applications", str(paths[1]), "--json"]
        subprocess.run(command, capture_output=True, check=True)  # untimed warm-up
        whole_s, _ = _median(lambda: subprocess.run(command, capture_output=True, check=True), args.runs)
    print(f"{len(applicants)} applicants, {len(applications)} applications, {len(design.parameters)} parameters; "
          f"median of {args.runs} runs (seconds)")
    for name, seconds in (("read the files", read_s), ("fit", fit_s), ("5-fold cross-validation", cv_s),
                          ("whole `smartpick calibrate --json` process", whole_s)):
        print(f"  {name:45} {seconds:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
