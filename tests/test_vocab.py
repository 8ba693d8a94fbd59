"""The words people write in program sheets, mapped to canonical values (optimizer/inputs/vocab.py)."""

import pytest

from optimizer.inputs import vocab
from optimizer.inputs.programs import CANONICAL_COLUMNS, PROGRAM_TYPES, PROGRAM_VISAS


@pytest.mark.parametrize("text, expected", [
    ("Internal Medicine", "Internal Medicine"), ("IM", "Internal Medicine"), ("im", "Internal Medicine"),
    ("Int Med", "Internal Medicine"), ("internal medicine categorical", "Internal Medicine"),
    ("Internal Medicine - Categorical", "Internal Medicine"), ("  INTERNAL   medicine ", "Internal Medicine"),
    ("IM-Prelim", "Internal Medicine (Preliminary)"), ("Prelim IM", "Internal Medicine (Preliminary)"),
    ("Medicine-Preliminary", "Internal Medicine (Preliminary)"), ("IM (prelim)", "Internal Medicine (Preliminary)"),
    ("Internal Medicine (Preliminary)", "Internal Medicine (Preliminary)"),
    ("Preliminary Internal Medicine", "Internal Medicine (Preliminary)"),
    ("FM", "Family Medicine"), ("Family Practice", "Family Medicine"), ("family medicine", "Family Medicine"),
    ("Peds", "Pediatrics"), ("Paediatrics", "Pediatrics"), ("pediatrics", "Pediatrics"),
    ("Psych", "Psychiatry"), ("Psychiatry", "Psychiatry"), ("Neuro", "Neurology"), ("Neurology", "Neurology"),
    ("TY", "Transitional Year"), ("Transitional", "Transitional Year"), ("Transitional Year", "Transitional Year"),
    ("Prelim Surgery", "Surgery (Preliminary)"), ("Surgery (Preliminary)", "Surgery (Preliminary)"),
    ("Surgery-Prelim", "Surgery (Preliminary)"),
    ("Gen Surg", "General Surgery"), ("General Surgery", "General Surgery"), ("Surgery", "General Surgery"),
    ("EM", "Emergency Medicine"), ("Emergency Medicine", "Emergency Medicine"),
    ("OB/GYN", "Obstetrics and Gynecology"), ("ObGyn", "Obstetrics and Gynecology"),
    ("Ob-Gyn", "Obstetrics and Gynecology"), ("Obstetrics & Gynaecology", "Obstetrics and Gynecology"),
    ("Obstetrics and Gynecology", "Obstetrics and Gynecology"),
    ("Path", "Pathology"), ("Pathology", "Pathology"),
    ("Anesthesia", "Anesthesiology"), ("Anaesthesiology", "Anesthesiology"), ("Anaesthesia", "Anesthesiology"),
    ("Radiology", "Diagnostic Radiology"), ("Diagnostic Radiology", "Diagnostic Radiology"),
    ("PM&R", "Physical Medicine and Rehabilitation"), ("PM & R", "Physical Medicine and Rehabilitation"),
    ("Physical Medicine & Rehabilitation", "Physical Medicine and Rehabilitation"),
    ("Med-Peds", "Internal Medicine-Pediatrics"), ("Internal Medicine-Pediatrics", "Internal Medicine-Pediatrics"),
    ("Internal Medicine/Paediatrics", "Internal Medicine-Pediatrics"),
    ("Child Neurology", "Child Neurology"), ("Pediatric Neurology", "Child Neurology"),
])
def test_canonical_specialty(text, expected):
    assert vocab.canonical_specialty(text) == expected


# Every specialty of the bundled sheet answers to the short names users write (CONTRACT.md, round 3), and to the
# names NRMP's reports use.
@pytest.mark.parametrize("text, expected", [
    ("Peds", "Pediatrics"), ("Psych", "Psychiatry"), ("Neuro", "Neurology"), ("Path", "Pathology"),
    ("Anesthesia", "Anesthesiology"), ("Anes", "Anesthesiology"), ("Gen Surg", "General Surgery"),
    ("EM", "Emergency Medicine"), ("OB/GYN", "Obstetrics and Gynecology"), ("OB-GYN", "Obstetrics and Gynecology"),
    ("Radiology", "Diagnostic Radiology"), ("DR", "Diagnostic Radiology"), ("IM", "Internal Medicine"),
    ("FM", "Family Medicine"), ("TY", "Transitional Year"), ("Prelim IM", "Internal Medicine (Preliminary)"),
    ("IM Prelim", "Internal Medicine (Preliminary)"), ("Prelim Surgery", "Surgery (Preliminary)"),
    ("Surgery - Preliminary", "Surgery (Preliminary)"), ("Surg Prelim", "Surgery (Preliminary)"),
    ("Preliminary Surgery", "Surgery (Preliminary)"), ("Gen Surg Prelim", "Surgery (Preliminary)"),
    # NRMP Charting Outcomes / Main Match names
    ("Surgery-General", "General Surgery"), ("Pathology-Anatomic and Clinical", "Pathology"),
    ("Radiology-Diagnostic", "Diagnostic Radiology"), ("Obstetrics-Gynecology", "Obstetrics and Gynecology"),
    ("Medicine-Preliminary", "Internal Medicine (Preliminary)"), ("Neurology (Adult)", "Neurology"),
])
def test_short_and_nrmp_names_of_every_bundled_specialty(text, expected):
    assert vocab.canonical_specialty(text) == expected


def test_every_bundled_specialty_is_a_canonical_specialty_and_named_in_the_help():
    from smartpick_data.build_programs import SHEET_SPECIALTIES

    assert set(SHEET_SPECIALTIES) <= set(vocab.SPECIALTIES)
    for short in ("Neuro", "Path", "Anesthesia", "Gen Surg", "EM", "OB/GYN", "DR", "Prelim Surgery", "TY"):
        assert short in vocab.SPECIALTY_HELP


@pytest.mark.parametrize("text", ["", "   ", "Cardiology", "Prelim Peds", "Basket weaving", "J-1", None])
def test_canonical_specialty_unknown(text):
    assert vocab.canonical_specialty(text) is None


def test_every_canonical_specialty_maps_to_itself():
    for name in vocab.SPECIALTIES:
        assert vocab.canonical_specialty(name) == name
        assert vocab.canonical_specialty(name.upper()) == name


def test_suggest_specialty_finds_typos_and_stays_quiet_for_nonsense():
    assert vocab.suggest_specialty("Internl Medicne")[0] == "Internal Medicine"
    assert vocab.suggest_specialty("Pediatircs")[0] == "Pediatrics"
    assert vocab.suggest_specialty("zzzz") == []
    assert vocab.suggest_specialty("Cardiology") == []  # a fellowship: a near name would mislead


def test_specialty_note_explains_fellowships_and_uncovered_specialties():
    assert "fellowship" in vocab.specialty_note("Cardiology")
    assert "does not cover" in vocab.specialty_note("Dermatology")
    assert vocab.specialty_note("IM") is None


@pytest.mark.parametrize("text, expected", [
    ("IL", "IL"), ("il", "IL"), ("Illinois", "IL"), ("Ill.", "IL"), (" illinois ", "IL"), ("ILLINOIS", "IL"),
    ("NY", "NY"), ("New York", "NY"), ("N.Y.", "NY"), ("new  york", "NY"), ("Calif.", "CA"), ("Tex.", "TX"),
    ("DC", "DC"), ("D.C.", "DC"), ("District of Columbia", "DC"), ("Washington, D.C.", "DC"),
    ("Washington", "WA"), ("PR", "PR"), ("Puerto Rico", "PR"), ("West Virginia", "WV"), ("W.Va.", "WV"),
    ("Mass.", "MA"), ("Penn", "PA"), ("State of Ohio", "OH"),
])
def test_canonical_state(text, expected):
    assert vocab.canonical_state(text) == expected


def test_all_states_dc_and_pr_by_code_and_name():
    assert len(vocab.STATE_NAMES) == 52
    for code, name in vocab.STATE_NAMES.items():
        assert vocab.canonical_state(code) == code
        assert vocab.canonical_state(code.lower()) == code
        assert vocab.canonical_state(name) == code
        assert vocab.canonical_state(name.upper()) == code


@pytest.mark.parametrize("text", ["", "XX", "Ontario", "Chicago", "Illinoise", None])
def test_canonical_state_unknown(text):
    assert vocab.canonical_state(text) is None


@pytest.mark.parametrize("text, expected", [
    ("J-1", "J-1"), ("J-1 only", "J-1"), ("J1", "J-1"), ("j 1", "J-1"), ("J-1 visa", "J-1"),
    ("J-1 + H-1B", "J-1+H-1B"), ("J-1+H-1B", "J-1+H-1B"), ("J1/H1B", "J-1+H-1B"), ("J-1, H-1B", "J-1+H-1B"),
    ("J1 & H1B", "J-1+H-1B"), ("both", "J-1+H-1B"), ("Both J1 and H1B", "J-1+H-1B"), ("H1B/J1", "J-1+H-1B"),
    ("H1B", "H-1B"), ("H-1B", "H-1B"), ("H-1b only", "H-1B"), ("H1-B", "H-1B"), ("h1", "H-1B"),
    ("J-1, no H-1B", "J-1"), ("H-1B (no J-1)", "H-1B"),
    ("no", "none"), ("No", "none"), ("None", "none"), ("no visa", "none"), ("No visas", "none"),
    ("does not sponsor", "none"), ("Doesn't sponsor visas", "none"), ("citizens/GC only", "none"),
    ("US citizens or green card holders only", "none"), ("N/A", "none"), ("n/a", "none"), ("NA", "none"),
    ("no sponsorship", "none"), ("none", "none"),
])
def test_parse_program_visa(text, expected):
    assert vocab.parse_program_visa(text) == expected
    assert expected in PROGRAM_VISAS


@pytest.mark.parametrize("text, expected", [
    # A "no" after the visa is its answer, wherever the user put the punctuation.
    ("H-1B: No / J-1: Yes", "J-1"), ("J1 yes, H1B no", "J-1"), ("J-1: yes; H-1B: no", "J-1"),
    ("H1B: yes / J1: no", "H-1B"), ("J1 ✓ H1B ✗", "J-1"), ("J-1 only", "J-1"), ("Visa: J1 only, no H1B", "J-1"),
    ("does not sponsor", "none"), ("does not sponsor J-1 or H-1B", "none"), ("J1: no, H1B: no", "none"),
    ("J-1 yes / H-1B yes", "J-1+H-1B"), ("H-1B (cap-exempt) and J-1", "J-1+H-1B"), ("Yes - J1", "J-1"),
])
def test_visa_negations_are_read_with_their_visa(text, expected):
    assert vocab.read_program_visa(text) == (expected, None)


@pytest.mark.parametrize("text", ["H1B - no", "H1B no", "no H1B", "not sponsoring H-1B", "H1B: N", "No H-1B visa"])
def test_a_cell_that_only_says_no_to_h1b_reads_the_default_and_says_so(text):
    value, note = vocab.read_program_visa(text, default="J-1")
    assert value == "J-1"  # never H-1B
    assert "no to H-1B" in note and "J-1" in note
    assert vocab.parse_program_visa(text) is None  # the profile's reader does not take an assumption


def test_a_cell_that_only_says_no_to_j1_never_reads_j1():
    value, note = vocab.read_program_visa("J-1: No", default="J-1")
    assert value == "none" and "no to J-1" in note


@pytest.mark.parametrize("text", ["J1 no H1B", "J-1 not H-1B", "J-1 yes no", "J1: yes, J1: no", "yes"])
def test_ambiguous_visa_negations_are_not_read(text):
    assert vocab.read_program_visa(text)[0] is None


@pytest.mark.parametrize("text", ["yes", "Y", "J-3", "F-1", "O-1", "maybe", "", "J-1 and F-1"])
def test_parse_program_visa_unrecognized(text):
    # 'yes' is ambiguous (which visa?): the user is asked to name it.
    assert vocab.parse_program_visa(text) is None


@pytest.mark.parametrize("text, expected", [
    ("45", 45.0), ("45%", 45.0), ("45 %", 45.0), ("0.45", 45.0), (".45", 45.0), ("1", 1.0), ("1.0", 100.0),
    ("0", 0.0), ("0.0", 0.0), ("100", 100.0), ("100%", 100.0), ("0.5%", 0.5), ("45.5", 45.5), ("45,5", 45.5),
    (" 30 ", 30.0), ("", None), ("-", None), ("N/A", None), ("unknown", None), ("?", None),
])
def test_parse_percent(text, expected):
    assert vocab.parse_percent(text) == expected


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "-5", "-0.5", "101", "150%", "1e308", "abc",
                                  "45%%", "forty"])
def test_parse_percent_rejects_with_a_reason(text):
    with pytest.raises(ValueError) as error:
        vocab.parse_percent(text)
    assert "0 to 100" in str(error.value)


def test_parse_percent_fraction_is_rounded_not_float_noise():
    assert vocab.parse_percent("0.07") == 7.0  # 0.07 * 100 is 7.000000000000001 in floating point
    assert vocab.parse_percent("0.29") == 29.0


@pytest.mark.parametrize("text, expected", [
    ("220", 220), ("220.0", 220), (" 230 ", 230), ("150", 150), ("300", 300), ("N/A", None), ("n/a", None),
    ("none", None), ("no cutoff", None), ("-", None), ("", None), ("0", None), ("pass", None), ("No", None),
])
def test_parse_cutoff(text, expected):
    assert vocab.parse_cutoff(text) == expected


@pytest.mark.parametrize("text", ["301", "-5", "220.5", "1e308", "nan", "inf", "abc", "two hundred"])
def test_parse_cutoff_rejects(text):
    with pytest.raises(ValueError) as error:
        vocab.parse_cutoff(text)
    assert "1 to 300" in str(error.value)


@pytest.mark.parametrize("text, expected", [
    ("yes", True), ("Yes", True), ("Y", True), ("true", True), ("TRUE", True), ("x", True), ("X", True),
    ("1", True), ("1.0", True), ("✓", True), ("required", True),
    ("no", False), ("N", False), ("false", False), ("0", False), ("not required", False), ("preferred", False),
    ("", None), ("  ", None), ("?", None), (None, None),
])
def test_parse_bool(text, expected):
    assert vocab.parse_bool(text) is expected


@pytest.mark.parametrize("text", ["maybe", "2", "sometimes", "yess"])
def test_parse_bool_rejects(text):
    with pytest.raises(ValueError, match="yes or no"):
        vocab.parse_bool(text)


@pytest.mark.parametrize("text, expected", [
    ("university", "university"), ("Academic", "university"), ("university-based", "university"),
    ("univ", "university"), ("University-affiliated", "university-affiliated"),
    ("affiliated", "university-affiliated"), ("univ affiliated", "university-affiliated"),
    ("community-based university affiliated", "university-affiliated"), ("Community", "community"),
    ("community-based", "community"), ("comm", "community"),
])
def test_parse_program_type(text, expected):
    assert vocab.parse_program_type(text) == expected
    assert expected in PROGRAM_TYPES


def test_parse_program_type_unknown():
    assert vocab.parse_program_type("military") is None


@pytest.mark.parametrize("text, expected", [
    ("must", "must"), ("Must apply", "must"), ("always", "must"), ("Include", "must"), ("required", "must"),
    ("never", "never"), ("don't", "never"), ("Do not apply", "never"), ("skip", "never"), ("Exclude", "never"),
    ("", None), (None, None),
])
def test_parse_apply(text, expected):
    assert vocab.read_apply(text) == (expected, None)
    assert vocab.parse_apply(text) == expected


@pytest.mark.parametrize("text, word", [("yes", "must"), ("Y", "must"), ("x", "must"), ("✓", "must"),
                                        ("Apply", "must"), ("no", "never"), ("n", "never"), ("0", "never")])
def test_apply_yes_or_no_is_blank_with_a_note_naming_the_explicit_word(text, word):
    value, note = vocab.read_apply(text)
    assert value is None
    assert "read as blank" in note and f"'{word}'" in note


@pytest.mark.parametrize("text", ["maybe", "Probably", "undecided"])
def test_apply_undecided_is_blank_and_not_called_yes(text):
    value, note = vocab.read_apply(text)
    assert value is None and "undecided" in note and "says yes" not in note


def test_parse_apply_rejects():
    with pytest.raises(ValueError, match="must"):
        vocab.parse_apply("perhaps")


@pytest.mark.parametrize("text, expected", [
    ("gold", "gold"), ("Gold", "gold"), ("silver", "silver"), ("standard", "standard"), ("yes", "standard"),
    ("signal", "standard"), ("", None), ("no", None),
])
def test_parse_signal(text, expected):
    assert vocab.parse_signal(text) == expected


def test_parse_signal_rejects():
    with pytest.raises(ValueError, match="gold, silver or standard"):
        vocab.parse_signal("bronze")


@pytest.mark.parametrize("text, expected", [
    ("yes", 1), ("x", 1), ("no", 0), ("0", 0), ("1", 1), ("3", 3), ("", None),
])
def test_parse_alumni(text, expected):
    assert vocab.parse_alumni(text) == expected


@pytest.mark.parametrize("text", ["-1", "lots", "1e308"])
def test_parse_alumni_rejects(text):
    with pytest.raises(ValueError):
        vocab.parse_alumni(text)


@pytest.mark.parametrize("text, expected", [
    ("5", 5), ("5 years", 5), ("<= 3 yrs", 3), ("within 5", 5), ("no limit", None), ("", None), ("0", 0),
])
def test_parse_years(text, expected):
    assert vocab.parse_years(text) == expected


@pytest.mark.parametrize("text", ["-1", "61", "1e308", "nan", "five"])
def test_parse_years_rejects(text):
    with pytest.raises(ValueError, match="0-60"):
        vocab.parse_years(text)


@pytest.mark.parametrize("text, low, high", [("0", 1, 500), ("501", 1, 500), ("2.5", 1, 500), ("nan", 0, 9)])
def test_parse_count_rejects_out_of_range(text, low, high):
    with pytest.raises(ValueError, match=f"{low} to {high}"):
        vocab.parse_count(text, low=low, high=high)


def test_value_errors_read_reason_then_advice():
    """The first sentence is what is wrong, the rest what to write: renderers put the value in between."""
    for parse, text in [(vocab.parse_percent, "150"), (vocab.parse_cutoff, "abc"), (vocab.parse_bool, "maybe"),
                        (vocab.parse_apply, "perhaps"), (vocab.parse_signal, "bronze"),
                        (vocab.parse_alumni, "lots"), (vocab.parse_years, "five")]:
        with pytest.raises(ValueError) as error:
            parse(text)
        reason, separator, advice = str(error.value).partition(". ")
        assert separator and reason and advice, str(error.value)


@pytest.mark.parametrize("header, column", [
    ("Program name", "program"), ("Program", "program"), ("Name", "program"), ("Residency program", "program"),
    ("IMG %", "img_pct"), ("% IMG", "img_pct"), ("IMGs (%)", "img_pct"), ("IMG percentage", "img_pct"),
    ("Percent IMG", "img_pct"), ("Visa sponsorship", "visa"), ("Visa", "visa"), ("Visa policy", "visa"),
    ("Sponsors visa", "visa"), ("Step 2 CK cutoff", "step2_cutoff"), ("Step 2 cutoff", "step2_cutoff"),
    ("CK cutoff", "step2_cutoff"), ("Step2CK min", "step2_cutoff"), ("Step 1 cutoff", "step1_cutoff"),
    ("Min Step 1", "step1_cutoff"), ("Type", "program_type"), ("Program type", "program_type"),
    ("Setting", "program_type"), ("Hospital", "institution"), ("Institution", "institution"),
    ("Sponsoring institution", "institution"), ("City", "city"), ("Town", "city"), ("State", "state"),
    ("ST", "state"), ("Specialty", "specialty"), ("Speciality", "specialty"), ("Specialisation", "specialty"),
    ("Field", "specialty"), ("Max years since graduation", "max_years_since_graduation"),
    ("YOG cutoff", "max_years_since_graduation"), ("Years since graduation", "max_years_since_graduation"),
    ("Graduation cutoff (years)", "max_years_since_graduation"), ("USCE required", "usce_required"),
    ("US clinical experience required", "usce_required"), ("Alumni", "alumni_from_my_school"),
    ("Alumni from my school", "alumni_from_my_school"), ("Positions", "positions"), ("Spots", "positions"),
    ("Slots", "positions"), ("Apply", "apply"), ("Must apply", "apply"), ("Notes", "notes"),
    ("Comments", "notes"), ("ID", "program_id"), ("Program ID", "program_id"), ("ACGME ID", "program_id"),
    ("NRMP code", "program_id"), ("Accepts signals", "accepts_signals"), ("Signal", "signal"),
    ("\ufeffProgram name", "program"), ("  PROGRAM_NAME  ", "program"), ("program-name", "program"),
    ("img_pct", "img_pct"), ("Step 2 CK Cutoff:", "step2_cutoff"),
])
def test_canonical_column(header, column):
    assert vocab.canonical_column(header) == column


def test_every_canonical_column_name_is_its_own_header():
    for column in CANONICAL_COLUMNS:
        assert vocab.canonical_column(column) == column


def test_header_aliases_do_not_collide():
    seen = {}
    for column, aliases in vocab.HEADER_ALIASES.items():
        for alias in aliases:
            key = vocab.normalize_header(alias)
            assert seen.setdefault(key, column) == column, alias


@pytest.mark.parametrize("header", ["Website", "My rank", "Interview date", ""])
def test_unknown_headers_are_the_users_own(header):
    assert vocab.canonical_column(header) is None


def test_normalize_header():
    assert vocab.normalize_header(" IMG (%) ") == "imgpct"
    assert vocab.normalize_header("\ufeffProgram Name") == "programname"
    assert vocab.normalize_header("Spécialité") == "specialite"
