"""Small things a new user hits: a JSON profile, 'Chicago, IL', limits on compare and report, a report when no
list is possible, scenarios that cannot be met."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from cli import main
from optimizer.inputs.resources import data_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def demo_profile_text() -> str:
    return data_path("profiles/im_applicant.toml").read_text(encoding="utf-8")


def test_a_json_profile_is_answered_with_its_own_values_in_toml(tmp_path):
    profile = tmp_path / "me.toml"
    profile.write_text(json.dumps({"applicant": {"step2ck": 245, "visa": "J-1"},
                                   "goals": {"budget_usd": 2500, "home_metro": "Chicago"}}))
    result = run("solve", "--profile", str(profile))
    assert result.exit_code == 2
    assert "this is JSON; SmartPick reads TOML, like this:" in result.output
    assert "[applicant]" in result.output and "step2ck = 245" in result.output and 'visa = "J-1"' in result.output
    assert "budget_usd = 2500" in result.output and "Traceback" not in result.output


def test_the_toml_shown_for_a_json_profile_reads_back_as_its_values(tmp_path):
    import tomllib

    data = {"applicant": {"step2ck": 245, "visa": "J-1", "notes": 'Dr "Jos\u00e9" \\ \u5185\u79d1\nsecond line',
                          "gap_years": None},
            "goals": {"budget_usd": 2500.5, "states": ["IL", "IN"], "min_per_state": {"IL": 2}}}
    profile = tmp_path / "me.toml"
    profile.write_text(json.dumps(data))
    result = run("solve", "--profile", str(profile))
    assert result.exit_code == 2
    shown = result.output.split("like this:\n", 1)[1].split("\nSave it in that form", 1)[0]
    del data["applicant"]["gap_years"]  # TOML has no null: the key is left out
    assert tomllib.loads("\n".join(line.removeprefix("    ") for line in shown.splitlines())) == data


def test_home_metro_written_with_its_state(tmp_path):
    text = demo_profile_text()
    assert re.search(r"^home_metro = ", text, re.MULTILINE)
    plain = run("solve", "--json")
    for spelling in ("Chicago, IL", "Chicago, Illinois"):
        profile = tmp_path / "me.toml"
        profile.write_text(re.sub(r"^home_metro = .*$", f'home_metro = "{spelling}"', text, flags=re.MULTILINE))
        result = run("solve", "--profile", str(profile), "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["region_mix"] == json.loads(plain.stdout)["region_mix"]


def test_compare_takes_the_limits_the_list_was_made_with(tmp_path):
    listing = tmp_path / "forty.csv"
    made = run("solve", "--min", "40", "--max", "40", "--budget", "1500", "--out", str(listing))
    assert made.exit_code == 0, made.output
    default = json.loads(run("compare", str(listing), str(listing), "--json").stdout)
    assert default["portfolios"][0]["violations"]  # 40 programs is under the profile's minimum of 80
    same = run("compare", str(listing), str(listing), "--min", "40", "--max", "40", "--budget", "1500", "--json")
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["portfolios"][0]["violations"] == []


def test_report_takes_limits_and_says_what_is_left_out(tmp_path):
    page = tmp_path / "report.html"
    result = run("report", "--budget", "1500", "--min", "40", "--max", "60", "--out", str(page))
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "Not on your list, and why" in text and "sponsors" in text
    assert re.search(r"for 40 to 60 programs", text)


def test_report_is_written_when_no_list_is_possible(tmp_path):
    page = tmp_path / "report.html"
    result = run("report", "--budget", "300", "--out", str(page))
    assert result.exit_code == 2
    assert "it explains why no list is possible" in result.output
    text = page.read_text(encoding="utf-8")
    assert "No application list meets your limits" in text and "raise the budget to $1," in text.lower()
    assert "Programs not open to you, and why" in text


def test_a_scenario_that_cannot_be_met_is_an_answer_with_its_reason(tmp_path):
    (tmp_path / "broke.toml").write_text('name = "Broke"\n[goals]\nbudget_usd = 100\n')
    (tmp_path / "fine.toml").write_text('name = "Fine"\n')
    result = run("scenarios", "run", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Broke" in result.stdout and "Fine" in result.stdout
    text = " ".join(result.stdout.split())
    assert "No list for 'Broke'" in text and "raise the budget" in text
    assert "Error" not in result.output


def test_home_metro_with_the_wrong_state_is_refused(tmp_path):
    profile = tmp_path / "me.toml"
    profile.write_text(re.sub(r"^home_metro = .*$", 'home_metro = "Chicago, TX"', demo_profile_text(),
                              flags=re.MULTILINE))
    result = run("solve", "--profile", str(profile))
    assert result.exit_code == 2
    assert "home_metro" in result.output and "Chicago, TX" in result.output
