"""The forms the API takes, declared through FastAPI (`UploadFile`, `File`, `Form`) so that /openapi.json is generated
from them: each route's form is one dependency that reads its fields into a Sent (optimizer/web/uploads.py). The
field names are the CLI's option names (`min`, `max`, `no_signals`, ...); values are read by the CLI's own parsers,
so the fields are text here and a wrong value gets the CLI's located message.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, File, Form, Request, UploadFile

from optimizer.errors import InputError
from optimizer.web.uploads import MAX_TIME_LIMIT, Sent

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


async def only_forms(request: Request) -> None:
    """Refuse a body that is not a form (FastAPI would read it as an empty one and answer for the demo data)."""
    if not request.headers.get("content-type", "").startswith(FORM_TYPES) and (await request.body()).strip():
        raise InputError("send the inputs as a form (multipart/form-data): a 'profile' field with the profile's "
                         "TOML text and a 'programs' file.", file="request")


PROFILE_HELP = "The profile's TOML text (or a .toml file). Absent: the bundled example applicant."
PROGRAMS_HELP = "The programs sheet (CSV or XLSX). Absent: the bundled demo data."
SHEET_HELP = "Worksheet name inside an XLSX file (default: the first)."
NO_SIGNALS_HELP = "true: leave ERAS program signals out of the choice (as --no-signals)."


async def profile_form(
        _: Annotated[None, Depends(only_forms)],
        profile: Annotated[UploadFile | str | None, File(description=PROFILE_HELP)] = None) -> Sent:
    """The profile alone (to fill the page's form)."""
    sent = Sent()
    await sent.add("profile", profile)
    return sent


async def sheet_form(_: Annotated[None, Depends(only_forms)],
                     programs: Annotated[UploadFile | None, File(description=PROGRAMS_HELP)] = None,
                     sheet: Annotated[str | None, Form(description=SHEET_HELP)] = None) -> Sent:
    """The programs sheet alone (`smartpick validate`)."""
    sent = Sent()
    await sent.add("programs", programs)
    await sent.add("sheet", sheet)
    return sent


async def inputs_form(
        _: Annotated[None, Depends(only_forms)],
        profile: Annotated[UploadFile | str | None, File(description=PROFILE_HELP)] = None,
        programs: Annotated[UploadFile | None, File(description=PROGRAMS_HELP)] = None,
        sheet: Annotated[str | None, Form(description=SHEET_HELP)] = None,
        no_signals: Annotated[str | None, Form(description=NO_SIGNALS_HELP)] = None) -> Sent:
    """The inputs every command takes: --profile, --programs, --sheet, --no-signals."""
    sent = Sent()
    for name, value in (("profile", profile), ("programs", programs), ("sheet", sheet), ("no_signals", no_signals)):
        await sent.add(name, value)
    return sent


async def solve_form(
        sent: Annotated[Sent, Depends(inputs_form)],
        budget: Annotated[str | None, Form(description="Budget in US dollars, e.g. 3000 or $3,000 (default: the "
                                                       "profile's budget_usd).")] = None,
        fewest: Annotated[str | None, Form(alias="min", description="Fewest programs (default: the profile's)."
                                           )] = None,
        most: Annotated[str | None, Form(alias="max", description="Most programs (default: the profile's).")] = None,
        objective: Annotated[str | None, Form(description="interviews, match or at-least:K (default: the "
                                                          "profile's).")] = None,
        correlated: Annotated[str | None, Form(description="true: optimize P(match)/P(at least K) under the "
                                                           "correlated view.")] = None,
        backend: Annotated[str | None, Form(description="cpsat (default) or pulp.")] = None,
        time_limit: Annotated[str | None, Form(description=f"Seconds the solver may use (at most "
                                                           f"{MAX_TIME_LIMIT:g}).")] = None,
        must: Annotated[list[str], Form(description="program_id or exact name; repeat the field.")] = [],
        never: Annotated[list[str], Form(description="program_id or exact name; repeat the field.")] = []
) -> Sent:
    """The inputs and `smartpick solve`'s flags."""
    for name, value in (("budget", budget), ("min", fewest), ("max", most), ("objective", objective),
                        ("correlated", correlated), ("backend", backend), ("time_limit", time_limit),
                        ("must", must), ("never", never)):
        await sent.add(name, value)
    return sent


async def frontier_form(
        sent: Annotated[Sent, Depends(inputs_form)],
        budget: Annotated[str | None, Form(description="The budgets: LOW:HIGH:STEP or A,B,C (required).")] = None,
        backend: Annotated[str | None, Form(description="cpsat (default) or pulp.")] = None) -> Sent:
    """The inputs and `smartpick frontier`'s flags."""
    await sent.add("budget", budget)
    await sent.add("backend", backend)
    return sent


async def compare_form(
        sent: Annotated[Sent, Depends(inputs_form)],
        lists: Annotated[list[UploadFile], File(description="Two or more saved lists (CSV, XLSX or JSON; repeat "
                                                            "the field), as `smartpick compare A B ...` takes "
                                                            "them.")] = []
) -> Sent:
    """The inputs and the lists `smartpick compare` takes."""
    await sent.add("lists", lists)
    return sent
