"""A synthetic advising cohort for `smartpick batch`: one applicant per row, seeded, realistic enough to load the
solver as a real cohort would. These are made-up applicants, not data about anyone.

Example:
    python benchmarks/make_cohort.py --applicants 200 --seed 7 --out cohort.csv   (or cohort.xlsx)

Who is in it (each draw is an assumption for a benchmark, labelled as such; figures with a source say so):
- Mostly non-US IMGs (85%), the rest US IMGs (citizens who studied abroad; no visa needed).
- Preferred specialty: Internal Medicine 50%, Family Medicine 25%, Psychiatry 10%, Pediatrics 10%, Transitional
  Year 5% (assumption, near the IMG share of filled PGY-1 positions by specialty); a third also apply to a second
  specialty (FM with IM, IM with the others).
- Step 2 CK: normal with the mean and SD of non-US IMGs who preferred the specialty, matched and not alike: IM
  mean ~245, SD 14; FM ~232, SD 12 (NRMP Charting Outcomes 2026, data/SOURCES.md); the other specialties
  use the FM figures (assumption). Clipped to 200-275.
- Step 1: "pass" for graduates since 2022 (pass/fail since January 2022), a three-digit score before.
- Graduation year 2012-2026, recent years more likely; failed attempts 0 (85%), 1 (12%), 2 (3%).
- Visa (non-US IMGs): J-1 55%, "J-1 or H-1B" 35%, H-1B 10%.
- US clinical experience 0-12 months (a quarter with none), letters 0-4, research items 0-8.
- Home: Chicago (IL) or Houston (TX), the metros SmartPick has files for; ties and experience in the home state.
- Budget $1,200-$6,000 in $100 steps; min programs 30-80 and max 90-160 (some budgets cannot pay for the minimum,
  as with real applicants: those lists come back infeasible with the reason).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

HEADER = ("Applicant ID", "Specialties", "Step 1", "Step 2 CK", "Step failures", "Graduation year", "Visa",
          "USCE months", "USCE states", "US LoRs", "Research items", "Ties", "Applicant type", "Home metro",
          "Budget (USD)", "Min programs", "Max programs")
SPECIALTIES = (("Internal Medicine", 0.50), ("Family Medicine", 0.25), ("Psychiatry", 0.10), ("Pediatrics", 0.10),
               ("Transitional Year", 0.05))
STEP2CK = {"Internal Medicine": (245, 14)}  # NRMP Charting Outcomes 2026, non-US IMGs (data/SOURCES.md)
STEP2CK_OTHER = (232, 12)  # Family Medicine's figures; the other specialties: an assumption
SHORT = {"Internal Medicine": "IM", "Family Medicine": "FM", "Psychiatry": "Psych", "Pediatrics": "Peds",
         "Transitional Year": "TY"}
HOMES = (("Chicago", "IL", ("IN", "WI")), ("Houston", "TX", ("LA", "OK")))


def applicant(rng: random.Random, number: int) -> dict:
    """One made-up applicant as a row of the applicants file."""
    first = rng.choices([s for s, _ in SPECIALTIES], [w for _, w in SPECIALTIES])[0]
    specialties = [first]
    if rng.random() < 1 / 3:
        specialties.append("Family Medicine" if first == "Internal Medicine" else "Internal Medicine")
    mean, sd = STEP2CK.get(first, STEP2CK_OTHER)
    step2 = int(min(275, max(200, round(rng.gauss(mean, sd)))))
    year = 2026 - min(14, int(rng.expovariate(1 / 3.5)))
    step1 = "pass" if year >= 2024 else str(int(min(260, max(194, round(rng.gauss(step2 - 10, 12))))))
    us_img = rng.random() < 0.15
    visa = "none" if us_img else rng.choices(["J-1", "J-1 or H-1B", "H-1B"], [0.55, 0.35, 0.10])[0]
    metro, state, near = rng.choice(HOMES)
    usce = 0 if rng.random() < 0.25 else rng.randint(1, 12)
    usce_states = "" if usce == 0 else "; ".join([state] + ([rng.choice(near)] if rng.random() < 0.3 else []))
    ties = ", ".join([state] + ([rng.choice(near)] if rng.random() < 0.2 else []))
    budget = rng.randrange(1200, 6001, 100)
    low = rng.randrange(30, 81, 5)
    return {"Applicant ID": f"A{number:04d}", "Specialties": "; ".join(SHORT[s] for s in specialties),
            "Step 1": step1, "Step 2 CK": str(step2),
            "Step failures": str(rng.choices([0, 1, 2], [0.85, 0.12, 0.03])[0]), "Graduation year": str(year),
            "Visa": visa, "USCE months": str(usce), "USCE states": usce_states,
            "US LoRs": str(min(4, usce // 2 + rng.randint(0, 1))) if usce else "0",
            "Research items": str(min(8, int(rng.expovariate(1 / 2)))), "Ties": ties,
            "Applicant type": "US IMG" if us_img else "non-US IMG", "Home metro": metro,
            "Budget (USD)": str(budget), "Min programs": str(low), "Max programs": str(rng.randrange(max(90, low), 161, 5))}


def make_cohort(applicants: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [applicant(rng, i) for i in range(1, applicants + 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, help="cohort.csv or cohort.xlsx")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from optimizer.output.writers import write_table

    rows = make_cohort(args.applicants, args.seed)
    write_table(args.out, {"Applicants": rows})
    print(f"Wrote {args.out}: {len(rows)} applicants (seed {args.seed}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
