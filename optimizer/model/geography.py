"""Regions relative to the applicant's home metro: home city, home metro (suburbs), rest of home state, home
census division, elsewhere. Metro definitions are data files (data/metros/<name>.toml), not code."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from optimizer.inputs.datafiles import load_bundled_toml, metro_slug
from optimizer.inputs.profile_types import REGIONS


@functools.lru_cache(maxsize=1 << 14)
def _city_key(name: str) -> str:
    """Compare city names ignoring case, punctuation and 'Saint'/'St.' spelling."""
    key = re.sub(r"[^a-z0-9 ]", " ", name.lower())
    key = re.sub(r"\bsaint\b", "st", key)
    return " ".join(key.split())


@dataclass(frozen=True)
class Metro:
    name: str
    state: str
    city: str
    suburbs: frozenset[tuple[str, str]]  # (city key, state)
    division: str
    division_states: frozenset[str]
    weights: tuple[tuple[str, float], ...]  # region -> default weight
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "Metro":
        state = data["state"]
        suburbs = set()
        for entry in data.get("suburbs", []):
            # "Gary, IN" names a suburb across the state line; a bare name is in the metro's state
            name, _, other_state = entry.partition(",")
            suburbs.add((_city_key(name), other_state.strip().upper() or state))
        for other_state, names in data.get("suburbs_other_states", {}).items():
            suburbs.update((_city_key(n), other_state.upper()) for n in names)
        weights = data.get("weights", {})
        return cls(
            name=data["name"], state=state, city=data.get("city", data["name"]), suburbs=frozenset(suburbs),
            division=data.get("division", ""), division_states=frozenset(data.get("division_states", [state])),
            weights=tuple((r, float(weights.get(r, 1.0))) for r in REGIONS), source=str(data.get("source", "")),
        )

    def region_of(self, city: str, state: str) -> str:
        """The region of a program in `city`, `state` relative to this metro."""
        key = _city_key(city)
        if state == self.state and key == _city_key(self.city):
            return "home city"
        if (key, state) in self.suburbs:
            return "home metro"
        if state == self.state:
            return "home state"
        if state in self.division_states:
            return "home division"
        return "elsewhere"

    def near_match(self, city: str, state: str) -> tuple[str, str] | None:
        """(region, the metro's place it was matched to) for a city written close to the home city or a suburb
        ('Chicgo', 'Evanstown'), when it is not one of them exactly; None otherwise."""
        key = _city_key(city)
        places = self._places_in(state)
        if not key or key in places:
            return None
        close = difflib.get_close_matches(key, list(places), n=1, cutoff=0.85)
        return (places[close[0]], close[0].title()) if close else None

    def _places_in(self, state: str) -> dict[str, str]:
        """The home city and suburbs in `state`, by city key -> region: built once per state (a sheet asks for
        every distinct place it has)."""
        cache = self.__dict__.setdefault("_places_cache", {})
        if state not in cache:
            places = {_city_key(self.city): "home city"} if state == self.state else {}
            places.update({name: "home metro" for name, place_state in self.suburbs if place_state == state})
            cache[state] = places
        return cache[state]

    def weight_table(self, overrides: tuple[tuple[str, float], ...] = ()) -> dict[str, float]:
        """Region weights: the metro file's defaults, then the profile's overrides."""
        table = dict(self.weights)
        table.update(dict(overrides))
        return table


def load_metro(name: str) -> Metro:
    """The bundled metro definition for `name` (e.g. "Chicago" -> data/metros/chicago.toml)."""
    return Metro.from_dict(load_bundled_toml(f"metros/{metro_slug(name)}.toml"))
