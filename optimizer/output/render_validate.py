"""What `smartpick validate` prints: counts and warnings wrapped at 100 columns, each error on a line of its own."""

from __future__ import annotations

import textwrap

from optimizer.errors import describe_problems


def validation_lines(file: str, report) -> list[tuple[str, bool]]:
    """The lines to print for a validation report, each with True when it belongs on standard error."""
    out: list[tuple[str, bool]] = []
    read_the_file = report.rows or not report.errors  # else the file itself could not be read
    if read_the_file:
        out.append((f"{file}: {report.rows} program row{'s' if report.rows != 1 else ''} read.", False))
    for key, label in (("specialty", "By specialty"), ("state", "By state"), ("visa", "By visa sponsored")):
        counts = report.counts.get(key) or {}
        if counts:
            # no-break spaces inside each "name count" keep a name on one line when wrapped
            listed = ", ".join(f"{name} {count}".replace(" ", "\u00a0")
                               for name, count in sorted(counts.items(), key=lambda kv: -kv[1]))
            wrapped = textwrap.fill(f"{label}: {listed}", width=100, subsequent_indent="  ")
            out.append((wrapped.replace("\u00a0", " "), False))
    if report.warnings:
        out.append((f"\nWarnings ({len(report.warnings)}): SmartPick can go on, but check these.", False))
        for warning in report.warnings:
            out.append((textwrap.fill(warning, width=100, initial_indent="- ", subsequent_indent="  "), False))
    if report.errors:
        count = len(report.errors)
        if not read_the_file:
            return out + [(f"Error: {problem.describe()}", True) for problem in report.errors]
        plural = "s" if count != 1 else ""
        lines = describe_problems(report.errors, with_file=False)
        kinds = f" ({len(lines)} kinds)" if len(lines) < count else ""
        out.append((f"\n{count} problem{plural}{kinds} to fix before SmartPick can use this sheet:", True))
        out.extend((f"- {line}", True) for line in lines)
        shown = f'"{file}"' if " " in file else file
        out.append((f"\nFix them in the sheet, save it, and run `smartpick validate {shown}` again.", True))
    elif getattr(report, "ignored_lookalikes", None):
        names = [f"'{name}'" for name in report.ignored_lookalikes]
        one = len(names) == 1
        listed = names[0] if one else ", ".join(names[:-1]) + f" and {names[-1]}"
        out.append((f"\nThe sheet can be read, but {listed} {'is' if one else 'are'} not read although "
                    f"{'it looks like a column' if one else 'they look like columns'} SmartPick uses (see the "
                    f"warnings). Rename {'it' if one else 'them'}, or check that SmartPick may ignore "
                    f"{'it' if one else 'them'}, before: smartpick solve --programs {file} --profile "
                    "YOUR_PROFILE.toml", False))
    else:
        out.append(("\nThe sheet is ready. Next: smartpick solve --programs "
                    f"{file} --profile YOUR_PROFILE.toml", False))
    return out
