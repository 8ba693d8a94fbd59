"""The web app's JSON API (optimizer/web): payloads equal to the CLI's --json for the same inputs, located 422s,
the token and Host-header guards, upload limits, in-memory uploads and concurrent solves."""

from __future__ import annotations

import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from optimizer.inputs.profile import APPLICANT_KEYS, GOALS_KEYS, TIER_KEYS
from optimizer.inputs.resources import DEMO_PROGRAMS, data_path
from optimizer.web import uploads as web_uploads
from optimizer.web import create_app
from optimizer.web.form import form_sections
from optimizer.web.security import Access

FIXTURES = Path(__file__).parent / "fixtures"
LOCAL = "http://127.0.0.1:8000"
VARYING = ("solve_seconds",)  # the solver's own clock: the one field two runs of the same inputs differ in


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), base_url=LOCAL)


def cli_json(*args, exit_code=0):
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


def cli_error(*args) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    return result.stderr.strip().removeprefix("Error: ")


def same(a: dict, b: dict) -> None:
    for key in VARYING:
        a.pop(key, None)
        b.pop(key, None)
    assert a == b


@pytest.fixture()
def my_files(tmp_path, monkeypatch):
    """A sheet and a profile of a user's own, in the working folder (the CLI and the API name them alike)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(data_path(DEMO_PROGRAMS), "programs.csv")
    shutil.copy(FIXTURES / "profiles" / "short.toml", "profile.toml")
    return {"programs": ("programs.csv", Path("programs.csv").read_bytes(), "text/csv"),
            "profile": ("profile.toml", Path("profile.toml").read_bytes(), "application/toml")}


def test_health_says_ok_and_the_version(client):
    from optimizer import __version__

    assert client.get("/api/health").json() == {"status": "ok", "version": __version__}


def test_solve_with_no_inputs_equals_the_cli_on_the_bundled_data(client):
    response = client.post("/api/solve", data={})
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["demo_data"] is True and payload["status"] == "optimal"
    same(payload, cli_json("solve"))


def test_solve_with_my_files_and_flags_equals_the_cli(client, my_files):
    flags = {"budget": "3000", "min": "60", "max": "100", "no_signals": "true"}
    response = client.post("/api/solve", files=my_files, data=flags)
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["demo_data"] is False and payload["budget"] == 3000 and payload["max_programs"] == 100
    assert payload["signals"] is None
    same(payload, cli_json("solve", "--programs", "programs.csv", "--profile", "profile.toml", "--budget", "3000",
                           "--min", "60", "--max", "100", "--no-signals"))


def test_profile_as_a_text_field_is_read_like_the_file(client, my_files):
    text = my_files["profile"][1].decode()
    by_text = client.post("/api/solve", data={"profile": text, "objective": "match"}).json()
    by_file = client.post("/api/solve", files={"profile": my_files["profile"]}, data={"objective": "match"}).json()
    same(by_text, by_file)
    assert by_text["objective_kind"] == "match"


def test_score_validate_and_frontier_equal_the_cli(client, my_files):
    score = client.post("/api/score", files=my_files)
    assert score.status_code == 200
    same(score.json(), cli_json("score", "--programs", "programs.csv", "--profile", "profile.toml"))
    validate = client.post("/api/validate", files={"programs": my_files["programs"]})
    assert validate.status_code == 200
    assert validate.json() == cli_json("validate", "programs.csv")
    frontier = client.post("/api/frontier", files=my_files, data={"budget": "1500,2500,3500", "no_signals": "1"})
    assert frontier.status_code == 200, frontier.text
    same(frontier.json(), cli_json("frontier", "--programs", "programs.csv", "--profile", "profile.toml",
                                   "--budget", "1500,2500,3500", "--no-signals"))


def test_scenarios_equal_the_cli(client):
    response = client.post("/api/scenarios", data={"no_signals": "true"})
    assert response.status_code == 200, response.text
    api = response.json()
    cli = cli_json("scenarios", "run", "--no-signals")
    assert len(api["scenarios"]) >= 5
    same(api, cli)


def test_a_broken_profile_gives_422_with_the_cli_s_located_problems(client, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "profiles" / "broken_many_problems.toml", "profile.toml")
    response = client.post("/api/solve", files={"profile": ("profile.toml", Path("profile.toml").read_bytes())})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "input"
    assert body["message"] == cli_error("solve", "--profile", "profile.toml")
    assert len(body["problems"]) >= 2
    assert all(p["file"] == "profile.toml" and p["column"] for p in body["problems"])


def test_a_broken_sheet_gives_422_with_rows_and_columns(client, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "broken.csv", "broken.csv")
    response = client.post("/api/solve", files={"programs": ("broken.csv", Path("broken.csv").read_bytes())})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == cli_error("solve", "--programs", "broken.csv")
    visa = [p for p in body["problems"] if p["value"] == "J-3"]
    assert visa and visa[0]["row"] == 3 and visa[0]["column"] == "Visa sponsorship"
    report = client.post("/api/validate", files={"programs": ("broken.csv", Path("broken.csv").read_bytes())})
    assert report.status_code == 422
    assert report.json() == cli_json("validate", "broken.csv", exit_code=2)


def test_an_impossible_budget_gives_422_with_the_reasons(client):
    body = client.post("/api/solve", data={"budget": "300"})
    assert body.status_code == 422
    assert body.json()["error"] == "infeasible"
    assert body.json()["message"] == cli_error("solve", "--budget", "300")
    assert any("$300" in reason for reason in body.json()["reasons"])


def test_a_flag_that_is_not_a_number_is_named(client):
    body = client.post("/api/solve", data={"budget": "lots", "max": "9.5"})
    assert body.status_code == 422
    problem = body.json()["problems"][0]
    assert problem["file"] == "budget" and problem["value"] == "lots"


def test_the_host_header_must_be_this_computer(client):
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "localhost.evil.example:8000", "127.0.0.1.nip.io"):
        refused = client.get("/api/health", headers={"host": host})
        assert refused.status_code == 400, host
        assert refused.json()["error"] == "host"
    assert client.post("/api/solve", headers={"host": "evil.example"}).status_code == 400


def test_a_server_open_to_the_network_requires_its_token():
    access = Access.for_bind("0.0.0.0")
    assert access.token and len(access.token) >= 20  # made up when not given
    anyone = TestClient(create_app(access), base_url="http://192.0.2.7:8000")
    refused = anyone.get("/api/health")
    assert refused.status_code == 403 and "token" in refused.json()["message"]
    assert anyone.get("/").status_code == 403
    assert anyone.get("/api/health", params={"token": "wrong"}).status_code == 403
    assert anyone.get("/api/health", headers={"authorization": "Bearer wrong"}).status_code == 403
    assert anyone.get("/api/health", headers={"authorization": f"Bearer {access.token}"}).status_code == 200
    opened = anyone.get("/", params={"token": access.token})  # the printed address: sets a cookie for the page
    assert opened.status_code == 200 and opened.cookies.get("smartpick_token") == access.token
    assert anyone.get("/api/health").status_code == 200  # the page's own requests carry the cookie


def test_a_named_host_with_a_given_token():
    access = Access.for_bind("192.0.2.7", "s3cret-token-of-24-chars")
    assert access.token == "s3cret-token-of-24-chars"
    client = TestClient(create_app(access), base_url="http://192.0.2.7:8000")
    assert client.get("/api/health", params={"token": "s3cret-token-of-24-chars"}).status_code == 200
    assert client.get("/api/health", params={"token": "s3cret-token-of-24-chars"}, headers={"host": "evil.example"}
                      ).status_code == 400


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(client):
    big = b"program,city,state,specialty\n" + b"x" * (web_uploads.MAX_REQUEST_BYTES + 10)
    response = client.post("/api/solve", files={"programs": ("big.csv", big)})
    assert response.status_code == 413
    assert "larger than 10 MB" in response.json()["message"]


def test_a_body_without_a_length_is_refused_once_it_passes_the_limit(client):
    """The early 413 also holds for a body sent in chunks (no Content-Length): counted as it arrives."""
    chunks = iter([b"x" * (1024 * 1024)] * (web_uploads.MAX_REQUEST_BYTES // (1024 * 1024) + 2))
    response = client.post("/api/solve", content=chunks, headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413 and response.json()["problems"][0]["file"] == "upload"


def test_a_body_that_is_not_a_form_is_refused(client):
    response = client.post("/api/solve", json={"budget": 3000})
    assert response.status_code == 422 and "multipart/form-data" in response.json()["message"]
    text = client.post("/api/solve", data={"programs": "programs.csv"})  # a name where the file goes
    assert text.status_code == 422 and text.json()["problems"][0]["file"] == "programs"


def test_the_api_description_is_generated_from_the_fields_the_routes_read(client):
    spec = client.get("/openapi.json").json()

    def fields(path):
        schema = spec["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        return set(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["properties"])

    inputs = {"profile", "programs", "sheet", "no_signals"}
    assert fields("/api/solve") == inputs | {"budget", "min", "max", "objective", "correlated", "backend",
                                             "time_limit", "must", "never"}
    assert fields("/api/score") == inputs and fields("/api/validate") == {"programs", "sheet"}
    assert fields("/api/compare") == inputs | {"lists"} and fields("/api/frontier") == inputs | {"budget", "backend"}
    assert spec["paths"]["/api/solve"]["post"]["responses"]["422"]["content"]


def test_a_sheet_over_the_row_limit_is_refused(client, monkeypatch, my_files):
    monkeypatch.setattr(web_uploads, "MAX_PROGRAMS", 100)
    response = client.post("/api/solve", files=my_files)
    assert response.status_code == 422
    assert "at most 100" in response.json()["message"] and response.json()["problems"][0]["file"] == "programs.csv"


def test_uploads_are_never_written_to_disk(client, monkeypatch, my_files):
    def refuse(*args, **kwargs):
        raise AssertionError("an upload was written to a temporary file")

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    name, data, kind = my_files["profile"]
    # past Starlette's 1 MB spool, which would roll over to disk; padded with a TOML comment, which the profile
    # reader skips at once (2 MB of blank sheet rows took the sheet reader 8 s)
    padded = data + b"\n#" + b" " * (2 * 1024 * 1024) + b"\n"
    response = client.post("/api/score", files={"programs": my_files["programs"], "profile": (name, padded, kind)})
    assert response.status_code == 200, response.text


def test_the_workbook_download_holds_the_list(client):
    import io

    import openpyxl

    response = client.post("/api/workbook", data={"budget": "2000"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Application list"].iter_rows(values_only=True))
    solved = client.post("/api/solve", data={"budget": "2000"}).json()
    assert len(rows) - 1 == solved["count"]
    ids = {row[rows[0].index("program_id")] for row in rows[1:]}
    assert ids == {p["program_id"] for p in solved["programs"]}


def test_the_form_has_every_profile_key():
    keys = {f.key for _, fields in form_sections() for f in fields}
    expected = ({f"applicant.{k}" for k in APPLICANT_KEYS} | {f"goals.{k}" for k in GOALS_KEYS if k != "tiers"}
                | {f"goals.tiers.{k}" for k in TIER_KEYS})
    assert keys == expected


def test_the_form_says_the_schema_s_defaults_and_choices():
    from optimizer.inputs.profile import profile_json_schema

    tables = profile_json_schema()["properties"]
    fields = {f.key: f for _, section in form_sections() for f in section}
    for table in ("applicant", "goals"):
        for key, schema in tables[table]["properties"].items():
            if key == "tiers" or f"{table}.{key}" not in fields:
                continue
            field = fields[f"{table}.{key}"]
            assert tuple(field.choices) == tuple(str(c) for c in schema.get("enum", ())), field.key
            if "default" in schema:
                assert field.default and f"Default: {field.default}." in field.help, field.key
    assert fields["goals.budget_usd"].default == f"{tables['goals']['properties']['budget_usd']['default']:g}"


def test_the_page_and_docs_load_nothing_from_the_internet(client):
    page = client.get("/")
    assert page.status_code == 200 and 'data-key="goals.budget_usd"' in page.text
    docs = client.get("/docs")
    assert docs.status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/solve" in spec["paths"] and "/api/health" in spec["paths"]
    for text in (page.text, docs.text, client.get("/static/app.js").text, client.get("/static/docs.js").text,
                 client.get("/static/app.css").text):
        for marker in ('src="http', "src='http", 'href="http', "//cdn", "@import", "url(http", "unpkg", "jsdelivr"):
            assert marker not in text.lower()


def test_twenty_concurrent_solves_each_get_their_own_answer():
    import httpx

    from tests.web_server import running_server

    budgets = [2000 + 50 * i for i in range(20)]
    with running_server() as base:
        def solve(budget):
            response = httpx.post(f"{base}/api/solve", data={"budget": str(budget), "no_signals": "true"},
                                  timeout=300)
            return budget, response.status_code, response.json()

        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(solve, budgets))
    for budget, status, payload in answers:
        assert status == 200, payload
        assert payload["budget"] == budget and payload["cost"] <= budget
    objectives = [payload["objective"] for _, _, payload in answers]
    assert all(a <= b + 1e-9 for a, b in zip(objectives, objectives[1:]))  # more money never hurts


def test_two_people_s_sheets_of_the_same_name_never_mix(client):
    """The server reuses a sheet it has read only for the same bytes: another sheet of the same name is read anew."""
    full = data_path(DEMO_PROGRAMS).read_bytes()
    lines = full.decode("utf-8").splitlines(keepends=True)
    without_illinois = ("".join([lines[0]] + [line for line in lines[1:] if ",IL," not in line])).encode("utf-8")
    mine = client.post("/api/score", files={"programs": ("programs.csv", full)}).json()
    theirs = client.post("/api/score", files={"programs": ("programs.csv", without_illinois)}).json()
    again = client.post("/api/score", files={"programs": ("programs.csv", full)}).json()
    assert any(p["state"] == "IL" for p in mine["programs"])
    assert not any(p["state"] == "IL" for p in theirs["programs"])
    assert again == mine


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_smartpick_serve_prints_its_address_answers_and_stops_on_ctrl_c():
    import signal
    import subprocess
    import sys
    import time

    import httpx

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        first = server.stdout.readline()
        assert first.strip() == f"SmartPick is running at http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    assert server.returncode == 130


def test_serving_other_computers_prints_a_token_in_the_address():
    import subprocess
    import sys

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "optimizer.web", "--host", "0.0.0.0", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = server.stdout.readline()
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert first.startswith(f"SmartPick is running at http://127.0.0.1:{port}/?token=")
    assert len(first.strip().split("token=")[1]) >= 20


def test_the_report_download_is_the_html_report(client):
    response = client.post("/api/report", data={})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "attachment" in response.headers["content-disposition"]
    assert "<html" in response.text.lower() and "Demo data" in response.text


def test_compare_equals_the_cli_and_takes_the_page_s_current_list(client, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("hand_made.csv", "signals.json", "bad_signal.csv"):
        shutil.copy(FIXTURES / "portfolios" / name, name)
    sent = [("lists", (name, Path(name).read_bytes())) for name in ("hand_made.csv", "signals.json")]
    response = client.post("/api/compare", files=sent)
    assert response.status_code == 200, response.text
    same(response.json(), cli_json("compare", "hand_made.csv", "signals.json"))
    # the page compares its current list by sending the solve payload back as a JSON list
    solved = client.post("/api/solve").json()
    mine = [("lists", ("SmartPick list.json", json.dumps(solved).encode())), sent[0]]
    compared = client.post("/api/compare", files=mine).json()
    current = compared["portfolios"][0]
    assert current["count"] == solved["count"] and current["cost"] == pytest.approx(solved["cost"])
    assert current["expected_interviews"] == pytest.approx(solved["expected_interviews"])
    bad = client.post("/api/compare", files=[("lists", ("bad_signal.csv", Path("bad_signal.csv").read_bytes())),
                                             sent[0]])
    assert bad.status_code == 422
    assert bad.json()["message"] == cli_error("compare", "bad_signal.csv", "hand_made.csv")
    one = client.post("/api/compare", files=sent[:1])
    assert one.status_code == 422 and one.json()["problems"][0]["file"] == "lists"


def test_the_page_gets_identical_problems_grouped(client):
    """Issue 24: the web page shows a sheet's identical problems once, with their rows (the JSON keeps each)."""
    rows = "".join(f"P{i},Chicago,IL,IM,{'pass reqd?' if i % 2 else '220'}\n" for i in range(30))
    sheet = ("mine.csv", ("program,city,state,specialty,Step 1 cutoff\n" + rows).encode())
    report = client.post("/api/validate", files={"programs": sheet})
    assert report.status_code == 422
    payload = report.json()
    assert len(payload["errors"]) == 15
    [line] = payload["error_lines"]
    assert line.startswith("column 'Step 1 cutoff', rows 3, 5, 7 and 12 more: this is not a number (found "
                           "'pass reqd?')")
    solved = client.post("/api/solve", files={"programs": sheet})
    assert solved.status_code == 422
    [line] = solved.json()["problem_lines"]
    assert line.startswith("mine.csv, column 'Step 1 cutoff', rows 3, 5, 7 and 12 more:")
