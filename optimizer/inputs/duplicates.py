"""One program written twice under two names ('Mount Sinai Chicago - IM' and 'Mount Sinai Hospital Medical Center of
Chicago IM'): same specialty and city, names alike once the words every program shares are set aside.

Pure functions: the sheet reader warns about the pairs, the optimizer never signals both of a pair.
"""

from __future__ import annotations

import difflib
import functools
import re

from optimizer.inputs import vocab

# Words that name no one program: kinds of institution, filler, and residency words.
_COMMON_WORDS = frozenset({
    "of", "the", "and", "at", "in", "for", "a", "hospital", "hospitals", "medical", "center", "centre", "centers",
    "health", "healthcare", "system", "systems", "program", "programs", "residency", "res", "college", "school",
    "campus", "inc", "llc", "dept", "department", "division", "categorical", "cat", "track", "pgy1", "pgy", "1",
    "internal", "medicine", "family", "med", "im", "fm", "general", "gme", "graduate", "education", "ctr", "hosp",
    "hlth", "sys", "prelim", "preliminary", "transitional", "year", "ty",
})
# Words that a name holds but that alone do not tell programs apart ("University", "Regional", "St.").
_WEAK_WORDS = frozenset({"university", "univ", "regional", "community", "memorial", "general", "st", "mount",
                         "north", "south", "east", "west", "central", "metro", "city", "county", "new", "united"})


_SAME_WORD = {"saint": "st", "mt": "mount", "ft": "fort", "centre": "center"}


@functools.lru_cache(maxsize=1 << 14)
def name_core(name: str, city: str, state: str = "") -> tuple[str, ...]:
    """The words that tell a program apart: its name without the city, the state, specialty words and the
    words every hospital shares. 'Mount Sinai Hospital Medical Center of Chicago IM' -> ('mount', 'sinai')."""
    words = [_SAME_WORD.get(w, w) for w in re.split(r"[^a-z0-9]+", vocab._fold(name)) if w]
    place = set(re.split(r"[^a-z0-9]+", vocab._fold(city))) | {state.lower()}
    place |= set(re.split(r"[^a-z0-9]+", vocab._fold(vocab.STATE_NAMES.get(state, ""))))
    specialty = set(vocab._specialty_words(name)) & set(vocab._SPECIALTY_KEYS)
    return tuple(w for w in words if w not in _COMMON_WORDS and w not in place and w not in specialty)


def alike(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two name cores that likely name one program: the same words, one holding all of the other's (at least two),
    or spelled nearly alike."""
    if not set(a) - _WEAK_WORDS or not set(b) - _WEAK_WORDS:
        return False
    small, large = sorted((set(a), set(b)), key=len)
    if small == large or (len(small) >= 2 and small <= large):
        return True
    matcher = difflib.SequenceMatcher(None, " ".join(a), " ".join(b))
    # the cheap upper bounds first: most pairs of names are far apart
    return matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


def near_duplicates(programs) -> list[tuple[object, object]]:
    """Pairs (first, second, in the given order) of programs with the same specialty and city whose names are alike
    but not the same program id. `programs`: anything with .program, .specialty, .city, .state, .program_id."""
    groups: dict[tuple, list] = {}
    for program in programs:
        groups.setdefault((program.specialty, vocab._fold(program.city), program.state), []).append(program)
    pairs = []
    for members in groups.values():
        if len(members) < 2:
            continue
        cores = [name_core(p.program, p.city, p.state) for p in members]
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                if members[i].program_id != members[j].program_id and alike(cores[i], cores[j]):
                    pairs.append((members[i], members[j]))
    return pairs
