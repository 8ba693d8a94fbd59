"""The profile's declarative tables (optimizer/inputs/profile.py, optimizer/inputs/profile_schema.py) and the JSON Schema they
yield: a valid schema, the bundled profiles pass it, and it refuses the same keys the TOML reader refuses."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from optimizer.errors import ProfileError
from optimizer.inputs.profile import (APPLICANT_KEYS, GOALS_KEYS, TIER_KEYS, load_profile, profile_json_schema,
                               read_profile_data)
from optimizer.inputs.profile_types import Goals, TierSettings
from optimizer.inputs.resources import data_path

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"


@pytest.fixture(scope="module")
def schema() -> dict:
    return profile_json_schema()


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_key_of_the_tables_is_in_the_schema_with_its_default(schema):
    applicant, goals = schema["properties"]["applicant"], schema["properties"]["goals"]
    assert tuple(applicant["properties"]) == APPLICANT_KEYS and applicant["required"] == ["specialties", "visa"]
    assert tuple(goals["properties"]) == GOALS_KEYS
    assert tuple(goals["properties"]["tiers"]["properties"]) == TIER_KEYS
    for key in ("budget_usd", "min_programs", "max_programs", "season", "use_signals", "objective"):
        assert goals["properties"][key]["default"] == getattr(Goals(), key), key
    assert all(prop.get("description") for prop in goals["properties"].values())
    band = goals["properties"]["tiers"]["properties"]["reach"]
    assert band["minItems"] == band["maxItems"] == len(TierSettings().reach)


@pytest.mark.parametrize("name", ["im_applicant.toml", "fm_applicant.toml"])
def test_the_bundled_profiles_pass_the_schema(validator, name):
    data = read_profile_data(data_path("profiles", name))
    assert not list(validator.iter_errors(data))
    load_profile(data_path("profiles", name))  # and the reader takes them


@pytest.mark.parametrize("name", ["broken_negative_budget.toml", "broken_step2ck_400.toml", "broken_unknown_visa.toml",
                                  "broken_unknown_objective.toml", "broken_unknown_season.toml",
                                  "broken_step_failures_negative.toml", "broken_negative_weight.toml",
                                  "broken_unknown_metro.toml", "broken_wrong_type.toml"])
def test_the_schema_refuses_the_key_the_reader_refuses(validator, name):
    with pytest.raises(ProfileError) as caught:
        load_profile(FIXTURES / name)
    refused = {p.column for p in caught.value.problems}
    errors = list(validator.iter_errors(read_profile_data(FIXTURES / name)))
    assert errors, name
    assert {".".join(map(str, e.absolute_path)) for e in errors} <= refused | {".".join(k.split(".")[:-1])
                                                                              for k in refused}


@pytest.mark.parametrize("name", ["broken_misspelt_key.toml", "broken_key_in_wrong_table.toml"])
def test_the_schema_refuses_keys_it_does_not_declare(validator, name):
    with pytest.raises(ProfileError) as caught:
        load_profile(FIXTURES / name)
    (problem,) = caught.value.problems
    errors = list(validator.iter_errors(read_profile_data(FIXTURES / name)))
    assert any(e.validator == "additionalProperties" and problem.column.split(".")[-1] in e.message for e in errors)
