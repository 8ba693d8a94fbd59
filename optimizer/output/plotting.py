"""Charts of outcomes: the interview distribution of one list, and the budget frontier.

Plot functions take `ax=None` and return the axes; with no axes they draw on a new Figure rendered by Agg, without
pyplot, so no global matplotlib state changes. Only `save_figure` writes a file (the CLI calls it). matplotlib is
imported here and nowhere else, and only when a chart is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from optimizer.errors import InputError
from optimizer.output.writers import atomic_write, check_folder


INDEPENDENT_COLOR = "#1f77b4"
CORRELATED_COLOR = "#ff7f0e"
SHOWN_MASS = 0.999  # the x axis runs until this share of probability is shown


def _new_axes(figsize: tuple[float, float]):
    # matplotlib takes 0.25-0.55 s to import (measured): loaded only when this runs
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained").subplots()


def _percent(value: float) -> str:
    """A chance for a legend, to the tenth of a percent as the tables show it (2.5% stays 2.5%)."""
    return f"{100 * value:.1f}%"


def _last_shown_count(distribution) -> int:
    """The smallest n with P(N <= n) >= SHOWN_MASS, so long empty tails are not drawn."""
    total = 0.0
    for n, probability in enumerate(distribution):
        total += probability
        if total >= SHOWN_MASS:
            return n
    return len(distribution) - 1


# The two views of a list's outcomes, in words a doctor reads (no model jargon such as "latent SD").
INDEPENDENT_LABEL = "If programs decide independently"
CORRELATED_LABEL = "Allowing for how strong an applicant you are overall"


def plot_distribution(outcomes, ax=None, title: str | None = None):
    """Bars of P(N = n interviews) for a list's Outcomes: if programs decided independently (Poisson-binomial), and
    beside it, when the model has one, the correlated view (allowing for the applicant's overall strength), each
    from its own distribution, whichever is the headline.

    The legend gives each view's chance of at least 5 interviews and of matching. Returns the axes.
    """
    # matplotlib takes 0.25-0.55 s to import (measured): loaded only when this runs
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    if ax is None:
        ax = _new_axes((8, 4.5))
    independent, independent_at_least, independent_match = outcomes.independent_view
    independent = list(independent)
    correlated = list(outcomes.correlated_distribution) if outcomes.correlated_distribution is not None else None
    last = _last_shown_count(independent)
    if correlated is not None:
        last = max(last, _last_shown_count(correlated))
    counts = range(last + 1)
    width = 0.4 if correlated is not None else 0.8
    offset = width / 2 if correlated is not None else 0.0

    label = (f"{INDEPENDENT_LABEL}: at least 5 interviews {_percent(independent_at_least.get(5, 0.0))}, "
             f"match {_percent(independent_match)}")
    ax.bar([n - offset for n in counts], _padded(independent, last), width=width, color=INDEPENDENT_COLOR,
           label=label)
    if correlated is not None:
        label = (f"{CORRELATED_LABEL}: at least 5 interviews "
                 f"{_percent(outcomes.correlated_p_at_least.get(5, 0.0))}, "
                 f"match {_percent(outcomes.correlated_p_match)}")
        ax.bar([n + offset for n in counts], _padded(correlated, last), width=width, color=CORRELATED_COLOR,
               label=label)
    ax.set_xlabel("Number of interviews")
    ax.set_ylabel("Probability")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))  # 2.5% ticks keep their decimal
    ax.set_xlim(-0.6, last + 0.6)
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title(title if title is not None else
                 f"Interviews to expect: {outcomes.expected_interviews:.1f} on average")
    return ax


def _padded(distribution: list[float], last: int) -> list[float]:
    """P(N = 0..last), zeros past the end of a shorter distribution."""
    return (distribution + [0.0] * (last + 1))[:last + 1]


FRAME_MARGIN = 0.08  # share of an axis left empty above the highest value and below zero


def _padded_range(values: list[float], cap: float | None = None) -> tuple[float, float]:
    """(bottom, top) of a y axis from 0 to the values, with room above and below so no line sits on the frame."""
    top = max(values, default=0.0) or (cap or 1.0)
    top = top * (1 + FRAME_MARGIN) if cap is None else min(cap, top) * (1 + FRAME_MARGIN)
    return -top * FRAME_MARGIN / 2, top


def _field(point, name: str):
    return point.get(name) if isinstance(point, Mapping) else getattr(point, name, None)


def plot_frontier(points: Iterable, ax=None):
    """Expected interviews (left axis) and P(match) (right axis) against the budget in USD.

    `points` are dicts or objects with budget, expected_interviews and p_match; a point without a value (an
    infeasible budget) is left out of that line. Returns the left axes.
    """
    # matplotlib takes 0.25-0.55 s to import (measured): loaded only when this runs
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    if ax is None:
        ax = _new_axes((8, 4.5))
    rows = sorted(((_field(p, "budget"), _field(p, "expected_interviews"), _field(p, "p_match")) for p in points),
                  key=lambda row: row[0])
    interviews = [(budget, value) for budget, value, _ in rows if value is not None]
    matches = [(budget, value) for budget, _, value in rows if value is not None]

    left_line = ax.plot([b for b, _ in interviews], [v for _, v in interviews], marker="o",
                        color=INDEPENDENT_COLOR, label="Expected interviews")
    ax.set_xlabel("Budget (USD)")
    ax.set_ylabel("Expected interviews")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"${x:,.0f}"))
    ax.margins(x=0.05)  # the first and last budgets' markers off the frame
    ax.set_ylim(*_padded_range([v for _, v in interviews]))

    right = ax.twinx()
    right_line = right.plot([b for b, _ in matches], [v for _, v in matches], marker="s", linestyle="--",
                            color=CORRELATED_COLOR, label="P(match)")
    right.set_ylabel("P(match)")
    right.set_ylim(*_padded_range([v for _, v in matches], cap=1.0))
    right.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))

    lines = left_line + right_line
    ax.legend(lines, [line.get_label() for line in lines], loc="lower right", fontsize="small")
    ax.set_title("What each budget buys")
    return ax


PLOT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def check_plot_path(path: str | Path) -> Path:
    """Refuse, before any work, a chart name whose extension is not .png, .svg or .pdf, or whose folder cannot be
    written."""
    path = Path(path)
    if path.suffix.lower() not in PLOT_FORMATS:
        raise InputError(f"charts are written as PNG, SVG or PDF: give a name ending in .png, .svg or .pdf (found "
                         f"'{path.suffix or '(none)'}'), e.g. --plot chart.png.", file=str(path))
    return check_folder(path, "--plot")


def render_figure(ax_or_fig, path: str | Path) -> bytes:
    """The figure holding `ax_or_fig` (axes or figure), drawn in the format `path`'s extension names (.png, .svg or
    .pdf; anything else is an InputError). Drawing takes a while: a command with several outputs draws first and
    writes after, so Ctrl-C while drawing leaves no file."""
    path = check_plot_path(path)
    figure = ax_or_fig
    while not hasattr(figure, "savefig"):  # axes (or a subfigure) -> the figure that holds it
        figure = figure.figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format=PLOT_FORMATS[path.suffix.lower()], dpi=150)
    return buffer.getvalue()


def save_figure(ax_or_fig, path: str | Path) -> Path:
    """Write the figure holding `ax_or_fig` at `path` (see render_figure and write_drawn). Returns the path."""
    return write_drawn(render_figure(ax_or_fig, path), path)


def write_drawn(drawn: bytes, path: str | Path) -> Path:
    """Write a figure render_figure drew at `path`, atomically (writers.atomic_write: a reader never sees a
    half-written chart). Returns the path. A missing folder, no permission or a full disk is an InputError."""
    return atomic_write(check_plot_path(path), lambda stream: stream.write(drawn), "--plot")


def plot_reliability(bins_by_model: Mapping[str, list], ax=None):
    """A reliability diagram: per decile of predicted chance, the mean prediction (x) against the observed rate (y),
    one line per model ({"base": [ReliabilityBin, ...], "refit": [...]}); the diagonal is perfect calibration.
    Returns the axes."""
    # matplotlib takes 0.25-0.55 s to import (measured): loaded only when this runs
    from matplotlib.ticker import PercentFormatter

    if ax is None:
        ax = _new_axes((6, 5))
    top = max([b.predicted for bins in bins_by_model.values() for b in bins]
              + [b.observed for bins in bins_by_model.values() for b in bins] + [0.05])
    top = min(1.0, top * 1.1)
    ax.plot([0, top], [0, top], color="#999999", linestyle="--", linewidth=1, label="perfect calibration")
    for (name, bins), color in zip(bins_by_model.items(), (INDEPENDENT_COLOR, CORRELATED_COLOR, "#2ca02c")):
        ax.plot([b.predicted for b in bins], [b.observed for b in bins], marker="o", color=color, label=name)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("Predicted interview chance (mean of each tenth of applications)")
    ax.set_ylabel("Observed interview rate")
    ax.set_title("Predicted against observed, held-out applications")
    ax.legend(loc="upper left", fontsize="small")
    return ax
