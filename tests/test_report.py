"""`smartpick report`: one self-contained HTML page (optimizer/output/html_report.py), checked as text and rendered in
headless Chromium (a screenshot). scripts/install-test-deps installs Debian's chromium (the README's test command
and .ci/run call it); without it the browser test fails with a line naming that script."""

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from optimizer.output.html_report import _scenarios_section, frontier_budgets
from optimizer.model.outcomes import RANK_ASSUMPTION
from optimizer.inputs.resources import scenarios_dir

SECTIONS = ("About you", "Your application list", "Tier and region mix", "How many interviews to expect",
            "What a different budget buys", "What-if scenarios",
            "How these numbers are made")


@pytest.fixture(scope="module")
def page(run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = run("report", "--scenarios", scenarios_dir() / "baseline.toml", "--scenarios",
                 scenarios_dir() / "tight_budget.toml", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    return out


def visible_text(markup: str) -> str:
    """The words a reader sees: no styles, no tags, entities decoded, spaces collapsed."""
    markup = re.sub(r"(?is)<(style|script|head)\b.*?</\1>", " ", markup)
    return " ".join(html.unescape(re.sub(r"(?s)<[^>]+>", " ", markup)).split())


def test_report_has_every_section_in_plain_words(page, demo_solve):
    text = visible_text(page.read_text(encoding="utf-8"))
    solved = demo_solve.payload  # the report shows the list `solve` chooses from the same inputs
    for title in (*SECTIONS, f"All {solved['count']} programs on your list"):
        assert title in text, title
    for words in ("Chance of matching", "Chance of at least 5 interviews", f"${solved['cost']:,.0f}",
                  f"of your ${solved['budget']:,.0f} budget",
                  f"${solved['budget']:,.0f} (your budget)", "Baseline", "Tight budget", "Check every program against FREIDA",
                  RANK_ASSUMPTION, "USMLE Step 2 CK 233"):
        assert words in text, words
    assert re.search(r"\d+\.\d%", text)
    assert "Where your ERAS signals go" in text and "choosing the list first and then signalling inside it" in text


def test_report_is_self_contained(page):
    markup = page.read_text(encoding="utf-8")
    assert not re.search(r"""(?i)(src|href)\s*=\s*["']?(https?:)?//""", markup)
    assert "@import" not in markup and "url(" not in markup and "<script" not in markup
    assert markup.count('src="data:image/svg+xml;base64,') == 2  # the interview and budget charts


def test_without_scenarios_the_section_says_how_to_add_them():
    assert "No what-if scenarios in this report" in _scenarios_section(None)
    assert "--scenarios DIR" in _scenarios_section(None)


def test_frontier_budgets_around_the_budget():
    assert frontier_budgets(2500) == [1500.0 + 100 * i for i in range(21)]
    assert frontier_budgets(300)[:2] == [0.0, 100.0] and frontier_budgets(300)[-1] == 1300.0


@pytest.mark.parametrize("out, message", [
    ("report.pdf", "give a name ending in .html (found '.pdf')"),
    ("no_such_folder/report.html", "does not exist"),
])
def test_refuses_an_out_that_is_not_an_html_file_in_a_folder(run, tmp_path, out, message):
    result = run("report", "--out", tmp_path / out)
    assert result.exit_code == 2
    assert message in result.output


def test_a_broken_scenario_exits_2_before_solving(run, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "Broken"\n[goals]\nbudget_usd = "lots"\n')
    result = run("report", "--scenarios", broken, "--out", tmp_path / "r.html")
    assert result.exit_code == 2
    assert "broken.toml" in result.output and "budget_usd" in result.output
    assert not (tmp_path / "r.html").exists()


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        pytest.fail("chromium is not installed, so the HTML report cannot be checked in a browser: run "
                    "scripts/install-test-deps (or: sudo apt-get install chromium), then the tests again.",
                    pytrace=False)
    return found


def test_report_renders_in_headless_chromium(page, tmp_path):
    browser = chromium()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1200,3000"]
    url = page.resolve().as_uri()
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = visible_text(dom.stdout)
    for words in ("Your application list", "Chance of matching", "What a different budget buys", "Tight budget"):
        assert words in text, words
    screenshot = tmp_path / "report.png"
    shot = subprocess.run([browser, *flags, f"--screenshot={screenshot}", url], capture_output=True, text=True,
                          timeout=180)
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a page of text and charts, not a blank image


def test_values_are_escaped_by_the_templates():
    from optimizer.output.html_report import template_environment

    hostile = '<script>alert("x")</script> & Sons'
    page = template_environment().get_template("report/programs.html").render(
        programs={"columns": [("#", "num"), ("Program", "name")], "rows": [["1", hostile]]})
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; Sons" in page
    assert '<td class="name">' in page  # markup of the template itself is kept
