"""The machinery of a declarative TOML schema: a table of keys, each with a Rule (how its value is read and checked,
what a mistake says, and its JSON Schema), a Checker that applies the rules and collects every problem with its
file and key, and `json_schema` that turns the tables into a JSON Schema (for forms and editors).

profile.py declares the profile's tables with these rules; the messages read as in docs/profile.md:
"the budget for application fees (US dollars) must be 0 or more, e.g. budget_usd = 2500".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from optimizer.errors import Problem, shorten
from optimizer.inputs.parsing import ParseError, parse_number, parse_whole

_YES = {"true", "yes", "y", "on"}
_NO = {"false", "no", "n", "off"}
_ABSENT = object()  # "no value to show" in a problem


def either(choices) -> str:
    """'"a", "b" or "c"': choices quoted, for a message."""
    quoted = [f'"{c}"' for c in choices]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else "".join(quoted)


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


class KeyProblem(Problem):
    """A Problem whose place is a TOML key ('goals.budget_usd'), worded as a key rather than a column; its value
    is shown as TOML writes it (quotes included)."""

    place = "key"

    def shown_value(self) -> str:
        return shorten(self.value)


# --- rules: one per key ---------------------------------------------------------------------------------------

Reader = Callable[["Checker", tuple, object, dict], object]


@dataclass(frozen=True)
class Rule:
    """How one key is read: read(check, path, value, context) returns the canonical value, or None after adding a
    problem; `schema` is the JSON Schema of the value as a form would send it (a callable when it depends on the
    bundled data); `description` says what the key means."""

    read: Reader
    schema: dict | Callable[[], dict] = field(default_factory=dict)
    description: str = ""


def whole(what: str, example: int, lowest: int = 0) -> Rule:
    """A whole number, `lowest` or more."""
    return Rule(lambda check, path, value, _: check.whole(path, value, lowest, what, example),
                {"type": "integer", "minimum": lowest, "examples": [example]}, what)


def number(what: str, example, lowest: float = 0.0, highest: float | None = None) -> Rule:
    """A number from `lowest` (to `highest`)."""
    schema = {"type": "number", "minimum": lowest, "examples": [example]}
    if highest is not None:
        schema["maximum"] = highest
    return Rule(lambda check, path, value, _: check.decimal(path, value, what, example, lowest, highest), schema, what)


def flag(what: str) -> Rule:
    """true or false (also "yes"/"no" in quotes)."""
    return Rule(lambda check, path, value, _: check.flag(path, value, what), {"type": "boolean"}, what)


def parsed(parse: Callable, what: str, example, schema: dict) -> Rule:
    """A value read by a parser of optimizer/inputs/parsing.py; its ParseError becomes '{what} {error}, e.g. key = example'."""
    return Rule(lambda check, path, value, _: check.parsed(path, value, parse, what, example), schema, what)


def choice(parse: Callable, message: str, schema: dict | Callable[[], dict], description: str) -> Rule:
    """One of a few answers, read by `parse` (None, or a ParseError with its own words, when it is none of them)."""
    def read(check, path, value, _):
        try:
            found = parse(value)
        except ParseError as error:
            check.add(path, str(error), value)
            return None
        if found is None:
            check.add(path, message, value)
        return found

    return Rule(read, schema, description)


def json_schema(rules: Mapping[str, Rule], required=(), title: str | None = None) -> dict:
    """The JSON Schema of a table of rules: an object with those keys and no others."""
    properties = {}
    for key, rule in rules.items():
        schema = rule.schema() if callable(rule.schema) else dict(rule.schema)
        if rule.description and "description" not in schema:
            schema["description"] = rule.description
        properties[key] = schema
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if title:
        out["title"] = title
    return out


# --- the checker ------------------------------------------------------------------------------------------------

class Checker:
    """Collects the problems of one file, naming the file each key came from (`key_sources`: a key path such as
    ("goals", "budget_usd") -> another file it came from, e.g. a scenario overriding the profile)."""

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

    def read_table(self, path: tuple[str, ...], table: dict, rules: Mapping[str, Rule], context: dict,
                   unknown: Callable[["Checker", tuple, str], None]) -> dict:
        """Each key of `table` read by its rule: {key: value or None}; a key without a rule goes to `unknown`."""
        fields = {}
        for key, value in table.items():
            rule = rules.get(key)
            if rule is None:
                unknown(self, path, str(key))
            else:
                fields[key] = rule.read(self, (*path, key), value, context)
        return fields

    def parsed(self, path, value, parse, what: str, example):
        """parse(value), or None with the problem added: '{what} {what is wrong}, e.g. key = example'."""
        try:
            return parse(value)
        except ParseError as error:
            self.add(path, f"{what} {error}, e.g. {toml_key(path[-1])} = {example}", value)
            return None

    def whole(self, path, value, lowest: int, what: str, example: int) -> int | None:
        return self.parsed(path, value, lambda v: parse_whole(v, lowest), what, example)

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
