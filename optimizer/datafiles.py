"""Reading the bundled data files (TOML) in one place. Domain modules build their objects from the dicts."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from optimizer.errors import InputError
from optimizer.resources import data_path


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
        raise InputError(f"not valid TOML: {error}. Keys look like `budget_usd = 2500`; text needs quotes.",
                         file=str(path)) from None
