"""One header mapper for every sheet SmartPick reads: the programs sheet, an applicants file, an applications file.

Each reader brings its own vocabulary (which column a header means, spelt as people write it); the mapper does the
rest the same way for all: a column meant by two headers is refused (naming both), a header cell left blank over
cells with data is kept as "column X" with a warning, any other header is the user's own column, kept. With a
`guess` in the vocabulary (the programs sheet's), a user's column that looks like one missing column ("YOG limit")
is read as that column with a warning, and those that look like a column but cannot be read are named in one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from optimizer.errors import Problem
from optimizer.inputs import vocab


@dataclass(frozen=True)
class Vocabulary:
    """A reader's header words. `column_of(header)`: the column the header means, or None for a column of the
    user's own; `name(column)`: the column as messages name it. Optional lookalikes: `guess(header)` -> (the columns
    an unknown header looks like, True when it reads like notes), `words[column]` says what a column is, and
    `spelling(column)` gives a header to suggest."""

    column_of: Callable[[str], object | None]
    name: Callable[[object], str] = str
    guess: Callable[[str], tuple[set, bool]] | None = None
    words: Mapping = field(default_factory=dict)
    spelling: Callable[[object], str] = str


@dataclass
class HeaderMap:
    """Which position of a row holds which column, and the user's own columns."""

    canonical: dict  # column -> position
    written: dict  # column -> header as the user wrote it
    extra: list[tuple[str, int]]  # (header, position) of the user's own columns
    width: int  # header cells, counting extra columns without a header
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_lookalikes: list[str] = field(default_factory=list)  # user columns that look like ours, not read


def map_header(file: str, header_row: int, cells, vocabulary: Vocabulary, rows=()) -> HeaderMap:
    """Map the header `cells` (the header is spreadsheet row `header_row`) to the vocabulary's columns. `rows`
    ((row number, cells) of the data), when given, finds the columns with data but no header."""
    width = max([len(cells)] + [len(r) for _, r in rows]) if rows else len(cells)
    found = HeaderMap({}, {}, [], len(cells))
    seen_extra: Counter = Counter()
    for position in range(width):
        text = vocab.clean_text(cells[position]) if position < len(cells) else ""
        if not text:
            has_data = any(position < len(r) and vocab.clean_text(r[position]) for _, r in rows)
            if has_data and position < len(cells):  # cells past the header's end are reported row by row
                name = f"column {column_letter(position)}"
                found.warnings.append(f"Column {column_letter(position)} has no header; its cells are kept as "
                                      f"'{name}'. Give it a header to name it.")
                found.extra.append((name, position))
            continue
        column = vocabulary.column_of(text)
        if column is None:
            seen_extra[text] += 1
            found.extra.append((text if seen_extra[text] == 1 else f"{text} ({seen_extra[text]})", position))
        elif column in found.canonical:
            found.problems.append(Problem(
                file=file, row=header_row, column=text, value=text,
                message=f"two columns mean '{vocabulary.name(column)}': '{found.written[column]}' and '{text}'. "
                        "Rename or delete one of them."))
        else:
            found.canonical[column], found.written[column] = position, text
    if vocabulary.guess is not None:
        found.ignored_lookalikes = _adopt_lookalikes(found, vocabulary)
    return found


def _adopt_lookalikes(found: HeaderMap, vocabulary: Vocabulary) -> list[str]:
    """Read a user's column that looks like one missing column as that column ('YOG limit' -> max years since
    graduation), with a warning; warn about the others that look like one of ours but are not read. Returns the
    headers of those ignored lookalikes."""
    canonical, written, extra, warnings = found.canonical, found.written, found.extra, found.warnings
    guesses = {name: vocabulary.guess(name) for name, _ in extra}
    claims: dict = {}
    for name, (cues, notes_like) in guesses.items():
        if len(cues) == 1 and not notes_like:
            claims.setdefault(next(iter(cues)), []).append(name)
    adopted = set()
    for column, names in claims.items():
        if column in canonical or len(names) != 1:
            continue
        name = names[0]
        position = next(p for n, p in extra if n == name)
        canonical[column], written[column] = position, name
        adopted.add(name)
        warnings.append(f"Column '{name}' looks like {vocabulary.words[column]}: read as that. If it means "
                        f"something else, rename it; to silence this note, name it "
                        f"'{vocabulary.spelling(column)}'.")
    extra[:] = [(n, p) for n, p in extra if n not in adopted]
    ignored = []
    for name, _ in extra:
        cues, notes_like = guesses[name]
        if not cues:
            continue
        ignored.append(name)
        words = " or ".join(vocabulary.words[c] for c in sorted(cues))
        if notes_like:
            why = "it reads like notes, so it is kept as your own column"
        elif len(cues) > 1:
            why = "it could be either, so it is not read"
        else:
            column = next(iter(cues))
            why = (f"the sheet's column '{written[column]}' is read for that, so this one is not read"
                   if column in canonical else "another column looks like it too, so neither is read")
        warnings.append(f"Column '{name}' looks like {words}, but {why}. Rename it "
                        f"(e.g. '{vocabulary.spelling(sorted(cues)[0])}') if SmartPick should read it.")
    return ignored


def column_letter(position: int) -> str:
    """Spreadsheet column letter: 0 -> A, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
