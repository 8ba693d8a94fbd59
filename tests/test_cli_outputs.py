"""Outputs that cannot be written: one located line and exit 2, never a traceback, nothing left behind."""

from __future__ import annotations

import errno
import os

import pytest
from click.testing import CliRunner

from cli import main

COMMANDS = [
    ("solve", "--out", "list.xlsx"), ("solve", "--plot", "chart.png"), ("score", "--out", "scored.csv"),
    ("frontier", "--budget", "1500,2500", "--out", "points.json"),
    ("frontier", "--budget", "1500,2500", "--plot", "frontier.svg"), ("report", "--out", "report.html"),
    ("scenarios", "run", "--out", "scenarios.csv"),
]


def run(*args):
    return CliRunner().invoke(main, list(args))


def error_lines(result):
    return [line for line in result.output.splitlines() if line.startswith("Error")]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_output_in_a_missing_folder_is_one_line_before_any_work(tmp_path, command):
    *args, name = command
    target = tmp_path / "no such folder" / name
    result = run(*args, str(target))
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result)
    assert str(target) in line and "does not exist" in line
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception,
                                                                                          SystemExit)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("failure, words", [(errno.ENOSPC, "space on the disk"),
                                            (errno.EACCES, "folder you may write in")])
def test_a_full_disk_or_a_refused_write_is_one_line(tmp_path, monkeypatch, command, failure, words):
    # The disk fills (or the write is refused) while the file is written: after all the work is done.
    *args, name = command
    real_replace = os.replace

    def failing_replace(source, target, *rest, **kwargs):
        if str(target).endswith(name):
            raise OSError(failure, os.strerror(failure), str(target))
        return real_replace(source, target, *rest, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = run(*args, str(tmp_path / name))
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result)
    assert name in line and os.strerror(failure) in line and words in line
    assert list(tmp_path.iterdir()) == []  # no half file, no temporary file


def test_compare_out_in_a_missing_folder(tmp_path):
    listing = tmp_path / "mine.csv"
    listing.write_text("program_id\n")
    result = run("compare", str(listing), str(listing), "--out", str(tmp_path / "nope" / "c.xlsx"))
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert "does not exist" in line


def test_out_naming_a_folder_is_refused(tmp_path):
    folder = tmp_path / "lists.csv"
    folder.mkdir()
    result = run("frontier", "--budget", "1500", "--out", str(folder))
    assert result.exit_code == 2
    assert "folder" in result.output


@pytest.mark.parametrize("name", ["chart.gif", "chart", "chart.jpeg"])
def test_plot_with_a_format_smartpick_does_not_write_is_refused_before_work(tmp_path, name):
    result = run("solve", "--plot", str(tmp_path / name))
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert ".png, .svg or .pdf" in line
    assert list(tmp_path.iterdir()) == []
