"""Write example outcome files for `smartpick calibrate`: synthetic applicants, where they applied on the bundled
programs, and who was invited, drawn (seeded) from the bundled model with some coefficients moved (the "truth" an
advisor's own students might follow). Every applicant is synthetic.

    python scripts/make_outcomes.py my_outcomes                 # 300 applicants, seed 1
    python scripts/make_outcomes.py my_outcomes --applicants 40 --seed 7

Writes applicants.csv, applications.csv and summary.csv (the per-applicant counts form) into the folder, and
prints the coefficients the outcomes were drawn from, to compare with what `smartpick calibrate` recovers.
Existing files are never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optimizer.inputs.datafiles import load_bundled_toml
from optimizer.inputs.resources import data_path
from optimizer.model.scoring import InterviewModel
from optimizer.inputs.sheet import read_programs
from smartpick_data.synth_outcomes import (EXAMPLE_MULTIPLIERS, EXAMPLE_SHIFTS, OUTCOME_FILES, csv_text,
                                             outcome_files, perturbed_model_data, simulate_outcomes)
from optimizer.output.writers import atomic_write_text


def _summary(applications: list[dict]) -> list[dict]:
    counts: dict[str, list[int]] = {}
    for row in applications:
        n = counts.setdefault(row["applicant_id"], [0, 0])
        n[0] += 1
        n[1] += row["invited"] == "yes"
    return [{"applicant_id": a, "applications": n, "interviews": k} for a, (n, k) in counts.items()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--applicants", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    names = (*OUTCOME_FILES, "summary.csv")
    taken = [args.folder / name for name in names if (args.folder / name).exists()]
    if taken:
        print(f"{taken[0]} exists; SmartPick never overwrites files. Choose another folder.", file=sys.stderr)
        return 2
    args.folder.mkdir(parents=True, exist_ok=True)
    base = load_bundled_toml("model.toml")
    truth = perturbed_model_data(base)
    applicants, applications = simulate_outcomes(InterviewModel.from_dict(truth),
                                                 read_programs(data_path("programs.csv")), args.applicants, args.seed)
    for name, text in outcome_files(applicants, applications).items():
        atomic_write_text(args.folder / name, text)
    atomic_write_text(args.folder / names[2], csv_text(_summary(applications), ("applicant_id", "applications",
                                                                                  "interviews")))
    invited = sum(row["invited"] == "yes" for row in applications)
    print(f"Wrote {len(applicants)} applicants and {len(applications)} applications ({invited} invited) to "
          f"{args.folder}/ ({', '.join(names)}).")
    print("The outcomes were drawn from the bundled model with these coefficients moved:")
    for name in [*EXAMPLE_SHIFTS, *EXAMPLE_MULTIPLIERS]:
        table, _, key = name.partition(".")
        print(f"  {name:40} base {base[table][key]:8.4f}   truth {truth[table][key]:8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
