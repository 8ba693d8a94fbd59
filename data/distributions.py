"""The bundled sheet next to the published national distributions, per specialty.

Run from anywhere once SmartPick is installed:  python -m smartpick_data.distributions  [--programs FILE]

For each specialty of the sheet it prints the number of programs and first-year positions (against the NRMP
figures), the IMG-share quantiles and the share of programs with 50% or more IMGs, the share sponsoring J-1 and
H-1B visas, and the first-year positions per program (against the published quantiles or median, and against those
scaled to the NRMP total: see data/README.md), each with the tolerance the tests hold the bundled sheet to and its
basis: published (with the source key in data/program_distributions.toml), derived or assumed, as that file
labels it.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from smartpick_data.synth import national_distributions, positions_quantile_knots, quantile

PROGRAMS = Path(__file__).resolve().parent / "programs.csv"
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)

# How close the bundled sheet must be to the published figures (tests/test_distributions.py holds it to these).
IMG_POINTS = 8.0  # IMG-share quantiles and medians by type: within 8 percentage points
SHARE = 0.07  # share of programs (J-1, H-1B, 50% or more IMGs, type mix): within 7 points
POSITIONS_RELATIVE = 0.20  # first-year positions quantiles: within 20% of the published shape at the NRMP level


@dataclass(frozen=True)
class Line:
    """One figure of one specialty: what the sheet has, what was published, and the tolerance."""
    specialty: str
    figure: str
    bundled: float
    published: float
    tolerance: float | None  # None: must be equal; for information when `checked` is False
    checked: bool = True
    basis: str = "published"  # "published (<source>)", "derived" or "assumed" (program_distributions.toml)

    @property
    def within(self) -> bool:
        if not self.checked:
            return True
        if self.tolerance is None:
            return self.bundled == self.published
        return abs(self.bundled - self.published) <= self.tolerance + 1e-9


def empirical_quantile(values: list[float], p: float) -> float:
    """The p-quantile of `values`, interpolating linearly between order statistics (numpy's default)."""
    ordered = sorted(values)
    position = p * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def read_programs(path: Path = PROGRAMS) -> list[dict]:
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def positions_scale(specialty: str) -> float:
    """NRMP positions per program over the mean of the published positions shape at the specialty's level.

    The shape is IM's (FREIDA 2025) quantile function; for another specialty it is moved to its published median.
    The published counts run above NRMP's (they count more tracks per program), hence a factor below 1.
    """
    published = national_distributions()["specialties"][specialty]
    knots = positions_quantile_knots()
    shape_mean = sum(quantile(knots, (i + 0.5) / 1000) for i in range(1000)) / 1000
    level = published.get("positions_median", quantile(knots, 0.5)) / quantile(knots, 0.5)
    return published["positions"] / published["programs"] / (shape_mean * level)


def compare(rows: list[dict]) -> list[Line]:
    """Every compared figure, specialty by specialty, for the specialties of the sheet."""
    data = national_distributions()
    lines: list[Line] = []
    present = sorted({r["specialty"] for r in rows}, key=lambda s: list(data["specialties"]).index(s)
                     if s in data["specialties"] else 99)
    for specialty in present:
        published = data["specialties"].get(specialty)
        if published is None:
            continue
        mine = [r for r in rows if r["specialty"] == specialty]
        n = len(mine)

        def add(figure: str, bundled: float, value: float, tolerance: float | None, checked: bool = True, *,
                key: str) -> None:
            lines.append(Line(specialty, figure, bundled, value, tolerance, checked, basis(published, key)))

        if "programs" in published:
            add("programs (NRMP)", n, published["programs"], None, key="programs")
            add("first-year positions (NRMP)", sum(int(r["positions"]) for r in mine), published["positions"], None,
                key="positions")
        img = [float(r["img_pct"]) for r in mine]
        for p, value in published["img_quantiles"]:
            add(f"IMG share p{round(p * 100)} (%)", empirical_quantile(img, p), value, IMG_POINTS,
                key="img_quantiles")
        if "img_50_or_more" in published:
            add("programs with >= 50% IMGs", sum(x >= 50 for x in img) / n, published["img_50_or_more"], SHARE,
                key="img_50_or_more")
        add("programs sponsoring J-1", sum("J-1" in r["visa"] for r in mine) / n, published["j1"], SHARE, key="j1")
        add("programs sponsoring H-1B", sum("H-1B" in r["visa"] for r in mine) / n, published["h1b"], SHARE,
            key="h1b")
        seats = [float(r["positions"]) for r in mine]
        if "positions" in published:
            scale = positions_scale(specialty)
            pairs = published.get("positions_quantiles") or (
                [[0.5, published["positions_median"]]] if "positions_median" in published else [])
            key = "positions_quantiles" if "positions_quantiles" in published else "positions_median"
            for p, value in pairs:
                add(f"positions p{round(p * 100)} (published)", empirical_quantile(seats, p), value, None,
                    checked=False, key=key)
                add(f"positions p{round(p * 100)} (published x {scale:.2f})", empirical_quantile(seats, p),
                    value * scale, POSITIONS_RELATIVE * value * scale, key=key)
        if specialty == "Internal Medicine":
            types = data["program_types"]
            total = sum(types["counts"].values())
            for kind, count in types["counts"].items():
                of_kind = [r for r in mine if r["program_type"] == kind]
                add(f"type mix: {kind}", len(of_kind) / n, count / total, SHARE, key="program_types")
                add(f"IMG share median, {kind} (%)",
                    empirical_quantile([float(r["img_pct"]) for r in of_kind], 0.5), types["img_median"][kind],
                    IMG_POINTS, key="program_types")
    return lines


def basis(published: dict, key: str) -> str:
    """What a figure rests on: "derived" or "assumed" where the specialty's entry lists its key as such, else
    "published" with the source key (programs_source / positions_source for the NRMP counts)."""
    if key in published.get("derived_figures", ()):
        return "derived"
    if key in published.get("assumed_figures", ()):
        return "assumed"
    if key == "program_types":
        return "published (freida_2025)"
    source = {"programs": published.get("programs_source", published.get("positions_source")),
              "positions": published.get("positions_source")}.get(key) or published["source"]
    return f"published ({source})"


def _number(value: float, figure: str) -> str:
    if figure.startswith(("programs sponsoring", "programs with", "type mix")):
        return f"{value:.0%}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.1f}"


def table(lines: list[Line]) -> str:
    """The comparison as a Markdown table (what data/README.md shows)."""
    out = ["| specialty | figure | bundled | published | tolerance | within | basis |",
           "|---|---|---|---|---|---|---|"]
    for line in lines:
        if line.tolerance is None:
            tolerance = "exact" if line.checked else "(shown only)"
        elif line.figure.startswith(("programs sponsoring", "programs with", "type mix")):
            tolerance = f"± {line.tolerance:.0%}"
        elif line.figure.startswith("positions"):
            tolerance = f"± {POSITIONS_RELATIVE:.0%}"
        else:
            tolerance = f"± {line.tolerance:g} points"
        verdict = ("yes" if line.within else "NO") if line.checked else ""
        out.append(f"| {line.specialty} | {line.figure} | {_number(line.bundled, line.figure)} | "
                   f"{_number(line.published, line.figure)} | {tolerance} | {verdict} | {line.basis} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare a programs sheet (default: the bundled one) with the "
                                                 "published national distributions, per specialty.")
    parser.add_argument("--programs", type=Path, default=PROGRAMS, help="a programs CSV with the canonical columns")
    args = parser.parse_args(argv)
    lines = compare(read_programs(args.programs))
    print(table(lines))
    outside = [line for line in lines if not line.within]
    if outside:
        print(f"\n{len(outside)} figure(s) outside their tolerance.")
    return 1 if outside else 0


if __name__ == "__main__":
    sys.exit(main())
