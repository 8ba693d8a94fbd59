"""SmartPick's command line: parse arguments, call the core, render results, map errors to exit codes."""

from __future__ import annotations

import functools
import sys

import click

from optimizer.errors import SmartPickError

EXIT_INPUT = 2


def guarded(command):
    """Turn SmartPick's user-facing errors into 'Error: ...' and exit code 2; bugs stay tracebacks."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SmartPickError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="smartpick")
def main():
    """SmartPick: choose the residency programs to apply to, within your budget.

    Start with `smartpick solve` (bundled demo data) or `smartpick init DIR` for your own sheet and profile.
    """


# --- commands are added below, one section each -------------------------------------------------------------

if __name__ == "__main__":
    main()
