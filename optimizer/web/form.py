"""The profile form of the page: one field per key of the profile, in the order of its schema.

What each field takes, says and defaults to comes from the profile's schema (optimizer.inputs.profile: its JSON
Schema's types, choices, descriptions and defaults), so the form cannot drift from the checks; this module adds
only the short label each box shows and, for a few, a hint inside the box (else the box shows the default).

The page turns the form into the profile's TOML text and sends it to the same checks as a profile file
(optimizer.inputs.profile.parse_profile), so every message is the one the CLI gives; a problem's key
('goals.budget_usd') names the field it is shown beside. Blank fields are left out (the default applies).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

from optimizer.inputs.profile import KEYED_TABLES, profile_json_schema
from optimizer.inputs.profile_types import TierSettings


@dataclass(frozen=True)
class Field:
    """One input of the form. `key` is the TOML key path ("goals.tiers.reach"); `kind` says how the page writes
    it in TOML: number, text, list (comma-separated -> ["a", "b"]), score (number or text), flag, band (two
    numbers), table (KEY = N pairs) or choice. `default` is the value a blank field takes, as the page shows it."""

    key: str
    label: str
    kind: str
    help: str = ""
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    default: str = ""


# The label of each box, and a hint inside it where the default would not say what to write.
LABELS: dict[str, tuple[str, str]] = {
    "applicant.specialties": ("Specialties", "Internal Medicine"),
    "applicant.step1": ("Step 1", "210 or pass"),
    "applicant.step2ck": ("Step 2 CK", ""),
    "applicant.step_failures": ("Failed USMLE attempts", ""),
    "applicant.graduation_year": ("Graduation year", ""),
    "applicant.visa": ("Visa", ""),
    "applicant.usce_months": ("US clinical experience (months)", ""),
    "applicant.usce_states": ("US clinical experience states", "IL, IN"),
    "applicant.us_lors": ("US letters of recommendation", ""),
    "applicant.research_items": ("Research items", ""),
    "applicant.ties_states": ("States you have ties to", "IL"),
    "applicant.applicant_type": ("Applicant type", ""),
    "goals.home_metro": ("Home metro", ""),
    "goals.budget_usd": ("Budget (US dollars)", ""),
    "goals.min_programs": ("Fewest programs", ""),
    "goals.max_programs": ("Most programs", ""),
    "goals.season": ("ERAS season", ""),
    "goals.soft_cutoffs": ("Soft cutoffs", ""),
    "goals.use_signals": ("Use ERAS signals", ""),
    "goals.objective": ("Objective", "interviews, match or at-least:8"),
    "goals.robust": ("Robust list", ""),
    "goals.tiers.reach": ("Reach share", ""),
    "goals.tiers.core": ("Core share", ""),
    "goals.tiers.safety": ("Safety share", ""),
    "goals.tiers.rule": ("Tier rule", ""),
    "goals.tiers.reach_below": ("Reach below chance", ""),
    "goals.tiers.safety_above": ("Safety from chance", ""),
    "goals.tiers.reach_share": ("Reach: least likely share", ""),
    "goals.tiers.safety_share": ("Safety: most likely share", ""),
    "goals.weights": ("Region weights", '"home city" = 1.5, elsewhere = 1.0'),
    "goals.min_per_state": ("Fewest per state", "IL = 20"),
    "goals.max_per_state": ("Most per state", "NY = 10"),
    "goals.min_per_region": ("Fewest per region", '"home city" = 5'),
    "goals.max_per_region": ("Most per region", "elsewhere = 60"),
    "goals.min_per_specialty": ("Fewest per specialty", "FM = 30"),
    "goals.max_per_specialty": ("Most per specialty", "IM = 90"),
}


def kind_of(schema: dict) -> str:
    """How the page writes a key in TOML, from the key's JSON Schema."""
    if "enum" in schema:
        return "choice"
    if "anyOf" in schema:
        return "score"  # a number or a word ("pass")
    return {"boolean": "flag", "integer": "number", "number": "number", "object": "table",
            "array": "band" if schema.get("items", {}).get("type") == "number" else "list"}.get(schema.get("type"),
                                                                                                 "text")


def shown(value) -> str:
    """A default as the page shows it: 2500, yes, 0.20 to 0.30."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return " to ".join(f"{v:.2f}" for v in value)
    return str(value)


def sentence(key: str, description: str) -> str:
    """A schema description as a line of help: 'use_signals says whether X' -> 'Whether X.'"""
    text = description.removeprefix(f"{key} says ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def field_of(path: str, schema: dict, default=None) -> Field:
    label, hint = LABELS[path]
    key = path.rsplit(".", 1)[1]
    default = schema.get("default", default)
    help_text = sentence(key, schema.get("description", ""))
    if default is not None:
        help_text += f" Default: {shown(default)}."
    default_text = "" if default is None else shown(default)
    return Field(path, label, kind_of(schema), help_text, tuple(str(c) for c in schema.get("enum", ())),
                 hint or default_text, default_text)


@functools.lru_cache(maxsize=1)
def form_sections() -> list[tuple[str, list[Field]]]:
    """The form, section by section, as the page shows it."""
    tables = profile_json_schema()["properties"]
    applicant, goals = tables["applicant"]["properties"], tables["goals"]["properties"]
    tier_defaults = asdict(TierSettings())  # the schema of [goals.tiers] states no defaults; its dataclass does
    return [
        ("About you", [field_of(f"applicant.{key}", schema) for key, schema in applicant.items()]),
        ("Your goals", [field_of(f"goals.{key}", schema) for key, schema in goals.items()
                        if key != "tiers" and key not in KEYED_TABLES]),
        ("Reach, core and safety", [field_of(f"goals.tiers.{key}", schema, tier_defaults[key])
                                    for key, schema in goals["tiers"]["properties"].items()]),
        ("Weights and limits", [field_of(f"goals.{key}", goals[key]) for key in KEYED_TABLES]),
    ]
