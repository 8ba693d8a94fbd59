"""Tiers are relative (they rank the applicant's own programs), so every summary shows each tier's chances beside
its count: a 'safety' program at 3% must not read as a sure interview."""

from dataclasses import replace

from optimizer.output.render import chance_range, tier_chances, tier_text
from tests.helpers import setup_candidates


def test_each_tier_shows_its_lowest_and_highest_chance():
    chosen = [c for c in setup_candidates(60, seed=2) if c.eligible][:30]
    text = tier_text(chosen)
    for tier, (count, low, high) in tier_chances(chosen).items():
        assert count == sum(1 for c in chosen if c.tier == tier)
        assert low == min(c.p_interview for c in chosen if c.tier == tier)
        assert f"{tier} {count} ({chance_range(low, high)}" in text
    assert "not a sure interview" in text


def test_low_chances_are_not_hidden_by_the_word_safety():
    # a weak applicant: every chance under 3%, the best still called safety
    chosen = [replace(c, p_interview=c.p_interview / 20) for c in setup_candidates(60, seed=5) if c.eligible]
    safety = tier_chances(chosen)["safety"]
    assert safety[2] < 0.05
    assert f"safety {safety[0]} ({chance_range(safety[1], safety[2])})" in tier_text(chosen)
    assert chance_range(0.002, 0.0031) == "0.2-0.3%" and chance_range(0.05, 0.0501) == "5.0%"
