"""What-if scenarios: small TOML files that change some keys of the applicant's profile.

A scenario file has `name`, `description`, an optional `base = "other.toml"` (another scenario it builds on, a path
relative to this file; chains are allowed, loops are refused) and [applicant] / [goals] tables whose keys replace the
profile's (a nested table such as [goals.weights] changes only the keys it lists). Two keys give a change relative
to the profile: `step2ck_delta` in [applicant] and `budget_usd_delta` in [goals].

Merging works on the raw dicts and the result is checked once by `parse_profile`, told which file each key came
from, so a problem names the scenario file when the bad key is the scenario's. See docs/profile.md.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from optimizer.errors import InputError, Problem, ProfileError
from optimizer.inputs.parsing import parse_number
from optimizer.inputs.profile import (KEYED_TABLES, SCENARIO_ONLY, STEP_SCORES, TABLES, KeyProblem, closest_key,
                               canonical_table_key, parse_profile, read_profile_data, show)
from optimizer.inputs.profile_types import Goals, Profile

SCENARIO_KEYS = ("name", "description", "base", "applicant", "goals")
DELTA_TABLE = {"step2ck_delta": "applicant", "budget_usd_delta": "goals"}
NOT_APPLICABLE = "this scenario does not apply"  # how a problem saying so begins (see ScenarioError)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    file: str
    profile: Profile
    # The profile keys this scenario changes, its base chain included, as {"applicant": {...}, "goals": {...}};
    # a *_delta key appears as the value it gives (step2ck_delta = 15 on 233 -> "step2ck": 248).
    overrides: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ScenarioError:
    """One problem with one scenario: `file` holds the bad key (the scenario or a base it builds on)."""

    file: str
    key: str | None
    message: str
    scenario: str = ""  # the scenario file that could not be loaded because of it
    not_applicable: bool = False  # the scenario does not apply to this applicant (not a mistake in a file)

    def as_dict(self) -> dict:
        return {"file": self.file, "key": self.key, "message": self.message, "scenario": self.scenario,
                "not_applicable": self.not_applicable}


def load_scenario(path: str | Path, base_profile_data: dict, base_source: str) -> Scenario:
    """The profile `base_profile_data` (read from `base_source`) as the scenario file at `path` changes it.

    Raises ProfileError listing every problem, each naming the file (scenario, base scenario or profile) and key.
    """
    chain = _read_chain(Path(path))
    data, overrides = copy.deepcopy(base_profile_data), {}
    key_sources: dict[tuple[str, ...], str] = {}
    problems: list[Problem] = []
    for file, raw in chain:
        _apply(file, raw, data, overrides, key_sources, problems)
    try:
        profile = parse_profile(data, base_source, key_sources=key_sources)
    except ProfileError as error:
        raise ProfileError(problems + error.problems) from None
    if problems:
        raise ProfileError(problems)
    file, raw = chain[-1]
    name, description = raw.get("name", "").strip() or Path(file).stem, raw.get("description", "").strip()
    return Scenario(name=name, description=description, file=file, overrides=overrides,
                    profile=dataclasses.replace(profile, source=f"{base_source}, changed by {file}"))


def load_scenarios(paths_or_dirs: str | Path | Iterable[str | Path], base_profile_data: dict,
                   base_source: str) -> tuple[list[Scenario], list[ScenarioError]]:
    """Every scenario in the given files and folders (a folder: its *.toml files, baseline.toml first, then by name).

    A broken scenario becomes error entries and does not stop the others.
    """
    files, errors = scenario_paths(paths_or_dirs)
    scenarios: list[Scenario] = []
    for path in files:
        try:
            scenario = load_scenario(path, base_profile_data, base_source)
        except InputError as error:
            errors.extend(ScenarioError(file=p.file or str(path), key=p.column, message=_message(p),
                                        scenario=str(path), not_applicable=p.message.startswith(NOT_APPLICABLE))
                          for p in error.problems)
            continue
        twin = next((s for s in scenarios if s.name == scenario.name), None)
        if twin is not None:
            errors.append(ScenarioError(file=str(path), key="name", scenario=str(path), message=(
                f"the scenario {twin.file} has the same name \"{scenario.name}\": give each scenario its own name")))
            continue
        scenarios.append(scenario)
    return scenarios, errors


def scenario_paths(paths_or_dirs: str | Path | Iterable[str | Path]) -> tuple[list[Path], list[ScenarioError]]:
    """The scenario files named, folders expanded to their *.toml files; an error entry for each path not found."""
    if isinstance(paths_or_dirs, (str, Path)):
        paths_or_dirs = [paths_or_dirs]
    files: list[Path] = []
    errors: list[ScenarioError] = []
    for item in map(Path, paths_or_dirs):
        if item.is_dir():
            # baseline.toml first: the others are read against it
            found = sorted(item.glob("*.toml"), key=lambda p: (p.name != "baseline.toml", p.name))
            if not found:
                errors.append(ScenarioError(file=str(item), key=None, scenario=str(item),
                                            message="no scenario files (*.toml) in this folder"))
            files.extend(found)
        elif item.exists():
            files.append(item)
        else:
            errors.append(ScenarioError(file=str(item), key=None, scenario=str(item),
                                        message="file or folder not found. Check the path."))
    unique = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), errors


def _message(problem: Problem) -> str:
    return problem.message + (f" (found {problem.value})" if problem.value not in (None, "") else "")


def _read_chain(path: Path) -> list[tuple[str, dict]]:
    """The scenario and the bases it builds on, as (file, raw dict), the first base first."""
    links: list[tuple[str, dict]] = []
    seen: list[Path] = []
    current = path
    while True:
        seen.append(current.resolve())
        raw = read_profile_data(current)
        links.append((str(current), raw))
        base = raw.get("base")
        if base is None:
            break
        if not isinstance(base, str) or not base.strip():
            raise ProfileError(KeyProblem(file=str(current), column="base", value=show(base), message=(
                'base names another scenario file, in quotes, relative to this file, e.g. base = "baseline.toml"')))
        following = current.parent / base.strip()
        try:
            found = following.is_file()
            looped = following.resolve() in seen
        except (OSError, ValueError):  # a name the system cannot use (too long, a NUL character)
            found, looped = False, False
        if looped:
            loop = " -> ".join([*(Path(f).name for f, _ in links), following.name])
            raise ProfileError(KeyProblem(file=str(current), column="base", value=show(base), message=(
                f"the base files form a loop ({loop}): remove base from one of them")))
        if not found:
            raise ProfileError(KeyProblem(file=str(current), column="base", value=show(base), message=(
                f"base file not found (looked for {following}); base is a path relative to this scenario file")))
        current = following
    return list(reversed(links))


def _apply(file: str, raw: dict, data: dict, overrides: dict, key_sources: dict, problems: list[Problem]) -> None:
    """Change `data` (the profile dict) by one scenario file, recording in `key_sources` which keys it set."""

    def problem(column: str, message: str, value=None):
        problems.append(KeyProblem(file=file, column=column, message=message,
                                   value=None if value is None else show(value)))

    for key, value in raw.items():
        if key in ("name", "description", "base") and not isinstance(value, str):
            problem(key, f'{key} must be text in quotes, e.g. {key} = "..."', value)
        elif key not in SCENARIO_KEYS:
            home = next((table for table, keys in TABLES.items() if key in keys), None)
            guess = closest_key(key, SCENARIO_KEYS)
            problem(key, f"belongs in {home}: move this line under {home}" if home else
                    f"unknown key; did you mean {guess}?" if guess else
                    f"unknown key. A scenario file has: {', '.join(SCENARIO_KEYS)}")
    for table in ("applicant", "goals"):
        if table not in raw:
            continue
        changes = raw[table]
        if not isinstance(changes, dict):
            problem(table, f"must be a table: write [{table}] on its own line, then one key = value per line", changes)
            continue
        changes = dict(changes)
        deltas = {k: changes.pop(k) for k in list(changes) if DELTA_TABLE.get(k) == table}
        if not isinstance(data.get(table), dict):
            data[table] = {}
        delta_values = {}
        for delta_key, delta in deltas.items():
            target = SCENARIO_ONLY[delta_key]
            path = f"{table}.{delta_key}"
            if target in changes:
                problem(path, f"give either {target} or {delta_key}, not both")
                continue
            result = _apply_delta(data[table], target, delta, lambda m, v=None: problem(path, m, v))
            if result is not None:
                delta_values[target] = result
        _merge(data[table], changes, file, key_sources, (table,))
        _merge(overrides.setdefault(table, {}), changes, file, {}, (table,))
        for target, result in delta_values.items():
            data[table][target] = overrides[table][target] = result
            key_sources[(table, target)] = file


def _apply_delta(table: dict, target: str, delta, problem):
    """The value `target` takes when `delta` is added to the base profile's; None (after a problem) if impossible."""
    if target == "step2ck":
        step = parse_number(delta)
        if step is None or step != int(step) or isinstance(delta, str):
            problem("the change of Step 2 CK must be a whole number of points, e.g. step2ck_delta = 15", delta)
            return None
        if "step2ck" not in table:
            problem(f"{NOT_APPLICABLE} to your profile, which has no Step 2 CK score to change by {int(step):+d} "
                    "points. Once you have your score, add it to the profile (step2ck = your score) and run the "
                    "scenarios again")
            return None
        base = parse_number(table["step2ck"])
        if base is None:
            return None  # the profile's own step2ck is reported by the profile check
        result = int(base + step)
        low, high = STEP_SCORES
        if not low <= result <= high:
            problem(f"takes Step 2 CK from {int(base)} to {result}, outside {low}-{high}: use a smaller change", delta)
            return None
        return result
    step = parse_number(delta)
    if step is None:
        problem("the change of budget must be a number of US dollars, e.g. budget_usd_delta = 1000", delta)
        return None
    base = parse_number(table.get(target, Goals().budget_usd))
    if base is None:
        return None
    if base + step < 0:
        problem(f"takes the budget from ${base:,.0f} to ${base + step:,.0f}, below zero: use a smaller cut", delta)
        return None
    total = base + step
    return int(total) if total == int(total) else total


def _merge(target: dict, changes: dict, file: str, key_sources: dict, path: tuple[str, ...]) -> None:
    """Write `changes` into `target`; a table merges key by key, anything else replaces the value."""
    keyed = path[0] == "goals" and len(path) == 2 and path[1] in KEYED_TABLES
    for key, value in changes.items():
        if keyed:  # "Illinois" in a scenario replaces "IL" in the profile
            canonical = canonical_table_key(path[1], str(key))
            for old in [k for k in target if k != key and canonical and canonical_table_key(path[1], str(k)) == canonical]:
                del target[old]
        here = (*path, key)
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            target[key] = dict(target[key])
            _merge(target[key], value, file, key_sources, here)
            continue
        target[key] = copy.deepcopy(value)
        for stale in [p for p in key_sources if p[:len(here)] == here]:
            del key_sources[stale]
        key_sources[here] = file
