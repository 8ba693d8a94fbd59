"""Warnings for a screen: the sheet's warnings grouped by kind, one line each with a count (`validate` shows each
one in full). Pure: takes the warning texts the reader made, returns lines."""

from __future__ import annotations

import re

_MISSING = re.compile(r"^No '([^']+)' column")
_QUIET = re.compile(r"^Columns not in the sheet, left at their defaults: (.*)\.$")
_BLANK = re.compile(r"^Column '(.+?)' is blank in rows? ([^:]*):")
_ASSUMED = re.compile(r"^Column '(.+?)' in rows? ([^:]*): says")
_LAYOUT = (
    (re.compile(r"^Row (\d+) is read as the header"), "header on row {0}"),
    (re.compile(r"^Programs read from the sheet '(.+?)'"), "sheet '{0}'"),
    (re.compile(r"^Rows? (.+?) (?:is|are) hidden"), "{n} hidden {rows} not read"),
    (re.compile(r"^Row \d+ looks like a totals row"), "{n} totals {rows} not read"),
    (re.compile(r"^Rows? (.+?) repeats? row \d+ exactly"), "{n} repeated {rows} not read"),
    (re.compile(r"^Column [A-Z]+ has no header"), "{n} {columns} without a header kept as they are"),
    (re.compile(r"^--sheet '.+' is ignored"), "--sheet ignored (a CSV file has one sheet)"),
)


def _row_count(listed: str) -> int:
    """How many rows 'rows 2, 3, 7 and 12 more' names."""
    more = re.search(r"and (\d+) more", listed)
    return len(re.findall(r"\d+", listed.split(" and ")[0])) + (int(more.group(1)) if more else 0)


def group_warnings(warnings) -> list[str]:
    """One line per kind of warning, with a count; warnings of no known kind are kept as they are."""
    missing, blanks, assumed, layout, other = [], [], [], {}, []
    for text in warnings:
        if match := _MISSING.match(text):
            missing.append(match.group(1))
        elif match := _QUIET.match(text):
            missing.extend(name.strip() for name in match.group(1).split(","))
        elif match := _BLANK.match(text):
            blanks.append(f"{match.group(1)} ({_row_count(match.group(2))})")
        elif match := _ASSUMED.match(text):
            assumed.append(f"{match.group(1)} ({_row_count(match.group(2))})")
        else:
            for pattern, label in _LAYOUT:
                if match := pattern.match(text):
                    count = _row_count(match.group(1)) if "{n}" in label and pattern.groups else 1
                    layout.setdefault(label, []).append((count, match.groups()))
                    break
            else:
                other.append(text)
    lines = []
    if layout:
        parts = []
        for label, found in layout.items():
            n = sum(count for count, _ in found)
            parts.append(label.format(*found[0][1], n=n, rows="row" if n == 1 else "rows",
                                      columns="column" if n == 1 else "columns"))
        lines.append("Sheet read with " + "; ".join(parts) + ".")
    if assumed:
        lines.append(f"{len(assumed)} column{'s' if len(assumed) > 1 else ''} with cells read with an assumption "
                     f"(rows): {', '.join(assumed)}.")
    if blanks:
        lines.append(f"{len(blanks)} column{'s' if len(blanks) > 1 else ''} with blank cells that take SmartPick's "
                     f"default (rows): {', '.join(blanks)}.")
    if missing:
        lines.append(f"{len(missing)} column{'s' if len(missing) > 1 else ''} not in the sheet take SmartPick's "
                     f"defaults: {', '.join(missing)}.")
    return lines + other
