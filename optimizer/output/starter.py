"""`smartpick init`: a folder to start from, with a template sheet (CSV and XLSX) and the example profile."""

from __future__ import annotations

from pathlib import Path

from optimizer.errors import InputError
from optimizer.inputs.resources import DEMO_PROFILE, data_path
from optimizer.output.program_sheet import template_rows, write_programs
from optimizer.output.writers import atomic_write_text


def write_starter_files(directory: str | Path) -> list[Path]:
    """Write programs.csv, programs.xlsx and profile.toml into `directory` (created if needed). Refuses, writing
    nothing, when any of them exists. Returns the paths written."""
    folder = Path(directory)
    targets = [folder / "programs.csv", folder / "programs.xlsx", folder / "profile.toml"]
    if folder.exists() and not folder.is_dir():
        raise InputError("this is a file, not a folder. Give the name of a folder (it is created if needed).",
                         file=str(directory))
    existing = [str(path) for path in targets if path.exists()]
    if existing:
        raise InputError(f"these files already exist and SmartPick never overwrites them: {', '.join(existing)}. "
                         "Choose another folder, or move them away first.", file=str(directory))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"the folder cannot be created ({error.strerror or error}). Check the path.",
                         file=str(directory)) from None
    rows = template_rows()
    write_programs(rows, targets[0])
    write_programs(rows, targets[1], help_sheet=True)
    atomic_write_text(targets[2], data_path(DEMO_PROFILE).read_text(encoding="utf-8"))
    return targets
