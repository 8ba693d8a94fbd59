"""`smartpick calibration`: the model against the published 2026 outcomes, as Markdown tables (lines of text)."""

from __future__ import annotations

from optimizer.model import calibration as cal


def calibration_lines(lists, model) -> list[str]:
    """Every check of optimizer.model.calibration for the reference population's `lists` under `model`."""
    out = [
        "Reference population: data/calibration/reference_population.toml (non-US IMGs, Step 2 CK spread over",
        "the published score mixture; J-1, 2 years since graduation, 3 months USCE outside Illinois, $3,000,",
        "80-120 programs, signals on, bundled data). Targets: data/calibration/targets.toml.", "",
        "| specialty | figure | SmartPick | published | band | within |", "|---|---|---|---|---|---|"]
    for r in cal.check_rows(lists, model):
        fmt = (lambda v: f"{v:.1f}") if "interviews" in r.name else (lambda v: f"{v:.1%}")
        published = fmt(r.published) if r.published is not None else "-"
        out.append(f"| {r.specialty} | {r.name} | {fmt(r.model)} | {published} | {fmt(r.band[0])}-{fmt(r.band[1])} "
                   f"| {'yes' if r.within else 'NO'} |")
    out += ["", "Match curve, non-US IMGs (P(match | n ranks)): bundled against derived from NRMP Charting Outcomes 2026",
            "| ranks | bundled | derived | difference |", "|---|---|---|---|"]
    out += [f"| {n} | {bundled:.2f} | {derived:.2f} | {bundled - derived:+.2f} |"
            for n, bundled, derived in cal.curve_rows()]
    out += ["", "Interview capacity (checked, not fitted): the population's predicted interviews against the interviews",
            "programs give non-US IMGs (positions x 12 interviews per position x non-US IMG share of filled positions).",
            "| specialty | predicted interviews | IMG interview slots | ratio |", "|---|---|---|---|"]
    out += [f"| {r['specialty']} | {r['predicted_interviews']:,.0f} | {r['img_interview_slots']:,.0f} | "
            f"{r['ratio']:.2f} |" for r in cal.capacity_rows(lists, model)]
    out += ["", "What the optimized list adds (same model): the population on SmartPick's lists, and on lists of the same",
            "size drawn at random from the programs open to each applicant. NRMP's figures describe the applicants' own",
            "lists, which lie between the two. The fit puts the population on SmartPick's lists: if people's own lists",
            "are worse, the real chance at each program is higher than fitted, so SmartPick's figures are, if anything,",
            "cautious.",
            "| specialty | SmartPick's lists: P(match) | random lists: P(match) | interviews (SmartPick / random) |",
            "|---|---|---|---|"]
    out += [f"| {r['specialty']} | {r['smartpick_p_match']:.1%} | {r['random_p_match']:.1%} | "
            f"{r['smartpick_interviews']:.1f} / {r['random_interviews']:.1f} |" for r in cal.random_list_rows(lists, model)]
    out += ["", "Worked examples of the advice (bundled data, each with the list size the applicant used):",
            "| applicant | programs | reported | SmartPick expects | P(at least what was reported) | P(match) (range) |",
            "|---|---|---|---|---|---|"]
    out += [f"| {w.label} | {w.programs} | {w.reported} interviews | {w.expected_interviews:.1f} interviews | "
            f"{w.p_at_least_reported:.0%} | {w.p_match:.0%} ({w.p_match_range[0]:.0%}-{w.p_match_range[1]:.0%}) |"
            for w in cal.worked_examples(model)]
    return out
