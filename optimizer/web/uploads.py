"""A request's inputs, read into memory and turned into the library's Inputs, as the CLI's options give them.

The body is read whole (refused past MAX_REQUEST_BYTES) and parsed here, not by the framework, so that an uploaded
file stays in memory and is never spooled to a temporary file. The sheet, when the same bytes come again (a what-if
change), is reused from the last few read.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request

from optimizer.errors import InputError, Problem, ProfileError
from optimizer.inputs.bounds import WEB

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # the sheet and the profile together; a national sheet of 10,000 rows is ~2 MB
MAX_PROGRAMS = WEB.rows  # rows of one sheet: every US residency program of several specialties fits
MAX_TIME_LIMIT = 60.0  # seconds a solve may take (the CLI's default)


@dataclass
class Form:
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


class RequestTooLarge(Exception):
    pass


async def read_form(request: Request) -> Form:
    """The request body as a Form, read into memory and refused past MAX_REQUEST_BYTES."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise RequestTooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            raise RequestTooLarge()
    content_type = request.headers.get("content-type", "")

    async def once():
        yield bytes(body)

    if content_type.startswith("multipart/form-data"):
        parser = MultiPartParser(request.headers, once(), max_files=8, max_fields=200,
                                 max_part_size=MAX_REQUEST_BYTES)
        parser.spool_max_size = MAX_REQUEST_BYTES + 1  # an uploaded file stays in memory, never in a temporary file
        try:
            data = await parser.parse()
        except MultiPartException as error:
            raise InputError(f"the upload could not be read ({error}). Send the form again.", file="request")
    elif content_type.startswith("application/x-www-form-urlencoded"):
        data = await FormParser(request.headers, once()).parse()
    elif body.strip():
        raise InputError("send the inputs as a form (multipart/form-data): a 'profile' field with the profile's "
                         "TOML text and a 'programs' file.", file="request")
    else:
        return Form()
    form = Form()
    for name, value in data.multi_items():
        if isinstance(value, UploadFile):
            form.uploads.setdefault(name, []).append((Path(value.filename or name).name, await value.read()))
        else:
            form.fields.setdefault(name, []).append(value)
    return form


# --- reading a request's inputs ---------------------------------------------------------------------------------

def parsed(name: str, text: str, parse):
    """A form field read by the one parser the CLI and the profile use (optimizer.inputs.parsing), its error located."""
    from optimizer.inputs.parsing import ParseError

    try:
        return parse(text)
    except ParseError as error:
        raise InputError(Problem(file=name, value=text, message=f"{error}")) from None


def _number(form: Form, name: str, whole: bool = False):
    from optimizer.inputs.parsing import parse_budget, parse_number, parse_whole

    text = form.text(name)
    if text is None or not text.strip():
        return None
    if whole:
        return parsed(name, text, parse_whole)
    if name == "budget":
        return parsed(name, text, parse_budget)
    return parsed(name, text, lambda t: _plain_number(parse_number(t)))


def _plain_number(value):
    from optimizer.inputs.parsing import ParseError

    if value is None:
        raise ParseError("must be a number")
    return value


def _objective(form: Form) -> str | None:
    from optimizer.inputs.parsing import parse_objective

    text = form.text("objective")
    return parsed("objective", text, parse_objective) if text and text.strip() else None


def flag_field(form: Form, name: str) -> bool:
    text = (form.text(name) or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise InputError(Problem(file=name, value=text, message="write true or false"))


def profile_of(form: Form) -> tuple[str | None, str | None]:
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
    from dataclasses import replace

    return replace(WEB, rows=MAX_PROGRAMS)


_sheets: OrderedDict = OrderedDict()  # (name, sheet, sha256 of the bytes) -> ProgramTable, the last few read
_sheets_lock = threading.Lock()
SHEETS_KEPT = 8


def read_sheet(name: str | None, sheet_name: str | None, data: bytes | None):
    """The sheet's ProgramTable (the bundled one when `name` is None), reusing the last few read: a what-if change
    sends the same sheet again. Keyed by the bytes' hash, so a table is only ever given back for the same bytes.
    Read under the web app's limits (inputs/bounds.py: WEB); a sheet refused is never kept."""
    from optimizer.inputs.resources import DEMO_PROGRAMS, data_path
    from optimizer.inputs.sheet import read_programs

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


def load_inputs(form: Form):
    """The run's Inputs from a request, exactly as the CLI's --programs/--profile/--sheet/--no-signals give them."""
    from optimizer import pipeline

    profile_name, profile_text = profile_of(form)
    programs_name, programs_data = form.files.get("programs", (None, None))
    if programs_data is not None and not programs_data.strip():
        programs_name, programs_data = None, None  # an empty file input: the browser sent no file
    sheet_name = form.text("sheet") or None
    inputs = pipeline.load_inputs(programs_name, profile_name, sheet_name, None,
                                  use_signals=not flag_field(form, "no_signals"), profile_text=profile_text,
                                  table=read_sheet(programs_name, sheet_name, programs_data))
    return inputs


def solve_job(form: Form):
    """(inputs, plan, limits, payload) of `smartpick solve` for a request's inputs and flags."""
    from optimizer import pipeline
    from optimizer.output.render import solve_payload

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
