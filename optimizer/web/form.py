"""The profile form of the page: one field per key of docs/profile.md, in the order of that page.

The page turns the form into the profile's TOML text and sends it to the same checks as a profile file
(optimizer.inputs.profile.parse_profile), so every message is the one the CLI gives; a problem's key
('goals.budget_usd') names the field it is shown beside. Blank fields are left out (the default applies).
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.inputs.profile import GOALS_KEYS, KEYED_TABLES, TIER_KEYS, available_metros, available_seasons
from optimizer.inputs.profile_types import APPLICANT_TYPES, APPLICANT_VISAS, REGIONS


@dataclass(frozen=True)
class Field:
    """One input of the form. `key` is the TOML key path ("goals.tiers.reach"); `kind` says how the page writes
    it in TOML: number, text, list (comma-separated -> ["a", "b"]), score (number or text), flag, band (two
    numbers), table (KEY = N pairs) or choice."""

    key: str
    label: str
    kind: str
    help: str = ""
    choices: tuple[str, ...] = ()
    placeholder: str = ""


def applicant_fields() -> list[Field]:
    return [
        Field("applicant.specialties", "Specialties", "list", "One or more, separated by commas: full names or "
              "IM, FM, Peds, Psych, Neuro, Path, Anesthesia, Gen Surg, EM, OB/GYN, DR, Prelim IM, Prelim Surgery, "
              "TY.", placeholder="Internal Medicine"),
        Field("applicant.step1", "Step 1", "score", "Your score (1-300), or pass.", placeholder="210 or pass"),
        Field("applicant.step2ck", "Step 2 CK", "number", "Your score (1-300); leave blank if not yet taken."),
        Field("applicant.step_failures", "Failed USMLE attempts", "number", "Any Step. Default 0."),
        Field("applicant.graduation_year", "Graduation year", "number", "Year you graduated from medical school."),
        Field("applicant.visa", "Visa", "choice", "The visas you can train on.", choices=APPLICANT_VISAS),
        Field("applicant.usce_months", "US clinical experience (months)", "number", "Hands-on US experience; 2.5 "
              "is fine. Default 0."),
        Field("applicant.usce_states", "US clinical experience states", "list", "States, separated by commas.",
              placeholder="IL, IN"),
        Field("applicant.us_lors", "US letters of recommendation", "number", "Default 0."),
        Field("applicant.research_items", "Research items", "number", "Publications, posters, abstracts."),
        Field("applicant.ties_states", "States you have ties to", "list", "Family, lived or trained there.",
              placeholder="IL"),
        Field("applicant.applicant_type", "Applicant type", "choice", "Chooses the match curve.",
              choices=APPLICANT_TYPES),
    ]


_GOALS = {
    "home_metro": ("Home metro", "choice", "Programs in and near it count more."),
    "budget_usd": ("Budget (US dollars)", "number", "ERAS fees plus the USMLE transcript fee. Default 2500."),
    "min_programs": ("Fewest programs", "number", "Default 80."),
    "max_programs": ("Most programs", "number", "Default 120."),
    "season": ("ERAS season", "choice", "Whose fees and signal rules apply."),
    "soft_cutoffs": ("Soft cutoffs", "flag", "A cutoff above your score only lowers your chance (instead of "
                     "ruling the program out)."),
    "use_signals": ("Use ERAS signals", "flag", "Also choose where your program signals go."),
    "objective": ("Objective", "text", "interviews, match, or at-least:K (e.g. at-least:8).",),
    "robust": ("Robust list", "flag", "Pick the list whose chance of matching holds up best if SmartPick's figures "
               "are off (the highest low end of its range)."),
}
_TIERS = {
    "reach": ("Reach share", "band", "Smallest and largest share of the list, e.g. 0.20 and 0.30."),
    "core": ("Core share", "band", "e.g. 0.50 and 0.60."),
    "safety": ("Safety share", "band", "e.g. 0.10 and 0.20."),
    "rule": ("Tier rule", "choice", "relative: by your own chances; absolute: by fixed thresholds."),
    "reach_share": ("Reach: least likely share", "number", "Relative rule. Default 0.30."),
    "safety_share": ("Safety: most likely share", "number", "Relative rule. Default 0.20."),
    "reach_below": ("Reach below chance", "number", "Absolute rule. Default 0.10."),
    "safety_above": ("Safety from chance", "number", "Absolute rule. Default 0.35."),
}
_TABLES = {
    "weights": ("Region weights", "An interview there counts this many times one elsewhere, e.g. "
                "\"home city\" = 1.5, elsewhere = 1.0.", ", ".join(f"{r} = 1.0" for r in REGIONS[:2])),
    "min_per_state": ("Fewest per state", "e.g. IL = 20", "IL = 20"),
    "max_per_state": ("Most per state", "e.g. NY = 10", "NY = 10"),
    "min_per_region": ("Fewest per region", "e.g. home city = 5", "home city = 5"),
    "max_per_region": ("Most per region", "e.g. elsewhere = 60", "elsewhere = 60"),
    "min_per_specialty": ("Fewest per specialty", "e.g. FM = 30", "FM = 30"),
    "max_per_specialty": ("Most per specialty", "e.g. IM = 90", "IM = 90"),
}


def goals_fields() -> list[Field]:
    choices = {"home_metro": tuple(available_metros()), "season": tuple(available_seasons())}
    fields = []
    for key in GOALS_KEYS:
        if key == "tiers" or key in KEYED_TABLES:
            continue
        label, kind, help_text = _GOALS[key]
        fields.append(Field(f"goals.{key}", label, kind, help_text, choices=choices.get(key, ())))
    return fields


def tier_fields() -> list[Field]:
    out = []
    for key in TIER_KEYS:
        label, kind, help_text = _TIERS[key]
        out.append(Field(f"goals.tiers.{key}", label, kind, help_text,
                         choices=("relative", "absolute") if key == "rule" else ()))
    return out


def table_fields() -> list[Field]:
    return [Field(f"goals.{key}", label, "table", help_text, placeholder=example)
            for key, (label, help_text, example) in ((k, _TABLES[k]) for k in KEYED_TABLES)]


def form_sections() -> list[tuple[str, list[Field]]]:
    """The form, section by section, as the page shows it."""
    return [("About you", applicant_fields()), ("Your goals", goals_fields()),
            ("Reach, core and safety", tier_fields()), ("Weights and limits", table_fields())]
