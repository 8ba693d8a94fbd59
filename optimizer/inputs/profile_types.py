"""The applicant profile as SmartPick uses it (pure data; `profile.py` reads and checks the TOML)."""

from __future__ import annotations

from dataclasses import dataclass, field

APPLICANT_VISAS = ("none", "J-1", "H-1B", "J-1 or H-1B")
APPLICANT_TYPES = ("non-US IMG", "US IMG", "US MD/DO")
REGIONS = ("home city", "home metro", "home state", "home division", "elsewhere")
_USABLE_VISAS = {"none": frozenset(), "J-1": frozenset({"J-1"}), "H-1B": frozenset({"H-1B"}),
                 "J-1 or H-1B": frozenset({"J-1", "H-1B"})}


@dataclass(frozen=True)
class Applicant:
    specialties: tuple[str, ...]  # canonical names
    visa: str  # one of APPLICANT_VISAS: the visas the applicant can use ("none" = needs no visa)
    step1: int | None = None  # numeric score; None when "pass" or not given
    step1_pass: bool = True  # False only if the profile says Step 1 is not passed yet
    step2ck: int | None = None
    step_failures: int = 0
    graduation_year: int | None = None
    usce_months: float = 0.0
    usce_states: tuple[str, ...] = ()
    us_lors: int = 0
    research_items: int = 0
    ties_states: tuple[str, ...] = ()
    applicant_type: str = "non-US IMG"  # one of APPLICANT_TYPES

    def usable_visas(self) -> frozenset[str]:
        """Visa types the applicant can train on; empty when no visa is needed."""
        return _USABLE_VISAS[self.visa]


@dataclass(frozen=True)
class TierSettings:
    """Tier bands (share of the list) and how programs are sorted into tiers."""

    reach: tuple[float, float] = (0.20, 0.30)
    core: tuple[float, float] = (0.50, 0.60)
    safety: tuple[float, float] = (0.10, 0.20)
    rule: str = "relative"  # "relative" (quantiles of the applicant's own eligible pool) or "absolute"
    reach_below: float = 0.10  # absolute rule: p < reach_below is reach
    safety_above: float = 0.35  # absolute rule: p >= safety_above is safety
    reach_share: float = 0.30  # relative rule: the least likely 30% of eligible programs are reach
    safety_share: float = 0.20  # relative rule: the most likely 20% are safety


@dataclass(frozen=True)
class Goals:
    home_metro: str = "Chicago"
    budget_usd: float = 2500.0
    min_programs: int = 80
    max_programs: int = 120
    season: str = "2027"  # the newest file in data/seasons/ (a test checks it)
    tiers: TierSettings = field(default_factory=TierSettings)
    weights: tuple[tuple[str, float], ...] = ()  # region -> weight overrides; defaults come from the metro file
    soft_cutoffs: bool = False  # True: an explicit Step cutoff lowers the chance instead of excluding
    use_signals: bool = True
    objective: str = "interviews"
    robust: bool = False  # True: the list whose P(match) holds up best if SmartPick's figures are off
    min_per_region: tuple[tuple[str, int], ...] = ()
    max_per_region: tuple[tuple[str, int], ...] = ()
    min_per_state: tuple[tuple[str, int], ...] = ()
    max_per_state: tuple[tuple[str, int], ...] = ()
    min_per_specialty: tuple[tuple[str, int], ...] = ()
    max_per_specialty: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Profile:
    applicant: Applicant
    goals: Goals = field(default_factory=Goals)
    source: str = ""
    is_demo: bool = False
