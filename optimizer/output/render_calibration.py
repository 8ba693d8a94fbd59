"""`smartpick calibration`: the model against the published 2026 outcomes, as Markdown tables (lines of text)."""

from __future__ import annotations

from optimizer.studies import calibration as cal


def calibration_check_lines(lists, model) -> list[str]:
    """Every check of optimizer.studies.calibration for the reference population's `lists` under `model`."""
    out = [
        "Reference population: data/calibration/reference_population.toml (non-US IMGs, Step 2 CK spread over",
        "the published score mixture; J-1, 2 years since graduation, 3 months USCE outside Illinois, $3,000,",
        "80-120 programs, signals on, bundled data). Targets: data/calibration/targets.toml.", "",
        "| specialty | figure | SmartPick | published | band | within |", "|---|---|---|---|---|---|"]
    for r in cal.check_rows(lists, model):
        fmt = ((lambda v: f"{v:.1f}") if "interviews" in r.name else (lambda v: f"{v:+.1f} points")
               if "Step 2 CK, matched" in r.name else (lambda v: f"{v:.1%}"))
        published = fmt(r.published) if r.published is not None else "-"
        out.append(f"| {r.specialty} | {r.name} | {fmt(r.model)} | {published} | {fmt(r.band[0])}-{fmt(r.band[1])} "
                   f"| {'yes' if r.within else 'NO'} |")
    out += ["", "Match curve, non-US IMGs (P(match | n ranks)): bundled against derived from NRMP Charting Outcomes 2026",
            "| ranks | bundled | derived | difference |", "|---|---|---|---|"]
    out += [f"| {n} | {bundled:.2f} | {derived:.2f} | {bundled - derived:+.2f} |"
            for n, bundled, derived in cal.curve_rows()]
    ranges = cal.range_rows(lists, model)
    if ranges:
        out += ["", "The range beside every P(match) (10th-90th percentile over 40 versions of the model: refits of the",
                "fitted figures on resampled targets, and every assumed figure drawn from its prior in data/model.toml",
                "[priors]), averaged over the reference population, against the published rate:",
                "| specialty | published | SmartPick | mean range | published inside |", "|---|---|---|---|---|"]
        out += [f"| {r['specialty']} | {r['published']:.1%} | {r['model']:.1%} | {r['low']:.1%}-{r['high']:.1%} | "
                f"{'yes' if r['inside'] else 'NO'} |" for r in ranges]
    curves = cal.specialty_curve_rows()
    ranks = curves[0]["ranks"]
    out += ["", "Match curves per specialty, non-US IMGs: P(match | n ranks), each derived from the specialty's own",
            "published ranks of matched and not-matched applicants (NRMP Charting Outcomes 2026; optimizer/model/",
            "published.py). Specialties with fewer than 300 applicants have their fitted level and score slope",
            "partially pooled toward the larger specialties' (marked).",
            "| specialty | applicants | " + " | ".join(f"{n} rank{'s' if n > 1 else ''}" for n in ranks) + " |",
            "|---|---|" + "---|" * len(ranks)]
    out += [f"| {r['specialty']}{' (pooled)' if r['pooled'] else ''} | {r['preferred']:,} | "
            + " | ".join(f"{v:.2f}" for v in r["values"]) + " |" for r in curves]
    kinds = [label for label, _, _ in cal.KINDS]
    out += ["", "US IMGs (assumed: no visa needed, and the match curve raised by data/match_curves.toml [us_img]):",
            "the reference applicant at the specialty's median Step 2 CK. Published raw gap, all specialties (NRMP",
            "2023-2025): US IMGs 8-10 points ahead of non-US IMGs, with lower average scores.",
            "| specialty | Step 2 CK | " + " | ".join(kinds) + " |", "|---|---|" + "---|" * len(kinds)]
    out += [f"| {r['specialty']} | {r['step2ck']} | " + " | ".join(f"{r[k]:.1%}" for k in kinds) + " |"
            for r in cal.us_img_rows(model)]
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
