"""A profile whose specialties the sheet has no program of: a clear error (exit 2) naming the specialty, what the
sheet has and the fix, never read as if the sheet had it; with one of two missing, a warning and a list of the
other."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import invoke, invoke_json

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "profiles" / "im_applicant.toml"


def _profile(tmp_path, specialties: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    path = tmp_path / "profile.toml"
    path.write_text(text.replace('specialties = ["Internal Medicine"]', f"specialties = {specialties}"),
                    encoding="utf-8")
    return path


def test_a_specialty_the_sheet_lacks_is_a_clear_error(tmp_path):
    result = invoke("solve", "--profile", _profile(tmp_path, '["Child Neurology"]'))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "applies to Child Neurology" in text and "has no Child Neurology programs" in text
    assert "Internal Medicine (" in text and "change applicant.specialties" in text
    assert "found" not in text and "Traceback" not in text


def test_one_missing_specialty_of_two_is_a_warning(tmp_path):
    result = invoke_json("solve", "--profile", _profile(tmp_path, '["Internal Medicine", "Child Neurology"]'))
    assert {p["specialty"] for p in result["programs"]} == {"Internal Medicine"}
