"""The profile: the bundled example, and a profile file's keys, to fill the page's form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from optimizer.errors import ProfileError
from optimizer.inputs.profile import read_profile_data
from optimizer.inputs.resources import DEMO_PROFILE, data_path
from optimizer.web.replies import ERRORS, json_response
from optimizer.web.fields import profile_form
from optimizer.web.uploads import Sent, profile_of

router = APIRouter(tags=["profile"], responses=ERRORS)


@router.get("/api/profile/example", summary="The bundled example profile: its TOML text and its keys")
def example_profile() -> Response:
    path = data_path(DEMO_PROFILE)
    return json_response({"toml": path.read_text(encoding="utf-8"), "data": read_profile_data(path)})


@router.post("/api/profile/read", summary="A profile's keys, to fill the form")
def read_profile(sent: Annotated[Sent, Depends(profile_form)]) -> Response:
    name, text = profile_of(sent)
    if text is None:
        raise ProfileError("the profile is empty. Choose a .toml file.", file="profile")
    return json_response({"data": read_profile_data(name, text)})
