"""A person's whole flow through the web app in a real browser: Debian's Chromium driven by Playwright, against
uvicorn on 127.0.0.1. Upload a messy sheet, fix a profile error shown beside its field, solve, change the budget,
sort and filter the list, download the workbook and read it back. Screenshots go to SMARTPICK_SCREENSHOTS (or the
test's tmp folder). `.ci/run` installs chromium with apt; without it this test fails, saying how to install it."""

from __future__ import annotations

import csv
import math
import os
import re
import shutil
from pathlib import Path

import pytest

from optimizer.inputs.resources import DEMO_PROGRAMS, data_path
from tests.web_server import running_server

FIXTURES = Path(__file__).parent / "fixtures"

# How people label the columns, and write the values, in their own sheets (all read by the sheet reader).
MESSY_HEADERS = {"program_id": "ACGME ID", "program": "Residency program", "institution": "Sponsoring institution",
                 "city": "Town", "state": "ST", "specialty": "Speciality", "program_type": "Setting",
                 "img_pct": "IMGs (%)", "visa": "Visa policy", "step1_cutoff": "Min Step 1",
                 "step2_cutoff": "Step2CK min", "usce_required": "US clinical experience required",
                 "positions": "Spots", "notes": "Comments"}
STATE_NAMES = {"IL": "Illinois", "IN": "indiana", "NY": "New York", "WI": "Wisconsin"}
VISA_WORDS = {"J-1": "J1 only", "J-1+H-1B": "J1/H1B", "H-1B": "H1B", "none": "no"}


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        pytest.fail("Chromium is not installed, so the web app cannot be tested in a browser: install Debian's "
                    "package with `apt-get install chromium` (.ci/run does).")
    return found


def messy_sheet(folder: Path) -> Path:
    """The bundled programs as a person's XLSX: their own headers, state names, visa words, percents, a title row,
    blank rows and a column of their own."""
    import openpyxl

    with data_path(DEMO_PROGRAMS).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # a blank first row: the header is the first row with text
    columns = list(MESSY_HEADERS)
    sheet.append([MESSY_HEADERS[c] for c in columns] + ["My ranking notes"])
    for i, row in enumerate(rows):
        cells = []
        for column in columns:
            value = row[column]
            if column == "state":
                value = STATE_NAMES.get(value, value)
            elif column == "visa":
                value = VISA_WORDS.get(value, value)
            elif column == "img_pct" and value:
                value = f"{value}%"
            elif column == "usce_required" and value:
                value = {"yes": "Y", "no": "n"}.get(value, value)
            cells.append(value)
        sheet.append(cells + ["call them" if i % 7 == 0 else None])
        if i % 500 == 250:
            sheet.append([])
    path = folder / "My programs (final) v3.xlsx"
    book.save(path)
    return path


def money_text(page, selector: str) -> float:
    return float(re.sub(r"[^\d.]", "", page.locator(selector).inner_text()))


def test_a_person_s_whole_flow_in_chromium(tmp_path):
    executable = chromium_path()
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install '.[test]' installs it (no browser download is "
                    "needed; the test uses the system's chromium).")
    import openpyxl

    shots = Path(os.environ.get("SMARTPICK_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    sheet = messy_sheet(tmp_path)
    with running_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        failed_requests = []
        page.on("requestfailed", lambda request: failed_requests.append(request.url))
        page.goto(base + "/")
        step2ck = page.locator('[id="f-applicant.step2ck"]')
        expect(step2ck).to_have_value("233")  # the example applicant fills the form
        page.screenshot(path=shots / "01_start.png", full_page=True)

        # 1. upload the messy sheet: it is read and checked at once
        page.set_input_files("#programs-file", sheet)
        expect(page.locator("#sheet-status")).to_contain_text("programs read", timeout=30_000)
        expect(page.locator("#source-upload")).to_be_checked()

        # 2. a mistake in the profile is shown beside its field, in the CLI's words
        step2ck.fill("2333")
        page.click("#solve")
        error = page.locator('.field[data-key="applicant.step2ck"] .field-error')
        expect(error).to_contain_text("from 1 to 300", timeout=60_000)
        expect(page.locator('.field[data-key="applicant.step2ck"]')).to_have_class(re.compile("invalid"))
        assert page.locator("#results").is_hidden()
        page.screenshot(path=shots / "02_profile_error.png", full_page=False)

        # 3. fix it and solve
        step2ck.fill("240")
        page.click("#solve")
        expect(page.locator("#results")).to_be_visible(timeout=60_000)
        expect(error).to_have_text("")
        count = int(page.locator("#stat-count .value").inner_text())
        first_cost = money_text(page, "#stat-cost .value")
        assert 80 <= count <= 120 and first_cost <= 2500
        assert page.locator("#programs-table tbody tr").count() == count
        assert page.locator("#chart svg rect").count() >= 5
        assert "bundled demo" not in page.locator("#notes").inner_text().lower()
        page.locator("#results").scroll_into_view_if_needed()
        page.evaluate("document.querySelector('#results').scrollIntoView()")
        page.screenshot(path=shots / "03_results.png")

        # 4a. a budget too small for the count window: the reasons, in dollars, and the old numbers dimmed
        page.locator("#w-budget").fill("1500")
        expect(page.locator("#result-errors")).to_contain_text("No list meets every limit", timeout=60_000)
        expect(page.locator("#result-errors")).to_contain_text("$1,500")
        expect(page.locator("#summary")).to_have_class(re.compile("stale"))
        page.screenshot(path=shots / "04a_budget_too_small.png")

        # 4. what if the budget were $2,000? the list and the numbers update
        page.locator("#w-budget").fill("2000")
        expect(page.locator("#stat-cost .detail")).to_contain_text("$2,000", timeout=60_000)
        cost = money_text(page, "#stat-cost .value")
        assert cost <= 2000 < first_cost
        smaller = int(page.locator("#stat-count .value").inner_text())
        assert smaller < count
        expect(page.locator("#programs-table tbody tr")).to_have_count(smaller)
        expect(page.locator('[id="f-goals.budget_usd"]')).to_have_value("2000")  # the form follows
        expect(page.locator("#result-errors")).to_have_text("")
        page.evaluate("document.querySelector('#results').scrollIntoView()")
        page.screenshot(path=shots / "04_budget_2000.png")

        # 5. sort by chance (highest first) and filter the safety programs
        page.click('th[data-sort="p_interview"]')
        cells = page.locator("#programs-table tbody td:nth-child(7)").all_inner_texts()
        chances = [float(t.rstrip("%")) for t in cells]
        assert chances == sorted(chances, reverse=True)
        page.select_option("#filter-tier", "safety")
        tiers = page.locator("#programs-table tbody td:nth-child(5)").all_inner_texts()
        assert tiers and set(tiers) == {"safety"}
        page.evaluate("document.querySelector('#programs-table').scrollIntoView()")
        page.screenshot(path=shots / "05_table_safety.png")
        page.select_option("#filter-tier", "")

        # 6. where the programs are, the budget frontier and the example scenarios
        illinois = page.locator("#map svg title", has_text="IL:")
        assert re.match(r"IL: \d+ programs", illinois.text_content())
        page.click("#run-frontier")
        expect(page.locator("#frontier svg circle").first).to_be_visible(timeout=120_000)
        assert page.locator("#frontier svg circle").count() >= 5  # the budgets that allow a list
        page.click("#run-scenarios")
        expect(page.locator("#scenarios tbody tr").first).to_be_visible(timeout=180_000)
        assert page.locator("#scenarios tbody tr").count() >= 5
        page.set_input_files("#compare-file", FIXTURES / "portfolios" / "hand_made.csv")
        page.click("#run-compare")
        expect(page.locator("#compare tbody tr")).to_have_count(2, timeout=60_000)
        assert page.locator("#compare tbody tr").first.locator("td").first.inner_text() == "SmartPick list"
        # what changed and why, in a sentence (issue 23)
        expect(page.locator("#compare")).to_contain_text("against SmartPick list:")
        page.evaluate("document.querySelector('#map').scrollIntoView()")
        page.screenshot(path=shots / "06_map_frontier.png")
        page.evaluate("document.querySelector('#scenarios').scrollIntoView()")
        page.screenshot(path=shots / "07_scenarios_compare.png")

        # 7. download the workbook and read it back
        with page.expect_download(timeout=60_000) as download:
            page.click("#dl-workbook")
        saved = tmp_path / "downloaded.xlsx"
        download.value.save_as(saved)
        book = openpyxl.load_workbook(saved)
        listed = list(book["Application list"].iter_rows(values_only=True))
        assert len(listed) - 1 == smaller
        summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
        assert summary["Budget"] == 2000 and summary["Programs"] == smaller
        assert "My ranking notes" in listed[0]  # the person's own column comes through

        # 8. the profile downloads as TOML that SmartPick reads back
        with page.expect_download() as profile_download:
            page.click("#dl-profile")
        profile_path = tmp_path / "profile.toml"
        profile_download.value.save_as(profile_path)
        from optimizer.inputs.profile import load_profile

        profile = load_profile(profile_path)
        assert profile.applicant.step2ck == 240 and profile.goals.budget_usd == 2000
        browser.close()
    assert not failed_requests, failed_requests


def test_the_page_marks_problems_where_they_are_and_answers_by_its_controls():
    """Issue 24, item 7: the range rounded as the CLI rounds it, the group of 'applicants like you', problems in red
    at their fields and under the button pressed, the answer in the box of the controls that change it, and a
    frontier chart whose labels all fit."""
    executable = chromium_path()
    from playwright.sync_api import expect, sync_playwright

    with running_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/")
        step2ck = page.locator('[id="f-applicant.step2ck"]')
        expect(step2ck).to_have_value("233")

        # a wrong value: red at its field, and said under the button just pressed
        step2ck.fill("two hundred")
        page.click("#solve")
        expect(page.locator("#solve-errors")).to_contain_text("Step 2 CK", timeout=30_000)
        field = page.locator('.field[data-key="applicant.step2ck"]')
        expect(field).to_have_class(re.compile("invalid"))
        expect(field).to_be_in_viewport()  # the page takes the person to it
        assert step2ck.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(179, 38, 30)"

        # limits no list meets, before any list: the reasons under the button, the budget field in red
        step2ck.fill("233")
        page.fill('[id="f-goals.budget_usd"]', "900")
        page.click("#solve")
        expect(page.locator("#solve-errors")).to_contain_text("No list meets every limit", timeout=60_000)
        expect(page.locator('.field[data-key="goals.budget_usd"]')).to_have_class(re.compile("invalid"))
        assert page.locator("#results").is_hidden()

        # a list: the answer sits in the box of the controls that change it, rounded as the terminal rounds it
        page.fill('[id="f-goals.budget_usd"]', "2500")
        page.click("#solve")
        expect(page.locator("#results")).to_be_visible(timeout=60_000)
        expect(page.locator("#solve-errors")).to_have_text("")
        assert page.locator("#whatif #summary .stat").count() == 4
        payload = page.evaluate("state.payload")
        low, high = payload["p_match_range"]
        detail = page.locator("#stat-match .detail").inner_text()
        assert f"range {math.floor(100 * low)}-{math.ceil(100 * high)}%" in detail
        assert f"applicants like you ({payload['population_group']})" in detail
        assert "Step 2 CK 230-239" in payload["population_group"]
        budget_box = page.locator("#w-budget").bounding_box()
        summary_box = page.locator("#summary").bounding_box()
        assert 0 <= summary_box["y"] - (budget_box["y"] + budget_box["height"]) < 120

        # the frontier: every label inside the drawing
        page.click("#run-frontier")
        expect(page.locator("#frontier svg circle").first).to_be_visible(timeout=120_000)
        outside = page.evaluate("""() => {
            const frame = document.querySelector('#frontier svg').getBoundingClientRect();
            return Array.from(document.querySelectorAll('#frontier svg text')).filter(t => {
                const r = t.getBoundingClientRect();  // as drawn, rotated labels too
                return r.left < frame.left || r.right > frame.right || r.top < frame.top || r.bottom > frame.bottom;
            }).map(t => t.textContent);
        }""")
        assert outside == []
        assert page.locator("#frontier svg text", has_text="expected interviews").count() == 1
        browser.close()
