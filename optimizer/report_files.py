"""Result files a person opens: the chosen list as CSV, an Excel workbook (list + summary) or JSON."""

from __future__ import annotations

from pathlib import Path

from optimizer.render import money, pct, program_rows
from optimizer.writers import write_table


def summary_rows(payload: dict) -> list[dict]:
    """The solve summary as label/value rows for a spreadsheet."""
    rows = [
        ("Status", payload["status"]), ("Objective", payload["objective_kind"]),
        ("Objective value", payload["objective"]), ("Programs", payload["count"]),
        ("Cost", money(payload["cost"])), ("Budget", money(payload["budget"])),
        ("Expected interviews", payload["expected_interviews"]),
        ("P(at least 5 interviews)", pct((payload["p_at_least"] or {}).get("5"))),
        ("P(match)", pct(payload["p_match"])),
        ("Tiers", ", ".join(f"{k} {v}" for k, v in payload["tier_mix"].items())),
        ("Regions", ", ".join(f"{k} {v}" for k, v in payload["region_mix"].items())),
        ("Limits reached", "; ".join(payload["binding"])),
    ]
    rows += [("Note", n) for n in payload["notes"]]
    return [{"item": k, "value": v} for k, v in rows]


def write_solution(path: str | Path, inputs, plan, payload: dict) -> Path:
    rows = program_rows(plan)
    return write_table(path, {"Application list": rows, "Summary": summary_rows(payload)}, payload)
