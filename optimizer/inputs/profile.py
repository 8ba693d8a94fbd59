"""Read and check the applicant profile (TOML): every problem is reported at once, each naming the file, the key,
the value found and what to write instead. The format is documented in docs/profile.md.

The profile's keys are declared once, in the tables APPLICANT, GOALS and TIERS below: for each key, how it is read
(a rule of profile_schema.py), what a mistake says, and its JSON Schema (`profile_json_schema`, for forms). The
rules between keys (a score is needed, min below max, tier shares that add up) follow the tables.

`parse_profile` is pure apart from looking up which metro and season files are bundled; `load_profile` reads a file.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping
from pathlib import Path

from optimizer.inputs.datafiles import metro_slug, read_toml
from optimizer.errors import InputError, ProfileError
from optimizer.inputs.parsing import (AT_LEAST_K, MAX_BUDGET_USD, ParseError, objective_parts, parse_band, parse_budget,
                               parse_number, parse_objective)
from optimizer.inputs.profile_schema import (Checker, KeyProblem, Rule, choice, closest_key, either, flag,  # noqa: F401
                                      json_schema, number, parsed, show, toml_key, whole)
from optimizer.inputs.profile_types import APPLICANT_TYPES, APPLICANT_VISAS, REGIONS, Applicant, Goals, Profile, TierSettings
from optimizer.inputs.resources import data_path
from optimizer.inputs.vocab import canonical_specialty, canonical_state, parse_program_visa, suggest_specialty

STEP_SCORES = (1, 300)  # USMLE three-digit scores run from 1 to 300
EARLIEST_GRADUATION = 1950
# Keys that only a scenario file understands (scenario_files.py applies them before parsing)
SCENARIO_ONLY = {"step2ck_delta": "step2ck", "budget_usd_delta": "budget_usd"}

_PASS_WORDS = {"pass", "passed", "p"}
_NOT_TAKEN = {"not taken", "not yet", "not yet taken", "pending", "none", "no", ""}
_NO_VISA = {"not needed", "no visa needed", "none needed", "not required", "needs no visa", "no visa"}
_BOTH_VISAS = {"either", "either one", "any", "j-1 or h-1b"}
TIER_RULES = ("relative", "absolute")
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


def _applicant_type(value) -> str | None:
    key = re.sub(r"[^a-z]", "", value.lower()) if isinstance(value, str) else ""
    if key in ("nonusimg", "foreignnational", "foreignnationalimg", "noncitizenimg", "nonuscitizenimg"):
        return "non-US IMG"
    if key in ("usimg", "uscitizenimg"):
        return "US IMG"
    if key in ("usmddo", "usmd", "usdo", "md", "do", "mddo", "usgraduate", "usgrad", "amg"):
        return "US MD/DO"
    return None


# --- readers of the keys that need more than a number -------------------------------------------------------------

def _specialties(check: Checker, path, value, context) -> tuple[str, ...] | None:
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
                            "an abbreviation: IM, FM, Peds, Psych, Neuro, Path, Anesthesia, Gen Surg, EM, OB/GYN, "
                            "DR, Prelim IM, Prelim Surgery, TY")
            ok = False
        elif canonical not in found:
            found.append(canonical)
    if ok and not found:
        check.add(path, 'no specialty given: write at least one, e.g. specialties = ["Internal Medicine"]', value)
    return tuple(found) if ok and found else None


def _score(what: str, example: int) -> Rule:
    """A USMLE score: (score, passed) from a number, a numeric string, "pass" (Step 1 only) or "not taken"."""
    low, high = STEP_SCORES
    passing = ' or "pass"' if what == "Step 1" else ""

    def read(check: Checker, path, value, context):
        key = path[-1]
        if isinstance(value, str):
            word = value.strip().lower()
            if passing and word in _PASS_WORDS:
                return None, True
            if word in _NOT_TAKEN:
                return None, False
        number = parse_number(value)
        if number is not None and number == int(number) and low <= number <= high:
            return int(number), True
        if number is None or isinstance(value, (list, dict)):
            check.add(path, f"{what} must be your score as a number{passing}, e.g. {key} = {example}; leave the line "
                            "out if you have not taken it", value)
        else:
            check.add(path, f"{what} must be a whole number from {low} to {high}, e.g. {key} = {example}", value)
        return None

    schema = {"type": "integer", "minimum": low, "maximum": high, "examples": [example]}
    if passing:
        schema = {"anyOf": [schema, {"const": "pass"}]}
    return Rule(read, schema, f"your USMLE {what} score; leave out if not taken")


def _states(check: Checker, path, value, context) -> tuple[str, ...] | None:
    names = re.split(r"[,;]", value) if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        check.add(path, f'write a list of US states, e.g. {path[-1]} = ["IL", "Indiana"]', value)
        return None
    found, ok = [], True
    for name in (n.strip() for n in names if n.strip()):
        code = canonical_state(name)
        if code is None:
            check.add(path, f"'{name}' is not a US state or territory: write its name or 2-letter code, e.g. IL or "
                            "Illinois")
            ok = False
        elif code not in found:
            found.append(code)
    return tuple(found) if ok else None


def _graduation_year(check: Checker, path, value, context) -> int | None:
    year = check.whole(path, value, -10**9, "the year you graduated from medical school", 2021)
    latest = _latest_graduation(context.get("goals_table"))
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
    if season is None:  # the default season (the newest): a student graduating before its residency starts
        season = Goals().season
    season_year = parse_number(season) if isinstance(season, (int, str)) else None
    return max(datetime.date.today().year, int(season_year) if season_year and season_year < 3000 else 0)


def _metro(check: Checker, path, value, context) -> str | None:
    names = available_metros()
    if isinstance(value, str) and metro_slug(value) in names:
        return value.strip()
    listed = ", ".join(f'"{n}"' for n in names) or "none installed"
    if not isinstance(value, str):
        check.add(path, f'write one metro name in quotes, e.g. home_metro = "Chicago" (available: {listed})', value)
    else:
        check.add(path, f"unknown home metro; SmartPick has metro files for: {listed} (data/metros/<name>.toml)", value)
    return None


def _season(check: Checker, path, value, context) -> str | None:
    names = available_seasons()
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        text = str(value).strip()
        year = re.fullmatch(r"(?:eras\s*)?(\d{4})(?:\s*season)?", text.lower())
        for candidate in (text, year.group(1) if year else None):
            if candidate in names:
                return candidate
    listed = ", ".join(f'"{n}"' for n in names) or "none installed"
    check.add(path, f"no fee and signal data for this ERAS season; available seasons: {listed}", value)
    return None


def _band(check: Checker, path, value, context) -> tuple[float, float] | None:
    default = getattr(TierSettings(), path[-1])
    try:
        return parse_band(value)
    except ParseError as error:
        check.add(path, f"{error}, e.g. {path[-1]} = [{default[0]:.2f}, {default[1]:.2f}]", value)
        return None


def _tiers(check: Checker, path, value, context) -> TierSettings | None:
    table = check.table(path, value)
    if table is None:
        return None
    fields = check.read_table(path, table, TIERS, context, _unknown_key)
    if any(v is None for v in fields.values()):
        return None
    settings = dataclasses.replace(TierSettings(), **fields)
    _check_tiers(check, settings)
    return settings


_UNKNOWN_NAME = {"region": f"unknown region; write {either(REGIONS)}",
                 "state": "not a US state or territory: write its 2-letter code or name, e.g. IL",
                 "specialty": "unknown specialty: write its name or abbreviation, e.g. IM or FM"}


def _keyed_table(kind: str) -> Rule:
    """weights (region -> number) or min/max_per_* (state, region or specialty -> count), keys canonicalized."""
    weights = kind == "weight"
    kind = "region" if weights else kind

    def read(check: Checker, path, value, context) -> tuple | None:
        table = check.table(path, value)
        if table is None:
            return None
        name, applicant = path[-1], context.get("applicant")
        found: dict[str, float | int] = {}
        ok = True
        for key, item in table.items():
            where = (*path, str(key))
            canonical = canonical_table_key(name, str(key))
            if canonical is None or canonical in found:
                check.add(where, _UNKNOWN_NAME[kind] if canonical is None else
                          f"{canonical} is listed twice in [goals.{name}]: keep one line")
                ok = False
                continue
            if weights:
                amount = check.decimal(where, item, "a region weight", 1.5)
            else:
                amount = check.whole(where, item, 0, f"the number of programs per {kind}", 20)
            if kind == "specialty" and applicant is not None and canonical not in applicant.specialties and amount:
                check.add(where, f"{canonical} is not among your specialties in [applicant]: add it there or remove "
                                 "this line")
            ok = ok and amount is not None
            found[canonical] = amount
        if not ok:
            return None
        order = REGIONS if kind == "region" else sorted(found)
        return tuple((k, found[k]) for k in order if k in found)

    item = {"type": "number", "minimum": 0} if weights else {"type": "integer", "minimum": 0}
    schema = {"type": "object", "additionalProperties": item}
    if kind == "region":
        schema["propertyNames"] = {"enum": list(REGIONS)}
    what = "region weights (region -> weight)" if weights else f"programs per {kind} ({kind} -> count)"
    return Rule(read, schema, what)


def _objective_schema() -> dict:
    low, high = AT_LEAST_K
    return {"type": "string", "pattern": "^(interviews|match|at-least:[0-9]+)$", "default": "interviews",
            "description": f"what to maximize: interviews, match, or at-least:K with K from {low} to {high}"}


def _rule_of_tiers(value):
    word = value.strip().lower() if isinstance(value, str) else None
    return word if word in TIER_RULES else None


# --- the tables: every key of the profile -------------------------------------------------------------------------

APPLICANT: dict[str, Rule] = {
    "specialties": Rule(_specialties, {"type": "array", "items": {"type": "string"}, "minItems": 1,
                                       "examples": [["Internal Medicine"]]},
                        "the specialties you apply in: names or abbreviations (IM, FM, Peds, Psych, Neuro, Path, "
                        "Anesthesia, Gen Surg, EM, OB/GYN, DR, Prelim IM, Prelim Surgery, TY)"),
    "step1": _score("Step 1", 210),
    "step2ck": _score("Step 2 CK", 233),
    "step_failures": whole("the number of failed USMLE attempts", 0),
    "graduation_year": Rule(_graduation_year, {"type": "integer", "minimum": EARLIEST_GRADUATION},
                            "the year you graduated from medical school"),
    "visa": choice(parse_visa, f"unknown visa; {VISA_HELP}", {"enum": list(APPLICANT_VISAS)}, "the visas you can use"),
    "usce_months": number("months of US clinical experience", 4),
    "usce_states": Rule(_states, {"type": "array", "items": {"type": "string"}},
                        "states of your US clinical experience"),
    "us_lors": whole("the number of US letters of recommendation", 3),
    "research_items": whole("the number of publications, posters and abstracts", 1),
    "ties_states": Rule(_states, {"type": "array", "items": {"type": "string"}}, "states you have ties to"),
    "applicant_type": choice(_applicant_type, f"write {either(APPLICANT_TYPES)}", {"enum": list(APPLICANT_TYPES)},
                             "non-US IMG, US IMG or US MD/DO"),
}
TIERS: dict[str, Rule] = {
    **{band: Rule(_band, {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 2,
                          "maxItems": 2}, f"the smallest and largest share of {band} programs in your list")
       for band in ("reach", "core", "safety")},
    "rule": choice(_rule_of_tiers, 'write "relative" (tiers by your own chances at each program compared with your '
                                   'other programs) or "absolute" (tiers by fixed chance thresholds)',
                   {"enum": list(TIER_RULES)}, "how programs are sorted into tiers"),
    **{key: number("an interview chance (0 to 1)", getattr(TierSettings(), key), 0.0, 1.0)
       for key in ("reach_below", "safety_above")},
    **{key: number("a share of your programs (0 to 1)", getattr(TierSettings(), key), 0.0, 1.0)
       for key in ("reach_share", "safety_share")},
}
GOALS: dict[str, Rule] = {
    "home_metro": Rule(_metro, lambda: {"enum": [name.replace("_", " ").title() for name in available_metros()]},
                       "your home metro (a file in data/metros/; any capitalization)"),
    "budget_usd": parsed(parse_budget, "the budget for application fees (US dollars)", 2500,
                         {"type": "number", "minimum": 0, "maximum": MAX_BUDGET_USD}),
    "min_programs": whole("the fewest programs to apply to", 80, 1),
    "max_programs": whole("the most programs to apply to", 120, 1),
    "season": Rule(_season, lambda: {"enum": available_seasons()}, "the ERAS season whose fees and signals apply"),
    "soft_cutoffs": flag("soft_cutoffs says whether a stated score cutoff only lowers the chance (true) or rules the "
                         "program out (false)"),
    "use_signals": flag("use_signals says whether SmartPick places your program signals"),
    "objective": choice(parse_objective, "", _objective_schema, "what to maximize"),
    "robust": flag("robust says whether SmartPick picks the list whose chance of matching holds up best if its "
                   "figures are off (the low end of the range shown beside P(match)) rather than the middle"),
    "tiers": Rule(_tiers, lambda: json_schema(TIERS), "tier bands and how programs are sorted into tiers"),
    "weights": _keyed_table("weight"),
    **{f"{end}_per_{kind}": _keyed_table(kind) for kind in ("state", "region", "specialty") for end in ("min", "max")},
}
TOP = {"applicant": APPLICANT, "goals": GOALS}

APPLICANT_KEYS, GOALS_KEYS, TIER_KEYS = tuple(APPLICANT), tuple(GOALS), tuple(TIERS)
KEYED_TABLES = tuple(k for k in GOALS if k == "weights" or "_per_" in k)
TABLES = {"[applicant]": APPLICANT_KEYS, "[goals]": GOALS_KEYS, "[goals.tiers]": TIER_KEYS}


def profile_json_schema() -> dict:
    """The profile as a JSON Schema (draft 2020-12): its tables, keys, types, ranges and defaults, as a form or an
    editor would use it. It describes the canonical spellings; the TOML reader also takes friendlier ones ("$2,500",
    "J1", "IM") and gives the located messages."""
    defaults = {"applicant": Applicant(specialties=(), visa=""), "goals": Goals()}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "SmartPick profile",
              "type": "object", "required": ["applicant"], "additionalProperties": False, "properties": {
                  "applicant": json_schema(APPLICANT, required=("specialties", "visa")),
                  "goals": json_schema(GOALS)}}
    for table, instance in defaults.items():
        for key, prop in schema["properties"][table]["properties"].items():
            value = getattr(instance, key, None)
            if isinstance(value, (bool, int, float, str)) and value != "" and "default" not in prop:
                prop["default"] = value
    return schema


# --- the profile as a whole ---------------------------------------------------------------------------------------

def parse_profile(data: dict, source: str, *, key_sources: Mapping[tuple[str, ...], str] | None = None) -> Profile:
    """Check a profile given as a dict (as read from TOML) and build the Profile; ProfileError lists every problem.

    `source` names the file in messages; `key_sources` maps a key path such as ("goals", "budget_usd") to another
    file it came from (a scenario overriding the profile), so that problems name the file holding the bad key.
    """
    check = Checker(source, key_sources or {})
    if not isinstance(data, dict):
        check.add(("applicant",), "a profile needs an [applicant] table (and optionally [goals])", data)
        raise ProfileError(check.problems)
    for key in data:
        if key not in TOP:
            _unknown_key(check, (), str(key))
    applicant = None
    if "applicant" not in data:
        check.add(("applicant",), "no [applicant] table: start the file with [applicant], then give at least "
                                  "specialties, step2ck (or step1) and visa")
    elif check.table(("applicant",), data["applicant"]) is not None:
        applicant = _applicant(check, data["applicant"], {"goals_table": data.get("goals")})
    goals = Goals()
    if "goals" in data and check.table(("goals",), data["goals"]) is not None:
        goals = _goals(check, data["goals"], {"applicant": applicant})
    if check.problems or applicant is None:
        raise ProfileError(check.problems)
    return Profile(applicant=applicant, goals=goals, source=source)


def _applicant(check: Checker, table: dict, context: dict) -> Applicant | None:
    problems_before = len(check.problems)
    fields = check.read_table(("applicant",), table, APPLICANT, context, _unknown_key)
    for key in ("step1", "step2ck"):
        if isinstance(fields.get(key), tuple):
            fields[key], passed = fields[key]
            if key == "step1":
                fields["step1_pass"] = passed
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


def _goals(check: Checker, table: dict, context: dict) -> Goals:
    fields = check.read_table(("goals",), table, GOALS, context, _unknown_key)
    # a limit left out takes its default (a lone min_programs = 130 is above the default max of 120)
    low = fields["min_programs"] if "min_programs" in fields else Goals().min_programs
    high = fields["max_programs"] if "max_programs" in fields else Goals().max_programs
    if low is not None and high is not None and low > high:
        check.add(("goals", "min_programs"), f"the fewest programs ({low}) is more than the most ({high}): lower "
                                             "min_programs or raise max_programs", also=(("goals", "max_programs"),))
    _check_min_max(check, fields)
    kind, k = objective_parts(fields.get("objective") or "interviews")
    if kind == "at-least" and high is not None and k > high:
        check.add(("goals", "objective"), "asks for more interviews than programs applied to: lower K",
                  fields["objective"])
    return Goals(**{k: v for k, v in fields.items() if v is not None})


def _check_tiers(check: Checker, settings: TierSettings) -> None:
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


def _check_min_max(check: Checker, fields: dict) -> None:
    for kind in ("state", "region", "specialty"):
        lows, highs = dict(fields.get(f"min_per_{kind}") or ()), dict(fields.get(f"max_per_{kind}") or ())
        for key in lows.keys() & highs.keys():
            if lows[key] > highs[key]:
                check.add(("goals", f"min_per_{kind}", key), f"at least {lows[key]} but at most {highs[key]} "
                          f"programs for {key}: lower the minimum or raise the maximum",
                          also=(("goals", f"max_per_{kind}", key),))


def _unknown_key(check: Checker, path: tuple[str, ...], key: str) -> None:
    """A key no table declares: where it belongs, the key meant ("did you mean"), or the keys allowed there."""
    table_name = f"[{'.'.join(path)}]" if path else "the top level"
    valid = TABLES.get(table_name, tuple(TOP))
    where = (*path, key)
    if key in SCENARIO_ONLY:
        check.add(where, f"{key} only works in a scenario file, where it changes the base profile; in a profile "
                         f"write the value itself, e.g. {SCENARIO_ONLY[key]} = ...")
        return
    for other, keys in TABLES.items():
        if other != table_name and key in keys:
            if key in KEYED_TABLES or key == "tiers":
                check.add(where, f"belongs in [goals]: write it as [goals.{key}]")
            else:
                check.add(where, f"belongs in {other}, not in {table_name}: move this line under {other}")
            return
    if table_name != "[goals.weights]" and region_key(key):
        check.add(where, f"a region weight belongs in [goals.weights], not in {table_name}")
        return
    guess = closest_key(key, valid)
    if guess:
        check.add(where, f"unknown key in {table_name}; did you mean {guess}?")
        return
    for other, keys in TABLES.items():
        guess = closest_key(key, keys)
        if guess:
            check.add(where, f"unknown key in {table_name}; did you mean {guess} (in {other})?")
            return
    check.add(where, f"unknown key in {table_name}. Keys allowed there: {', '.join(valid)}")
