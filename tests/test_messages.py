"""Messages that help (issue 24, item 6): identical problems grouped for people, a what-if with no list is an answer,
an advisor's own column is set aside, a year typed into a date cell is a year, a scenario that does not apply says
so, a signal kind a specialty lacks is named, a short name gets the closest name."""

from __future__ import annotations

import csv
import datetime
import json

import openpyxl

from optimizer.inputs.applicants import read_applicants
from optimizer.inputs.resources import DEMO_PROFILE, data_path, scenarios_dir
from tests.conftest import invoke, invoke_json

def _csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_validate_groups_identical_problems_and_json_keeps_each(tmp_path):
    rows = [[f"P{i}", "Chicago", "IL", "IM", "pass reqd?" if i % 3 == 0 else "220", "J-3" if i % 5 == 0 else "J-1"]
            for i in range(40)]
    path = _csv(tmp_path / "sheet.csv", ["Program", "City", "State", "Specialty", "Step 1 cutoff", "Visa"], rows)
    result = invoke("validate", path)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("- ")]
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("- column 'Step 1 cutoff', rows 2, 5, 8 and 11 more: this is not a number (found "
                               "'pass reqd?')")
    assert lines[1].startswith("- column 'Visa', rows 2, 7, 12 and 5 more: not a visa answer")
    assert "22 problems (2 kinds)" in result.stderr
    payload = json.loads(invoke("validate", path, "--json").stdout)
    assert len(payload["errors"]) == 22 and all(e["row"] for e in payload["errors"])


def test_pass_required_is_no_score_cutoff(tmp_path):
    rows = [["A", "Chicago", "IL", "IM", "pass req."], ["B", "Chicago", "IL", "IM", "Pass required"],
            ["C", "Chicago", "IL", "IM", "must pass"]]
    payload = invoke_json("validate", _csv(tmp_path / "s.csv", ["Program", "City", "State", "Specialty", "Step 1"],
                                           rows))
    assert payload["errors"] == []


def _cohort(tmp_path, extra_header, extra_cell):
    header = ["applicant_id", "Specialties", "Step 2 CK", "Visa", "Graduation year", "Home metro", "Budget (USD)",
              "Min programs", "Max programs", extra_header]
    return _csv(tmp_path / "cohort.csv", header,
                [["amina", "IM", "233", "J-1", "2022", "Chicago", "2500", "60", "100", extra_cell]])


def test_batch_sets_an_advisors_column_aside_with_a_note(tmp_path):
    result = invoke("batch", "--applicants", _cohort(tmp_path, "Advisor notes", "call Monday re: visa"))
    assert result.exit_code == 0, result.output
    assert "Note: Column 'Advisor notes' is not a profile key and not read" in " ".join(result.stderr.split())
    assert "amina" in result.stdout


def test_batch_still_refuses_a_misspelt_key(tmp_path):
    result = invoke("batch", "--applicants", _cohort(tmp_path, "Step 1 scor", "220"))
    assert result.exit_code == 2
    assert "Did you mean" in result.stderr


def test_a_year_typed_into_a_date_cell_is_the_year(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["applicant_id", "Specialties", "Step 2 CK", "Visa", "Graduation year", "Interview date"])
    sheet.append(["amina", "IM", 233, "J-1", datetime.datetime(1905, 7, 12), datetime.datetime(2026, 11, 3)])
    sheet["E2"].number_format = "yyyy-mm-dd h:mm:ss"  # Excel showed 2020 as "1905-07-12 00:00:00"
    path = tmp_path / "cohort.xlsx"
    book.save(path)
    notes = []
    [row], errors = read_applicants(path, notes=notes)
    assert errors == []
    assert row.profile.applicant.graduation_year == 2020


def test_a_bundled_what_if_with_no_list_is_an_answer_without_a_path(tmp_path):
    profile = tmp_path / "me.toml"
    profile.write_text(data_path(DEMO_PROFILE).read_text(encoding="utf-8").replace("budget_usd = 2500",
                                                                                    "budget_usd = 1200"))
    result = invoke("scenarios", "run", "--profile", profile)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "No list for 'H-1B needed' (bundled example h1b_needed.toml)" in text
    assert str(scenarios_dir()) not in text and "site-packages" not in text
    assert "Error" not in text
    payload = invoke_json("scenarios", "run", "--profile", profile)
    h1b = next(s for s in payload["scenarios"] if s["name"] == "H-1B needed")
    assert h1b["status"] == "infeasible" and "raise the budget" in h1b["error"]


def test_the_plus_15_scenario_does_not_apply_without_a_step2ck(tmp_path):
    profile = tmp_path / "me.toml"
    text = data_path(DEMO_PROFILE).read_text(encoding="utf-8")
    profile.write_text("\n".join(line for line in text.splitlines() if not line.startswith("step2ck")))
    result = invoke("scenarios", "run", scenarios_dir() / "step2ck_plus15.toml", scenarios_dir() / "baseline.toml",
                    "--profile", profile)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "248" not in said
    assert "this scenario does not apply to your profile, which has no Step 2 CK score" in said


def test_calibrate_groups_its_problems(tmp_path):
    rows = [[["amina", f"zed{i}", "bao"][i % 3], f"Nowhere Hospital {i} IM" if i % 4 == 0 else
             "Rush University Medical Center IM", "Chicago", ["yes", "maybe", "no"][i % 3]] for i in range(300)]
    applications = _csv(tmp_path / "apps.csv", ["applicant_id", "program", "city", "invited"], rows)
    result = invoke("calibrate", "--applicants", _cohort_file(tmp_path), "--applications", applications)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 5, lines
    assert any("rows" in line and "more" in line for line in lines)


def _cohort_file(tmp_path):
    header = ["applicant_id", "Specialties", "Step 2 CK", "Visa", "Graduation year"]
    return _csv(tmp_path / "applicants.csv", header, [["amina", "IM", "233", "J-1", "2022"],
                                                      ["bao", "IM", "221", "J-1", "2020"]])


def test_compare_says_fm_has_only_standard_signals(tmp_path):
    scored = invoke_json("score", "--profile", data_path("profiles/fm_applicant.toml"))["programs"]
    fm = next(p for p in scored if p["specialty"] == "Family Medicine" and p["eligible"])
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps([{"program_id": fm["program_id"], "signal": "gold"}]))
    other = tmp_path / "other.json"
    other.write_text(json.dumps([fm["program_id"]]))
    payload = invoke_json("compare", mine, other, "--profile", data_path("profiles/fm_applicant.toml"))
    notes = payload["portfolios"][0]["notes"]
    assert any("Family Medicine has only standard signals (no gold)" in n for n in notes), notes
    assert not any("not open to you" in n for n in notes)


def test_short_names_get_the_closest_name(tmp_path):
    mine = _csv(tmp_path / "mine.csv", ["program"], [["Advocate Masonic"], ["Cook County IM"],
                                                     ["Advocate Christ Medical Center IM"]])
    payload = invoke_json("compare", mine, mine)
    messages = {u["program"]: u["message"] for u in payload["portfolios"][0]["unmatched_rows"]}
    assert "Did you mean 'Advocate Illinois Masonic Medical Center IM'" in messages["Advocate Masonic"]
    assert "Did you mean 'Cook County Health (John H. Stroger Jr. Hospital) IM'?" in messages["Cook County IM"]


def test_a_year_saved_from_a_date_cell_into_a_csv_is_the_year(tmp_path):
    path = _csv(tmp_path / "cohort.csv", ["applicant_id", "Specialties", "Step 2 CK", "Visa", "Graduation year"],
                [["amina", "IM", "233", "J-1", "1905-07-11 00:00:00"], ["bao", "IM", "221", "J-1", "7/12/1905"]])
    rows, errors = read_applicants(path)
    assert errors == []
    assert [row.profile.applicant.graduation_year for row in rows] == [2019, 2020]
