"""Synthetic national program sheets: seeded, pure, for demo data, tests and benchmarks.

Every row is a dict keyed by the canonical sheet columns (plus `data_source` = "synthetic"), with values as a user
would type them: numbers as numbers, blanks as "", yes/no for flags. Nothing here describes a real program.

IMG share, visas, program type and first-year positions are drawn per specialty from the published national
distributions in data/program_distributions.toml (FREIDA 2025, Residency Explorer 2021, NRMP); how they are split
by program type, and everything else (states, names, cutoffs), are ASSUMPTIONS, labelled where they are set.
Randomness comes only from `random.Random.random()` (the Mersenne Twister stream, stable across Python versions), so
a seed gives the same sheet everywhere.

Data tooling (data/build_programs.py, data/distributions.py, tests, benchmarks), not a part of the optimizer: nothing
under optimizer/ imports it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy.special import expit

from optimizer.inputs.programs import CANONICAL_COLUMNS

from optimizer.inputs.vocab import STATE_NAMES

SYNTHETIC = "synthetic"
COLUMNS = CANONICAL_COLUMNS + ("data_source",)
DEFAULT_SPECIALTIES = ("Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry")

# ACGME program ids start with a three-digit specialty code (ACGME program numbers, data/SOURCES.md: 120 FM, 140 IM, 320 Pediatrics,
# 400 Psychiatry, 999 TY; the others from Illinois program pages on residencyadvisor.com: 040 Anesthesiology,
# 110 Emergency Medicine, 180 Neurology, 220 Obstetrics and Gynecology, 300 Pathology, 420 Diagnostic Radiology,
# 440 Surgery). A preliminary track belongs to its categorical program, hence 140 for preliminary IM and 440 for
# preliminary surgery. Synthetic ids are "SYN-" + specialty code + two-digit FIPS state code + a five-digit serial.
SPECIALTY_CODES = {
    "Internal Medicine": ("140", "IM"),
    "Internal Medicine (Preliminary)": ("140", "IM Prelim"),
    "Family Medicine": ("120", "FM"),
    "Pediatrics": ("320", "Peds"),
    "Psychiatry": ("400", "Psych"),
    "Transitional Year": ("999", "TY"),
    "Neurology": ("180", "Neuro"),
    "Pathology": ("300", "Path"),
    "Anesthesiology": ("040", "Anes"),
    "General Surgery": ("440", "Gen Surg"),
    "Surgery (Preliminary)": ("440", "Surg Prelim"),
    "Emergency Medicine": ("110", "EM"),
    "Obstetrics and Gynecology": ("220", "OB/GYN"),
    "Diagnostic Radiology": ("420", "DR"),
}

# A preliminary track sits, where it can, at an institution with the categorical program it belongs to.
PRELIMINARY_OF = {"Internal Medicine (Preliminary)": "Internal Medicine", "Surgery (Preliminary)": "General Surgery"}

# Specialties drawn together from the seed's one random stream, as before round 3; every other specialty draws from
# its own stream (seeded by the seed and its name), so adding a specialty leaves these six specialties' rows as
# they were.
SHARED_STREAM_SPECIALTIES = ("Internal Medicine", "Internal Medicine (Preliminary)", "Family Medicine", "Pediatrics",
                             "Psychiatry", "Transitional Year")

# Default split of n across specialties: relative sizes from the programs in data/program_distributions.toml
# (NRMP counts where published, else derived there).
SPECIALTY_WEIGHTS = {
    "Internal Medicine": 758, "Family Medicine": 817, "Pediatrics": 250, "Psychiatry": 404,
    "Transitional Year": 236, "Internal Medicine (Preliminary)": 329, "Neurology": 210, "Pathology": 149,
    "Anesthesiology": 230, "General Surgery": 377, "Surgery (Preliminary)": 237, "Emergency Medicine": 292,
    "Obstetrics and Gynecology": 328, "Diagnostic Radiology": 211,
}

# ASSUMPTION: relative number of residency programs per state (more in NY, CA, TX, PA, OH, FL, IL, MI ...).
STATE_WEIGHTS = {
    "NY": 12.0, "CA": 10.0, "TX": 8.0, "PA": 7.0, "OH": 5.5, "FL": 5.5, "IL": 5.5, "MI": 5.0, "MA": 3.5,
    "NJ": 3.5, "NC": 3.0, "GA": 3.0, "MO": 2.5, "VA": 2.5, "TN": 2.5, "MD": 2.5, "WI": 2.0, "IN": 2.0, "CT": 2.0,
    "AZ": 2.0, "LA": 1.8, "MN": 1.5, "CO": 1.5, "WA": 1.5, "KY": 1.5, "SC": 1.5, "AL": 1.5, "OK": 1.2, "DC": 1.2,
    "KS": 1.0, "IA": 1.0, "AR": 1.0, "OR": 1.0, "MS": 0.8, "NE": 0.8, "UT": 0.8, "NV": 0.8, "WV": 0.8, "NM": 0.6,
    "RI": 0.6, "ME": 0.5, "NH": 0.4, "DE": 0.4, "HI": 0.4, "ID": 0.4, "VT": 0.3, "MT": 0.3, "ND": 0.3, "SD": 0.3,
    "WY": 0.2, "AK": 0.2,
}

# US Census Bureau FIPS state codes (used in synthetic ids only).
FIPS = {
    "AL": "01", "AK": "02", "AZ": "04", "AR": "05", "CA": "06", "CO": "08", "CT": "09", "DE": "10", "DC": "11",
    "FL": "12", "GA": "13", "HI": "15", "ID": "16", "IL": "17", "IN": "18", "IA": "19", "KS": "20", "KY": "21",
    "LA": "22", "ME": "23", "MD": "24", "MA": "25", "MI": "26", "MN": "27", "MS": "28", "MO": "29", "MT": "30",
    "NE": "31", "NV": "32", "NH": "33", "NJ": "34", "NM": "35", "NY": "36", "NC": "37", "ND": "38", "OH": "39",
    "OK": "40", "OR": "41", "PA": "42", "RI": "44", "SC": "45", "SD": "46", "TN": "47", "TX": "48", "UT": "49",
    "VT": "50", "VA": "51", "WA": "53", "WV": "54", "WI": "55", "WY": "56",
}


# Real city names, largest or busiest teaching centres first (earlier cities are drawn more often).
CITIES = {
    "AL": ("Birmingham", "Mobile", "Huntsville", "Montgomery", "Tuscaloosa", "Dothan"),
    "AK": ("Anchorage", "Fairbanks"),
    "AZ": ("Phoenix", "Tucson", "Mesa", "Scottsdale", "Chandler", "Flagstaff"),
    "AR": ("Little Rock", "Fayetteville", "Fort Smith", "Jonesboro", "Pine Bluff"),
    "CA": ("Los Angeles", "San Francisco", "San Diego", "Sacramento", "Fresno", "Oakland", "Torrance", "Riverside",
           "Orange", "Loma Linda", "Long Beach", "San Jose", "Bakersfield", "Stockton", "Santa Barbara", "Modesto",
           "Pasadena", "Salinas", "Redding", "Palm Springs"),
    "CO": ("Denver", "Aurora", "Colorado Springs", "Fort Collins", "Pueblo", "Grand Junction"),
    "CT": ("Hartford", "New Haven", "Bridgeport", "Stamford", "Waterbury", "Norwalk", "Danbury"),
    "DE": ("Wilmington", "Newark", "Dover"),
    "DC": ("Washington",),
    "FL": ("Miami", "Orlando", "Tampa", "Jacksonville", "Gainesville", "Fort Lauderdale", "Tallahassee",
           "Pensacola", "St. Petersburg", "Sarasota", "Hollywood", "Lakeland", "Ocala", "Boca Raton",
           "Daytona Beach"),
    "GA": ("Atlanta", "Augusta", "Macon", "Savannah", "Columbus", "Albany", "Rome"),
    "HI": ("Honolulu", "Hilo"),
    "ID": ("Boise", "Pocatello", "Nampa", "Coeur d'Alene"),
    "IL": ("Chicago", "Peoria", "Springfield", "Rockford", "Urbana", "Evanston", "Oak Lawn", "Joliet"),
    "IN": ("Indianapolis", "Fort Wayne", "Evansville", "South Bend", "Muncie", "Terre Haute", "Gary",
           "Lafayette"),
    "IA": ("Des Moines", "Iowa City", "Cedar Rapids", "Davenport", "Sioux City", "Waterloo"),
    "KS": ("Wichita", "Kansas City", "Topeka", "Salina"),
    "KY": ("Louisville", "Lexington", "Bowling Green", "Owensboro", "Pikeville", "Hazard"),
    "LA": ("New Orleans", "Baton Rouge", "Shreveport", "Lafayette", "Monroe", "Lake Charles", "Alexandria"),
    "ME": ("Portland", "Bangor", "Lewiston", "Augusta"),
    "MD": ("Baltimore", "Bethesda", "Silver Spring", "Cheverly", "Annapolis", "Salisbury", "Hagerstown"),
    "MA": ("Boston", "Worcester", "Springfield", "Cambridge", "Pittsfield", "Salem", "Brockton", "Lowell"),
    "MI": ("Detroit", "Grand Rapids", "Ann Arbor", "Lansing", "Flint", "Kalamazoo", "Royal Oak", "Southfield",
           "Dearborn", "Saginaw", "Warren", "Pontiac", "Traverse City", "Marquette"),
    "MN": ("Minneapolis", "St. Paul", "Rochester", "Duluth", "St. Cloud"),
    "MS": ("Jackson", "Gulfport", "Hattiesburg", "Tupelo", "Meridian"),
    "MO": ("St. Louis", "Kansas City", "Columbia", "Springfield", "Joplin", "Cape Girardeau"),
    "MT": ("Billings", "Missoula", "Great Falls", "Bozeman"),
    "NE": ("Omaha", "Lincoln", "Kearney", "Grand Island"),
    "NV": ("Las Vegas", "Reno", "Henderson"),
    "NH": ("Manchester", "Lebanon", "Concord", "Nashua"),
    "NJ": ("Newark", "Camden", "Hackensack", "New Brunswick", "Paterson", "Jersey City", "Trenton", "Livingston",
           "Morristown", "Atlantic City", "Elizabeth", "Neptune"),
    "NM": ("Albuquerque", "Las Cruces", "Santa Fe", "Roswell"),
    "NY": ("New York", "Brooklyn", "Bronx", "Queens", "Buffalo", "Rochester", "Syracuse", "Albany", "Mineola",
           "Valhalla", "Stony Brook", "Manhasset", "Staten Island", "Jamaica", "Flushing", "Yonkers",
           "Cooperstown", "Binghamton", "Utica", "New Rochelle"),
    "NC": ("Charlotte", "Durham", "Raleigh", "Winston-Salem", "Greenville", "Greensboro", "Asheville",
           "Wilmington", "Fayetteville", "Concord"),
    "ND": ("Fargo", "Bismarck", "Grand Forks", "Minot"),
    "OH": ("Cleveland", "Columbus", "Cincinnati", "Toledo", "Akron", "Dayton", "Youngstown", "Canton",
           "Kettering", "Lima", "Mansfield", "Zanesville"),
    "OK": ("Oklahoma City", "Tulsa", "Lawton", "Enid"),
    "OR": ("Portland", "Eugene", "Salem", "Medford", "Bend"),
    "PA": ("Philadelphia", "Pittsburgh", "Allentown", "Hershey", "Bethlehem", "Harrisburg", "Scranton", "Erie",
           "Lancaster", "Reading", "Wilkes-Barre", "Johnstown", "Danville", "Abington", "Darby", "Upland", "York",
           "Altoona"),
    "RI": ("Providence", "Pawtucket", "Warwick"),
    "SC": ("Columbia", "Charleston", "Greenville", "Spartanburg", "Florence", "Anderson"),
    "SD": ("Sioux Falls", "Rapid City", "Aberdeen"),
    "TN": ("Nashville", "Memphis", "Knoxville", "Chattanooga", "Johnson City", "Jackson", "Kingsport"),
    "TX": ("Houston", "Dallas", "San Antonio", "Austin", "Fort Worth", "El Paso", "Lubbock", "Galveston", "Temple",
           "Amarillo", "Corpus Christi", "Odessa", "McAllen", "Harlingen", "Tyler", "Conroe", "Beaumont", "Waco",
           "Baytown", "Pasadena", "Sugar Land", "Weslaco", "Midland", "Abilene", "Longview", "Wichita Falls"),
    "UT": ("Salt Lake City", "Provo", "Ogden", "St. George"),
    "VT": ("Burlington", "Rutland", "Brattleboro"),
    "VA": ("Richmond", "Norfolk", "Roanoke", "Charlottesville", "Falls Church", "Lynchburg", "Portsmouth",
           "Fairfax", "Blacksburg", "Winchester"),
    "WA": ("Seattle", "Spokane", "Tacoma", "Everett", "Renton", "Vancouver", "Yakima"),
    "WV": ("Morgantown", "Charleston", "Huntington", "Wheeling", "Beckley"),
    "WI": ("Milwaukee", "Madison", "Green Bay", "La Crosse", "Marshfield", "Wausau", "Eau Claire", "Appleton"),
    "WY": ("Casper", "Cheyenne", "Laramie"),
}

# Hospital-ish words for invented institution names.
NAME_WORDS = (
    "Riverside", "Lakeside", "Summit", "Valley", "Mercy", "Memorial", "Providence", "Good Samaritan",
    "Sacred Heart", "St. Luke's", "St. Joseph's", "St. Vincent's", "Baptist", "Methodist", "Presbyterian",
    "Lutheran", "Unity", "Northgate", "Eastside", "Westview", "Union", "Heritage", "Pioneer", "Cedar Hill",
    "Oak Grove", "Pine Ridge", "Fairview", "Bayview", "Hillcrest", "Meadowbrook", "Brookside", "Harbor",
    "Crossroads", "Highland", "Prairie", "Bluewater", "Stonebridge", "Maple Grove", "Willow Creek", "Silver Lake",
    "Red Oak", "Granite", "Evergreen", "Liberty", "Frontier", "Beacon", "Trinity", "Grace",
)
COMMUNITY_KINDS = ("Hospital", "Medical Center", "Regional Medical Center", "Community Hospital", "Health System")

# The published national distributions (data/program_distributions.toml, each figure with its source) that the
# synthetic programs are drawn from. How the draw works, per specialty:
#   - program type: the FREIDA 2025 IM mix (university 145, university-affiliated 324, community 186), every
#     specialty (ASSUMPTION outside IM: no published mix);
#   - IMG share: a rank v ~ uniform, moved by the program type (below), then the specialty's published quantile
#     function (piecewise linear through the published quantiles, 0 at the bottom and 100 at the top);
#   - visas: the share of programs sponsoring J-1 and H-1B, split by type (community odds ratio for J-1; IM's
#     H-1B ratios by type); within a type, independent of the IMG share (no published figure ties them);
#   - first-year positions: FREIDA's IM shape, scaled so that the positions add up to the NRMP total.
DISTRIBUTIONS_FILE = "program_distributions.toml"

# ASSUMPTION: where a university program's IMG share sits among its specialty's programs, as a density over the
# rank (0 = fewest IMGs, 1 = most): half of university programs in the lowest quarter, few above the median.
# Community programs spread evenly over the ranks; university-affiliated programs take what is left, so that the
# mix of the three is uniform and the specialty's quantiles are the published ones. With the IM type mix this puts
# the IM medians by type at 9% (university), ~61% (affiliated) and 41% (community): FREIDA 2025 gives 9, 62, 41.
UNIVERSITY_RANK_DENSITY = ((0.25, 2.0), (0.50, 1.7), (1.00, 0.15))  # (upper end of the bin, density)

# ASSUMPTION: few programs sponsor H-1B but not J-1 (canonical visa "H-1B"): 5% of those without J-1.
P_H1B_WITHOUT_J1 = 0.05
# ASSUMPTION: first-year positions below the published 10th and above the 90th percentile of IM (FREIDA 2025)
# run from 3 to 80 before scaling to the NRMP total.
POSITIONS_RANGE = (3, 80)


@functools.lru_cache(maxsize=None)
def national_distributions() -> dict:
    """The published distributions, as read from data/program_distributions.toml."""
    from optimizer.inputs.datafiles import load_bundled_toml

    return load_bundled_toml(DISTRIBUTIONS_FILE)


def img_quantile_knots(published: Mapping) -> list[tuple[float, float]]:
    """(share of programs, IMG %) knots of a specialty's quantile function: the published quantiles, the share with
    50% or more IMGs, and the ends (0 -> 0%, 1 -> 100%)."""
    knots = [(float(p), float(x)) for p, x in published["img_quantiles"]]
    if "img_50_or_more" in published:
        knots.append((1.0 - float(published["img_50_or_more"]), 50.0))
    return _with_ends(sorted(knots), 0.0, 100.0)


def positions_quantile_knots() -> list[tuple[float, float]]:
    """(share of programs, positions) knots of the positions shape: IM's published quantiles and POSITIONS_RANGE."""
    published = national_distributions()["specialties"]["Internal Medicine"]["positions_quantiles"]
    return _with_ends(sorted((float(p), float(x)) for p, x in published), *POSITIONS_RANGE)


def _with_ends(knots: list[tuple[float, float]], low: float, high: float) -> list[tuple[float, float]]:
    if knots[0][0] > 0:
        knots.insert(0, (0.0, min(low, knots[0][1])))
    if knots[-1][0] < 1:
        knots.append((1.0, max(high, knots[-1][1])))
    if any(b[0] < a[0] or b[1] < a[1] for a, b in zip(knots, knots[1:])):
        raise ValueError(f"published quantiles are not increasing: {knots}")
    return knots


def quantile(knots: Sequence[tuple[float, float]], u: float) -> float:
    """The piecewise-linear quantile function through `knots` ((share, value), shares from 0 to 1) at share u."""
    for (p0, x0), (p1, x1) in zip(knots, knots[1:]):
        if u <= p1:
            return x0 if p1 == p0 else x0 + (x1 - x0) * (u - p0) / (p1 - p0)
    return knots[-1][1]


@functools.lru_cache(maxsize=None)
def type_shares() -> tuple[tuple[str, float], ...]:
    """The program type mix (FREIDA 2025, IM, military programs left out), as shares."""
    counts = national_distributions()["program_types"]["counts"]
    total = sum(counts.values())
    return tuple((kind, counts[kind] / total) for kind in ("university", "university-affiliated", "community"))


@functools.lru_cache(maxsize=None)
def rank_densities() -> dict[str, tuple[tuple[float, float], ...]]:
    """Per type, the density of programs over the IMG rank, as bins (upper end, density); their mix is uniform."""
    share = dict(type_shares())
    university = UNIVERSITY_RANK_DENSITY
    rest = share["university"] + share["university-affiliated"]
    affiliated = tuple((end, (rest - share["university"] * density) / share["university-affiliated"])
                       for end, density in university)
    if any(d < 0 for _, d in affiliated):
        raise ValueError("UNIVERSITY_RANK_DENSITY leaves a negative density for university-affiliated programs")
    return {"university": university, "university-affiliated": affiliated, "community": ((1.0, 1.0),)}


def rank_for(kind: str, v: float) -> float:
    """The IMG rank (0..1) of a program of this type whose position among its type's programs is v (0..1)."""
    start, mass = 0.0, 0.0
    for end, density in rank_densities()[kind]:
        width_mass = (end - start) * density
        if v <= mass + width_mass or end >= 1.0:
            return min(1.0, start + (v - mass) / density) if density else start
        start, mass = end, mass + width_mass
    return 1.0


def _solve_increasing(f, target: float, low: float = -30.0, high: float = 30.0) -> float:
    for _ in range(80):
        middle = (low + high) / 2
        low, high = (middle, high) if f(middle) < target else (low, middle)
    return (low + high) / 2


@dataclass(frozen=True)
class VisaRule:
    """How a type of program of one specialty sponsors visas: P(J-1), P(H-1B | J-1)."""
    p_j1: float
    h1b_given_j1: float


@functools.lru_cache(maxsize=None)
def visa_rules(specialty: str) -> dict[str, VisaRule]:
    """Per program type, the visa rule that reproduces the specialty's published J-1 and H-1B shares."""
    published = national_distributions()["specialties"][specialty]
    types = national_distributions()["program_types"]
    share = dict(type_shares())
    odds_ratio = float(types["j1_community_odds_ratio"])
    # J-1 share per type: the community odds are odds_ratio times the others', and the mix is the published share
    def overall(logit_other: float) -> float:
        other, community = float(expit(logit_other)), float(expit(logit_other + math.log(odds_ratio)))
        return (1 - share["community"]) * other + share["community"] * community
    logit_other = _solve_increasing(overall, float(published["j1"]))
    j1 = {kind: float(expit(logit_other + (math.log(odds_ratio) if kind == "community" else 0.0))) for kind in share}
    # H-1B share per type: IM's ratios between types, scaled to the specialty's published share
    ratios = types["h1b"]
    scale = float(published["h1b"]) / sum(share[k] * ratios[k] for k in share)
    rules = {}
    for kind in share:
        given_j1 = (scale * ratios[kind] - (1 - j1[kind]) * P_H1B_WITHOUT_J1) / j1[kind]
        rules[kind] = VisaRule(j1[kind], min(1.0, max(0.0, given_j1)))
    return rules


def positions_per_program(specialty: str) -> float:
    """The specialty's NRMP first-year positions per program; without an NRMP figure, the published median
    (ASSUMPTION: where both are known, NRMP's mean and the published median agree within 5%)."""
    published = national_distributions()["specialties"][specialty]
    if "positions" in published:
        return published["positions"] / published["programs"]
    return float(published.get("positions_median", 10))


@dataclass(frozen=True)
class _Profile:
    """ASSUMPTION: how a specialty's programs accept signals and share institutions in the synthetic world."""
    signals_share: float  # share of programs accepting ERAS signals
    reuse: float  # chance of sitting at an institution that already has another specialty


PROFILES = {
    # Every IM program opted in to signals unless it opted out (AAIM, 2026 season): nearly all accept them.
    "Internal Medicine": _Profile(0.98, 0.10),
    "Internal Medicine (Preliminary)": _Profile(0.98, 0.85),
    "Family Medicine": _Profile(0.92, 0.30),
    "Pediatrics": _Profile(0.92, 0.45),
    "Psychiatry": _Profile(0.92, 0.45),
    "Transitional Year": _Profile(0.92, 0.60),
    "Neurology": _Profile(0.92, 0.55),
    # Hospital-based specialties mostly sit where there is an IM program already.
    "Pathology": _Profile(0.92, 0.60),
    "Anesthesiology": _Profile(0.92, 0.60),
    "General Surgery": _Profile(0.92, 0.55),
    # General surgery signals go to categorical programs; preliminary surgery tracks are not listed for signals.
    "Surgery (Preliminary)": _Profile(0.0, 0.85),
    "Emergency Medicine": _Profile(0.92, 0.50),
    "Obstetrics and Gynecology": _Profile(0.92, 0.55),
    "Diagnostic Radiology": _Profile(0.92, 0.60),
}

# ASSUMPTION: how often programs state limits, and their ranges (Step 2 CK cutoff on ~30% of programs, 210-240;
# a maximum number of years since graduation on ~35%, 3-10; US clinical experience required on some).
P_STEP2_CUTOFF = {"university": 0.40, "university-affiliated": 0.30, "community": 0.25}
STEP2_CUTOFF_RANGE = {"university": (220, 240), "university-affiliated": (215, 235), "community": (210, 230)}
P_MAX_YEARS = {"university": 0.25, "university-affiliated": 0.33, "community": 0.42}
MAX_YEARS_CHOICES = (3, 3, 4, 5, 5, 5, 6, 7, 8, 10)
P_USCE_REQUIRED = {"university": 0.10, "university-affiliated": 0.20, "community": 0.30}


def synthetic_programs(n: int, seed: int = 0, specialties: Sequence[str] = DEFAULT_SPECIALTIES, *,
                       exclude_states: Sequence[str] = ()) -> list[dict]:
    """`n` synthetic programs split across `specialties` by national size, every state present when n allows.

    Returns row dicts (COLUMNS as keys), sorted by state, city and program; the same seed gives the same rows.
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a whole number of programs, 0 or more (got {n!r})")
    if not specialties:
        raise ValueError("specialties must name at least one specialty")
    _check_specialties(specialties)
    weights = [SPECIALTY_WEIGHTS[s] for s in specialties]
    counts = dict(zip(specialties, _apportion(n, weights)))
    return synthetic_programs_by_specialty(counts, seed, exclude_states=exclude_states)


def synthetic_programs_by_specialty(counts: Mapping[str, int], seed: int = 0, *,
                                    exclude_states: Sequence[str] = (),
                                    positions: Mapping[str, int] | None = None) -> list[dict]:
    """Synthetic programs with exactly `counts[specialty]` rows per specialty, states spread by STATE_WEIGHTS.

    `exclude_states` (postal codes) get no programs, e.g. a state whose real programs are listed by hand.
    `positions` gives a specialty's total first-year positions over its rows (default: its NRMP positions per
    program times its rows, rounded); each program has at least one.
    """
    _check_specialties(counts)
    if any(not isinstance(c, int) or c < 0 for c in counts.values()):
        raise ValueError(f"program counts must be whole numbers, 0 or more (got {dict(counts)!r})")
    unknown = sorted(set(exclude_states) - set(STATE_WEIGHTS))
    if unknown:
        raise ValueError(f"unknown state codes in exclude_states: {', '.join(unknown)}")
    states = [s for s in sorted(STATE_WEIGHTS) if s not in set(exclude_states)]
    shared = {s: c for s, c in counts.items() if s in SHARED_STREAM_SPECIALTIES}
    draw = _Draw(seed)
    world = _World(draw)
    rows = _draw_programs(shared, states, draw, world)
    # every other specialty from its own stream, after the shared ones (it may join their institutions)
    for specialty in sorted(set(counts) - set(shared), key=lambda s: list(SPECIALTY_CODES).index(s)):
        own = _Draw(_stream_seed(seed, specialty))
        world.draw = own
        rows += _draw_programs({specialty: counts[specialty]}, states, own, world)
    positions = dict(positions or {})
    for specialty, count in counts.items():
        mine = [r for r in rows if r["specialty"] == specialty]
        total = positions.get(specialty, round(count * positions_per_program(specialty)))
        for row, seats in zip(mine, _scaled_to_total([r["positions"] for r in mine], total)):
            row["positions"] = seats
    return sorted(rows, key=lambda r: (r["state"], r["city"], r["program"]))


def _draw_programs(counts: Mapping[str, int], states: Sequence[str], draw: "_Draw", world: "_World") -> list[dict]:
    """Rows for `counts`, all drawn from `draw`: state slots by STATE_WEIGHTS, then per specialty stratified
    uniforms for IMG share, visas and positions (before scaling to the specialty's total)."""
    total = sum(counts.values())
    state_slots = [s for s, k in zip(states, _apportion(total, [STATE_WEIGHTS[s] for s in states],
                                                        minimum=1 if total >= len(states) else 0))
                   for _ in range(k)]
    draw.shuffle(state_slots)
    # IM first, so that preliminary and other tracks can join institutions that already train internists.
    ordered = sorted(counts, key=lambda s: (list(SPECIALTY_CODES).index(s), s))
    specialty_slots = [s for s in ordered for _ in range(counts[s])]

    # Stratified draws: per specialty, each stream of uniforms has one value in each of n equal slices of 0..1, in
    # random order, so that even a few hundred programs show the published shape rather than sampling noise.
    streams = {s: {name: _stratified(draw, counts[s]) for name in ("img", "j1", "h1b", "positions")}
               for s in ordered}
    return [world.program(specialty, state, {name: stream.pop() for name, stream in streams[specialty].items()})
            for specialty, state in zip(specialty_slots, state_slots)]


def _stream_seed(seed: int, specialty: str) -> int:
    """A specialty's own seed: stable across runs and Python versions (not the salted built-in hash)."""
    return int.from_bytes(hashlib.sha256(f"{seed}|{specialty}".encode()).digest()[:8], "big")


def _stratified(draw: "_Draw", n: int) -> list[float]:
    """n uniforms, one in each slice [i/n, (i+1)/n), shuffled."""
    values = [(i + draw.uniform()) / n for i in range(n)]
    draw.shuffle(values)
    return values


def _scaled_to_total(sizes: Sequence[float], total: int) -> list[int]:
    """Whole numbers in proportion to `sizes`, each at least 1, adding up to `total` (largest remainder)."""
    if not sizes:
        return []
    if total < len(sizes):
        raise ValueError(f"{total} positions cannot give each of {len(sizes)} programs one")
    scale = total / sum(sizes)
    exact = [size * scale for size in sizes]
    whole = [max(1, math.floor(x)) for x in exact]
    left = total - sum(whole)
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - math.floor(exact[i])), i))
    by_size = sorted(range(len(sizes)), key=lambda i: (-whole[i], i))
    while left > 0:
        for i in by_remainder[:left]:
            whole[i] += 1
        left = total - sum(whole)
    while left < 0:  # programs lifted to 1 took positions: give them back from the largest programs
        for i in by_size[:-left]:
            if whole[i] > 1:
                whole[i] -= 1
        left = total - sum(whole)
    return whole


def _check_specialties(specialties) -> None:
    unknown = [s for s in specialties if s not in SPECIALTY_CODES]
    if unknown:
        raise ValueError(f"no synthetic profile for {', '.join(map(repr, unknown))}; "
                         f"known: {', '.join(SPECIALTY_CODES)}")


def _apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), each part at least `minimum`."""
    parts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total is smaller than the minimum per part")
    whole = sum(weights)
    shares = [rest * w / whole for w in weights]
    for i, share in enumerate(shares):
        parts[i] += math.floor(share)
    left = total - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - math.floor(shares[i])), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts


class _Draw:
    """Random draws built on `Random.random()` alone, so results do not depend on the Python version."""

    def __init__(self, seed: int):
        self._rng = random.Random(seed)

    def uniform(self) -> float:
        return self._rng.random()

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    def integer(self, low: int, high: int) -> int:
        """A whole number from low to high, both included."""
        return low + min(int(self._rng.random() * (high - low + 1)), high - low)

    def pick(self, items: Sequence):
        return items[self.integer(0, len(items) - 1)]

    def weighted(self, items: Sequence, weights: Sequence[float]):
        target = self._rng.random() * sum(weights)
        for item, weight in zip(items, weights):
            target -= weight
            if target < 0:
                return item
        return items[-1]

    def shuffle(self, items: list) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = self.integer(0, i)
            items[i], items[j] = items[j], items[i]


def _visa(rule: VisaRule, u_j1: float, u_h1b: float) -> str:
    """The visas a program sponsors, from two uniforms (0..1)."""
    if u_j1 < rule.p_j1:
        return "J-1+H-1B" if u_h1b < rule.h1b_given_j1 else "J-1"
    return "H-1B" if u_h1b < P_H1B_WITHOUT_J1 else "none"


class _Institution:
    def __init__(self, name: str, city: str, state: str, program_type: str):
        self.name, self.city, self.state, self.program_type = name, city, state, program_type
        self.specialties: set[str] = set()


class _World:
    """The institutions invented so far, so names and ids stay unique and tracks can share an institution."""

    def __init__(self, draw: _Draw):
        self.draw = draw
        self.by_state: dict[str, list[_Institution]] = {}
        self.names: set[str] = set()
        self.serials: dict[tuple[str, str], int] = {}

    def program(self, specialty: str, state: str, uniforms: Mapping[str, float]) -> dict:
        """One program; `uniforms` ("img", "j1", "h1b", "positions") drive its IMG share, visas and size."""
        draw, profile = self.draw, PROFILES[specialty]
        institution = self._institution_for(specialty, state, profile)
        institution.specialties.add(specialty)
        kind = institution.program_type
        code, abbrev = SPECIALTY_CODES[specialty]
        self.serials[(code, state)] = serial = self.serials.get((code, state), 0) + 1

        rank = rank_for(kind, uniforms["img"])  # where the program's IMG share sits among its specialty's
        img_pct = round(quantile(img_quantile_knots(national_distributions()["specialties"][specialty]), rank))
        visa = _visa(visa_rules(specialty)[kind], uniforms["j1"], uniforms["h1b"])
        step2 = draw.integer(*STEP2_CUTOFF_RANGE[kind]) if draw.chance(P_STEP2_CUTOFF[kind]) else ""
        max_years = draw.pick(MAX_YEARS_CHOICES) if draw.chance(P_MAX_YEARS[kind]) else ""
        # before scaling to the specialty's total (synthetic_programs_by_specialty)
        positions = quantile(positions_quantile_knots(), uniforms["positions"])
        row = {
            "program_id": f"SYN-{code}{FIPS[state]}{serial:05d}",
            "program": f"{institution.name} {abbrev}",
            "institution": institution.name,
            "city": institution.city,
            "state": state,
            "specialty": specialty,
            "program_type": kind,
            "img_pct": max(0, min(100, img_pct)),
            "visa": visa,
            "step1_cutoff": "",  # Step 1 is reported pass/fail; numeric Step 1 cutoffs are left blank
            "step2_cutoff": step2,
            "max_years_since_graduation": max_years,
            "usce_required": "yes" if draw.chance(P_USCE_REQUIRED[kind]) else "no",
            "alumni_from_my_school": "",
            "positions": positions,
            "apply": "",
            "accepts_signals": "yes" if draw.chance(profile.signals_share) else "no",
            "signal": "",
            "notes": "",
            "data_source": SYNTHETIC,
        }
        return {column: row[column] for column in COLUMNS}

    def _institution_for(self, specialty: str, state: str, profile: _Profile) -> _Institution:
        draw = self.draw
        hosts = [i for i in self.by_state.get(state, []) if specialty not in i.specialties]
        if specialty in PRELIMINARY_OF:
            # a preliminary track sits at an institution with its categorical program when there is one
            hosts = [i for i in hosts if PRELIMINARY_OF[specialty] in i.specialties] or hosts
        if hosts and draw.chance(profile.reuse):
            return draw.pick(hosts)
        kind = draw.weighted([k for k, _ in type_shares()], [w for _, w in type_shares()])
        cities = CITIES[state]
        city = draw.weighted(cities, [1 / (i + 1) ** 0.8 for i in range(len(cities))])
        institution = _Institution(self._new_name(kind, city, state), city, state, kind)
        self.by_state.setdefault(state, []).append(institution)
        return institution

    def _new_name(self, kind: str, city: str, state: str) -> str:
        draw = self.draw
        for _ in range(30):
            word = draw.pick(NAME_WORDS)
            if kind == "university":
                name = f"{STATE_NAMES[state]} {word} University Hospital"
                if name in self.names:  # a second university campus in the state is named by its city
                    name = f"{STATE_NAMES[state]} {word} University Hospital at {city}"
            elif kind == "university-affiliated":
                name = f"{city} {word} Medical Center"
            else:
                name = f"{city} {word} {draw.pick(COMMUNITY_KINDS)}"
            if name not in self.names:
                self.names.add(name)
                return name
        number = 2
        while f"{name} Campus {number}" in self.names:
            number += 1
        self.names.add(f"{name} Campus {number}")
        return f"{name} Campus {number}"
