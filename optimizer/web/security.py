"""Who may talk to the server: the Host-header check (against DNS rebinding) and the access token.

By default the server listens on 127.0.0.1 only and answers only requests whose Host is a loopback name, so a
web page elsewhere cannot reach it through a rebound DNS name. On any other address a token is required (made up
when none is given, and printed in the address, as Jupyter does): it comes as `?token=...` in the address (the
server then sets a cookie so the page's own requests carry it), or as the header `Authorization: Bearer ...`.

Other web pages the person visits may not use the server (cross-site request forgery): a request that changes
or computes something (any method but GET, HEAD and OPTIONS) is refused when the browser says it comes from
another site or origin (`Sec-Fetch-Site` other than same-origin or none, or an `Origin` that is not the server's
own: another port of the same host is another origin), with or without a token. A request that says neither
(curl, scripts) is allowed: a browser always says one of them. No page may show the app in a frame.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from optimizer.errors import InputError

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
TOKEN_COOKIE = "smartpick_token"
MIN_TOKEN_CHARS = 16  # a token guessed in fewer tries than a 16-character one is no guard
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})  # Sec-Fetch-Site values of the page's own requests
NO_FRAMES = {"Content-Security-Policy": "frame-ancestors 'none'", "X-Frame-Options": "DENY"}


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Access:
    """The rules of one server: the Host names it answers to (None: any) and its token (None: no token)."""

    allowed_hosts: frozenset[str] | None
    token: str | None

    @classmethod
    def for_bind(cls, host: str, token: str | None = None) -> "Access":
        """The rules for a server listening on `host`: loopback needs no token unless one is given; any other
        address requires one (made up here when not given). A given token shorter than MIN_TOKEN_CHARS is an
        InputError."""
        check_token(token)
        if is_loopback(host):
            return cls(allowed_hosts=LOOPBACK_NAMES | {host.strip("[]").lower()}, token=token or None)
        token = token or new_token()
        if host in ("0.0.0.0", "::", ""):
            return cls(allowed_hosts=None, token=token)  # every address of the machine: the token is the guard
        return cls(allowed_hosts=LOOPBACK_NAMES | {host.strip("[]").lower()} | _own_names(), token=token)

    def host_allowed(self, host_header: str | None) -> bool:
        if self.allowed_hosts is None:
            return True
        return host_name(host_header or "") in self.allowed_hosts

    def token_ok(self, query_token: str | None, authorization: str | None, cookie: str | None) -> bool:
        if self.token is None:
            return True
        offered = [query_token, cookie]
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() in ("bearer", "token"):
                offered.append(value.strip())
        return any(t is not None and secrets.compare_digest(t.encode(), self.token.encode()) for t in offered)


def check_token(token: str | None) -> None:
    """Refuse a given access token that is too short to guard anything (None: no token given, one is made up)."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise InputError(f"the access token is too short ({len(token)} of {MIN_TOKEN_CHARS} characters); give one of "
                         f"at least {MIN_TOKEN_CHARS} (or leave --token out and SmartPick makes one up).",
                         file="--token")


def cross_site(method: str, host_header: str | None, origin: str | None, fetch_site: str | None) -> bool:
    """True when a browser says a state-changing request comes from another site or origin than the server's own
    (the Host it was sent to): refuse it. GET, HEAD and OPTIONS, and requests without Origin or Sec-Fetch-Site
    (not from a browser page), pass."""
    if method.upper() in SAFE_METHODS:
        return False
    if fetch_site is not None and fetch_site.strip().lower() not in SAME_ORIGIN_FETCH:
        return True
    if origin is None:
        return False
    return _origin(origin) != _origin("http://" + (host_header or "")) or _origin(origin) is None


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the port filled in from the scheme; None for 'null' or nonsense."""
    try:
        parts = urlsplit(url.strip().lower())
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname, port


def host_name(host_header: str) -> str:
    """The name in a Host header, without the port: 'localhost:8000' -> 'localhost', '[::1]:8000' -> '::1'."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def _own_names() -> set[str]:
    """This machine's host names, as a browser on the network would write them."""
    names = {socket.gethostname().lower()}
    try:
        names.add(socket.getfqdn().lower())
    except OSError:
        pass
    return names


HOST_REFUSED = ("This SmartPick server answers only to the address it printed when it started (a request came "
                "for '{host}'). Open that address; to serve other computers start it with --host.")
CROSS_SITE_REFUSED = ("This SmartPick server takes requests only from its own page (this one came from another web "
                      "site or address). Open the address it printed when it started and use the page there.")
TOKEN_REFUSED = ("This SmartPick server needs its access token: open the full address printed when it started "
                 "(it ends in ?token=...), or send the header 'Authorization: Bearer TOKEN'.")
