"""optimizer/inputs/headers.py: one header mapper for the programs sheet, the applicants file and the applications
file. Every header spelling a reader accepted before it shared the mapper is still read as the same column, and a
column meant twice is refused in the same words by every reader."""

from __future__ import annotations

import pytest

from optimizer.inputs import applicants, applications, vocab
from optimizer.inputs.headers import column_letter, map_header
from optimizer.inputs.profile import APPLICANT_KEYS, GOALS_KEYS
from optimizer.inputs.sheet import PROGRAM_HEADERS as PROGRAM_WORDS


def _spellings():
    """(vocabulary, header, column) for every spelling each reader lists."""
    for column, spellings in vocab.HEADER_ALIASES.items():
        for spelling in spellings:
            yield PROGRAM_WORDS, spelling, column
    for headers, words in ((applications.APPLICATION_HEADERS, applications.APPLICATION_VOCABULARY),
                           (applications.SUMMARY_HEADERS, applications.SUMMARY_VOCABULARY)):
        for column, spellings in headers.items():
            for spelling in spellings:
                yield words, spelling, column
    for table, keys in (("applicant", APPLICANT_KEYS), ("goals", GOALS_KEYS)):
        for key in keys:
            for spelling in (key, *applicants.ALIASES.get(key, ())):
                yield applicants.header_vocabulary(), spelling, (table, key)
    for spelling in (applicants.ID_COLUMN, *applicants.ALIASES[applicants.ID_COLUMN]):
        yield applicants.header_vocabulary(), spelling, ("id",)


@pytest.mark.parametrize("words, header, column", list(_spellings()))
def test_every_listed_spelling_is_read_as_its_column(words, header, column):
    found = map_header("f.csv", 1, ["My own column", f"  {header} ", ""], words)
    assert found.canonical == {column: 1} and found.written == {column: header}
    assert found.extra == [("My own column", 0)] and not found.problems


def test_the_readers_accept_what_they_accepted(tmp_path):
    """Through the readers themselves: headers of each file, in the spellings people write."""
    rows, errors = applicants.parse_applicants(["Student ID", "Specialty", "USMLE Step 2 CK score", "Visa needed",
                                                "Budget", "weights.home city", "Advisor notes"],
                                               [(2, ["A1", "IM", "233", "J-1", "2500", "1.5", "call Monday"])],
                                               "a.csv")
    assert not errors and rows[0].applicant_id == "A1" and rows[0].profile.goals.budget_usd == 2500
    assert rows[0].profile.applicant.step2ck == 233
    path = tmp_path / "summary.csv"
    path.write_text("Candidate,Programs applied,Interview invites,Match result\nA1,80,6,yes\n", encoding="utf-8")
    assert applications.is_summary_form(path)
    summaries, problems = applications.read_summary(path, {"A1"})
    assert not problems and summaries[0].applications == 80 and summaries[0].interviews == 6


@pytest.mark.parametrize("words, first, second, name", [
    (PROGRAM_WORDS, "Visa", "Visa sponsorship", "visa"),
    (applications.APPLICATION_VOCABULARY, "Invited", "Interview invite", "invited"),
    (applicants.header_vocabulary(), "Step 2 CK", "step2ck", "step2ck"),
])
def test_a_column_meant_twice_is_refused_in_the_same_words_by_every_reader(words, first, second, name):
    found = map_header("f.csv", 3, [first, second], words)
    [problem] = found.problems
    assert (problem.row, problem.column) == (3, second)
    assert problem.message == (f"two columns mean '{name}': '{first}' and '{second}'. Rename or delete one of "
                               "them.")


def test_applicants_refuse_a_key_written_twice():
    _, errors = applicants.parse_applicants(["Specialty", "Budget", "budget_usd"], [(2, ["IM", "2500", "3000"])],
                                            "a.csv")
    assert any(e.column == "budget_usd" and "two columns mean 'budget_usd'" in e.message for e in errors)


def test_an_unnamed_column_with_data_is_kept_and_a_lookalike_read_with_a_warning():
    found = map_header("f.csv", 1, ["program", "city", "", "YOG rule"], PROGRAM_WORDS,
                       rows=[(2, ["A", "Chicago", "x", "5"])])
    assert found.canonical["max_years_since_graduation"] == 3
    assert ("column C", 2) in found.extra
    assert any("Column C has no header" in w for w in found.warnings)
    assert any("'YOG rule' looks like max years since graduation: read as that" in w for w in found.warnings)


def test_column_letters():
    assert [column_letter(p) for p in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
