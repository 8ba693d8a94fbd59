"""Read and check the applicant profile (TOML): every problem is reported at once, each naming the file, the key,
the value found and what to write instead. The format is documented in docs/profile.md.

`parse_profile` is pure apart from looking up which metro and season files are bundled; `load_profile` reads a file.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import math
import re
from collections.abc import Mapping
from pathlib import Path

from optimizer.geography import metro_slug
from optimizer.datafiles import read_toml
from optimizer.errors import InputError, Problem, ProfileError
from optimizer.profile_types import APPLICANT_TYPES, APPLICANT_VISAS, REGIONS, Applicant, Goals, Profile, TierSettings
from optimizer.resources import data_path
from optimizer.vocab import canonical_specialty, canonical_state, parse_program_visa, suggest_specialty

STEP_SCORES = (1, 300)  # USMLE three-digit scores run from 1 to 300
EARLIEST_GRADUATION = 1950

APPLICANT_KEYS = ("specialties", "step1", "step2ck", "step_failures", "graduation_year", "visa", "usce_months",
                  "usce_states", "us_lors", "research_items", "ties_states", "applicant_type")
KEYED_TABLES = ("weights", "min_per_state", "max_per_state", "min_per_region", "max_per_region",
                "min_per_specialty", "max_per_specialty")
GOALS_KEYS = ("home_metro", "budget_usd", "min_programs", "max_programs", "season", "soft_cutoffs", "use_signals",
              "objective", "tiers") + KEYED_TABLES
TIER_KEYS = ("reach", "core", "safety", "rule", "reach_below", "safety_above", "reach_share", "safety_share")
TABLES = {"[applicant]": APPLICANT_KEYS, "[goals]": GOALS_KEYS, "[goals.tiers]": TIER_KEYS}
# Keys that only a scenario file understands (scenario_files.py applies them before parsing)
SCENARIO_ONLY = {"step2ck_delta": "step2ck", "budget_usd_delta": "budget_usd"}

_PASS_WORDS = {"pass", "passed", "p"}
_NOT_TAKEN = {"not taken", "not yet", "not yet taken", "pending", "none", "no", ""}
_NO_VISA = {"not needed", "no visa needed", "none needed", "not required", "needs no visa", "no visa"}
_BOTH_VISAS = {"either", "either one", "any", "j-1 or h-1b"}
_YES = {"true", "yes", "y", "on"}
_NO = {"false", "no", "n", "off"}
_ABSENT = object()  # "no value to show" in a problem


def either(choices) -> str:
    """'"a", "b" or "c"': choices quoted, for a message."""
    quoted = [f'"{c}"' for c in choices]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else "".join(quoted)


VISA_HELP = f'write {either(APPLICANT_VISAS)} (the visas you can use; "none" if you need no visa)'


def read_profile_data(path: str | Path, text: str | None = None) -> dict:
    """The profile file (or its `text`, already in memory) as a raw dict (no checks beyond TOML syntax);
    ProfileError if it cannot be read."""
    try:
        return read_toml(path, text)
    except InputError as error:
        raise ProfileError(error.problems) from None


def load_profile(path: str | Path, text: str | None = None) -> Profile:
    """Read and check a profile file (or its `text`, named `path`); ProfileError lists every problem found."""
    return parse_profile(read_profile_data(path, text), str(path))




def available_metros() -> list[str]:
    folder = data_path("metros")
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def available_seasons() -> list[str]:
    folder = data_path("seasons")
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


class KeyProblem(Problem):
    """A Problem whose place is a profile key ('goals.budget_usd'), worded as a key rather than a column."""

    def describe(self) -> str:
        where = f"{self.file}, key '{self.column}'" if self.column else self.file
        found = f" (found {self.value})" if self.value not in (None, "") else ""
        return f"{where}: {self.message}{found}"


def show(value) -> str:
    """A value as the user would have typed it in TOML, shortened for a message."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = f'"{value}"'
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def toml_key(key: str) -> str:
    """A key as written in TOML: bare if it can be, else in quotes ("home city")."""
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else f'"{key}"'


def closest_key(word: str, choices, cutoff: float = 0.6) -> str | None:
    """The valid key nearest to a misspelt one (ignoring case, spaces, hyphens and underscores first)."""
    squash = {re.sub(r"[\s_\-]", "", c.lower()): c for c in choices}
    key = re.sub(r"[\s_\-]", "", word.lower())
    if key in squash:
        return squash[key]
    found = difflib.get_close_matches(key, list(squash), n=1, cutoff=cutoff)
    return squash[found[0]] if found else None


def region_key(text: str) -> str | None:
    """A canonical region from "home city", "home_city", "Home-City"."""
    key = " ".join(re.sub(r"[_\-]", " ", text.lower()).split())
    return key if key in REGIONS else None


def canonical_table_key(table: str, key: str) -> str | None:
    """The canonical form of a key of a keyed goals table (weights, min_per_state, ...), or None if unknown."""
    if table in ("weights", "min_per_region", "max_per_region"):
        return region_key(key)
    if table.endswith("_state"):
        return canonical_state(key)
    return canonical_specialty(key)


def parse_number(value) -> float | None:
    """A finite number from a number or a numeric string ("2,500", "$2500"); None otherwise (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = re.sub(r"[\s,$_]|usd|us\$", "", value.lower())
        try:
            value = float(text)
        except ValueError:
            return None
    if isinstance(value, int) and abs(value) < 10**15:
        return float(value)
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


class _Checker:
    """Collects the problems of one profile, naming the file each key came from."""

    def __init__(self, source: str, key_sources: Mapping[tuple[str, ...], str]):
        self.source = source
        self.key_sources = key_sources
        self.problems: list[Problem] = []

    def file_of(self, *paths: tuple[str, ...]) -> str:
        """The file a key came from; for a problem involving several keys, the first not from the base profile."""
        files = []
        for path in paths:
            for end in range(len(path), 0, -1):
                if path[:end] in self.key_sources:
                    files.append(self.key_sources[path[:end]])
                    break
        return next((f for f in files if f != self.source), self.source)

    def add(self, path: tuple[str, ...], message: str, value=_ABSENT, also: tuple[tuple[str, ...], ...] = ()):
        """One problem at key `path` (other keys in `also` share the blame); `value` is what the file holds."""
        self.problems.append(KeyProblem(file=self.file_of(path, *also), message=message, column=".".join(path),
                                        value=None if value is _ABSENT else show(value)))

    def whole(self, path, value, lowest: int, highest: int | None, what: str, example: int) -> int | None:
        number = parse_number(value)
        if number is None or number != int(number) or isinstance(value, (list, dict)):
            self.add(path, f"{what} must be a whole number, e.g. {toml_key(path[-1])} = {example}", value)
            return None
        if number < lowest or (highest is not None and number > highest):
            span = f"from {lowest} to {highest}" if highest is not None else f"at least {lowest}"
            self.add(path, f"{what} must be {span}, e.g. {toml_key(path[-1])} = {example}", value)
            return None
        return int(number)

    def decimal(self, path, value, what: str, example, lowest: float = 0.0, highest: float | None = None):
        number = parse_number(value)
        if number is None:
            self.add(path, f"{what} must be a number, e.g. {toml_key(path[-1])} = {example}", value)
        elif number < lowest or (highest is not None and number > highest):
            span = f"from {lowest:g} to {highest:g}" if highest is not None else f"{lowest:g} or more"
            self.add(path, f"{what} must be {span}, e.g. {toml_key(path[-1])} = {example}", value)
        else:
            return number
        return None

    def flag(self, path, value, what: str) -> bool | None:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _YES | _NO:
            return value.strip().lower() in _YES
        self.add(path, f"{what}: write true or false (no quotes)", value)
        return None

    def table(self, path, value) -> dict | None:
        if isinstance(value, dict):
            return value
        self.add(path, f"must be a table: write [{'.'.join(path)}] on its own line, then one key = value per line",
                 value)
        return None

    def unknown_key(self, path: tuple[str, ...], key: str, table_name: str, valid) -> None:
        where = (*path, key)
        if key in SCENARIO_ONLY:
            self.add(where, f"{key} only works in a scenario file, where it changes the base profile; in a profile "
                            f"write the value itself, e.g. {SCENARIO_ONLY[key]} = ...")
            return
        for other, keys in TABLES.items():
            if other != table_name and key in keys:
                if key in KEYED_TABLES or key == "tiers":
                    self.add(where, f"belongs in [goals]: write it as [goals.{key}]")
                else:
                    self.add(where, f"belongs in {other}, not in {table_name}: move this line under {other}")
                return
        if table_name != "[goals.weights]" and region_key(key):
            self.add(where, f"a region weight belongs in [goals.weights], not in {table_name}")
            return
        guess = closest_key(key, valid)
        if guess:
            self.add(where, f"unknown key in {table_name}; did you mean {guess}?")
            return
        for other, keys in TABLES.items():
            guess = closest_key(key, keys)
            if guess:
                self.add(where, f"unknown key in {table_name}; did you mean {guess} (in {other})?")
                return
        self.add(where, f"unknown key in {table_name}. Keys allowed there: {', '.join(valid)}")


def parse_profile(data: dict, source: str, *, key_sources: Mapping[tuple[str, ...], str] | None = None) -> Profile:
    """Check a profile given as a dict (as read from TOML) and build the Profile; ProfileError lists every problem.

    `source` names the file in messages; `key_sources` maps a key path such as ("goals", "budget_usd") to another
    file it came from (a scenario overriding the profile), so that problems name the file holding the bad key.
    """
    check = _Checker(source, key_sources or {})
    if not isinstance(data, dict):
        check.add(("applicant",), "a profile needs an [applicant] table (and optionally [goals])", data)
        raise ProfileError(check.problems)
    for key in data:
        if key not in ("applicant", "goals"):
            check.unknown_key((), str(key), "the top level", ("applicant", "goals"))
    applicant = None
    if "applicant" not in data:
        check.add(("applicant",), "no [applicant] table: start the file with [applicant], then give at least "
                                  "specialties, step2ck (or step1) and visa")
    elif check.table(("applicant",), data["applicant"]) is not None:
        applicant = _applicant(check, data["applicant"], data.get("goals"))
    goals = Goals()
    if "goals" in data and check.table(("goals",), data["goals"]) is not None:
        goals = _goals(check, data["goals"], applicant)
    if check.problems or applicant is None:
        raise ProfileError(check.problems)
    return Profile(applicant=applicant, goals=goals, source=source)


def _specialties(check: _Checker, value) -> tuple[str, ...] | None:
    path = ("applicant", "specialties")
    names = [s for s in value.split(",")] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        check.add(path, 'write the specialties as a list of names, e.g. specialties = ["Internal Medicine"]', value)
        return None
    found, ok = [], True
    for name in (n.strip() for n in names if n.strip()):
        canonical = canonical_specialty(name)
        if canonical is None:
            hints = suggest_specialty(name)
            hint = f"did you mean {either(hints)}? " if hints else ""
            check.add(path, f"unknown specialty '{name}'; {hint}Write the full name, e.g. \"Internal Medicine\", or "
                            "an abbreviation: IM, FM, Peds, Psych, TY")
            ok = False
        elif canonical not in found:
            found.append(canonical)
    if ok and not found:
        check.add(path, 'no specialty given: write at least one, e.g. specialties = ["Internal Medicine"]', value)
    return tuple(found) if ok and found else None


def _score(check: _Checker, key: str, value, what: str, example: int):
    """(score, passed) from a number, a numeric string, "pass" (Step 1 only) or "not taken"; None if bad."""
    if isinstance(value, str):
        word = value.strip().lower()
        if key == "step1" and word in _PASS_WORDS:
            return None, True
        if word in _NOT_TAKEN:
            return None, False
    number = parse_number(value)
    low, high = STEP_SCORES
    if number is not None and number == int(number) and low <= number <= high:
        return int(number), True
    passing = ' or "pass"' if key == "step1" else ""
    if number is None or isinstance(value, (list, dict)):
        check.add(("applicant", key), f"{what} must be your score as a number{passing}, e.g. {key} = {example}; "
                                      "leave the line out if you have not taken it", value)
    else:
        check.add(("applicant", key), f"{what} must be a whole number from {low} to {high}, e.g. {key} = {example}",
                  value)
    return None


def parse_visa(value) -> str | None:
    """The applicant's canonical visa ("none", "J-1", "H-1B", "J-1 or H-1B") from what people type; None if unknown.

    Beyond the program-sheet spellings (J1, h-1b, J-1/H-1B, both, citizen, green card), a list of visas and words
    about the applicant ("either", "not needed") are understood.
    """
    if isinstance(value, list):
        if not value:
            return None
        found = set()
        for item in value:
            visa = parse_visa(item)
            if visa is None:
                return None
            found |= {"J-1 or H-1B": {"J-1", "H-1B"}, "none": set()}.get(visa, {visa})
        return {0: "none", 2: "J-1 or H-1B"}.get(len(found)) or next(iter(found))
    if not isinstance(value, str):
        return None
    text = " ".join(value.lower().split())
    if text in _NO_VISA:
        return "none"
    if text in _BOTH_VISAS:
        return "J-1 or H-1B"
    program_visa = parse_program_visa(text)
    return "J-1 or H-1B" if program_visa == "J-1+H-1B" else program_visa


def _applicant_type(text: str) -> str | None:
    key = re.sub(r"[^a-z]", "", text.lower())
    if key in ("nonusimg", "foreignnational", "foreignnationalimg", "noncitizenimg", "nonuscitizenimg"):
        return "non-US IMG"
    if key in ("usimg", "uscitizenimg"):
        return "US IMG"
    if key in ("usmddo", "usmd", "usdo", "md", "do", "mddo", "usgraduate", "usgrad", "amg"):
        return "US MD/DO"
    return None


def _states(check: _Checker, key: str, value) -> tuple[str, ...] | None:
    names = re.split(r"[,;]", value) if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        check.add(("applicant", key), f'write a list of US states, e.g. {key} = ["IL", "Indiana"]', value)
        return None
    found, ok = [], True
    for name in (n.strip() for n in names if n.strip()):
        code = canonical_state(name)
        if code is None:
            check.add(("applicant", key), f"'{name}' is not a US state or territory: write its name or 2-letter "
                                          "code, e.g. IL or Illinois")
            ok = False
        elif code not in found:
            found.append(code)
    return tuple(found) if ok else None


def _applicant(check: _Checker, table: dict, goals_table) -> Applicant | None:
    fields: dict = {}
    problems_before = len(check.problems)
    for key, value in table.items():
        path = ("applicant", key)
        if key == "specialties":
            fields[key] = _specialties(check, value)
        elif key in ("step1", "step2ck"):
            what, example = ("Step 1", 210) if key == "step1" else ("Step 2 CK", 233)
            parsed = _score(check, key, value, what, example)
            if parsed is not None:
                fields[key] = parsed[0]
                if key == "step1":
                    fields["step1_pass"] = parsed[1]
        elif key == "visa":
            visa = parse_visa(value)
            if visa is None:
                check.add(path, f"unknown visa; {VISA_HELP}", value)
            fields[key] = visa
        elif key == "graduation_year":
            fields[key] = _graduation_year(check, value, _latest_graduation(goals_table))
        elif key == "step_failures":
            fields[key] = check.whole(path, value, 0, None, "the number of failed USMLE attempts", 0)
        elif key == "us_lors":
            fields[key] = check.whole(path, value, 0, None, "the number of US letters of recommendation", 3)
        elif key == "research_items":
            fields[key] = check.whole(path, value, 0, None, "the number of publications, posters and abstracts", 1)
        elif key == "usce_months":
            fields[key] = check.decimal(path, value, "months of US clinical experience", 4)
        elif key in ("usce_states", "ties_states"):
            fields[key] = _states(check, key, value)
        elif key == "applicant_type":
            kind = _applicant_type(value) if isinstance(value, str) else None
            if kind is None:
                check.add(path, f"write {either(APPLICANT_TYPES)}", value)
            fields[key] = kind
        else:
            check.unknown_key(("applicant",), str(key), "[applicant]", APPLICANT_KEYS)
    for key, example in (("specialties", '["Internal Medicine"]'), ("visa", '"J-1"')):
        if key not in table:
            check.add(("applicant", key), f"missing: add {key} = {example} under [applicant]")
    if "step1" not in table and "step2ck" not in table:
        check.add(("applicant", "step2ck"), "missing: add your Step 2 CK score (step2ck = 233) or a numeric Step 1 "
                                            "score under [applicant]")
    elif fields.get("step1") is None and fields.get("step2ck") is None and len(check.problems) == problems_before:
        check.add(("applicant", "step2ck"), "SmartPick needs one score to compare with programs: add your Step 2 CK "
                                            "score (step2ck = 233), or your numeric Step 1 score")
    if len(check.problems) > problems_before:
        return None
    return Applicant(**fields)


def _graduation_year(check: _Checker, value, latest: int) -> int | None:
    path = ("applicant", "graduation_year")
    year = check.whole(path, value, -10**9, None, "the year you graduated from medical school", 2021)
    if year is not None and year > latest:
        check.add(path, f"is in the future: write the year you graduated, or will graduate ({latest} at the latest, "
                        "before the season's residency starts)", value)
    elif year is not None and year < EARLIEST_GRADUATION:
        check.add(path, f"write the year you graduated from medical school as four digits, {EARLIEST_GRADUATION} or "
                        "later, e.g. graduation_year = 2021", value)
    else:
        return year
    return None


def _latest_graduation(goals_table) -> int:
    """Graduating before the season's residency year starts is fine; later than that, or a year ahead of today, is not."""
    season = goals_table.get("season") if isinstance(goals_table, dict) else None
    season_year = parse_number(season) if isinstance(season, (int, str)) else None
    return max(datetime.date.today().year, int(season_year) if season_year and season_year < 3000 else 0)


def _goals(check: _Checker, table: dict, applicant: Applicant | None) -> Goals:
    fields: dict = {}
    for key, value in table.items():
        path = ("goals", key)
        if key == "home_metro":
            fields[key] = _metro(check, value)
        elif key == "budget_usd":
            fields[key] = check.decimal(path, value, "the budget for application fees (US dollars)", 2500)
        elif key == "min_programs":
            fields[key] = check.whole(path, value, 1, None, "the fewest programs to apply to", 80)
        elif key == "max_programs":
            fields[key] = check.whole(path, value, 1, None, "the most programs to apply to", 120)
        elif key == "season":
            fields[key] = _season(check, value)
        elif key == "soft_cutoffs":
            fields[key] = check.flag(path, value, "soft_cutoffs says whether a stated score cutoff only lowers the "
                                                  "chance (true) or rules the program out (false)")
        elif key == "use_signals":
            fields[key] = check.flag(path, value, "use_signals says whether SmartPick places your program signals")
        elif key == "objective":
            fields[key] = _objective(check, value)
        elif key == "tiers":
            fields[key] = _tiers(check, value)
        elif key in KEYED_TABLES:
            fields[key] = _keyed_table(check, key, value, applicant)
        else:
            check.unknown_key(("goals",), str(key), "[goals]", GOALS_KEYS)
    # a limit left out takes its default (a lone min_programs = 130 is above the default max of 120)
    low = fields["min_programs"] if "min_programs" in fields else Goals().min_programs
    high = fields["max_programs"] if "max_programs" in fields else Goals().max_programs
    if low is not None and high is not None and low > high:
        check.add(("goals", "min_programs"), f"the fewest programs ({low}) is more than the most ({high}): lower "
                                             "min_programs or raise max_programs", also=(("goals", "max_programs"),))
    _check_min_max(check, fields)
    objective = fields.get("objective")
    if objective and objective.startswith("at-least:") and high is not None and int(objective[9:]) > high:
        check.add(("goals", "objective"), "asks for more interviews than programs applied to: lower K", objective)
    return Goals(**{k: v for k, v in fields.items() if v is not None})


def _metro(check: _Checker, value) -> str | None:
    names = available_metros()
    if isinstance(value, str) and metro_slug(value) in names:
        return value.strip()
    listed = ", ".join(f'"{n}"' for n in names) or "none installed"
    if not isinstance(value, str):
        check.add(("goals", "home_metro"), f'write one metro name in quotes, e.g. home_metro = "Chicago" '
                                           f"(available: {listed})", value)
    else:
        check.add(("goals", "home_metro"), f"unknown home metro; SmartPick has metro files for: {listed} "
                                           "(data/metros/<name>.toml)", value)
    return None


def _season(check: _Checker, value) -> str | None:
    names = available_seasons()
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        text = str(value).strip()
        year = re.fullmatch(r"(?:eras\s*)?(\d{4})(?:\s*season)?", text.lower())
        for candidate in (text, year.group(1) if year else None):
            if candidate in names:
                return candidate
    listed = ", ".join(f'"{n}"' for n in names) or "none installed"
    check.add(("goals", "season"), f"no fee and signal data for this ERAS season; available seasons: {listed}", value)
    return None


def _objective(check: _Checker, value) -> str | None:
    text = " ".join(value.lower().split()) if isinstance(value, str) else ""
    if text in ("interviews", "expected interviews", "interview"):
        return "interviews"
    if text in ("match", "p_match", "p match", "match probability", "chance of matching"):
        return "match"
    at_least = re.fullmatch(r"at[\s_\-]*least[\s:=_\-]*(\d+)(?:\s*interviews?)?", text)
    if at_least and int(at_least.group(1)) >= 1:
        return f"at-least:{int(at_least.group(1))}"
    check.add(("goals", "objective"), 'write "interviews" (most expected interviews), "match" (best chance of '
                                      'matching) or "at-least:K" (best chance of K or more interviews, e.g. '
                                      '"at-least:8")', value)
    return None


def _share(check: _Checker, path, value, what: str, example) -> float | None:
    return check.decimal(path, value, what, example, 0.0, 1.0)


def _tiers(check: _Checker, value) -> TierSettings | None:
    table = check.table(("goals", "tiers"), value)
    if table is None:
        return None
    fields: dict = {}
    defaults = TierSettings()
    for key, item in table.items():
        path = ("goals", "tiers", key)
        if key in ("reach", "core", "safety"):
            fields[key] = _band(check, path, item, getattr(defaults, key))
        elif key == "rule":
            rule = item.strip().lower() if isinstance(item, str) else None
            if rule not in ("relative", "absolute"):
                check.add(path, 'write "relative" (tiers by your own chances at each program compared with your '
                                'other programs) or "absolute" (tiers by fixed chance thresholds)', item)
            fields[key] = rule if rule in ("relative", "absolute") else None
        elif key in ("reach_below", "safety_above"):
            fields[key] = _share(check, path, item, "an interview chance (0 to 1)", getattr(defaults, key))
        elif key in ("reach_share", "safety_share"):
            fields[key] = _share(check, path, item, "a share of your programs (0 to 1)", getattr(defaults, key))
        else:
            check.unknown_key(("goals", "tiers"), str(key), "[goals.tiers]", TIER_KEYS)
    if any(v is None for v in fields.values()):
        return None
    settings = dataclasses.replace(defaults, **fields)
    bands = [("goals", "tiers", k) for k in ("reach", "core", "safety")]
    lows = sum(b[0] for b in (settings.reach, settings.core, settings.safety))
    highs = sum(b[1] for b in (settings.reach, settings.core, settings.safety))
    if lows > 1 + 1e-9:
        check.add(("goals", "tiers"), f"the smallest shares of reach, core and safety add up to {lows:.0%}, more than "
                                      "the whole list: lower one of the minimums", also=bands)
    if highs < 1 - 1e-9:
        check.add(("goals", "tiers"), f"the largest shares of reach, core and safety add up to {highs:.0%}, less than "
                                      "the whole list: raise one of the maximums", also=bands)
    if settings.reach_below > settings.safety_above:
        check.add(("goals", "tiers", "reach_below"), f"reach_below ({settings.reach_below:g}) must not be above "
                                                     f"safety_above ({settings.safety_above:g})",
                  also=(("goals", "tiers", "safety_above"),))
    if settings.reach_share + settings.safety_share > 1 + 1e-9:
        check.add(("goals", "tiers", "reach_share"), "reach_share and safety_share together must not exceed 1",
                  also=(("goals", "tiers", "safety_share"),))
    return settings


def _band(check: _Checker, path, value, default) -> tuple[float, float] | None:
    """A [lowest, highest] share of the list; [20, 30] in percent is read as [0.20, 0.30]."""
    numbers = [parse_number(v) if not isinstance(v, str) else None for v in value] if isinstance(value, list) else []
    example = f"{path[-1]} = [{default[0]:.2f}, {default[1]:.2f}]"
    if len(numbers) != 2 or None in numbers:
        check.add(path, f"write the smallest and largest share of your list as two numbers, e.g. {example}", value)
        return None
    if all(n == int(n) for n in numbers) and 1 < max(numbers) <= 100:
        numbers = [n / 100 for n in numbers]
    low, high = numbers
    if not 0 <= low <= high <= 1:
        check.add(path, f"the shares must run from 0 to 1, smallest first, e.g. {example} (20% to 30%)", value)
        return None
    return (low, high)


def _keyed_table(check: _Checker, name: str, value, applicant: Applicant | None) -> tuple | None:
    """weights (region -> number) or min/max_per_* (state, region or specialty -> count), keys canonicalized."""
    table = check.table(("goals", name), value)
    if table is None:
        return None
    kind = "region" if name == "weights" or name.endswith("_region") else name.rsplit("_", 1)[1]
    found: dict[str, float | int] = {}
    ok = True
    for key, item in table.items():
        path = ("goals", name, str(key))
        canonical = canonical_table_key(name, str(key))
        if canonical is None:
            ok = False
            if kind == "region":
                check.add(path, f"unknown region; write {either(REGIONS)}")
            elif kind == "state":
                check.add(path, "not a US state or territory: write its 2-letter code or name, e.g. IL")
            else:
                check.add(path, "unknown specialty: write its name or abbreviation, e.g. IM or FM")
            continue
        if canonical in found:
            check.add(path, f"{canonical} is listed twice in [goals.{name}]: keep one line")
            ok = False
            continue
        if name == "weights":
            number = check.decimal(path, item, "a region weight", 1.5)
        else:
            number = check.whole(path, item, 0, None, f"the number of programs per {kind}", 20)
        if (kind == "specialty" and applicant is not None and canonical not in applicant.specialties
                and number):
            check.add(path, f"{canonical} is not among your specialties in [applicant]: add it there or remove "
                            "this line")
        if number is None:
            ok = False
        found[canonical] = number
    if not ok:
        return None
    order = REGIONS if kind == "region" else sorted(found)
    return tuple((k, found[k]) for k in order if k in found)


def _check_min_max(check: _Checker, fields: dict) -> None:
    for kind in ("state", "region", "specialty"):
        lows, highs = dict(fields.get(f"min_per_{kind}") or ()), dict(fields.get(f"max_per_{kind}") or ())
        for key in lows.keys() & highs.keys():
            if lows[key] > highs[key]:
                check.add(("goals", f"min_per_{kind}", key), f"at least {lows[key]} but at most {highs[key]} "
                          f"programs for {key}: lower the minimum or raise the maximum",
                          also=(("goals", f"max_per_{kind}", key),))
