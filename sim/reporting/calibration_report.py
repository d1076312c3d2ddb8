"""Charts and the report of a calibration (``run.py calibrate``).

Built from the tidy tables the command writes: the posterior particles
(free values and weights), the per-target predictive table and the
generations. The report is one self-contained HTML page (plotly.js embedded
once) in English or Chinese.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.reporting import i18n
from sim.reporting.pages import figure_divs, provenance_section, write_page
from sim.reporting.style import color, figure_title, format_number, style_figure


def marginals_figure(
    posterior: pd.DataFrame, free: Mapping[str, tuple[float, float]], lang: str = "en"
) -> go.Figure:
    """Weighted histogram of each free parameter over its prior range (the prior is flat)."""
    names = list(free)
    fig = make_subplots(rows=1, cols=len(names), horizontal_spacing=0.08)
    weights = posterior["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    for k, name in enumerate(names, start=1):
        low, high = free[name]
        edges = np.linspace(low, high, 16)
        density, _ = np.histogram(posterior[name], bins=edges, weights=weights)
        fig.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=density,
                width=np.diff(edges),
                marker={"color": color(0)},
                name=i18n.t("cal_posterior", lang),
                showlegend=k == 1,
                hovertemplate="%{x:.3g}: %{y:.2f}<extra></extra>",
            ),
            row=1,
            col=k,
        )
        fig.add_trace(
            go.Scatter(
                x=[low, high],
                y=[1 / 15, 1 / 15],
                mode="lines",
                line={"color": "#888", "dash": "dash"},
                name=i18n.t("cal_prior", lang),
                showlegend=k == 1,
                hoverinfo="skip",
            ),
            row=1,
            col=k,
        )
        fig.update_xaxes(title=i18n.parameter_label(name, lang), range=[low, high], row=1, col=k)
    style_figure(fig, height=360)
    fig.update_layout(
        title=figure_title(i18n.t("cal_marginals_title", lang), i18n.t("cal_marginals_note", lang)),
        hovermode="closest",
        bargap=0,
    )
    fig.update_yaxes(title=i18n.t("cal_share", lang), row=1, col=1)
    return fig


def pairs_figure(
    posterior: pd.DataFrame, free: Mapping[str, tuple[float, float]], lang: str = "en"
) -> go.Figure:
    """Every pair of free parameters (a lower-triangle pair plot): particles sized by weight.

    Axes span the prior ranges, so a cloud filling its panel is a pair the
    data did not separate, and a diagonal band a combination they constrain
    (one parameter trading off against the other).
    """
    names = list(free)
    n = len(names) - 1
    weights = posterior["weight"].to_numpy(dtype=float)
    size = 3 + 9 * weights / weights.max()
    fig = make_subplots(rows=n, cols=n, horizontal_spacing=0.03, vertical_spacing=0.03)
    for row in range(1, n + 1):
        second = names[row]
        for col in range(1, n + 1):
            if col > row:
                fig.update_xaxes(visible=False, row=row, col=col)
                fig.update_yaxes(visible=False, row=row, col=col)
                continue
            first = names[col - 1]
            fig.add_trace(
                go.Scatter(
                    x=posterior[first],
                    y=posterior[second],
                    mode="markers",
                    marker={"size": size, "color": color(0), "opacity": 0.5},
                    showlegend=False,
                    hovertemplate=f"{first} %{{x:.3g}}, {second} %{{y:.3g}}<extra></extra>",
                ),
                row=row,
                col=col,
            )
            fig.update_xaxes(
                title=i18n.parameter_label(first, lang) if row == n else None,
                range=list(free[first]),
                showticklabels=row == n,
                row=row,
                col=col,
            )
            fig.update_yaxes(
                title=i18n.parameter_label(second, lang) if col == 1 else None,
                range=list(free[second]),
                showticklabels=col == 1,
                row=row,
                col=col,
            )
    style_figure(fig, height=max(380, 190 * n))
    fig.update_layout(title=figure_title(i18n.t("cal_pairs_title", lang)), hovermode="closest")
    return fig


def predictive_figure(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Per target: prior and posterior predictive 90% intervals, and the observed value.

    Each target is scaled by its tolerance around the observation, so targets
    of different units share one axis: 0 is the observed value, ±1 one tolerance.
    """
    fig = go.Figure()
    labels = [
        t + (f" ({i18n.t('cal_held_out', lang)})" if h else "")
        for t, h in zip(table["target"], table["held_out"], strict=True)
    ]
    scale = table["tolerance"].to_numpy(dtype=float)
    observed = table["observed"].to_numpy(dtype=float)
    for i, kind in enumerate(("prior", "posterior")):
        mean = (table[f"{kind}_mean"].to_numpy() - observed) / scale
        low = (table[f"{kind}_q05"].to_numpy() - observed) / scale
        high = (table[f"{kind}_q95"].to_numpy() - observed) / scale
        offset = -0.15 if kind == "prior" else 0.15  # prior above, posterior below
        fig.add_trace(
            go.Scatter(
                x=mean,
                y=np.arange(len(labels)) + offset,
                customdata=labels,
                mode="markers",
                name=i18n.t(f"cal_{kind}_predictive", lang),
                marker={"color": color(i + 1 if kind == "prior" else 0), "size": 10},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": high - mean,
                    "arrayminus": mean - low,
                },
                hovertemplate="%{customdata}: %{x:.2f}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#222", "width": 1})
    style_figure(fig, height=120 + 70 * len(table))
    fig.update_layout(
        title=figure_title(
            i18n.t("cal_predictive_title", lang), i18n.t("cal_predictive_note", lang)
        ),
        hovermode="closest",
    )
    fig.update_xaxes(title=i18n.t("cal_in_tolerances", lang))
    fig.update_yaxes(
        tickvals=list(range(len(labels))), ticktext=labels, autorange="reversed", showgrid=False
    )
    return fig


def epsilon_figure(generations: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Epsilon (the acceptance distance) per generation."""
    fig = go.Figure(
        go.Scatter(
            x=generations["t"] + 1,
            y=generations["epsilon"],
            mode="lines+markers",
            marker={"color": color(0)},
            hovertemplate="%{x}: %{y:.3g}<extra></extra>",
        )
    )
    style_figure(fig, height=320)
    fig.update_layout(title=figure_title(i18n.t("cal_epsilon_title", lang)), hovermode="closest")
    fig.update_xaxes(title=i18n.t("cal_generation", lang), dtick=1)
    fig.update_yaxes(title="epsilon")
    return fig


def calibration_figures(
    posterior: pd.DataFrame,
    free: Mapping[str, tuple[float, float]],
    table: pd.DataFrame,
    generations: pd.DataFrame,
    lang: str = "en",
) -> dict[str, go.Figure]:
    """Every chart of a calibration report, keyed by a file stem."""
    figures = {"posterior_marginals": marginals_figure(posterior, free, lang)}
    if len(free) > 1:
        figures["posterior_pairs"] = pairs_figure(posterior, free, lang)
    figures["predictive_checks"] = predictive_figure(table, lang)
    figures["epsilon"] = epsilon_figure(generations, lang)
    return figures


def _table(frame: pd.DataFrame, columns: Mapping[str, str]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns.values())
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for key in columns:
            value = row[key]
            if isinstance(value, bool | np.bool_):
                text = "✓" if value else "–"
            elif isinstance(value, float | np.floating):
                text = format_number(float(value))
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def write_calibration_report(
    out_dir: Path,
    *,
    description: str,
    posterior: pd.DataFrame,
    free: Mapping[str, tuple[float, float]],
    summary: pd.DataFrame,
    table: pd.DataFrame,
    generations: pd.DataFrame,
    lang: str = "en",
    provenance: Mapping[str, Any] | None = None,
    correlations: pd.DataFrame | None = None,
) -> Path:
    """Write ``report.html`` (``report_zh.html`` in Chinese) into the calibration folder.

    ``provenance`` (``sim.experiments.provenance.code_record`` and the seeds)
    is shown at the end of the page.
    """
    figures = calibration_figures(posterior, free, table, generations, lang)
    divs = figure_divs(list(figures.values()))
    t = lambda key: i18n.t(key, lang)  # noqa: E731 - a short alias in one function
    body = [
        f"<h1>{html.escape(t('cal_title'))}</h1>",
        f"<p>{html.escape(description)}</p>",
        f"<p class='note'>{html.escape(t('cal_method'))}</p>",
        f"<h2>{html.escape(t('cal_parameters'))}</h2>",
        _table(
            summary.assign(parameter=[i18n.parameter_label(p, lang) for p in summary["parameter"]]),
            {
                "parameter": t("disc_parameter"),
                "prior_low": t("cal_prior_low"),
                "prior_high": t("cal_prior_high"),
                "posterior_mean": t("cal_posterior_mean"),
                "posterior_q05": "5%",
                "posterior_q95": "95%",
                "narrowing": t("cal_narrowing"),
            },
        ),
        *(
            [
                f"<h2>{html.escape(t('cal_correlations'))}</h2>",
                _table(
                    correlations,
                    {
                        "first": t("disc_parameter"),
                        "second": t("disc_parameter"),
                        "correlation": t("cal_correlation"),
                    },
                ),
            ]
            if correlations is not None and len(correlations)
            else []
        ),
        f"<h2>{html.escape(t('cal_targets'))}</h2>",
        _table(
            table,
            {
                "target": t("cal_target"),
                "outcome": t("disc_outcome"),
                "observed": t("cal_observed"),
                "held_out": t("cal_held_out"),
                "prior_mean": t("cal_prior_mean"),
                "prior_q05": "5%",
                "prior_q95": "95%",
                "posterior_mean": t("cal_posterior_mean"),
                "posterior_q05": "5%",
                "posterior_q95": "95%",
                "posterior_covers": t("cal_covers"),
                "source": t("cal_source"),
                "mapping": t("cal_mapping"),
                "regime_description": t("cal_regime"),
            },
        ),
        f"<h2>{html.escape(t('cal_generations'))}</h2>",
        _table(
            generations,
            {
                "t": t("cal_generation"),
                "epsilon": t("cal_epsilon"),
                "particles": t("cal_particles"),
                "samples": t("cal_samples"),
            },
        ),
        *(f"<div class='fig'>{d}</div>" for d in divs),
    ]
    if provenance:
        body.append(provenance_section(provenance, lang))
    name = "report_zh.html" if lang == "zh" else "report.html"
    return write_page(out_dir / name, t("cal_title"), "\n".join(body) + "\n", lang=lang)
