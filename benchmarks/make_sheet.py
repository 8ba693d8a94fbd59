"""Write a synthetic national programs sheet (CSV) for benchmarks and load tests.

Example:
    python benchmarks/make_sheet.py --programs 10000 --seed 1 --out /tmp/national_10000.csv

Every row is synthetic (data_source = "synthetic"); the same --programs and --seed give the same file.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

from smartpick_data.synth import COLUMNS, DEFAULT_SPECIALTIES, SPECIALTY_CODES, synthetic_programs


def write_csv(rows: list[dict], path: Path) -> None:
    """Write rows with a header, atomically: a temporary file beside `path`, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=10000, help="number of programs (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--specialties", default=",".join(DEFAULT_SPECIALTIES),
                        help=f"comma-separated specialties (known: {', '.join(SPECIALTY_CODES)})")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    args = parser.parse_args(argv)
    specialties = tuple(s.strip() for s in args.specialties.split(",") if s.strip())
    try:
        rows = synthetic_programs(args.programs, seed=args.seed, specialties=specialties)
    except ValueError as error:
        parser.error(str(error))
    write_csv(rows, args.out)
    print(f"wrote {len(rows)} synthetic programs to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
