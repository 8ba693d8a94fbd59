"""Text for the terminal: what came from a file (a program name, a note, a value in a message) is shown, never
obeyed. Terminal escape sequences (colours, a hidden OSC-8 link, clearing the screen) and other control
characters in it are removed before it is printed; SmartPick's own colours are added by rich afterwards."""

from __future__ import annotations

import re

# ESC [ ... final byte (CSI: colours, cursor moves); ESC ] ... BEL or ESC \ (OSC: links, titles); ESC and one
# byte; then any other C0 or C1 control character but tab and newline.
_CONTROLS = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
                       r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without terminal escape sequences and control characters (tab and newline kept)."""
    return _CONTROLS.sub("", text)


def console(**options):
    """A rich Console whose every string (printed, or a table's cell) is made printable first."""
    # rich takes 0.02-0.06 s to import (measured): only runs that draw a table load it
    from rich.console import Console

    class _PrintableConsole(Console):
        def render_str(self, text: str, *args, **kwargs):
            return super().render_str(printable(text), *args, **kwargs)

    return _PrintableConsole(**options)
