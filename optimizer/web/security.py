"""Who may talk to the server: the Host-header check (against DNS rebinding) and the access token.

By default the server listens on 127.0.0.1 only and answers only requests whose Host is a loopback name, so a
web page elsewhere cannot reach it through a rebound DNS name. On any other address a token is required (made up
when none is given, and printed in the address, as Jupyter does): it comes as `?token=...` in the address (the
server then sets a cookie so the page's own requests carry it), or as the header `Authorization: Bearer ...`.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
TOKEN_COOKIE = "smartpick_token"


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
        address requires one (made up here when not given)."""
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
TOKEN_REFUSED = ("This SmartPick server needs its access token: open the full address printed when it started "
                 "(it ends in ?token=...), or send the header 'Authorization: Bearer TOKEN'.")
