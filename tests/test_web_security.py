"""Who may use the local server (optimizer/web/security.py, issue 25): other web pages may not make it work for
them (cross-site requests are refused, with or without a token), no page may frame it, and a token must be long
enough to guard anything."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from optimizer.errors import InputError
from optimizer.web.app import create_app
from optimizer.web.security import Access, cross_site

LOCAL = "http://127.0.0.1:8000"
PROFILE = ("profile", (None, ""))  # a form field: the bundled example profile


@pytest.fixture()
def client():
    return TestClient(create_app(), base_url=LOCAL)


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "http://127.0.0.1:9000"},  # another port of the same host: same site, another origin
    {"origin": "http://localhost:8000"},  # the same server under another name is another origin too
    {"origin": "null"},  # a sandboxed frame or a file: page
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},
    {"sec-fetch-site": "cross-site", "origin": LOCAL},
])
def test_a_request_from_another_page_is_refused(client, headers):
    response = client.post("/api/validate", headers=headers, files={"programs": ("p.csv", b"program\n")})
    assert response.status_code == 403
    assert response.json()["error"] == "cross-site"


def test_a_cross_site_request_is_refused_with_a_token_too():
    access = Access.for_bind("127.0.0.1", "a-token-long-enough-to-count")
    client = TestClient(create_app(access), base_url=LOCAL)
    client.get("/", params={"token": access.token})  # the cookie a browser would send along
    response = client.post("/api/score", headers={"origin": "http://127.0.0.1:9000", "sec-fetch-site": "same-site"},
                           params={"token": access.token})
    assert response.status_code == 403 and response.json()["error"] == "cross-site"


@pytest.mark.parametrize("headers", [
    {"origin": LOCAL, "sec-fetch-site": "same-origin"},  # the page's own fetch
    {"origin": "http://127.0.0.1:8000/"},
    {"sec-fetch-site": "none"},  # typed in the address bar
    {},  # curl, a script
])
def test_the_pages_own_requests_and_scripts_pass(client, headers):
    response = client.post("/api/validate", headers=headers,
                           files={"programs": ("p.csv", b"program,city,state,specialty\nMercy,Chicago,IL,IM\n")})
    assert response.status_code == 200, response.text


def test_reading_is_not_refused_whatever_the_origin(client):
    assert client.get("/api/health", headers={"sec-fetch-site": "cross-site"}).status_code == 200


def test_no_page_may_show_the_app_in_a_frame(client):
    for response in (client.get("/"), client.get("/api/health"),
                     client.post("/api/validate", headers={"origin": "http://evil.example"})):
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert response.headers["x-frame-options"] == "DENY"


def test_an_origin_is_compared_with_its_default_port():
    assert not cross_site("POST", "127.0.0.1", "http://127.0.0.1", None)
    assert not cross_site("POST", "127.0.0.1:80", "http://127.0.0.1", None)
    assert cross_site("POST", "127.0.0.1:8000", "https://127.0.0.1:8000", None)
    assert cross_site("PUT", "127.0.0.1:8000", "http://[::1]:8000", None)
    assert not cross_site("GET", "127.0.0.1:8000", "http://evil.example", "cross-site")


def test_a_short_token_is_refused():
    with pytest.raises(InputError, match="at least 16"):
        Access.for_bind("0.0.0.0", "a")
    result = CliRunner().invoke(main, ["serve", "--token", "a"])
    assert result.exit_code == 2
    assert "Error: --token: the access token is too short (1 of 16 characters); give one of at least 16" in result.output
