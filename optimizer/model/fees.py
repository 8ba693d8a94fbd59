"""ERAS fees: the one place that prices an application list. Schedules are per season, in data/seasons/."""

from __future__ import annotations

from dataclasses import dataclass
from optimizer.inputs.datafiles import load_bundled_toml


@dataclass(frozen=True)
class FeeTier:
    first: int  # first program number the price applies to (1-based, per specialty)
    last: int | None  # last program number, None = no upper end
    usd: float  # price per program


@dataclass(frozen=True)
class FeeSchedule:
    """ERAS fees of one season. The count restarts for each specialty; the USMLE transcript fee is paid once."""

    season: str
    label: str
    source: str
    first_block_programs: int  # a flat price covers programs 1..first_block_programs of a specialty (0 = none)
    first_block_usd: float
    tiers: tuple[FeeTier, ...]  # per-program prices after the first block, prices nondecreasing
    transcript_usd: float
    transcript_source: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "FeeSchedule":
        fees = data["fees"]
        tiers = tuple(FeeTier(int(t["from"]), int(t["to"]) if "to" in t else None, float(t["usd"]))
                      for t in fees["per_program"])
        prices = [t.usd for t in tiers]
        if prices != sorted(prices):
            raise ValueError(f"season {data['season']}: per-program fees must not decrease with the count")
        return cls(season=str(data["season"]), label=str(data.get("label", data["season"])),
                   source=str(data.get("source", "")),
                   first_block_programs=int(fees.get("first_block_programs", 0)),
                   first_block_usd=float(fees.get("first_block_usd", 0)), tiers=tiers,
                   transcript_usd=float(data.get("transcript_fee_usd", 0)),
                   transcript_source=str(data.get("transcript_source", "")))

    def specialty_fee(self, n: int) -> float:
        """ERAS fee for applying to `n` programs of one specialty."""
        if n <= 0:
            return 0.0
        total = self.first_block_usd if self.first_block_programs else 0.0
        for tier in self.tiers:
            last = n if tier.last is None else min(n, tier.last)
            if last >= tier.first:
                total += (last - tier.first + 1) * tier.usd
        return total

    def marginal_fee(self, k: int) -> float:
        """The price of the k-th program of a specialty (the first block's flat price falls on program 1)."""
        return self.specialty_fee(k) - self.specialty_fee(k - 1)

    def segments(self, limit: int) -> list[tuple[int, float]]:
        """Per-program price segments after the first block, as (number of programs, price), up to `limit`."""
        out = []
        for tier in self.tiers:
            last = limit if tier.last is None else min(limit, tier.last)
            if last >= tier.first:
                out.append((last - tier.first + 1, tier.usd))
        return out

    def list_cost(self, counts_by_specialty: dict[str, int]) -> "Cost":
        """Everything the list costs: ERAS fees per specialty plus the transcript fee once (if any program)."""
        per_specialty = {s: self.specialty_fee(n) for s, n in sorted(counts_by_specialty.items()) if n > 0}
        transcript = self.transcript_usd if per_specialty else 0.0
        return Cost(per_specialty=per_specialty, transcript_usd=transcript,
                    total_usd=sum(per_specialty.values()) + transcript)


@dataclass(frozen=True)
class Cost:
    per_specialty: dict[str, float]
    transcript_usd: float
    total_usd: float


def load_fee_schedule(season: str) -> FeeSchedule:
    return FeeSchedule.from_dict(load_bundled_toml(f"seasons/{season}.toml"))
