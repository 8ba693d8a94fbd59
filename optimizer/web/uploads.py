"""A request's inputs: read into memory (Sent, filled by the form's fields of optimizer/web/fields.py) and turned
into the library's Inputs, as the CLI's options give them.

A body past MAX_REQUEST_BYTES is refused before it is read whole (LimitUploads); an uploaded file stays in memory,
never in a temporary file. The sheet, when the same bytes come again (a what-if change), is reused from the last
few read.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from optimizer import pipeline
from optimizer.solver import DEFAULT_TIME_LIMIT
from optimizer.errors import InputError, Problem, ProfileError
from optimizer.inputs.bounds import WEB
from optimizer.inputs.parsing import ParseError, parse_budget, parse_number, parse_objective, parse_whole
from optimizer.inputs.resources import DEMO_PROGRAMS, data_path
from optimizer.inputs.sheet import read_programs
from optimizer.output.render import solve_payload

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # the sheet and the profile together; a national sheet of 10,000 rows is ~2 MB
MAX_PROGRAMS = WEB.rows  # rows of one sheet: every US residency program of several specialties fits
MAX_TIME_LIMIT = DEFAULT_TIME_LIMIT  # seconds a solve may take (the CLI's default)

# Starlette keeps an uploaded file in memory up to MultiPartParser.spool_max_size (1 MB by default) and then moves
# it to a temporary file. No body passes MAX_REQUEST_BYTES (LimitUploads), so at this size no upload touches the disk.
MultiPartParser.spool_max_size = MAX_REQUEST_BYTES + 1


# --- the size of a request ------------------------------------------------------------------------------------

class RequestTooLarge(HTTPException):
    """A request body past MAX_REQUEST_BYTES (HTTP 413)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="the upload is too large")


class LimitUploads:
    """ASGI middleware: a request body past MAX_REQUEST_BYTES is refused before it is read whole, at its first byte
    when its Content-Length says so, else as soon as the bytes received pass the limit (RequestTooLarge, raised
    where the form is read, becomes the 413)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        received = int(declared) if declared.isdigit() else 0  # a declared size counts from the start

        async def counted() -> Message:
            nonlocal received
            if received > MAX_REQUEST_BYTES:
                raise RequestTooLarge()
            message = await receive()
            if message["type"] == "http.request" and not declared.isdigit():
                received += len(message.get("body", b""))
                if received > MAX_REQUEST_BYTES:
                    raise RequestTooLarge()
            return message

        await self.app(scope, counted, send)


# --- a request's fields, read into memory --------------------------------------------------------------------

@dataclass
class Sent:
    """A request's fields (text) and files (bytes), read into memory."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    uploads: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)  # name -> [(file name, content)]

    @property
    def files(self) -> dict[str, tuple[str, bytes]]:
        """The last file sent under each name."""
        return {name: sent[-1] for name, sent in self.uploads.items() if sent}

    def text(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[-1] if values else None

    def texts(self, name: str) -> tuple[str, ...]:
        return tuple(v for v in self.fields.get(name, ()) if v.strip())

    async def add(self, name: str, value) -> None:
        """Add a field as FastAPI gives it: text, a file, or a list of either (None: not sent)."""
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                self.fields.setdefault(name, []).append(item)
            elif item is not None:
                self.uploads.setdefault(name, []).append((Path(item.filename or name).name, await item.read()))


# --- reading a request's inputs ---------------------------------------------------------------------------------

def parsed(name: str, text: str, parse):
    """A form field read by the one parser the CLI and the profile use (optimizer.inputs.parsing), its error located."""
    try:
        return parse(text)
    except ParseError as error:
        raise InputError(Problem(file=name, value=text, message=f"{error}")) from None


def _number(form: Sent, name: str, whole: bool = False):
    text = form.text(name)
    if text is None or not text.strip():
        return None
    if whole:
        return parsed(name, text, parse_whole)
    if name == "budget":
        return parsed(name, text, parse_budget)
    return parsed(name, text, lambda t: _plain_number(parse_number(t)))


def _plain_number(value):
    if value is None:
        raise ParseError("must be a number")
    return value


def _objective(form: Sent) -> str | None:
    text = form.text("objective")
    return parsed("objective", text, parse_objective) if text and text.strip() else None


def flag_field(form: Sent, name: str) -> bool:
    text = (form.text(name) or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise InputError(Problem(file=name, value=text, message="write true or false"))


def profile_of(form: Sent) -> tuple[str | None, str | None]:
    """(name, TOML text) of the request's profile, or (None, None) for the bundled example."""
    if "profile" in form.files:
        name, data = form.files["profile"]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProfileError("not a text file; save it as UTF-8 text in TOML format.", file=name) from None
        return (name or "profile.toml"), text
    text = form.text("profile")
    if text is None or not text.strip():
        return None, None
    return "profile.toml", text


def sheet_limits():
    """The most an uploaded sheet may hold (inputs/bounds.py's WEB, MAX_PROGRAMS programs): checked while it is
    read, so a sheet too large is refused in seconds and never kept."""
    return replace(WEB, rows=MAX_PROGRAMS)


_sheets: OrderedDict = OrderedDict()  # (name, sheet, sha256 of the bytes) -> ProgramTable, the last few read
_sheets_lock = threading.Lock()
SHEETS_KEPT = 8


def read_sheet(name: str | None, sheet_name: str | None, data: bytes | None):
    """The sheet's ProgramTable (the bundled one when `name` is None), reusing the last few read: a what-if change
    sends the same sheet again. Keyed by the bytes' hash, so a table is only ever given back for the same bytes.
    Read under the web app's limits (inputs/bounds.py: WEB); a sheet refused is never kept."""
    limits = sheet_limits()
    key = (name, sheet_name, hashlib.sha256(data).hexdigest() if data is not None else "bundled", limits)
    with _sheets_lock:
        if key in _sheets:
            _sheets.move_to_end(key)
            return _sheets[key]
    table = read_programs(name or data_path(DEMO_PROGRAMS), sheet_name, data, limits)
    with _sheets_lock:
        _sheets[key] = table
        while len(_sheets) > SHEETS_KEPT:
            _sheets.popitem(last=False)
    return table


def load_inputs(form: Sent):
    """The run's Inputs from a request, exactly as the CLI's --programs/--profile/--sheet/--no-signals give them."""
    profile_name, profile_text = profile_of(form)
    programs_name, programs_data = form.files.get("programs", (None, None))
    if programs_data is not None and not programs_data.strip():
        programs_name, programs_data = None, None  # an empty file input: the browser sent no file
    sheet_name = form.text("sheet") or None
    inputs = pipeline.load_inputs(programs_name, profile_name, sheet_name, None,
                                  use_signals=not flag_field(form, "no_signals"), profile_text=profile_text,
                                  table=read_sheet(programs_name, sheet_name, programs_data))
    return inputs


def solve_job(form: Sent):
    """(inputs, plan, limits, payload) of `smartpick solve` for a request's inputs and flags."""
    inputs = load_inputs(form)
    backend = (form.text("backend") or "cpsat").strip().lower()
    if backend not in ("cpsat", "pulp"):
        raise InputError(Problem(file="backend", value=backend, message="write cpsat or pulp"))
    time_limit = _number(form, "time_limit")
    time_limit = MAX_TIME_LIMIT if time_limit is None else min(max(time_limit, 0.1), MAX_TIME_LIMIT)
    plan, limits = pipeline.solve_list(inputs, _number(form, "budget"), _number(form, "min", whole=True),
                                       _number(form, "max", whole=True), _objective(form),
                                       form.texts("must"), form.texts("never"), backend, time_limit,
                                       flag_field(form, "correlated"))
    return inputs, plan, limits, solve_payload(inputs, plan, limits)
