"""One parser per rule: the objective, budgets, counts of programs and tier bands, as users type them.

Each function takes what a person wrote (a TOML value or a command-line string) and returns the canonical value, or
raises ParseError saying what is wrong in words that read after the name of the place ("must be 0 or more"). Each
door adds the place: the profile its file and key (profile.py, and so the scenario files), the command line its
flag (cli.py). So a value the profile accepts is one the flag accepts, and the other way round.
"""

from __future__ import annotations

import math
import re

MAX_BUDGET_USD = 10_000_000  # beyond any applicant's fees: a larger figure is a typo
AT_LEAST_K = (1, 60)  # P(at least K interviews): nobody applies expecting more than 60
MAX_FRONTIER_POINTS = 1000
OBJECTIVE_HELP = ('write "interviews" (most expected interviews), "match" (best chance of matching) or "at-least:K" '
                  '(best chance of K or more interviews, e.g. "at-least:8")')


class ParseError(ValueError):
    """A value that cannot be read; the message says what is wrong and how to write it, without the place."""


def parse_number(value) -> float | None:
    """A finite number from a number or a numeric string ("2,500", "$2500", "1,500 USD"); None otherwise (and for
    booleans, which TOML keeps apart from numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = re.sub(r"[\s,$_]|usd|us\$", "", value.lower())
        try:
            value = float(text)
        except ValueError:
            return None
    if isinstance(value, int) and abs(value) < 10**15:
        return float(value)
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def parse_budget(value) -> float:
    """A budget in US dollars, from 0 to MAX_BUDGET_USD: 2500, 2500.0, "2500", "$2,500", "2,500 USD"."""
    number = parse_number(value) if not isinstance(value, (list, dict)) else None
    if number is None:
        raise ParseError("must be a number")
    if number < 0:
        raise ParseError("must be 0 or more")
    if number > MAX_BUDGET_USD:
        raise ParseError(f"must be at most {MAX_BUDGET_USD:,}")
    return number


def parse_budget_list(text: str) -> list[float]:
    """The frontier's budgets, sorted and without repeats: 'LOW:HIGH:STEP' (HIGH included when it lies on the step)
    or 'A,B,C'. Inside a list the comma separates budgets, so write 1500 rather than 1,500 there; a lone "$1,500"
    is one budget."""
    def budget(part: str) -> float:
        try:
            return parse_budget(part)
        except ParseError as error:
            raise ParseError(f"'{part.strip()}' {error} of US dollars from 0 to {MAX_BUDGET_USD:,}, e.g. "
                             "1000:3000:100 or 1500,2000,2500") from None

    text = str(text).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ParseError(f"'{text}': a range is LOW:HIGH:STEP, e.g. 1000:3000:100")
        low, high, step = (budget(p) for p in parts)
        if step <= 0 or high < low:
            raise ParseError(f"'{text}': STEP must be above 0 and HIGH at least LOW")
        count = int((high - low) / step + 1e-9) + 1
        if count > MAX_FRONTIER_POINTS:
            raise ParseError(f"'{text}' gives {count:,} budgets; use at most {MAX_FRONTIER_POINTS:,} (a larger STEP)")
        return [round(low + i * step, 6) for i in range(count)]
    if re.fullmatch(r"\$?\s*\d{1,3}(,\d{3})+(\.\d+)?(\s*usd)?", text, re.IGNORECASE):
        return [budget(text)]  # one amount with thousands separators ("$1,500"), not the budgets 1 and 500
    values = [budget(p) for p in text.replace(";", ",").split(",") if p.strip()]
    if not values:
        raise ParseError("no budget given: write 1000:3000:100 or 1500,2000,2500")
    return sorted(set(values))


def parse_objective(value) -> str:
    """"interviews", "match" or "at-least:K" (K from AT_LEAST_K), from those or friendlier spellings
    ("expected interviews", "chance of matching", "at least 8 interviews"). Nothing (None, "") means interviews."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "interviews"
    text = " ".join(value.lower().split()) if isinstance(value, str) else ""
    if text in ("interviews", "expected interviews", "interview"):
        return "interviews"
    if text in ("match", "p_match", "p match", "match probability", "chance of matching"):
        return "match"
    at_least = re.fullmatch(r"at[\s_\-]*least[\s:=_\-]*(\d+)(?:\s*interviews?)?", text)
    if at_least and re.search(r"[:=]\s*-\s*\d", text):  # at-least:-3 is not at-least:3
        low, high = AT_LEAST_K
        raise ParseError(f"at-least:K takes K, the number of interviews, as a positive whole number from {low} to "
                         f'{high}, e.g. "at-least:8"')
    if not at_least:
        raise ParseError(OBJECTIVE_HELP)
    k, (low, high) = int(at_least.group(1)), AT_LEAST_K
    if not low <= k <= high:
        raise ParseError(f"at-least:K takes K, the number of interviews, as a whole number from {low} to {high}, "
                         'e.g. "at-least:8"')
    return f"at-least:{k}"


def objective_parts(canonical: str) -> tuple[str, int | None]:
    """("at-least", 8) from "at-least:8"; ("match", None) from "match"."""
    kind, _, k = canonical.partition(":")
    return kind, int(k) if k else None


def parse_whole(value, lowest: int = 0) -> int:
    """A whole number, `lowest` or more (a count of programs, letters, failed attempts): 80, "80", 80.0."""
    number = parse_number(value) if not isinstance(value, (list, dict)) else None
    if number is None or number != int(number):
        raise ParseError("must be a whole number")
    if number < lowest:
        raise ParseError(f"must be at least {lowest}")
    return int(number)


def parse_band(value) -> tuple[float, float]:
    """A tier's [smallest, largest] share of the list, from 0 to 1: [0.2, 0.3]; [20, 30] in percent is read as
    [0.20, 0.30]."""
    numbers = [parse_number(v) if not isinstance(v, str) else None for v in value] if isinstance(value, list) else []
    if len(numbers) != 2 or None in numbers:
        raise ParseError("write the smallest and largest share of your list as two numbers")
    if all(n == int(n) for n in numbers) and 1 < max(numbers) <= 100:
        numbers = [n / 100 for n in numbers]
    low, high = numbers
    if not 0 <= low <= high <= 1:
        raise ParseError("the shares must run from 0 to 1, smallest first")
    return (low, high)
