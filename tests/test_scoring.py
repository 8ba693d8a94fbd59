"""The interview model: hard rules with reasons, monotone in what the applicant controls, tiers, regions."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model.geography import load_metro
from optimizer.inputs.profile_types import Applicant, Goals, Profile, TierSettings
from optimizer.inputs.programs import Program, ProgramTable
from optimizer.model.scoring import load_model, score_programs

MODEL = load_model()
METRO = load_metro("Chicago")

programs_strategy = st.builds(
    Program,
    program_id=st.just("X1"), program=st.just("Test Program"), city=st.sampled_from(["Chicago", "Peoria", "Austin"]),
    state=st.sampled_from(["IL", "TX", "OH"]), specialty=st.sampled_from(["Internal Medicine", "Family Medicine"]),
    program_type=st.sampled_from(["university", "university-affiliated", "community"]),
    img_pct=st.one_of(st.none(), st.floats(0, 100)),
    visa=st.sampled_from(["none", "J-1", "H-1B", "J-1+H-1B"]),
    step1_cutoff=st.one_of(st.none(), st.integers(180, 250)),
    step2_cutoff=st.one_of(st.none(), st.integers(190, 260)),
    max_years_since_graduation=st.one_of(st.none(), st.integers(1, 15)),
    usce_required=st.booleans(), alumni_from_my_school=st.integers(0, 3),
)
applicant_strategy = st.builds(
    Applicant,
    specialties=st.just(("Internal Medicine", "Family Medicine")),
    visa=st.sampled_from(["none", "J-1", "H-1B", "J-1 or H-1B"]),
    step1=st.one_of(st.none(), st.integers(180, 270)), step2ck=st.integers(180, 280),
    step_failures=st.integers(0, 3), graduation_year=st.integers(2005, 2025),
    usce_months=st.floats(0, 24), usce_states=st.sampled_from([(), ("IL",), ("TX",)]),
    us_lors=st.integers(0, 6), research_items=st.integers(0, 10),
    ties_states=st.sampled_from([(), ("IL",)]),
)


def p_of(applicant: Applicant, program: Program, soft: bool = False) -> float:
    profile = Profile(applicant=applicant, goals=Goals(soft_cutoffs=soft))
    return score_programs(ProgramTable((program,), "test"), profile, MODEL, METRO)[0].p_interview


@settings(max_examples=300, deadline=None)
@given(applicant=applicant_strategy, program=programs_strategy, more=st.integers(1, 40), soft=st.booleans())
def test_a_higher_step2ck_never_lowers_a_probability(applicant, program, more, soft):
    higher = replace(applicant, step2ck=applicant.step2ck + more)
    assert p_of(higher, program, soft) >= p_of(applicant, program, soft)


@settings(max_examples=300, deadline=None)
@given(applicant=applicant_strategy, program=programs_strategy, months=st.floats(0.5, 12), letters=st.integers(1, 4))
def test_more_usce_or_letters_never_lowers_a_probability(applicant, program, months, letters):
    base = p_of(applicant, program)
    assert p_of(replace(applicant, usce_months=applicant.usce_months + months), program) >= base
    assert p_of(replace(applicant, us_lors=applicant.us_lors + letters), program) >= base


@settings(max_examples=300, deadline=None)
@given(applicant=applicant_strategy, program=programs_strategy)
def test_sponsoring_more_visa_types_never_lowers_a_probability(applicant, program):
    order = {"none": ["J-1", "H-1B", "J-1+H-1B"], "J-1": ["J-1+H-1B"], "H-1B": ["J-1+H-1B"], "J-1+H-1B": []}
    base = p_of(applicant, program)
    assert 0.0 <= base <= 1.0
    for wider in order[program.visa]:
        assert p_of(applicant, replace(program, visa=wider)) >= base


def _applicant(**changes):
    values = dict(specialties=("Internal Medicine",), visa="H-1B", step2ck=233, graduation_year=2022,
                  usce_months=4, usce_states=("IL",), us_lors=3)
    values.update(changes)
    return Applicant(**values)


def _program(pid, **changes):
    values = dict(program_id=pid, program=f"Program {pid}", city="Chicago", state="IL",
                  specialty="Internal Medicine", program_type="community", img_pct=50, visa="J-1+H-1B")
    values.update(changes)
    return Program(**values)


def test_visa_rules_exclude_with_reasons_for_an_h1b_applicant():
    table = ProgramTable((_program("a", visa="J-1"), _program("b", visa="none"), _program("c", visa="H-1B"),
                          _program("d", visa="J-1+H-1B")), "test")
    scored = score_programs(table, Profile(_applicant()), MODEL, METRO)
    by_id = {c.program_id: c for c in scored}
    assert not by_id["a"].eligible and "J-1 only" in by_id["a"].reasons[0]
    assert not by_id["b"].eligible and "no visa" in by_id["b"].reasons[0]
    assert by_id["c"].eligible and by_id["d"].eligible
    assert by_id["a"].p_interview == 0.0


def test_cutoff_graduation_and_specialty_rules():
    table = ProgramTable((_program("cut", step2_cutoff=240), _program("old", max_years_since_graduation=2),
                          _program("fm", specialty="Family Medicine")), "test")
    scored = {c.program_id: c for c in score_programs(table, Profile(_applicant(graduation_year=2018)), MODEL,
                                                      METRO)}
    assert "below the stated cutoff 240" in scored["cut"].reasons[0]
    assert "years from graduation" in scored["old"].reasons[0]
    assert "not a specialty you are applying to" in scored["fm"].reasons[0]
    soft = score_programs(table, Profile(_applicant(), Goals(soft_cutoffs=True)), MODEL, METRO)
    assert soft[0].eligible and 0 < soft[0].p_interview < p_of(_applicant(), _program("x"))


def test_chicago_programs_outweigh_far_away_ones():
    table = ProgramTable((_program("chi"), _program("evanston", city="Evanston"), _program("peoria", city="Peoria"),
                          _program("ohio", city="Columbus", state="OH"), _program("tx", city="Austin", state="TX")),
                         "test")
    scored = {c.program_id: c for c in score_programs(table, Profile(_applicant(usce_states=(), ties_states=())),
                                                      MODEL, METRO)}
    assert [scored[k].region for k in ("chi", "evanston", "peoria", "ohio", "tx")] == [
        "home city", "home metro", "home state", "home division", "elsewhere"]
    assert scored["chi"].weight > scored["evanston"].weight > scored["peoria"].weight > scored["tx"].weight
    assert scored["chi"].value > scored["tx"].value


def test_tiers_work_for_the_weakest_applicant():
    programs = tuple(_program(f"p{i}", img_pct=i % 100, program_type=("community", "university")[i % 2],
                              city="Austin", state="TX") for i in range(300))
    weak = _applicant(step2ck=205, step_failures=1, graduation_year=2018, usce_months=0, us_lors=0,
                      visa="J-1 or H-1B")
    scored = score_programs(ProgramTable(programs, "test"), Profile(weak), MODEL, METRO)
    tiers = [c.tier for c in scored]
    assert {"reach", "core", "safety"} <= set(tiers)
    assert tiers.count("reach") == 90 and tiers.count("safety") == 60
    safest = min(c.p_interview for c in scored if c.tier == "safety")
    assert safest >= max(c.p_interview for c in scored if c.tier == "core")


def test_absolute_tiers_use_thresholds():
    programs = tuple(_program(f"p{i}", img_pct=i, city="Austin", state="TX") for i in range(100))
    goals = Goals(tiers=TierSettings(rule="absolute", reach_below=0.05, safety_above=0.2))
    for c in score_programs(ProgramTable(programs, "test"), Profile(_applicant(), goals), MODEL, METRO):
        expected = "reach" if c.p_interview < 0.05 else "safety" if c.p_interview >= 0.2 else "core"
        assert c.tier == expected


def test_signal_never_lowers_and_is_listed_per_kind():
    table = ProgramTable((_program("im"), _program("fm", specialty="Family Medicine")), "test")
    profile = Profile(_applicant(specialties=("Internal Medicine", "Family Medicine")))
    kinds = {"Internal Medicine": ("gold", "silver"), "Family Medicine": ("standard",)}
    scored = score_programs(table, profile, MODEL, METRO, kinds)
    im, fm = scored
    assert set(dict(im.p_with_signal)) == {"gold", "silver"} and set(dict(fm.p_with_signal)) == {"standard"}
    assert dict(im.p_with_signal)["gold"] > dict(im.p_with_signal)["silver"] > im.p_interview


def test_another_home_metro_is_a_data_file():
    houston = load_metro("Houston")
    assert houston.region_of("Houston", "TX") == "home city"
    assert houston.region_of("Sugar Land", "TX") == "home metro"
    assert houston.region_of("Dallas", "TX") == "home state"
    assert houston.region_of("New Orleans", "LA") == "home division"
    assert houston.region_of("Chicago", "IL") == "elsewhere"
    chicago = METRO
    assert chicago.region_of("Gary", "IN") == "home metro"  # a suburb across the state line
    assert chicago.region_of("Saint Charles", "IL") == chicago.region_of("St. Charles", "IL")
