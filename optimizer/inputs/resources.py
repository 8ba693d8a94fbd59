"""Where the bundled data lives (the `data/` folder, installed as the `smartpick_data` package)."""

from __future__ import annotations

from pathlib import Path

import smartpick_data
import smartpick_scenarios


def data_dir() -> Path:
    """The folder holding the bundled data files."""
    return Path(smartpick_data.__file__).parent


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)


def scenarios_dir() -> Path:
    """The folder holding the bundled example scenarios."""
    return Path(smartpick_scenarios.__file__).parent


DEMO_PROGRAMS = "programs.csv"
DEMO_PROFILE = "profiles/im_applicant.toml"
DEMO_NOTE = ("Demo data: the bundled programs are estimates (Illinois programs under their real names, the rest "
             "synthetic). Check every program against FREIDA and the program's own website before applying.")
