"""Reading the bundled data files (TOML) in one place. Domain modules build their objects from the dicts."""

from __future__ import annotations

import functools
import json
import re
import tomllib
from pathlib import Path

import tomli_w

from optimizer.errors import InputError
from optimizer.inputs.resources import data_path
from optimizer.inputs.vocab import canonical_state
from optimizer.inputs.bounds import check_file


@functools.lru_cache(maxsize=None)
def load_bundled_toml(relative_path: str) -> dict:
    """Parse a TOML file under data/ (cached: bundled files do not change while SmartPick runs)."""
    return read_toml(data_path(relative_path))


def read_toml(path: str | Path, text: str | None = None) -> dict:
    """Parse a TOML file (or its `text`, already in memory: `path` then only names it), turning a syntax error into
    an InputError that names the file and line."""
    path = Path(path)
    try:
        if text is not None:
            return tomllib.loads(text)
        check_file(path, "a .toml file")  # a device (/dev/zero) or a huge file is refused before reading
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError("file not found. Check the path.", file=str(path)) from None
    except PermissionError:
        raise InputError("SmartPick may not read this file. Check its permissions.", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a TOML file.", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a text file; save it as UTF-8 text in TOML format.", file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        example = _json_as_toml(path)
        if example is not None:
            raise InputError(f"this is JSON; SmartPick reads TOML, like this:\n{example}\nSave it in that form "
                             "(same keys and values; `smartpick init DIR` writes a full example).",
                             file=str(path)) from None
        raise InputError(f"not valid TOML: {error}. Keys look like `budget_usd = 2500`; text needs quotes.",
                         file=str(path)) from None
    except RecursionError:  # tomllib parses nested lists and tables by recursion
        raise InputError("not valid TOML: lists or tables are nested hundreds of levels deep. A profile needs at "
                         "most two levels (`[goals.min_per_state]`, `[\"IL\", \"IN\"]`).", file=str(path)) from None


def _json_as_toml(path: Path, max_lines: int = 12) -> str | None:
    """The start of a JSON object file written as TOML (for the message), or None when the file is not JSON."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        text = tomli_w.dumps(_without_nulls(data)) if isinstance(data, dict) else None
    except (ValueError, OSError, RecursionError):  # not JSON, or nested too deep to show
        return None
    if text is None:
        return None
    lines = [line for line in text.splitlines() if line]
    shown = lines[:max_lines] + (["..."] if len(lines) > max_lines else [])
    return "\n".join(f"    {line}" for line in shown)


def _without_nulls(item):
    """JSON data with its nulls left out (TOML has none: a key left out takes its default)."""
    if isinstance(item, dict):
        return {key: _without_nulls(value) for key, value in item.items() if value is not None}
    if isinstance(item, list):
        return [_without_nulls(value) for value in item if value is not None]
    return item


def metro_slug(name: str) -> str:
    """The metro file stem for a metro name ("Chicago" -> "chicago", "New York" -> "new_york"); a state after a
    comma is how people write a city and is left out ("Chicago, IL", "Houston, Texas")."""
    city, comma, state = name.rpartition(",")
    code = canonical_state(state) if comma and city.strip() else None
    if code is not None:
        slug = _slug(city)
        # "Chicago, TX" is no metro SmartPick knows: keep the state in the name, so that it is not found
        return slug if _metro_state(slug) in (None, code) else _slug(name)
    return _slug(name)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _metro_state(slug: str) -> str | None:
    """The state of the bundled metro file `slug`, or None when there is no such file."""
    try:
        return load_bundled_toml(f"metros/{slug}.toml").get("state")
    except InputError:
        return None
