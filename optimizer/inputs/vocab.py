"""The words people write in their program sheets, mapped to SmartPick's canonical values.

Pure functions, no I/O. Two conventions:

- Choice parsers (`canonical_specialty`, `canonical_state`, `parse_program_visa`, `parse_program_type`,
  `canonical_column`) return the canonical value, or None when the text is not recognized. The caller handles blank
  cells first (see `is_blank`) and builds the message from the `*_HELP` text.
- Value parsers where "not given" is itself a value (`parse_percent`, `parse_cutoff`, `parse_bool`, `parse_count`,
  `parse_apply`, `parse_signal`, `parse_alumni`) return None for a blank cell and raise ValueError with a message for
  the user (what was wrong and what is accepted) when the text cannot be read.

Decisions worth knowing:
- Visa "N/A" means the program sponsors no visa ("none"): people write it under "Visa sponsorship" for "not
  applicable". A blank cell means the sheet does not say, and the reader applies its default; "unknown", "?",
  "TBD" and "not specified" say the sheet does not know: the program's visa is "unknown" (see `says_unknown`).
- Visa "yes" is ambiguous (which visa?) and is not accepted: the message asks for J-1, H-1B or both. A negation
  is read with the visa it belongs to ("H1B - no", "no H1B", "H-1B: No / J-1: Yes"); a cell that only says no to
  one visa reads the other as the sheet default, with a note (see `read_program_visa`).
- Apply: only explicit words ("must", "never", "skip") bind the optimizer; "yes"/"no"/"x" read as blank, with a
  note (see `read_apply`).
- A percent with a decimal point and at most 1 ("0.45", "1.0") is a fraction (45%, 100%); other numbers are
  percents ("45", "1" = 1%); a "%" sign always means percent ("0.5%" = 0.5%).
- A Step cutoff of 0 means "no cutoff" (it excludes nobody).

Every ValueError message reads "<what is wrong>. <what to write instead>": the first sentence never contains ". ",
so a renderer can put the offending value between the two.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata

# --- shared text helpers ------------------------------------------------------------------------------------

# Cell texts that mean "the sheet does not say": the reader applies the column's default.
BLANK_WORDS = frozenset({"", "-", "--", "—", "–", "?", "??", "???", "unknown", "unk", "tbd", "tba", "not sure",
                         "not specified", "unspecified", "not stated", "not known", "unclear", "n/k"})
# Of those, the words that say "I do not know" (rather than an empty cell): a visa cell saying one of these is
# read as its own answer, "unknown", not as the column default.
UNKNOWN_WORDS = BLANK_WORDS - {"", "-", "--", "—", "–"}
_LONGEST_BLANK_WORD = max(map(len, BLANK_WORDS))
# Extra words meaning "no value" where a number is expected (cutoffs, percents, counts).
NO_NUMBER_WORDS = frozenset({"n/a", "na", "n.a.", "none", "no", "nil", "no cutoff", "no minimum", "not required",
                             "no min", "not applicable", "no limit", "any"})


def clean_text(text) -> str:
    """The cell as a plain, trimmed string: None -> '', NBSP and BOM removed, inner whitespace collapsed."""
    if text is None:
        return ""
    if type(text) is str and text.isascii() and "  " not in text and text == text.strip() and text.isprintable():
        return text  # already clean: most cells
    text = str(text).replace("\ufeff", "").replace("\u00a0", " ")
    return " ".join(text.split())


def clean_lines(text) -> str:
    """Like `clean_text` but keeping line breaks, for free text such as notes: spaces collapsed within each line."""
    if text is None:
        return ""
    text = str(text)
    if "\n" not in text and "\r" not in text:  # one line: most cells
        return clean_text(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(clean_text(line) for line in lines).strip("\n")


def is_blank(text) -> bool:
    """True when the cell is empty or says it is unknown ('-', '?', 'unknown', 'TBD')."""
    text = clean_text(text)
    return len(text) <= _LONGEST_BLANK_WORD and text.lower() in BLANK_WORDS


def says_unknown(text) -> bool:
    """True when the cell says the sheet does not know ('unknown', '?', 'TBD', 'not specified'), not when it is
    empty."""
    text = clean_text(text)
    return len(text) <= _LONGEST_BLANK_WORD and text.lower() in UNKNOWN_WORDS


def _fold(text) -> str:
    """Lower case without accents: 'Hôpital' -> 'hopital'."""
    lowered = clean_text(text).lower()
    if lowered.isascii():  # nothing to strip: most cells
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokens(text) -> list[str]:
    """Words of the text, folded; '&' and '+' count as 'and', other punctuation separates words."""
    folded = _fold(text).replace("&", " and ").replace("+", " and ")
    return [word for word in re.split(r"[^a-z0-9]+", folded) if word]


# --- specialties ----------------------------------------------------------------------------------------------

SPECIALTIES = (
    "Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry", "Neurology", "Transitional Year",
    "Internal Medicine (Preliminary)", "Surgery (Preliminary)", "General Surgery", "Emergency Medicine",
    "Obstetrics and Gynecology", "Pathology", "Anesthesiology", "Diagnostic Radiology",
    "Physical Medicine and Rehabilitation", "Internal Medicine-Pediatrics", "Child Neurology",
)

# Keys are the words of a spelling joined without spaces, after dropping filler words and British "ae" -> "e".
_SPECIALTY_ALIASES = {
    "Internal Medicine": ("internalmedicine", "im", "intmed", "medicine", "internal", "generalinternalmedicine",
                          "gim", "intmedicine", "internalmed", "med"),
    "Family Medicine": ("familymedicine", "fm", "familypractice", "fp", "family", "fammed", "famed",
                        "familymed", "generalpractice"),
    "Pediatrics": ("pediatrics", "peds", "ped", "pediatric", "pediatry", "pediatricmedicine", "paeds"),
    "Psychiatry": ("psychiatry", "psych", "psy", "psychiatric", "adultpsychiatry", "generalpsychiatry"),
    "Neurology": ("neurology", "neuro", "adultneurology", "neur", "neurologyadult"),
    "Transitional Year": ("transitionalyear", "ty", "transitional", "transitionyear", "transyear"),
    "General Surgery": ("generalsurgery", "surgery", "gensurg", "gensurgery", "gs", "surg", "generalsurg",
                        "surgerygeneral"),  # NRMP's own name: "Surgery-General"
    "Emergency Medicine": ("emergencymedicine", "em", "emergency", "emed", "emergencymed", "er"),
    "Obstetrics and Gynecology": ("obstetricsgynecology", "obgyn", "obg", "og", "obsgyn", "obsgynecology",
                                  "obstetricsgyn", "obgynecology", "gynecologyobstetrics", "obstetrics",
                                  "womenshealth"),
    "Pathology": ("pathology", "path", "apcp", "anatomicclinicalpathology", "anatomicalclinicalpathology",
                  "pathologyanatomicclinical", "pathologyapcp"),  # NRMP: "Pathology-Anatomic and Clinical"
    "Anesthesiology": ("anesthesiology", "anesthesia", "anesth", "anes", "anest", "anesthetics"),
    "Diagnostic Radiology": ("diagnosticradiology", "radiology", "rads", "rad", "dr", "diagnosticrad",
                             "radiologydiagnostic"),
    "Physical Medicine and Rehabilitation": ("physicalmedicinerehabilitation", "pmr", "physiatry", "rehab",
                                             "physicalmedicinerehab", "rehabilitation", "pmrehab",
                                             "rehabilitationmedicine"),
    "Internal Medicine-Pediatrics": ("internalmedicinepediatrics", "medpeds", "impeds", "impediatrics",
                                     "medicinepediatrics", "medped", "internalmedpeds", "medicinepeds"),
    "Child Neurology": ("childneurology", "childneuro", "pediatricneurology", "pedsneuro", "pedsneurology",
                        "pediatricneuro", "cn"),
    "Internal Medicine (Preliminary)": ("internalmedicinepreliminary",),
    "Surgery (Preliminary)": ("surgerypreliminary",),
}
_SPECIALTY_KEYS = {key: name for name, keys in _SPECIALTY_ALIASES.items() for key in keys}
# Words that do not change the specialty: "Internal Medicine - Categorical residency program".
_SPECIALTY_FILLER = frozenset({"and", "of", "categorical", "cat", "residency", "program", "programs", "pgy1",
                               "pgy", "1", "track", "training"})
_PRELIM_WORDS = frozenset({"prelim", "preliminary", "pre", "prelims"})
_PRELIM_OF = {"Internal Medicine": "Internal Medicine (Preliminary)",
              "General Surgery": "Surgery (Preliminary)"}

SPECIALTY_HELP = ("Use one of: " + ", ".join(SPECIALTIES)
                  + " (abbreviations such as IM, FM, Peds, Psych, Neuro, Path, Anesthesia, Gen Surg, EM, OB/GYN, DR,"
                  " Prelim IM, Prelim Surgery, TY, PM&R also work).")


def _specialty_words(text) -> list[str]:
    words = [word.replace("ae", "e") for word in _tokens(text)]  # paediatrics, anaesthesia, gynaecology
    return [word for word in words if word not in _SPECIALTY_FILLER]


def canonical_specialty(text) -> str | None:
    """The canonical specialty name for what the user wrote ('IM', 'Prelim IM', 'Paediatrics'), or None."""
    words = _specialty_words(text)
    if not words:
        return None
    prelim = any(word in _PRELIM_WORDS for word in words)
    base = _SPECIALTY_KEYS.get("".join(word for word in words if word not in _PRELIM_WORDS))
    if not prelim:
        return base
    # "Internal Medicine (Preliminary)" itself, or "IM-Prelim", "Prelim Surgery", "Medicine-Preliminary".
    if base in _PRELIM_OF.values():
        return base
    return _PRELIM_OF.get(base)


# Specialties people may list that SmartPick does not cover: IM fellowships and other residencies.
_FELLOWSHIPS = frozenset({
    "cardiology", "cards", "gastroenterology", "gi", "pulmonology", "pulmonary", "pulmonarycriticalcare", "pccm",
    "criticalcare", "nephrology", "hematology", "oncology", "hematologyoncology", "hemeonc", "infectiousdisease",
    "infectiousdiseases", "id", "endocrinology", "endo", "rheumatology", "rheum", "geriatrics",
    "geriatricmedicine", "allergyimmunology", "sleepmedicine", "hospicepalliativemedicine", "palliativecare",
    "sportsmedicine", "neonatology", "childadolescentpsychiatry", "addictionmedicine",
})
_NOT_COVERED = frozenset({
    "orthopedicsurgery", "orthopedics", "ortho", "dermatology", "derm", "ophthalmology", "ophtho", "urology",
    "otolaryngology", "ent", "neurosurgery", "neurologicalsurgery", "plasticsurgery", "plastics",
    "radiationoncology", "interventionalradiology", "ir", "nuclearmedicine", "preventivemedicine",
    "vascularsurgery", "thoracicsurgery", "medicalgenetics", "internalmedicinepsychiatry",
    "familymedicinepsychiatry", "emergencymedicineinternalmedicine", "occupationalmedicine",
})


def specialty_note(text) -> str | None:
    """Why a recognizable but unsupported specialty cannot be used (a fellowship, or not covered), else None."""
    key = "".join(_specialty_words(text))
    if key in _FELLOWSHIPS:
        return ("a fellowship (after residency), not a residency program. List the residency programs you "
                "apply to")
    if key in _NOT_COVERED:
        return "a specialty SmartPick does not cover yet. Remove the row, or use one of the specialties listed"
    return None


def suggest_specialty(text, limit: int = 3) -> list[str]:
    """Canonical names closest to an unrecognized specialty, best first (may be empty)."""
    key = "".join(_specialty_words(text))
    if not key or specialty_note(text):
        return []
    candidates = {}
    for alias_key, name in _SPECIALTY_KEYS.items():
        score = difflib.SequenceMatcher(None, key, alias_key).ratio()
        candidates[name] = max(score, candidates.get(name, 0.0))
    ranked = sorted((score, name) for name, score in candidates.items() if score >= 0.6)
    return [name for _, name in reversed(ranked)][:limit]


# --- states ---------------------------------------------------------------------------------------------------

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico",
}
# Newspaper (AP) abbreviations and other common short forms, written without dots.
_STATE_SHORT = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ill": "IL", "ills": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "ken": "KY", "mass": "MA",
    "mich": "MI", "minn": "MN", "miss": "MS", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "okla": "OK",
    "ore": "OR", "oreg": "OR", "penn": "PA", "penna": "PA", "tenn": "TN", "tex": "TX", "wash": "WA",
    "wva": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY", "washingtondc": "DC", "dcwashington": "DC",
    "districtcolumbia": "DC",
}
_STATE_KEYS = {code.lower(): code for code in STATE_NAMES}
_STATE_KEYS.update({re.sub(r"[^a-z]", "", name.lower()): code for code, name in STATE_NAMES.items()})
_STATE_KEYS.update(_STATE_SHORT)
_STATE_KEYS["districtofcolumbia"] = "DC"

STATE_HELP = "Use the 2-letter postal code (IL, NY, TX, DC, PR) or the full state name."


def canonical_state(text) -> str | None:
    """The 2-letter postal code for a state written as 'IL', 'il', 'Illinois', 'Ill.'; None if unknown."""
    key = re.sub(r"[^a-z]", "", _fold(text))
    if key.startswith("stateof"):
        key = key[len("stateof"):]
    return _STATE_KEYS.get(key)


_IN_BRACKETS = re.compile(r"^(.*?\S)\s*[(\[]([^()\[\]]*)[)\]]$")
_ZIP = re.compile(r"[\s,]+\d{5}(-\d{4})?$")


def read_city(text, state: str | None) -> tuple[str, str | None]:
    """(the city alone, a note when part of the cell was set aside) from a City cell as people write it:
    'Chicago, IL', 'Chicago IL', 'Chicago, Illinois', 'Chicago, IL 60612' -> 'Chicago' (the state is the State
    column's business); 'Chicago (Hyde Park)' -> 'Chicago', with a note. A state after the city without a comma is
    only dropped when it is the row's `state` (in capitals when abbreviated), so 'Virginia Beach' stays whole.
    Raises ValueError when the cell names another state than the row's."""
    city, note = _ZIP.sub("", clean_text(text)), None
    bracketed = _IN_BRACKETS.match(city)
    if bracketed and canonical_state(bracketed.group(2)) is None:
        city = bracketed.group(1).rstrip(" ,-")
        note = (f"'{clean_text(text)}' is read as the city {city} (the part in brackets as a neighbourhood). Write "
                "the city alone to silence this")
    head, comma, tail = city.rpartition(",")
    if comma and head.strip():
        code = canonical_state(tail) if not (bracketed and note is None) else None
        if code is None and bracketed and note is None:
            code, head = canonical_state(bracketed.group(2)), bracketed.group(1)
        if code is not None:
            if state and code != state:
                raise ValueError(f"the city names the state {code} but the State column says {state}. Fix one of "
                                 "them (write the city alone in the City column)")
            return head.strip(" ,"), note
        return city, note
    words = city.split()
    for n in (3, 2, 1):  # "District of Columbia", "New York", "IL"
        if len(words) > n:
            tail = " ".join(words[-n:])
            if canonical_state(tail) == state and state and (len(tail) > 2 or tail.isupper()):
                return " ".join(words[:-n]).rstrip(" ,-"), note
    return city, note


# --- visa sponsorship -----------------------------------------------------------------------------------------

VISA_HELP = ("Write J-1, H-1B, 'J-1 + H-1B' (or 'both') or 'none' (also accepted: J1, H1B, 'J-1 only', "
             "'J1/H1B', 'H-1B: no / J-1: yes', 'no', 'no visa', 'does not sponsor', 'citizens/GC only', "
             "'N/A' = none).")
# Words that say "not" before a visa ("no H-1B", "not sponsoring H-1B", "does not sponsor").
_NEGATIONS = frozenset({"no", "not", "none", "non", "without", "doesnt", "dont", "na", "nil", "never",
                        "nope", "cannot", "cant", "n", "false", "isnt", "wont", "unable"})
# Answers written after a visa ("H-1B: no", "J1 yes").
_YES_ANSWERS = frozenset({"yes", "y", "ok", "true", "accepted", "available", "offered", "sponsored"})
# "J-1 only": the visas named are the only ones.
_ONLY_WORDS = frozenset({"only", "exclusively", "just", "solely"})
_NO_VISA_PEOPLE = frozenset({"citizen", "citizens", "gc", "green", "permanent", "ead", "usc"})
# Words allowed around the visa names without changing their meaning.
_VISA_FILLER = frozenset({
    "visa", "visas", "sponsor", "sponsors", "sponsoring", "sponsorship", "accept", "accepts",
    "and", "or", "both", "does", "do", "is", "are", "card", "cards", "holder", "holders",
    "residents", "resident", "us", "u", "s", "case", "by", "basis", "preferred", "waiver", "cap", "exempt",
    "type", "types", "applicants", "will", "can", "offer", "offers", "provided", "for",
    "the", "a", "of", "clinical", "alien", "physician", "physicians", "ecfmg", "currently", "at", "this", "time",
})
# What splits a cell into separate statements: "H-1B: No / J-1: Yes", "J1 yes, H1B no", "J-1 (no H-1B)".
_VISA_CLAUSES = re.compile(r"[,;/|()\[\]\n]+|\bbut\b|\bhowever\b|\bwhile\b|\bwhereas\b")
_VISA_NAMES = {"j1": "J-1", "h1b": "H-1B"}


def _visa_folded(text) -> str:
    folded = _fold(text).replace("n/a", " na ").replace("&", " and ").replace("+", " and ")
    folded = folded.replace("'", "").replace("\u2019", "")
    for mark, word in (("✓", "yes"), ("✔", "yes"), ("☑", "yes"), ("✗", "no"), ("✘", "no"), ("❌", "no"),
                       ("☒", "no")):
        folded = folded.replace(mark, f" {word} ")
    # "J-1", "J 1", "H-1B", "H1-B", "H 1 B" -> "j1", "h1b"; a bare "H1" is H-1B too.
    folded = re.sub(r"\bj\s*-?\s*1\b", " j1 ", folded)
    return re.sub(r"\bh\s*-?\s*1\s*-?\s*b?\b", " h1b ", folded)


def _visa_words(text) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", _visa_folded(text)) if word]


class _Unreadable(Exception):
    """A visa cell SmartPick cannot read without guessing."""


def _visa_clause(words: list[str], said: dict, flags: set) -> None:
    """Read one statement ("H-1B: no", "not sponsoring H-1B", "J-1 only") into `said` (visa -> True/False)."""
    visas = [i for i, word in enumerate(words) if word in _VISA_NAMES]
    for word in words:
        if word not in _VISA_NAMES and word not in _NEGATIONS and word not in _YES_ANSWERS \
                and word not in _ONLY_WORDS and word not in _NO_VISA_PEOPLE and word not in _VISA_FILLER:
            raise _Unreadable  # an unknown word, e.g. "J-3" or "F-1": do not guess
    if not visas:
        if any(word in _NEGATIONS or word in _NO_VISA_PEOPLE for word in words):
            flags.add("none")
        elif any(word in _YES_ANSWERS for word in words):
            flags.add("yes")  # "yes" alone: which visa?
        if "both" in words:
            flags.add("both")
        return
    # The words before the first visa apply to every visa of the statement ("does not sponsor J-1 or H-1B");
    # the words after a visa are its answer ("H-1B - no"). Words between two visas are ambiguous when they say no
    # ("J1 no H1B": no J-1, or no H-1B?), so such a cell is not read.
    lead = words[:visas[0]]
    lead_no = any(word in _NEGATIONS for word in lead)
    for k, position in enumerate(visas):
        end = visas[k + 1] if k + 1 < len(visas) else len(words)
        after = words[position + 1:end]
        after_no = any(word in _NEGATIONS for word in after)
        after_yes = any(word in _YES_ANSWERS for word in after)
        if k + 1 < len(visas) and after_no:
            raise _Unreadable
        if after_no and after_yes:
            raise _Unreadable
        answer = (not after_no) if (after_no or after_yes) else not lead_no
        visa = words[position]
        if said.get(visa, answer) != answer:
            raise _Unreadable  # "J-1 yes, J-1 no"
        said[visa] = answer


def read_program_visa(text, default: str = "J-1") -> tuple[str | None, str | None]:
    """(the visa a program sponsors, a note when the reading rests on an assumption) for what a sheet says.

    The visa is 'none', 'J-1', 'H-1B', 'J-1+H-1B', or None when the text cannot be read without guessing (an
    unknown word, 'yes' alone, 'J1 no H1B', a visa said both yes and no). Negations are understood wherever they
    stand: 'no H-1B', 'H1B - no', 'H-1B: No / J-1: Yes', 'J1 yes, H1B no', 'not sponsoring H-1B', 'H1B: N'. When
    the cell only says no to one visa ('no H-1B'), the other takes `default` (what a blank cell gets) and the note
    says so, for a warning. Blank cells are the caller's business.
    """
    folded = _visa_folded(text)
    said, flags = {}, set()
    try:
        for clause in _VISA_CLAUSES.split(folded):
            words = [word for word in re.split(r"[^a-z0-9]+", clause) if word]
            if words:
                _visa_clause(words, said, flags)
    except _Unreadable:
        return None, None
    if not said and not flags:
        return None, None
    yes = {visa for visa, answer in said.items() if answer}
    no = {visa for visa, answer in said.items() if not answer}
    if yes:
        return _visa_value(yes), None
    if "both" in flags and not no and "none" not in flags:
        return "J-1+H-1B", None
    if no and "none" not in flags and len(no) < len(_VISA_NAMES):
        default_visas = {key for key, name in _VISA_NAMES.items() if name in default.split("+")}
        reading = _visa_value(default_visas - no)
        named = " and ".join(_VISA_NAMES[visa] for visa in sorted(no))
        other = " and ".join(name for key, name in _VISA_NAMES.items() if key not in no)
        return reading, (f"says no to {named} and nothing about {other}: read as '{reading}' (SmartPick assumes "
                         f"{default} only when a sheet does not say). Write '{other} only' or 'none' to say it")
    if no or "none" in flags:
        return "none", None
    return None, None


def _visa_value(visas: set) -> str:
    if not visas:
        return "none"
    return {frozenset({"j1"}): "J-1", frozenset({"h1b"}): "H-1B"}.get(frozenset(visas), "J-1+H-1B")


def parse_program_visa(text) -> str | None:
    """The visa a program sponsors: 'none', 'J-1', 'H-1B' or 'J-1+H-1B'; None if not recognized.

    Blank cells are the caller's business (they take the column default). 'yes' alone is not recognized, nor is
    a text whose reading needs an assumption ('no H-1B' alone: see `read_program_visa`).
    """
    value, note = read_program_visa(text)
    return None if note else value


# --- program type, apply, signal ------------------------------------------------------------------------------

PROGRAM_TYPE_HELP = "Use university, university-affiliated or community."
_PROGRAM_TYPE_KEYS = {
    "university": ("university", "academic", "universitybased", "univ", "uni", "academicmedicalcenter", "amc",
                   "universityprogram", "academiccenter", "universityhospital"),
    "university-affiliated": ("universityaffiliated", "affiliated", "univaffiliated", "communityuniversity",
                              "communitybaseduniversityaffiliated", "communityuniversityaffiliated",
                              "universityaffiliatedcommunity", "affiliate", "uniaffiliated", "hybrid",
                              "communitybaseduniversity", "academicaffiliated", "univaff", "affil"),
    "community": ("community", "communitybased", "comm", "communityhospital", "communityprogram", "private"),
}
_PROGRAM_TYPES = {key: kind for kind, keys in _PROGRAM_TYPE_KEYS.items() for key in keys}


def parse_program_type(text) -> str | None:
    """'university', 'university-affiliated' or 'community'; None if not recognized."""
    return _PROGRAM_TYPES.get("".join(w for w in _tokens(text) if w not in ("and", "program")))


APPLY_HELP = "Write 'must' (always include it), 'never' (leave it out), or leave the cell blank (SmartPick decides)."
# Only explicit words set a program as must-apply or never-apply: they bind the optimizer.
_APPLY_MUST = frozenset({"must", "mustapply", "always", "alwaysapply", "required", "include", "definitely",
                         "mustinclude"})
_APPLY_NEVER = frozenset({"never", "dont", "donot", "donotapply", "dontapply", "skip", "exclude", "neverapply",
                          "notapplying", "wontapply", "willnotapply", "definitelynot"})
# A yes/no in an "Apply?" column may be a plan, a wish or a to-do mark: read as blank, with a warning.
_APPLY_YES_LIKE = frozenset({"yes", "y", "x", "apply", "1", "true", "ok", "yesapply"})
_APPLY_NO_LIKE = frozenset({"no", "n", "0", "false"})
_APPLY_UNDECIDED = frozenset({"maybe", "probably", "probablynot", "notsure", "undecided", "tbd"})


def read_apply(text) -> tuple[str | None, str | None]:
    """('must', 'never' or None = SmartPick decides; a note when a yes/no was read as blank). Raises ValueError
    for other words. Only explicit words set must or never: 'yes', 'x', '✓' and 'no' are read as blank (a note
    says so), since a list of plans would otherwise bind the optimizer without the user knowing."""
    if is_blank(text):
        return None, None
    key = "".join(_tokens(clean_text(text).replace("'", "").replace("\u2019", "")))
    if key in _APPLY_MUST:
        return "must", None
    if key in _APPLY_NEVER:
        return "never", None
    if key in _APPLY_YES_LIKE or clean_text(text) in ("✓", "✔", "☑"):
        return None, ("says yes, read as blank (SmartPick decides whether to include it). Write 'must' where a "
                      "program must be on your list")
    if key in _APPLY_UNDECIDED:
        return None, ("is undecided, read as blank (SmartPick decides whether to include it). Write 'must' or "
                      "'never' where you have decided")
    if key in _APPLY_NO_LIKE or clean_text(text) in ("✗", "✘"):
        return None, ("says no, read as blank (SmartPick decides whether to include it). Write 'never' where a "
                      "program must stay off your list")
    raise ValueError(f"not an apply choice SmartPick knows. {APPLY_HELP}")


def parse_apply(text) -> str | None:
    """'must', 'never' or None (blank, or a yes/no that `read_apply` reads as blank). Raises ValueError for other
    words."""
    return read_apply(text)[0]


SIGNAL_HELP = "Write gold, silver or standard (or 'yes'/'signal' for a standard signal), or leave it blank."
_SIGNAL_KEYS = {"gold": "gold", "silver": "silver", "standard": "standard", "yes": "standard",
                "signal": "standard", "y": "standard", "x": "standard", "std": "standard",
                "goldsignal": "gold", "silversignal": "silver", "standardsignal": "standard", "regular": "standard"}
_SIGNAL_NONE = frozenset({"no", "n", "none", "na", "nosignal", "0"})


def parse_signal(text) -> str | None:
    """The applicant's own signal choice: 'gold', 'silver', 'standard' or None. Raises ValueError otherwise."""
    if is_blank(text):
        return None
    key = "".join(_tokens(text))
    if key in _SIGNAL_NONE:
        return None
    if key in _SIGNAL_KEYS:
        return _SIGNAL_KEYS[key]
    if clean_text(text) in ("✓", "✔"):
        return "standard"
    raise ValueError(f"not a signal kind SmartPick knows. {SIGNAL_HELP}")


# --- yes/no ---------------------------------------------------------------------------------------------------

BOOL_HELP = "Write yes or no (y/n, true/false, x, 1/0 also work)."
_TRUE = frozenset({"yes", "y", "true", "t", "x", "1", "required", "req", "✓", "✔", "☑", "si", "oui", "ja"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "notrequired", "preferred", "recommended", "optional",
                    "not required", "none", "na", "n/a", "nonrequired"})


def parse_bool(text) -> bool | None:
    """yes/no, y/n, true/false, x, 1/0, ✓ -> True/False; blank -> None (the caller's default).

    'preferred' and 'recommended' read as False: they are not requirements. Raises ValueError otherwise.
    """
    if is_blank(text):
        return None
    word = _fold(text).strip(" .!")
    if word.endswith(".0") and word[:-2] in ("0", "1"):
        word = word[:-2]
    if word in _TRUE:
        return True
    compact = word.replace(" ", "").replace("-", "")
    if word in _FALSE or compact in _FALSE:
        return False
    raise ValueError(f"not a yes/no answer. {BOOL_HELP}")


# --- numbers --------------------------------------------------------------------------------------------------

def _number(text) -> float:
    """A finite float from the cell, accepting '1,234', '45,5' (decimal comma); raises ValueError with a message."""
    raw = clean_text(text).replace(" ", "")
    if re.fullmatch(r"-?\d+,\d{1,2}", raw):  # a decimal comma: 45,5
        raw = raw.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", raw):  # thousands separators: 1,234
        raw = raw.replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("this is not a number.") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError("this is not a usable number.")
    return value


PERCENT_HELP = "Write a percent from 0 to 100 (45, 45% or 0.45), or leave it blank if unknown."
# A share cell saying there are none: 0%, not unknown.
_ZERO_SHARE_WORDS = frozenset({"none", "no", "nil", "zero", "no imgs", "no img", "0 imgs", "no img residents",
                               "no international graduates"})
_ABOUT = re.compile(r"^(~|≈|approx\.?|approximately|about|around|circa|ca\.?|roughly|est\.?)\s*")
_SHARE_RANGE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%?\s*(?:-|–|—|to)\s*(\d+(?:[.,]\d+)?)\s*%?$")
_BELOW = re.compile(r"^(<|less than|under|below|fewer than)\s*")
_AT_LEAST = re.compile(r"^(>=|≥|>|more than|over|above|at least)\s*")


def read_percent(text) -> tuple[float | None, str | None]:
    """(a share as a percent 0-100, a note when the reading rests on an assumption); (None, None) when blank.

    '45', '45%', '0.45' -> 45; '1' -> 1; '1.0' -> 100; 'none' -> 0 (no IMGs); '~30%' -> 30. A range '30-40%' reads
    as its middle (35), '<10%' as half the bound (5) and '>50%' as the bound (50), each with a note. Raises
    ValueError (with the accepted range) for text, NaN, infinity, negatives and values above 100.
    """
    raw = clean_text(text)
    folded = raw.lower()
    if is_blank(raw):
        return None, None
    if folded in _ZERO_SHARE_WORDS:
        return 0.0, None
    if folded in NO_NUMBER_WORDS:
        return None, None
    folded = _ABOUT.sub("", folded)
    match = _SHARE_RANGE.match(folded)
    if match:
        low, high = (_share(part + ("%" if "%" in folded else "")) for part in match.groups())
        if low > high:
            low, high = high, low
        middle = round((low + high) / 2, 10)
        return middle, (f"'{raw}' is a range: read as its middle, {_number_text(middle)}%. Write one number if "
                        "you know it")
    below = _BELOW.match(folded)
    if below:
        bound = _share(folded[below.end():])
        value = round(bound / 2, 10)
        return value, (f"'{raw}' is read as {_number_text(value)}% (half way to {_number_text(bound)}%). Write the "
                       "number if you know it")
    above = _AT_LEAST.match(folded) or (re.search(r"\d\s*%?\s*\+$", folded) and True)
    if above:
        body = folded[above.end():] if above is not True else folded.rstrip("+ ")
        bound = _share(body)
        return bound, (f"'{raw}' is read as {_number_text(bound)}% (its lower bound). Write the number if you "
                       "know it")
    return _share(folded), None


def _share(text: str) -> float:
    """One percent number: '45', '45%', '0.45' (a fraction), checked to lie in 0-100."""
    has_sign = text.strip().endswith("%")
    body = text.strip().removesuffix("%").strip()
    try:
        value = _number(body)
    except ValueError as error:
        raise ValueError(f"{error} {PERCENT_HELP}") from None
    if value < 0:
        raise ValueError(f"a share cannot be negative. {PERCENT_HELP}")
    if not has_sign and value <= 1 and "." in body.replace(",", "."):
        value = round(value * 100, 10)  # a fraction such as 0.45 (what Excel stores for 45%); no float noise
    if value > 100:
        raise ValueError(f"a share cannot be above 100%. {PERCENT_HELP}")
    return value


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_percent(text) -> float | None:
    """A share as a percent 0-100 (see `read_percent`, whose note this drops); blank -> None."""
    return read_percent(text)[0]


CUTOFF_HELP = ("Write the minimum score as a whole number from 1 to 300 (e.g. 220, '220+' or 'min 220'; '230 (preferred)' for a "
               "score the program only prefers), or leave it blank if none.")
LOWEST_PLAUSIBLE_CUTOFF = 150  # below any USMLE passing score: a cutoff under it is a typing slip
# Words around a cutoff that do not change it: "min 215", "Step 2 CK: 230", ">= 225", "220+", "at least 220".
_CUTOFF_LEAD = re.compile(r"^((usmle\s*)?(step\s*-?\s*[12]\s*(ck)?|ck|s[12])\s*[:=-]?)?\s*"
                          r"(min(imum)?\.?|at least|>=|≥|=>|>)?\s*:?\s*")
_CUTOFF_TAIL = re.compile(r"\s*(\+|and above|or above|or higher|or more|minimum|min\.?|points?|pts)?\s*$")
# A score the program prefers but does not require: it lowers the chance instead of excluding.
_SOFT_WORDS = re.compile(r"\(?\b(recommended|preferred|pref\.?|suggested|ideally|ideal|desired|competitive|"
                         r"soft)\b\)?")


# "pass required", "must pass", "pass req.": a pass, no score, is asked for (no score cutoff)
_PASS_ONLY = re.compile(r"(must\s+)?pass(ed|ing)?(\s*(req(uired|\.|d)?|needed|only|score|on step\s*[12]))?\.?")


def read_cutoff(text) -> tuple[int | None, bool]:
    """(a USMLE Step score cutoff, True when it is only preferred); blank, 'N/A', 'none', 'pass', 0 -> (None, False).

    '220', '220+', '>= 225', 'min 215', 'CK 230', 'Step 2 CK: 230' read as the number; '230 (recommended)' and
    'preferred 230' as a preferred score (True). Raises ValueError for text, fractions, scores above 300 and
    implausible cutoffs below 150 (a slip such as '2').
    """
    raw = clean_text(text)
    folded = _fold(raw)
    if is_blank(raw) or folded in NO_NUMBER_WORDS or folded in ("pass", "p/f", "pass/fail", "passed") \
            or _PASS_ONLY.fullmatch(folded):
        return None, False
    soft = bool(_SOFT_WORDS.search(folded))
    body = _SOFT_WORDS.sub(" ", folded).strip(" ,;:")
    body = body.rstrip(" -") if soft else body  # "230 - preferred"; a minus sign before a number stays
    body = _CUTOFF_TAIL.sub("", _CUTOFF_LEAD.sub("", body, count=1), count=1)
    try:
        value = _number(body)
    except ValueError as error:
        raise ValueError(f"{error} {CUTOFF_HELP}") from None
    if value != int(value) or not 0 <= value <= 300:
        raise ValueError(f"not a Step score from 1 to 300. {CUTOFF_HELP}")
    if 0 < value < LOWEST_PLAUSIBLE_CUTOFF:
        raise ValueError(f"a cutoff of {int(value)} is below any passing Step score, so it looks like a slip. "
                         f"Write the minimum score (Step scores run from about {LOWEST_PLAUSIBLE_CUTOFF} to 300, "
                         "e.g. 220), or leave it blank if there is none.")
    return (int(value) or None), soft and bool(value)


def parse_cutoff(text) -> int | None:
    """A USMLE Step score cutoff (see `read_cutoff`; a preferred score counts as its number)."""
    return read_cutoff(text)[0]


def parse_count(text, *, low: int = 0, high: int = 1000, what: str = "number") -> int | None:
    """A whole number between low and high ('12', '12.0'); blank or 'N/A' -> None. Raises ValueError otherwise."""
    raw = clean_text(text)
    if is_blank(raw) or raw.lower() in NO_NUMBER_WORDS:
        return None
    help_text = f"Write the {what} as a whole number from {low} to {high}, or leave it blank."
    try:
        value = _number(raw)
    except ValueError as error:
        raise ValueError(f"{error} {help_text}") from None
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"not a whole number from {low} to {high}. {help_text}")
    return int(value)


ALUMNI_HELP = "Write yes/no (or x), or how many alumni of your school are on the roster (0-500)."


def parse_alumni(text) -> int | None:
    """Alumni of the applicant's school at the program: yes/x -> 1, no -> 0, a count as is; blank -> None."""
    if is_blank(text):
        return None
    try:
        flag = parse_bool(text)
    except ValueError:
        flag = None
    if flag is not None and clean_text(text) not in ("0", "1"):
        return int(flag)
    try:
        return parse_count(text, low=0, high=500, what="number of alumni")
    except ValueError:
        raise ValueError(f"not yes/no or a count. {ALUMNI_HELP}") from None


# --- column headers -------------------------------------------------------------------------------------------

# Header spellings per canonical column, as people write them (also shown in messages).
HEADER_ALIASES = {
    "program_id": ("program_id", "ID", "Program ID", "ACGME ID", "NRMP code", "NRMP ID", "ERAS ID", "Code",
                   "Program code", "ACGME number", "Program number"),
    "program": ("program", "Program name", "Program", "Name", "Residency program", "Residency", "Program title"),
    "institution": ("institution", "Hospital", "Institution", "Sponsoring institution", "Sponsor",
                    "Health system", "Medical center", "Hospital name"),
    "city": ("city", "City", "Town", "Location city", "City/town"),
    "state": ("state", "State", "ST", "State code", "Province", "State/territory"),
    "specialty": ("specialty", "Specialty", "Speciality", "Specialisation", "Specialization", "Field",
                  "Discipline", "Program specialty"),
    "program_type": ("program_type", "Type", "Program type", "Setting", "Program setting", "Hospital type"),
    "img_pct": ("img_pct", "IMG %", "% IMG", "IMGs (%)", "IMG percentage", "Percent IMG", "IMG", "IMGs",
                "IMG share", "% IMGs", "IMG percent", "Percent IMGs", "IMG ratio", "IMG rate", "Current IMGs (%)",
                "IMG friendly (%)", "% of IMG residents",
                "Int'l grads %", "Intl grads %", "International grads %", "International graduates %",
                "% international", "% international grads", "% IMG residents", "IMG residents %", "FMG %", "% FMG",
                "Foreign grads %", "IMGs %", "% Int'l", "Int'l %", "IMG %age", "Intl %"),
    "visa": ("visa", "Visa sponsorship", "Visa", "Visa policy", "Sponsors visa", "Visas", "Visa sponsored",
             "Visa type", "Visas sponsored", "Visa status", "Sponsorship", "J1/H1B", "J-1/H-1B", "H1B/J1",
             "H-1B/J-1", "J1 H1B", "Visa (J1/H1B)", "J1/H1B sponsorship", "Sponsors J1/H1B", "Visa sponsored?",
             "Visa support", "Visa?", "Sponsors visas", "Visa sponsorship (J1/H1B)"),
    "step1_cutoff": ("step1_cutoff", "Step 1 cutoff", "Min Step 1", "Step 1 min", "Step 1 minimum",
                     "Minimum Step 1", "Step1 cutoff", "Step 1", "USMLE Step 1 cutoff", "Step 1 score cutoff", "Step 1 req", "Step 1 cut-off",
                     "Step1 min", "Step 1 min score", "Step 1 requirement", "Min Step 1 score"),
    "step2_cutoff": ("step2_cutoff", "Step 2 CK cutoff", "Step 2 cutoff", "CK cutoff", "Step2CK min",
                     "Min Step 2", "Min Step 2 CK", "Step 2 CK min", "Step 2 CK minimum", "Step 2 CK",
                     "Minimum Step 2 CK", "Step 2", "USMLE Step 2 CK cutoff", "Step 2 score cutoff", "CK min",
                     "Step 2 min", "Step2 min", "Step 2 minimum", "Step 2 min score", "Step 2 CK min score",
                     "CK minimum", "Min CK", "Min CK score", "Step 2 req", "Step 2 CK req", "Step 2 CK cut-off",
                     "Step 2 cut-off", "Step 2 requirement", "CK cutoff score", "Step 2 CK score min"),
    "max_years_since_graduation": ("max_years_since_graduation", "Max years since graduation", "YOG cutoff",
                                   "Years since graduation", "Graduation cutoff (years)", "YOG",
                                   "Year of graduation cutoff", "Max YOG", "Max years from graduation",
                                   "Years since graduation (max)", "Graduation cutoff", "Max years since MD",
                                   "Years from graduation", "YOG limit", "YOG max", "Max YOG (years)", "Years since grad",
                                   "Yrs since grad", "YOG requirement", "Graduation limit", "Max yrs since grad",
                                   "Years since MD", "YOG cut-off", "YOG (max years)", "Max years since grad",
                                   "Grad year limit", "Years since graduation limit"),
    "usce_required": ("usce_required", "USCE required", "US clinical experience required", "USCE",
                      "Requires USCE", "USCE needed", "US experience required", "US clinical experience"),
    "alumni_from_my_school": ("alumni_from_my_school", "Alumni", "Alumni from my school", "My school alumni",
                              "Alumni from school", "Alumni at program", "School alumni", "Alumni count"),
    "positions": ("positions", "Positions", "Spots", "Slots", "Seats", "Number of positions", "PGY-1 positions",
                  "Positions offered", "Quota"),
    "apply": ("apply", "Apply", "Must apply", "Apply?", "Decision", "Apply decision", "Include"),
    "accepts_signals": ("accepts_signals", "Accepts signals", "Signals accepted", "Participates in signaling",
                        "Signaling", "Accepts signal", "Takes signals"),
    "signal": ("signal", "Signal", "My signal", "Signal type", "Signal choice"),
    "notes": ("notes", "Notes", "Comments", "Comment", "Remarks", "Note"),
}


def normalize_header(text) -> str:
    """A header reduced to its letters and digits: ' IMG (%) ' -> 'imgpct'; case, spaces, punctuation, BOM ignored."""
    folded = _fold(text).replace("%", " pct ").replace("&", " and ").replace("#", " number ")
    return re.sub(r"[^a-z0-9]+", "", folded)


_HEADER_KEYS = {normalize_header(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases}


def canonical_column(header) -> str | None:
    """The canonical column a header means ('Visa sponsorship' -> 'visa'), or None for a column of the user's own."""
    return _HEADER_KEYS.get(normalize_header(header))


def header_help(column: str, limit: int = 6) -> str:
    """The accepted header spellings for a canonical column, for messages: "'Program name', 'Program', ..."."""
    spellings = [alias for alias in HEADER_ALIASES[column] if alias != column][:limit]
    return ", ".join(f"'{alias}'" for alias in [column, *spellings])


YEARS_HELP = ("Write the largest number of years since graduation the program accepts (0-60; '< 5' means 4, "
              "'5 or less' means 5), or leave it blank.")
_YEARS_STRICT = re.compile(r"^(<(?![=])|less than|under|fewer than|below)\s*")
_YEARS_AT_MOST = re.compile(r"^(max(imum)?\.?|within|up to|<=|≤|=<|at most|no more than|not more than)\s*")
_YEARS_OR_LESS = re.compile(r"\s*(or less|or fewer|or under|or below|and less|and under|max(imum)?\.?|or less "
                            r"yrs?|at most)\s*$")
_YEARS_UNIT = re.compile(r"\s*(years?|yrs?|y)\.?(\s+(since|from|after|of)\s+(graduation|grad|yog|md|school))?"
                         r"\s*$")


def parse_years(text) -> int | None:
    """Years since graduation: '5', '5 years', '<= 5 yrs', 'within 5', '5 or less' -> 5; '< 5', '<5 yrs',
    'less than 5' -> 4 (under 5 means at most 4); blank, 'none', 'no limit' -> None."""
    raw = _fold(text)
    strict = _YEARS_STRICT.match(raw)
    if strict:
        raw = raw[strict.end():]
    else:
        raw = _YEARS_AT_MOST.sub("", raw, count=1)
    raw = _YEARS_UNIT.sub("", raw, count=1)
    raw = _YEARS_OR_LESS.sub("", raw, count=1)
    raw = _YEARS_UNIT.sub("", raw, count=1)
    try:
        years = parse_count(raw, low=0, high=60, what="number of years")
    except ValueError:
        if re.fullmatch(r"(19|20)\d\d\+?", raw.strip()):
            raise ValueError("this looks like a graduation year, not a number of years. Write how many years "
                             "since graduation the program accepts (for a program taking graduates of 2020 or "
                             "later in the 2027 Match: 7), or leave it blank.") from None
        raise ValueError(f"not a number of years. {YEARS_HELP}") from None
    if strict and years is not None:
        if years == 0:
            raise ValueError(f"fewer than 0 years is not possible. {YEARS_HELP}")
        return years - 1
    return years


# What each canonical column is, in words, for messages about a column that looks like it.
COLUMN_WORDS = {
    "visa": "visa sponsorship", "step1_cutoff": "the Step 1 cutoff", "step2_cutoff": "the Step 2 CK cutoff",
    "max_years_since_graduation": "max years since graduation", "img_pct": "the share of IMG residents",
    "usce_required": "US clinical experience required", "positions": "the number of positions",
    "program_type": "the program type", "accepts_signals": "whether the program accepts signals",
}


def _header_cues(header) -> set[str]:
    """The columns whose tell-tale words a header contains (for a header SmartPick does not know)."""
    key = normalize_header(header)
    words = set(_tokens(header))
    cues = set()
    if re.search(r"visa|j1|h1b|sponsor", key):
        cues.add("visa")
    if re.search(r"step2|usmle2|2ck", key) or "ck" in words:
        cues.add("step2_cutoff")
    if re.search(r"step1|usmle1", key):
        cues.add("step1_cutoff")
    if re.search(r"yog|graduat|gradyear|yearssince|yrssince|sincegrad|sincemd", key):
        cues.add("max_years_since_graduation")
    if re.search(r"img|intl|international|foreign|fmg", key):
        cues.add("img_pct")
    if re.search(r"usce|usclinical|clinicalexperience", key):
        cues.add("usce_required")
    return cues


def guess_column(header) -> tuple[set[str], bool]:
    """(the canonical columns an unknown header looks like, True when it is a notes-like column): 'J-1 ok?' ->
    ({'visa'}, False); 'Visa notes' -> ({'visa'}, True), a column to mention but not to read as a visa."""
    notes_like = bool(re.search(r"note|comment|remark|advisor|adviser|contact|email|phone|date|deadline|link|url|"
                                r"website|source", normalize_header(header)))
    return _header_cues(header), notes_like
