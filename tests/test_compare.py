"""`smartpick compare`: saved lists re-read, re-evaluated and set side by side (optimizer/studies/compare.py,
optimizer/inputs/portfolio_files.py), through the command line and on small synthetic instances."""

import csv
import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.studies.compare import ProgramIndex, name_key
from optimizer.model.fees import load_fee_schedule
from optimizer.inputs.portfolio_files import PortfolioRow, read_portfolio, unique_names
from optimizer.inputs.resources import scenarios_dir
from tests.helpers import setup_candidates

FIXTURES = Path(__file__).parent / "fixtures" / "portfolios"
NONSENSE = "Hospital of Nowhere Internal Medicine"


@pytest.fixture(scope="module")
def lists(run_json, demo_solve, tmp_path_factory):
    """The optimizer's list (CSV and JSON), a cheaper one (XLSX), and the CSV edited by hand: 3 rows deleted,
    2 programs added by name only, 1 nonsense row."""
    folder = tmp_path_factory.mktemp("lists")
    optimal, cheaper = folder / "optimal.csv", folder / "cheaper.xlsx"
    solved = demo_solve.payload
    shutil.copyfile(demo_solve.csv, optimal)
    shutil.copyfile(demo_solve.json, folder / "optimal.json")
    run_json("solve", "--budget", 2000, "--out", cheaper)
    rows = list(csv.DictReader(optimal.open(encoding="utf-8")))
    on_list = {r["program_id"] for r in rows}
    scored = run_json("score")["programs"]
    added = [p for p in scored if p["eligible"] and p["program_id"] not in on_list][:2]
    deleted, kept = rows[:3], rows[3:]
    edited = folder / "edited.csv"
    with edited.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
        for program in added:  # typed by a person: the name only, in capitals
            writer.writerow({"program": program["program"].upper()})
        writer.writerow({"program": NONSENSE, "city": "Atlantis"})
    return {"folder": folder, "optimal": optimal, "cheaper": cheaper, "edited": edited, "solved": solved,
            "kept": {r["program_id"] for r in kept}, "added": [p["program_id"] for p in added],
            "deleted": {r["program_id"] for r in deleted}, "nonsense_row": 1 + len(kept) + len(added) + 1,
            "scored": {p["program_id"]: p for p in scored}}


def xlsx_ids(path) -> set[str]:
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True)["Application list"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("program_id")
    return {str(r[column]) for r in rows[1:]}


def test_the_optimizers_own_list_reevaluates_to_what_solve_said(run_json, lists):
    payload = run_json("compare", lists["optimal"], lists["folder"] / "optimal.json")
    solved = lists["solved"]
    assert [p["name"] for p in payload["portfolios"]] == ["optimal", "optimal (2)"]
    for portfolio in payload["portfolios"]:
        assert portfolio["count"] == solved["count"]
        assert portfolio["cost"] == solved["cost"]
        assert portfolio["expected_interviews"] == pytest.approx(solved["expected_interviews"], abs=1e-9)
        assert portfolio["p_match"] == pytest.approx(solved["p_match"], abs=1e-9)
        assert portfolio["p_at_least_5"] == pytest.approx(solved["p_at_least"]["5"], abs=1e-9)
        assert portfolio["violations"] == []
        assert portfolio["unmatched_rows"] == []
        assert len(portfolio["signals"]) == sum(1 for p in solved["programs"] if p["signal"])
    assert payload["common"] == solved["count"]
    assert payload["only"] == {"optimal": [], "optimal (2)": []}


def test_hand_edited_list_against_a_cheaper_one(run_json, lists):
    payload = run_json("compare", lists["edited"], lists["cheaper"])
    edited, cheaper = payload["portfolios"]
    assert (edited["name"], cheaper["name"]) == ("edited", "cheaper")
    for key in ("name", "count", "cost", "expected_interviews", "p_at_least_5", "p_match", "violations",
                "unmatched_rows"):
        assert key in edited and key in cheaper
    # re-evaluated from the rows: the list less 3 deleted, plus 2 added, the nonsense row left out
    assert edited["count"] == lists["solved"]["count"] - 3 + 2
    fees = load_fee_schedule("2026")
    assert edited["cost"] == fees.list_cost({"Internal Medicine": edited["count"]}).total_usd
    assert edited["unmatched_rows"] == [{
        "file": str(lists["edited"]), "row": lists["nonsense_row"], "program_id": None, "program": NONSENSE,
        "message": f"no program in the sheet is named '{NONSENSE}'. Check the spelling against `smartpick score`, "
                   "or give the program_id."}]
    edited_ids = lists["kept"] | set(lists["added"])
    cheaper_ids = xlsx_ids(lists["cheaper"])
    assert cheaper["count"] == len(cheaper_ids)
    assert payload["common"] == len(edited_ids & cheaper_ids)
    assert set(payload["in_all"]) == edited_ids & cheaper_ids
    assert set(payload["only"]["edited"]) == edited_ids - cheaper_ids
    assert set(payload["only"]["cheaper"]) == cheaper_ids - edited_ids
    assert set(lists["added"]) <= set(payload["only"]["edited"])
    # the cheaper list was solved under the profile's limits, so it breaks none
    assert cheaper["violations"] == []
    assert payload["ahead"]["cost"]["leaders"] == ["cheaper"]
    assert payload["ahead"]["cost"]["margin"] == pytest.approx(edited["cost"] - cheaper["cost"])
    best = max(payload["portfolios"], key=lambda p: p["p_match"])
    assert payload["ahead"]["p_match"]["leaders"] == [best["name"]]


def test_terminal_output_fits_100_columns_and_names_the_row(run, lists):
    result = run("compare", lists["edited"], lists["cheaper"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert max(len(line) for line in out.splitlines()) <= 100
    assert f"row {lists['nonsense_row']} 'Hospital of Nowhere" in out
    for words in ("Your lists side by side", "Chance of matching", "Who is ahead", "Overlap (in both: ",
                  "$2,000", "%", "Demo data"):
        assert words in out, words


def test_a_scenario_file_is_solved_and_judged_by_the_profiles_limits(run_json, lists):
    payload = run_json("compare", lists["optimal"], scenarios_dir() / "generous_budget.toml")
    generous = payload["portfolios"][1]
    assert generous["name"] == "generous_budget"
    assert generous["count"] == 120
    assert any("over the budget of $2,500" in v for v in generous["violations"])
    assert payload["common"] == lists["solved"]["count"]  # the generous list holds all of the optimal one
    assert len(payload["only"]["generous_budget"]) == 120 - lists["solved"]["count"]


def test_hand_made_list_matched_by_name(run_json):
    payload = run_json("compare", FIXTURES / "hand_made.csv", FIXTURES / "signals.json")
    hand, signals = payload["portfolios"]
    # case, spacing and punctuation differ from the sheet; the row typed twice counts once
    assert hand["count"] == 5
    assert [u["row"] for u in hand["unmatched_rows"]] == [8]
    assert any("row 9 repeats row 2" in n for n in hand["notes"])
    assert hand["tier_mix"].get("not open to you") == 1  # a Psychiatry program for an IM applicant
    assert any("ineligible" in v for v in hand["violations"])
    assert any("fewer than the minimum 80" in v for v in hand["violations"])
    assert payload["common"] == 4  # Advocate Illinois Masonic, Mount Sinai, Swedish, Rush Psych
    assert signals["signals"] == {"1401621541": "gold", "IL-140-FCBBB2": "silver"}
    assert any("is not open to you" in n and "gold signal does not count" in n for n in signals["notes"])


def test_signals_in_the_file_apply_unless_no_signals(run_json, lists):
    with_signals = run_json("compare", FIXTURES / "signals.json", lists["optimal"])["portfolios"][0]
    without = run_json("compare", FIXTURES / "signals.json", lists["optimal"], "--no-signals")["portfolios"][0]
    scored = lists["scored"]
    gold = scored["1401621541"]["p_with_signal"]["gold"]
    silver = scored["IL-140-FCBBB2"]["p_with_signal"]["silver"]
    plain = sum(scored[pid]["p_interview"] for pid in ("1401611114", "1401621541", "IL-140-FCBBB2", "4001611061"))
    assert without["expected_interviews"] == pytest.approx(plain)
    assert with_signals["expected_interviews"] == pytest.approx(
        plain - scored["1401621541"]["p_interview"] - scored["IL-140-FCBBB2"]["p_interview"] + gold + silver)
    assert without["signals"] == {}
    assert any(n.startswith("the signals in the file are left out (--no-signals") for n in without["notes"])


def test_more_signals_than_the_season_allows_is_noted(run_json, lists):
    payload = run_json("compare", FIXTURES / "four_golds.csv", lists["optimal"])
    assert any("4 gold signals in Internal Medicine, but the season allows 3" in n
               for n in payload["portfolios"][0]["notes"])


def test_programs_of_the_same_name_told_apart_by_city_and_state(run):
    result = run("compare", FIXTURES / "twins.csv", "--programs", FIXTURES / "twins_programs.csv", "--json")
    assert result.exit_code == 0, result.output
    twins = json.loads(result.stdout)["portfolios"][0]
    assert sorted(p["program_id"] for p in twins["programs"]) == ["T-1", "T-2", "T-4"]
    unmatched = {u["row"]: u["message"] for u in twins["unmatched_rows"]}
    assert set(unmatched) == {2, 4}
    assert "3 programs are named 'Mercy Hospital IM'" in unmatched[2]
    assert "not with this row's city 'Springfield', state 'Illinois'" in unmatched[4]
    assert any("program_id 'NOPE-9' is not in the programs sheet; matched by the name, as T-1" in n
               for n in twins["notes"])


@pytest.mark.parametrize("file, message", [
    ("missing.csv", "missing.csv: file not found"),
    ("no_program_column.csv", "no_program_column.csv, row 1: no program_id or program-name column"),
    ("bad_signal.csv", "bad_signal.csv, row 3, column 'Signal': not a signal kind SmartPick knows"),
    ("broken.json", "broken.json, row 3: not valid JSON"),
    ("foreign.csv", "foreign.csv: none of the 2 rows of this list names a program of the programs sheet (rows 2, 3"),
])
def test_bad_lists_exit_2_naming_file_row_and_column(run, file, message):
    result = run("compare", FIXTURES / file, FIXTURES / "hand_made.csv")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ")
    assert message in result.output


def test_never_overwrites_a_list_it_reads(run, lists, tmp_path):
    result = run("compare", lists["edited"], lists["optimal"], "--out", lists["optimal"])
    assert result.exit_code == 2
    assert "SmartPick never overwrites them" in result.output


def test_out_csv_and_json(run_json, lists, tmp_path):
    run_json("compare", lists["edited"], lists["cheaper"], "--out", tmp_path / "c.csv")
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert [r["portfolio"] for r in rows] == ["edited", "cheaper"]
    assert rows[0]["rows_not_matched"] == "1"
    payload = run_json("compare", lists["edited"], lists["cheaper"], "--out", tmp_path / "c.json")
    assert json.loads((tmp_path / "c.json").read_text()) == payload


# --- the pieces, on small instances ----------------------------------------------------------------------------

def test_name_key_ignores_case_spacing_punctuation_and_accents():
    assert name_key("St. Luke's  Hospital - IM") == name_key("st lukes hospital im")
    assert name_key("Hôpital Général") == "hopital general"


def test_index_prefers_the_program_id_and_narrows_names():
    candidates = setup_candidates(6, seed=1)
    a, b = candidates[0], candidates[1]
    twins = [replace(c, program=replace(c.program, program="Same Name", city=city))
             for c, city in ((a, "Peoria"), (b, "Chicago"))]
    index = ProgramIndex(twins + candidates[2:])
    assert index.find(PortfolioRow(2, program_id=candidates[3].program_id.lower()))[0] is candidates[3]
    assert index.find(PortfolioRow(2, program="same name", city="peoria"))[0] is twins[0]
    found, reason = index.find(PortfolioRow(2, program="Same Name"))
    assert found is None and "2 programs are named 'Same Name'" in reason
    found, reason = index.find(PortfolioRow(2, program_id="P99999"))
    assert found is None and "program_id 'P99999' is not in the programs sheet" in reason


def test_unique_names():
    assert unique_names(["a", "a", "b", "a"]) == ["a", "a (2)", "b", "a (3)"]
    assert unique_names(["a (2)", "a", "a"]) == ["a (2)", "a", "a (3)"]


def test_read_portfolio_picks_the_list_sheet_of_a_solve_workbook(lists):
    portfolio = read_portfolio(lists["cheaper"])
    assert {r.program_id for r in portfolio.rows} == xlsx_ids(lists["cheaper"])
    assert portfolio.rows[0].row == 2  # the header is row 1
    assert portfolio.has_signals


def _range_low(text: str) -> int:
    return int(text.split("-")[0].rstrip("%"))


def test_what_changed_says_in_words_what_the_numbers_say(run, run_json, lists):
    """The robust list against the standard one (issue 23): one sentence per list after the first, with both
    chances, both ranges, whether the list holds up better, and changes that add up to the lists' own counts."""
    robust = lists["folder"] / "robust.csv"
    run_json("solve", "--robust", "--out", robust)
    payload = run_json("compare", lists["optimal"], robust)
    standard, robust_list = payload["portfolios"]
    [change] = payload["what_changed"]
    assert (change["name"], change["against"]) == ("robust", "optimal")
    text = change["text"]
    differ = len(payload["only"]["robust"])
    assert f"{differ} of its {robust_list['count']} programs" in text
    assert f"{100 * robust_list['p_match']:.1f}%" in text and f"{100 * standard['p_match']:.1f}%" in text
    low, first_low = (int(math.floor(100 * p["p_match_range"][0])) for p in (robust_list, standard))
    if low > first_low:
        assert f"{low - first_low} point" in text and "holds up better" in text
    elif low < first_low:
        assert "holds up less well" in text
    else:
        assert "the same low end" in text
    # every "N more/fewer X programs" names a real difference in the lists' specialties
    for specialty in {p["specialty"] for p in standard["programs"] + robust_list["programs"]}:
        d = robust_list["specialty_mix"].get(specialty, 0) - standard["specialty_mix"].get(specialty, 0)
        word = "more" if d > 0 else "fewer"
        if f"{specialty} program" in text:
            assert f"{abs(d)} {word} {specialty} program" in text
    # the terminal shows the same sentence under its heading
    out = run("compare", lists["optimal"], robust).output
    assert "What changed and why" in out
    assert " ".join(out.split()).count("holds up") == text.count("holds up")


def test_what_changed_for_a_list_with_rows_deleted(run_json, lists, tmp_path):
    rows = list(csv.DictReader(lists["optimal"].open(encoding="utf-8")))
    shorter = tmp_path / "shorter.csv"
    with shorter.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[10:])
    payload = run_json("compare", lists["optimal"], shorter)
    text = payload["what_changed"][0]["text"]
    assert text.startswith(f"shorter against optimal: 0 of its {len(rows) - 10} programs are not on optimal.")
    assert "fewer expected interviews" in text and "less in fees" in text
    assert run_json("compare", lists["optimal"])["what_changed"] == []
