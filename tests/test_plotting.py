"""Tests for optimizer/output/plotting.py: charts draw, and save_figure writes a real PNG atomically."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from optimizer.errors import InputError
from optimizer.model.outcomes import MatchCurve, evaluate
from optimizer.output.plotting import plot_distribution, plot_frontier, save_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def setup_outcomes(sigma=None):
    curve = MatchCurve.from_dict({"applicant_type": "non-US IMG", "specialty": "all", "year": 2024,
                                  "source": "test fixture", "assumption": True, "note": "",
                                  "ranks": [1, 5, 10], "p_match": [0.35, 0.7, 0.85]})
    p = np.random.default_rng(1).uniform(0.0, 0.2, 100)
    return evaluate(p, curve, sigma=sigma)


def assert_png(path):
    data = path.read_bytes()
    assert len(data) > 1000
    assert data.startswith(PNG_SIGNATURE)


def test_distribution_chart_with_both_views(tmp_path):
    ax = plot_distribution(setup_outcomes(sigma=0.8), title="My list")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert len(labels) == 2 and all("at least 5 interviews" in t and "match" in t and "%" in t for t in labels)
    assert ax.get_xlabel() == "Number of interviews" and ax.get_ylabel() == "Probability"
    assert ax.get_title() == "My list"
    written = save_figure(ax, tmp_path / "distribution.png")
    assert_png(written)
    assert [p.name for p in tmp_path.iterdir()] == ["distribution.png"]  # no temporary file left behind


def test_distribution_chart_independent_only_on_given_axes(tmp_path):
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.subplots()
    assert plot_distribution(setup_outcomes(), ax=ax) is ax
    assert len(ax.get_legend().get_texts()) == 1
    assert_png(save_figure(figure, tmp_path / "independent.png"))


def test_frontier_chart_from_dicts_and_objects(tmp_path):
    points = [{"budget": 2500, "expected_interviews": 9.1, "p_match": 0.8},
              SimpleNamespace(budget=1500, expected_interviews=6.0, p_match=0.66),
              {"budget": 500, "expected_interviews": None, "p_match": None}]  # an infeasible budget
    ax = plot_frontier(points)
    assert ax.get_xlabel() == "Budget (USD)"
    ax.figure.canvas.draw()
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert any(t.startswith("$") and "," in t for t in ticks), ticks
    assert list(ax.get_lines()[0].get_xdata()) == [1500, 2500]
    target = tmp_path / "frontier.png"
    target.write_bytes(b"old chart")
    assert_png(save_figure(ax, target))


def test_saving_into_a_missing_folder_is_an_input_error(tmp_path):
    ax = plot_distribution(setup_outcomes())
    with pytest.raises(InputError, match="does not exist"):
        save_figure(ax, tmp_path / "no such folder" / "chart.png")


@pytest.mark.parametrize("name, magic", [("chart.png", b"\x89PNG"), ("chart.svg", b"<?xml"),
                                         ("chart.PDF", b"%PDF")])
def test_a_chart_is_written_in_the_format_its_name_says(tmp_path, name, magic):
    written = save_figure(plot_distribution(setup_outcomes()), tmp_path / name)
    assert written.read_bytes().startswith(magic)


def test_a_chart_name_without_a_known_format_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"\.png, \.svg or \.pdf"):
        save_figure(plot_distribution(setup_outcomes()), tmp_path / "chart.jpg")
    assert list(tmp_path.iterdir()) == []


def test_chart_labels_keep_the_precision_of_their_values():
    outcomes = setup_outcomes()
    ax = plot_distribution(outcomes)
    figure = ax.figure
    figure.canvas.draw()
    legend = ax.get_legend().get_texts()[0].get_text()
    assert f"{100 * outcomes.p_match:.1f}%" in legend
    for tick, value in zip(ax.get_yticklabels(), ax.get_yticks()):
        shown = float(tick.get_text().replace("%", "").replace("\u2212", "-"))
        assert shown == pytest.approx(100 * value, abs=1e-6), (tick.get_text(), value)


@pytest.mark.parametrize("headline", ["independent", "correlated"])
def test_the_two_series_are_each_their_own_view_in_words(headline):
    """The bars and the figures of each label come from that view's own distribution, whichever view the model
    puts first (the calibrated model's headline is the correlated one); no model jargon in the legend."""
    outcomes = setup_outcomes(sigma=0.8)
    independent, correlated = list(outcomes.distribution), list(outcomes.correlated_distribution)
    assert independent != correlated
    if headline == "correlated":
        outcomes = outcomes.correlated_headline()
    ax = plot_distribution(outcomes)
    first, second = ax.containers
    assert [bar.get_height() for bar in first] == pytest.approx(independent[:len(first)])
    assert [bar.get_height() for bar in second] == pytest.approx(correlated[:len(second)])
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[0].startswith("If programs decide independently:")
    assert labels[1].startswith("Allowing for how strong an applicant you are overall:")
    plain = outcomes.independent_view
    assert f"match {100 * plain[2]:.1f}%" in labels[0]
    assert f"at least 5 interviews {100 * plain[1][5]:.1f}%" in labels[0]
    assert f"match {100 * outcomes.correlated_p_match:.1f}%" in labels[1]
    assert not any("latent" in label.lower() or "SD" in label for label in labels)
