"""Charts of a parameter sweep: an outcome against one parameter, or over two.

Built from one row per run with parameter and outcome columns and styled by
``sim.reporting.style.style_figure``; texts come from ``sim.reporting.i18n``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from sim.analysis.statistics import CONFIDENCE, summarize
from sim.reporting import i18n
from sim.reporting.outcome_charts import add_mean_lines
from sim.reporting.style import color, confidence_label, figure_title, style_figure


def sweep_line_figure(
    frame: pd.DataFrame,
    param_x: str,
    outcome: str,
    *,
    group: str | None = None,
    label: str | None = None,
    unit: str | None = None,
    param_label: str | None = None,
    confidence: float = CONFIDENCE,
    lang: str = "en",
) -> go.Figure:
    """An outcome against one parameter: mean and CI over runs at each value.

    Args:
        frame: Tidy, one row per run, with columns ``param_x`` and ``outcome``
            (and ``group`` if given); several rows per value are averaged.
        param_x: Parameter column on the x axis.
        outcome: Outcome column on the y axis.
        group: Column giving one line per value (e.g. ``"scenario"``).
        label: Outcome title (default: its label in ``lang``).
        unit: Y-axis title (default: the outcome's unit in ``lang``).
        param_label: X-axis title (default: the parameter's label and unit in
            ``lang``, e.g. ``review_capacity (proposals per month per government)``).
        confidence: Confidence level of the band.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure: per line a CI band trace (when some value has two
        runs or more) and a line-and-marker trace of the means.
    """
    label = label or i18n.outcome_label(outcome, lang)
    unit = i18n.outcome_unit(outcome, lang) if unit is None else unit
    if group and _is_parameter(group):
        # Name each line after its parameter value ("review_authority = 0.2"), in value order.
        frame = frame.sort_values(group).assign(
            **{
                group: [
                    f"{i18n.parameter_label(group, lang)} = {v:g}"
                    for v in frame.sort_values(group)[group]
                ]
            }
        )
    by = [group, param_x] if group else [param_x]
    summary = summarize(frame, by, [outcome], confidence)
    fig = go.Figure()
    add_mean_lines(fig, summary, param_x, group, confidence, lang, mode="lines+markers")
    param_label = param_label or _parameter_title(param_x, lang)
    fig.update_layout(
        title=figure_title(
            i18n.t("sweep_title", lang, label=label, param=param_label),
            i18n.t("mean_ci", lang, level=confidence_label(confidence)),
        ),
        hovermode="closest",
    )
    style_figure(fig)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(title_text=param_label)
    _integer_axis(fig, frame[param_x], param_x)
    fig.update_yaxes(title_text=i18n.label_with_unit(label, unit or "", lang))
    return fig


def _integer_axis(fig: go.Figure, values: pd.Series, name: str) -> None:
    """Whole-number ticks for an integer parameter, the axis spanning its values only."""
    from sim.model.parameters import SPECS

    spec = SPECS.get(name)
    if spec is None or spec.type is not int or values.empty:
        return
    low, high = float(values.min()), float(values.max())
    if not (low == int(low) and high == int(high)):
        return  # binned: the midpoints of bins are not whole numbers
    pad = 0.5 if high - low <= 12 else (high - low) * 0.04
    fig.update_xaxes(
        range=[low - pad, high + pad],
        tickformat="d",
        dtick=1 if high - low <= 12 else None,
    )


def sweep_difference_figure(
    paired: pd.DataFrame,
    param_x: str,
    outcome: str,
    *,
    confidence: float = CONFIDENCE,
    lang: str = "en",
) -> go.Figure | None:
    """Paired difference of each point from the reference point, against one parameter.

    Args:
        paired: A sweep's ``paired_differences.csv``: ``point``, the
            parameters, ``outcome``, ``mean_difference``, ``ci_low``,
            ``ci_high`` and ``reference_point``.
        param_x: Parameter on the x axis (each point at its own value).
        outcome: Outcome shown.
        confidence: Confidence level of the intervals.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure (one marker per point with its CI, a dotted line at
        0), or None without rows for the outcome.
    """
    part = paired[paired["outcome"] == outcome].sort_values(param_x)
    if part.empty or param_x not in part:
        return None
    label = i18n.outcome_label(outcome, lang)
    unit = i18n.outcome_unit(outcome, lang)
    reference = int(part["reference_point"].iloc[0]) if "reference_point" in part else None
    diff = part["mean_difference"].to_numpy(float)
    fig = go.Figure(
        go.Scatter(
            x=part[param_x],
            y=diff,
            mode="markers",
            marker={"color": color(1), "size": 8},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": part["ci_high"].to_numpy(float) - diff,
                "arrayminus": diff - part["ci_low"].to_numpy(float),
                "color": color(1),
                "thickness": 1.5,
                "width": 4,
            },
            customdata=part["point"],
            name=i18n.t("sweep_difference_name", lang),
            hovertemplate=i18n.t("sweep_difference_hover", lang) + "<extra></extra>",
        )
    )
    fig.add_hline(y=0, line={"color": "#666", "dash": "dot", "width": 1.5})
    param_label = _parameter_title(param_x, lang)
    fig.update_layout(
        title=figure_title(
            i18n.t("sweep_difference_title", lang, label=label, param=param_label),
            i18n.t(
                "sweep_difference_note",
                lang,
                reference=reference,
                level=confidence_label(confidence),
            ),
        )
    )
    style_figure(fig)
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_xaxes(title_text=param_label)
    _integer_axis(fig, part[param_x], param_x)
    fig.update_yaxes(
        title_text=i18n.label_with_unit(i18n.t("sweep_difference_axis", lang), unit or "", lang)
    )
    return fig


def _is_parameter(name: str) -> bool:
    from sim.model.parameters import SPECS

    return name in SPECS


def _category(value: float, labels: Mapping[float, str] | None = None) -> str:
    """A grid value as a category label (``5``, ``0.25``, or its label in ``labels``)."""
    if labels:
        for key, text in labels.items():
            if isinstance(value, int | float) and abs(float(value) - key) <= 1e-9 * max(
                1.0, abs(key)
            ):
                return text
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _parameter_title(name: str, lang: str) -> str:
    """``label (unit)`` of a declared parameter; the name itself otherwise."""
    from sim.model.parameters import SPECS

    spec = SPECS.get(name)
    return i18n.parameter_axis_title(name, spec.unit, lang) if spec else name


def sweep_heatmap_figure(
    frame: pd.DataFrame,
    param_x: str,
    param_y: str,
    outcome: str,
    *,
    label: str | None = None,
    unit: str | None = None,
    param_labels: Mapping[str, str] | None = None,
    colorscale: str = "Viridis",
    lang: str = "en",
    value_labels: Mapping[str, Mapping[float, str]] | None = None,
) -> go.Figure:
    """Mean of an outcome over a grid of two parameters.

    Args:
        frame: Tidy, one row per run, with ``param_x``, ``param_y`` and
            ``outcome`` columns; runs at the same grid point are averaged.
        param_x: Parameter on the x axis.
        param_y: Parameter on the y axis.
        outcome: Outcome column.
        label: Outcome title (default: its label in ``lang``).
        unit: Color-bar title (default: the outcome's unit in ``lang``).
        param_labels: Axis titles by parameter (default: label and unit in ``lang``).
        colorscale: Plotly color scale.
        lang: ``en`` or ``zh``.
        value_labels: Per parameter, the label of each value (e.g. the range
            of a bin of sampled values, keyed by its midpoint); values
            without one are written as numbers.

    Returns:
        A styled figure with one heatmap trace (x and y sorted, z the means;
        the hover shows the number of runs).
    """
    label = label or i18n.outcome_label(outcome, lang)
    unit = i18n.outcome_unit(outcome, lang) if unit is None else unit
    names = {
        param_x: _parameter_title(param_x, lang),
        param_y: _parameter_title(param_y, lang),
        **(param_labels or {}),
    }
    grouped = frame.groupby([param_y, param_x])[outcome].agg(["mean", "count"])
    means = grouped["mean"].unstack(param_x).sort_index().sort_index(axis=1)
    counts = grouped["count"].unstack(param_x).reindex_like(means).fillna(0).astype(int)
    # Categorical axes: a cell per grid value, not bands stretched around numbers.
    fig = go.Figure(
        go.Heatmap(
            x=[_category(v, (value_labels or {}).get(param_x)) for v in means.columns],
            y=[_category(v, (value_labels or {}).get(param_y)) for v in means.index],
            z=means.to_numpy(float),
            customdata=counts.to_numpy(),
            colorscale=colorscale,
            colorbar={"title": {"text": html.escape(unit or "")}},
            name=label,
            hovertemplate=(
                f"{html.escape(names[param_x])} = %{{x}}<br>{html.escape(names[param_y])} = "
                f"%{{y}}<br>{html.escape(i18n.t('mean', lang))}: %{{z:.4g}} "
                f"(%{{customdata}} {html.escape(i18n.t('runs', lang))})<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=figure_title(
            i18n.t(
                "heatmap_title", lang, label=label, param_x=names[param_x], param_y=names[param_y]
            ),
            i18n.t("mean", lang),
        )
    )
    style_figure(fig, height=460)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(title_text=names[param_x], showgrid=False, type="category")
    fig.update_yaxes(title_text=names[param_y], showgrid=False, type="category")
    return fig
