"""Result files a person opens: a list as CSV, an Excel workbook (a sheet per list plus a summary) or JSON.

CSV holds the first table (the list; for scenarios and compare, the summary), JSON the command's `--json` payload,
and XLSX every table (see workbook.py for the formats).
"""

from __future__ import annotations

from pathlib import Path

from optimizer.output.render import program_rows
from optimizer.output.workbook import Value
from optimizer.output.writers import write_table
from optimizer.studies.compare import comparison_summary_rows, overlap_rows, portfolio_rows, unmatched_rows


def solve_summary_rows(payload: dict) -> list[dict]:
    """The solve summary as item/value rows for a spreadsheet (numbers stay numbers, formatted per row)."""
    at_least = payload.get("p_at_least") or {}
    correlated = payload.get("correlated") or {}
    rows = [
        ("Status", payload["status"]), ("Objective", payload["objective_kind"]),
        ("Objective value", Value(payload["objective"], "decimal")), ("Programs", payload["count"]),
        ("Cost", Value(payload["cost"], "money")), ("Budget", Value(payload["budget"], "money")),
        ("Expected interviews", Value(payload["expected_interviews"], "decimal")),
        ("P(at least 5 interviews)", Value(at_least.get("5"), "percent")),
        ("P(match)", Value(payload["p_match"], "percent")),
    ]
    low_high = payload.get("p_match_range")
    if low_high:
        rows += [("P(match), model range: low", Value(low_high[0], "percent")),
                 ("P(match), model range: high", Value(low_high[1], "percent"))]
    if payload.get("population_p_match") is not None:
        rows += [("Applicants like you: matched", Value(payload["population_p_match"], "percent")),
                 ("Applicants like you: who", payload.get("population_group")),
                 ("Applicants like you: source", payload.get("population_source"))]
    if correlated:
        rows.append(("P(match), correlated view", Value(correlated.get("p_match"), "percent")))
    rows += [
        ("Tiers", ", ".join(f"{k} {v}" for k, v in payload["tier_mix"].items())),
        ("Regions", ", ".join(f"{k} {v}" for k, v in payload["region_mix"].items())),
        ("Limits reached", "; ".join(payload["binding"]) or "none"),
        ("Fee season", payload.get("season")),
    ]
    if payload.get("rank_assumption"):
        rows.append(("Assumption", payload["rank_assumption"]))
    rows += [("Note", n) for n in payload["notes"]]
    rows += [("Warning", w) for w in payload.get("warnings", ())]
    return [{"item": k, "value": v} for k, v in rows]


def solution_sheets(plan, payload: dict) -> dict[str, list[dict]]:
    """The tables of a solved list's workbook: the list, then the summary."""
    return {"Application list": program_rows(plan), "Summary": solve_summary_rows(payload)}


def write_solution(path: str | Path, inputs, plan, payload: dict) -> Path:
    return write_table(path, solution_sheets(plan, payload), payload)


def write_scenarios(path: str | Path, results, payload: dict) -> Path:
    """`scenarios run --out`: the side-by-side summary, then each solved scenario's list on a sheet of its own."""
    sheets = {"Summary": payload["scenarios"]}
    for result in results:
        if result.plan is not None:
            sheets[result.name] = program_rows(result.plan)
    return write_table(path, sheets, payload)


def write_comparison(path: str | Path, comparison, payload: dict) -> Path:
    """`compare --out`: the summary (a row per list), the overlap, each list re-evaluated, and rows not matched."""
    sheets = {"Summary": comparison_summary_rows(comparison), "Overlap": overlap_rows(comparison)}
    for portfolio in comparison.portfolios:
        sheets[portfolio.name] = portfolio_rows(portfolio)
    unmatched = unmatched_rows(comparison)
    if unmatched:
        sheets["Rows not matched"] = unmatched
    sheets["Notes"] = [{"note": note} for note in payload["notes"]]
    return write_table(path, sheets, payload)
