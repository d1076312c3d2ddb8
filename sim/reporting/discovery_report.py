"""Charts and the report of a scenario discovery (``run.py discover``).

Figures are built from the tidy frames of ``sim.analysis.discovery``: the
PRIM trade-off between coverage and density, regime maps (share of points
where the design is worse over two parameters), feature scores, drivers of the
paired differences (PAWN indices with intervals and noise floor). The report is
one self-contained HTML page (plotly.js embedded once) in English or Chinese.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.discovery import NOISE_REPEATS, DiscoveryAnalysis
from sim.reporting import i18n
from sim.reporting.pages import figure_divs, provenance_section, write_page
from sim.reporting.style import color, figure_title, format_number, style_figure


def _pair_title(design: str, reference: str, outcome: str, lang: str) -> str:
    return i18n.t(
        "disc_worse_on",
        lang,
        design=design,
        reference=reference,
        outcome=i18n.outcome_label(outcome, lang),
    )


def tradeoff_figure(
    trajectories: pd.DataFrame, design: str, reference: str, outcome: str, lang: str = "en"
) -> go.Figure:
    """PRIM's peeling trajectories: density against coverage, one trace per box.

    Each step of a trajectory is a candidate box; its colour is the number of
    restricted parameters; the box kept is circled.
    """
    frame = trajectories[(trajectories["design"] == design) & (trajectories["outcome"] == outcome)]
    fig = go.Figure()
    for number, steps in frame.groupby("box"):
        name = i18n.t("disc_box", lang, number=int(number))
        fig.add_trace(
            go.Scatter(
                x=steps["coverage"],
                y=steps["density"],
                mode="lines+markers",
                name=name,
                line={"color": color(int(number) - 1), "width": 1},
                marker={
                    "size": 8,
                    "color": steps["res_dim"],
                    "colorscale": "Viridis",
                    "cmin": 0,
                    "cmax": max(1, int(frame["res_dim"].max())),
                    "showscale": int(number) == 1,
                    "colorbar": {"title": {"text": i18n.t("disc_res_dim", lang)}, "dtick": 1},
                },
                customdata=steps[["mass", "res_dim"]],
                hovertemplate=i18n.t("disc_hover_step", lang)
                + f"<extra>{html.escape(name)}</extra>",
            )
        )
        kept = steps[steps["kept"]]
        fig.add_trace(
            go.Scatter(
                x=kept["coverage"],
                y=kept["density"],
                mode="markers",
                name=i18n.t("disc_kept", lang, name=name),
                showlegend=int(number) == 1,
                legendgroup="kept",
                marker={
                    "size": 16,
                    "symbol": "circle-open",
                    "color": "#d62728",
                    "line": {"width": 2},
                },
                hoverinfo="skip",
            )
        )
    style_figure(fig, height=440)
    fig.update_layout(
        title=figure_title(
            i18n.t("disc_tradeoff_title", lang), _pair_title(design, reference, outcome, lang)
        ),
        hovermode="closest",
    )
    fig.update_xaxes(title=i18n.t("disc_coverage", lang), range=[0, 1.02])
    fig.update_yaxes(title=i18n.t("disc_density", lang), range=[0, 1.02])
    return fig


def _bin_labels(lows: Sequence[float], highs: Sequence[float]) -> list[str]:
    return [f"{format_number(a)}–{format_number(b)}" for a, b in zip(lows, highs, strict=True)]


def regime_figure(
    regimes: pd.DataFrame, design: str, reference: str, outcome: str, lang: str = "en"
) -> go.Figure | None:
    """Regime maps: share of points where ``design`` is worse, over pairs of parameters."""
    frame = regimes[(regimes["design"] == design) & (regimes["outcome"] == outcome)]
    pairs = list(dict.fromkeys(zip(frame["x_parameter"], frame["y_parameter"], strict=True)))
    if not pairs:
        return None
    fig = make_subplots(rows=1, cols=len(pairs), horizontal_spacing=0.2)
    for k, (first, second) in enumerate(pairs, start=1):
        cells = frame[(frame["x_parameter"] == first) & (frame["y_parameter"] == second)]
        xs = cells.drop_duplicates("x_low").sort_values("x_low")
        ys = cells.drop_duplicates("y_low").sort_values("y_low")
        x_labels = _bin_labels(xs["x_low"], xs["x_high"])
        y_labels = _bin_labels(ys["y_low"], ys["y_high"])
        grid = cells.pivot_table(
            index="y_low", columns="x_low", values="share_worse", dropna=False
        ).reindex(index=ys["y_low"], columns=xs["x_low"])
        counts = cells.pivot_table(index="y_low", columns="x_low", values="points").reindex(
            index=ys["y_low"], columns=xs["x_low"]
        )
        fig.add_trace(
            go.Heatmap(
                z=grid.to_numpy(),
                x=x_labels,
                y=y_labels,
                customdata=counts.fillna(0).to_numpy(),
                text=_cell_texts(grid.to_numpy(), counts.fillna(0).to_numpy()),
                texttemplate="%{text}",
                textfont={"size": 10},
                zmin=0,
                zmax=1,
                colorscale="RdBu_r",
                showscale=k == 1,
                colorbar={"title": {"text": i18n.t("disc_share_worse", lang)}},
                hovertemplate=i18n.t("disc_hover_cell", lang) + "<extra></extra>",
            ),
            row=1,
            col=k,
        )
        fig.update_xaxes(title=i18n.parameter_label(first, lang), type="category", row=1, col=k)
        fig.update_yaxes(title=i18n.parameter_label(second, lang), type="category", row=1, col=k)
    style_figure(fig, height=430)
    fig.update_layout(
        title=figure_title(
            i18n.t("disc_regime_title", lang),
            _pair_title(design, reference, outcome, lang) + "; " + i18n.t("disc_regime_note", lang),
        ),
        hovermode="closest",
        plot_bgcolor="#8c8c8c",  # empty cells (no sampled point): dark grey, unlike 50%
        margin={"l": 110},
    )
    fig.update_xaxes(showgrid=False, tickfont={"size": 11})
    fig.update_yaxes(showgrid=False, tickfont={"size": 11})
    return fig


def _cell_texts(shares: Any, counts: Any) -> list[list[str]]:
    """Each cell's share of worse points and its number of points (empty: blank)."""
    return [
        [
            "" if not count else f"{share:.0%}<br>n={int(count)}"
            for share, count in zip(share_row, count_row, strict=True)
        ]
        for share_row, count_row in zip(shares, counts, strict=True)
    ]


def scores_figure(
    scores: pd.DataFrame, design: str, reference: str, outcome: str, lang: str = "en"
) -> go.Figure | None:
    """Feature scores (extra trees), largest on top, with the noise floor.

    The floor is a dashed line and bars below it are grey. ``None`` when every
    score is zero (the design is worse everywhere or nowhere: nothing to
    separate).
    """
    frame = scores[(scores["design"] == design) & (scores["outcome"] == outcome)]
    if frame.empty or not (frame["score"] > 0).any():
        return None
    frame = frame.sort_values("score")
    above = frame["above_floor"].astype(bool) if "above_floor" in frame else None
    colors = [
        color(0) if above is None or flag else "#b0b0b0"
        for flag in (above if above is not None else frame["score"])
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["score"],
            y=[i18n.parameter_label(p, lang) for p in frame["parameter"]],
            orientation="h",
            marker={"color": colors},
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
            showlegend=False,
        )
    )
    if "noise_floor" in frame:
        floor = float(frame["noise_floor"].iloc[0])
        fig.add_vline(
            x=floor,
            line={"dash": "dash", "color": "#d62728", "width": 1.5},
            annotation_text=f"{i18n.t('disc_noise_floor', lang)} {floor:.3f}",
            annotation_position="top right",
        )
    style_figure(fig, height=max(300, 26 * len(frame) + 120))
    fig.update_layout(
        title=figure_title(
            i18n.t("disc_scores_title", lang), _pair_title(design, reference, outcome, lang)
        ),
        hovermode="closest",
    )
    fig.update_xaxes(title=i18n.t("disc_score", lang))
    fig.update_yaxes(type="category")
    return fig


def drivers_figure(
    drivers: pd.DataFrame, design: str, reference: str, lang: str = "en", top: int = 12
) -> go.Figure | None:
    """PAWN indices of the paired differences, one panel per outcome, with intervals and floor.

    Bars are the ``top`` largest indices of each outcome with their 95%
    intervals; bars of parameters that are not drivers (not clear of the
    probes) are grey; the dashed line is the outcome's noise floor. ``None``
    when no outcome has an index.
    """
    if drivers.empty:
        return None
    frame = drivers[(drivers["design"] == design) & drivers["index"].notna()]
    outcomes = list(dict.fromkeys(frame["outcome"]))
    if not outcomes:
        return None
    fig = make_subplots(
        rows=1,
        cols=len(outcomes),
        subplot_titles=[i18n.outcome_label(o, lang) for o in outcomes],
        horizontal_spacing=0.16,
    )
    for col, outcome in enumerate(outcomes, start=1):
        part = frame[frame["outcome"] == outcome].nlargest(top, "index").iloc[::-1]
        above = part["above_floor"].astype(bool)
        fig.add_trace(
            go.Bar(
                x=part["index"],
                y=[i18n.parameter_label(p, lang) for p in part["parameter"]],
                orientation="h",
                marker={"color": [color(0) if a else "#b0b0b0" for a in above]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["ci_high"] - part["index"]).clip(lower=0),
                    "arrayminus": (part["index"] - part["ci_low"]).clip(lower=0),
                    "color": "#444",
                    "thickness": 1,
                },
                customdata=part[["ci_low", "ci_high"]].to_numpy(),
                hovertemplate="%{y}: %{x:.3f} [%{customdata[0]:.3f}, %{customdata[1]:.3f}]"
                "<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        floor = float(part["noise_floor"].iloc[0])
        fig.add_vline(
            x=floor,
            line={"dash": "dash", "color": "#d62728", "width": 1.5},
            annotation_text=f"{i18n.t('disc_noise_floor', lang)} {floor:.3f}",
            annotation_position="top right",
            row=1,
            col=col,
        )
        fig.update_xaxes(title=i18n.t("disc_drivers_index", lang), row=1, col=col)
        fig.update_yaxes(type="category", row=1, col=col)
    style_figure(fig, height=max(320, 26 * min(top, len(frame)) + 140))
    fig.update_layout(
        title=figure_title(i18n.t("disc_drivers_title", lang, design=design, reference=reference)),
        hovermode="closest",
    )
    return fig


def drivers_section(analysis: DiscoveryAnalysis, lang: str, divs: dict[str, str]) -> str:
    """The report's Drivers section: per design, the chart and one line per outcome."""
    from sim.analysis.drivers import PROBES

    drivers = analysis.drivers
    if drivers.empty:
        return ""
    parts = [f"<h2>{html.escape(i18n.t('disc_drivers', lang))}</h2>"]
    for design in dict.fromkeys(drivers["design"]):
        parts.append(
            "<p class='note'>"
            + html.escape(
                i18n.t(
                    "disc_drivers_note",
                    lang,
                    design=design,
                    reference=analysis.reference,
                    probes=PROBES,
                )
            )
            + "</p>"
        )
        if f"drivers_{design}" in divs:
            parts.append(f"<div class='fig'>{divs[f'drivers_{design}']}</div>")
        mine = drivers[drivers["design"] == design]
        items = []
        for outcome, part in mine.groupby("outcome", sort=False):
            top = part[part["above_floor"].astype(bool)].nlargest(5, "index")
            names = ", ".join(
                f"{i18n.parameter_label(r.parameter, lang)} {r.index:.3f} "
                f"[{r.ci_low:.3f}, {r.ci_high:.3f}]"
                for r in top.itertuples()
            )
            first = part.iloc[0]
            share = first["seed_share"]
            items.append(
                "<li>"
                + html.escape(
                    i18n.t(
                        "disc_drivers_seed",
                        lang,
                        outcome=i18n.outcome_label(outcome, lang),
                        share=f"{share:.0%}" if _finite(share) else "–",
                        worlds=int(first["worlds"]),
                        reps=int(first["replications"]),
                        names=names or "–",
                    )
                )
                + "</li>"
            )
        parts.append(f"<ul>{''.join(items)}</ul>")
    return "\n".join(parts)


def discovery_figures(analysis: DiscoveryAnalysis, lang: str = "en") -> dict[str, go.Figure]:
    """Every figure of a discovery, keyed by a file stem."""
    figures: dict[str, go.Figure] = {}
    pairs = analysis.points[["design", "outcome"]].drop_duplicates().itertuples(index=False)
    for design, outcome in pairs:
        stem = f"{design}_{outcome}"
        if _has_pair(analysis.trajectories, design, outcome):  # no box, no empty chart
            figures[f"tradeoff_{stem}"] = tradeoff_figure(
                analysis.trajectories, design, analysis.reference, outcome, lang
            )
        regime = regime_figure(analysis.regimes, design, analysis.reference, outcome, lang)
        if regime is not None:
            figures[f"regimes_{stem}"] = regime
        scores = scores_figure(analysis.scores, design, analysis.reference, outcome, lang)
        if scores is not None:
            figures[f"scores_{stem}"] = scores
    for design in dict.fromkeys(analysis.drivers["design"]) if len(analysis.drivers) else ():
        drivers = drivers_figure(analysis.drivers, design, analysis.reference, lang)
        if drivers is not None:
            figures[f"drivers_{design}"] = drivers
    return figures


def _has_pair(frame: pd.DataFrame, design: str, outcome: str) -> bool:
    """Whether a tidy frame has rows of this design and outcome."""
    if frame.empty:
        return False
    return bool(((frame["design"] == design) & (frame["outcome"] == outcome)).any())


def share_text(row: Any, lang: str = "en") -> str:
    """The share of points where the design is worse, with its 95% interval."""
    return i18n.t(
        "disc_share_line",
        lang,
        share=row["share_worse"],
        points=int(row["points"]),
        worse=int(row["worse_points"]),
        low=row["share_low"],
        high=row["share_high"],
    )


def prim_note(row: Any, lang: str = "en") -> str | None:
    """What PRIM found when it found no box at or above min_density (else ``None``).

    Args:
        row: A row of ``DiscoveryAnalysis.summary``.
        lang: ``en`` or ``zh``.
    """
    result = row["prim"]
    if result == "boxes":
        return None
    if result in ("worse_nowhere", "worse_everywhere"):
        return i18n.t(f"disc_no_box_{result}", lang)
    values = {
        "share": row["share_worse"],
        "low": row["share_low"],
        "high": row["share_high"],
        "best": row["best_density"],
        "mass": row["best_mass"],
        "min_density": row["min_density"],
    }
    below = not row["best_density"] >= row["min_density"]
    if result == "no_region":
        keys = ["disc_no_box_no_region"]
        keys += ["disc_why_below", "disc_why_none_clear"] if below else ["disc_why_reached_none"]
        keys.append("disc_spread")
    else:
        keys = ["disc_weak_boxes", "disc_why_below" if below else "disc_why_reached_some"]
    joint = "" if lang == "zh" else " "  # Chinese sentences follow each other without a space
    return joint.join(i18n.t(key, lang, **values) for key in keys)


def summary_row(analysis: DiscoveryAnalysis, design: str, outcome: str) -> Any:
    """The row of ``analysis.summary`` of a design and outcome (``None`` if absent)."""
    frame = analysis.summary
    if frame.empty:
        return None
    rows = frame[(frame["design"] == design) & (frame["outcome"] == outcome)]
    return rows.iloc[0] if len(rows) else None


def cart_section(analysis: DiscoveryAnalysis, design: str, outcome: str, lang: str) -> str:
    """The CART tree of a design and outcome as preformatted text (empty if none)."""
    text = analysis.cart_trees.get((design, outcome), "")
    if not text:
        return ""
    if lang == "zh":
        text = text.replace("class: not worse", "类别：不更差").replace(
            "class: worse", "类别：更差"
        )
        text = text.replace("weights:", "点数：")
    group = analysis.points[
        (analysis.points["design"] == design) & (analysis.points["outcome"] == outcome)
    ]
    leaf = max(1, int(max(0.05, 1.0 / max(len(group), 1)) * len(group)))
    return (
        f"<h3>{html.escape(i18n.t('disc_cart_title', lang))}</h3>"
        f"<p class='note'>{html.escape(i18n.t('disc_cart_note', lang, leaf=leaf))}</p>"
        f"<pre style='overflow-x:auto;font-size:12px;line-height:1.3'>{html.escape(text)}</pre>"
    )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else format_number(value)
    return html.escape(str(value))


def _boxes_table(boxes: pd.DataFrame, lang: str, message: str | None = None) -> str:
    intro = f"<p class='note'>{html.escape(message)}</p>" if message else ""
    if boxes.empty:
        return intro
    head = [
        i18n.t(k, lang)
        for k in (
            "disc_box_col",
            "disc_coverage",
            "disc_density",
            "disc_mass",
            "disc_parameter",
            "disc_limits",
            "disc_qp",
        )
    ]
    rows = []
    for number, box in boxes.groupby("box"):
        first = box.iloc[0]
        span = len(box)
        for i, (_, row) in enumerate(box.iterrows()):
            qp = [v for v in (row.get("qp_low"), row.get("qp_high")) if _finite(v)]
            limits = (
                f"{_cell(row.get('low'))} – {_cell(row.get('high'))}"
                if row["parameter"] != "(none)"
                else i18n.t("disc_whole_space", lang)
            )
            weak = "" if first.get("meets_min_density", True) else " *"
            lead = (
                f"<td rowspan='{span}'>{int(number)}</td>"
                f"<td rowspan='{span}' class='num'>{first['coverage']:.2f}</td>"
                f"<td rowspan='{span}' class='num'>{first['density']:.2f}{weak}</td>"
                f"<td rowspan='{span}' class='num'>{first['mass']:.2f}</td>"
                if i == 0
                else ""
            )
            name = row["parameter"]
            shown = i18n.parameter_label(name, lang) if name != "(none)" else "–"
            rows.append(
                f"<tr>{lead}<td><code>{html.escape(shown)}</code></td><td class='num'>{limits}</td>"
                f"<td class='num'>{', '.join(f'{v:.3f}' for v in qp) or '–'}</td></tr>"
            )
    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    if "meets_min_density" in boxes and not boxes["meets_min_density"].all():
        note = f"<p class='note'>* {html.escape(i18n.t('disc_below_density', lang))}</p>"
    else:
        note = ""
    return f"{intro}<table><tr>{header}</tr>{''.join(rows)}</table>{note}"


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _summary_table(analysis: DiscoveryAnalysis, lang: str) -> str:
    head = [i18n.t(k, lang) for k in ("disc_design", "disc_outcome", "disc_share", "disc_clear")]
    rows = []
    for (design, outcome), group in analysis.points.groupby(["design", "outcome"], sort=False):
        label = html.escape(i18n.outcome_label(outcome, lang))
        row = summary_row(analysis, design, outcome)
        share = (
            share_text(row, lang)
            if row is not None
            else f"{group['worse'].mean():.0%} ({int(group['worse'].sum())}/{len(group)})"
        )
        rows.append(
            f"<tr><td>{html.escape(design)}</td><td>{label}"
            f"</td><td class='num'>{html.escape(share)}</td>"
            f"<td class='num'>{group['clearly_worse'].mean():.0%}</td></tr>"
        )
    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return f"<table><tr>{header}</tr>{''.join(rows)}</table>"


def held_table(held: Sequence[Sequence[Any]], sampled: int, lang: str = "en") -> str:
    """The parameters of the space that were not explored, with value and reason (HTML).

    Args:
        held: ``(name, value or None, reason)`` rows (``Discovery.held``).
        sampled: How many parameters were sampled.
        lang: ``en`` or ``zh``.
    """
    title = i18n.t("disc_held", lang, held=len(held), total=len(held) + sampled, sampled=sampled)
    head = "".join(
        f"<th>{html.escape(i18n.t(k, lang))}</th>"
        for k in ("disc_parameter", "disc_held_value", "disc_held_reason")
    )
    design_value = i18n.t("disc_held_design", lang)
    rows = "".join(
        f"<tr><td><code>{html.escape(str(name))}</code> "
        f"{html.escape(i18n.parameter_label(str(name), lang))}</td>"
        f"<td class='num'>"
        f"{html.escape(design_value if value is None else format_number(value))}</td>"
        f"<td>{html.escape(str(reason))}</td></tr>"
        for name, value, reason in held
    )
    return f"<h2 id='held'>{html.escape(title)}</h2><table><tr>{head}</tr>{rows}</table>"


def write_discovery_report(
    analysis: DiscoveryAnalysis,
    path: str | Path,
    *,
    description: str,
    settings: dict[str, Any],
    lang: str = "en",
    provenance: dict[str, Any] | None = None,
) -> Path:
    """Write the self-contained HTML report of a discovery.

    Args:
        analysis: What the discovery found.
        path: The page to write (atomically).
        description: The discovery file's description.
        settings: ``designs``, ``samples``, ``replications``, ``root_seed``,
            ``min_density``, ``fixed`` and ``held`` (the parameters of the space
            not explored, with value and reason; shown in the page).
        lang: ``en`` or ``zh``.
        provenance: Command, versions and commit
            (``sim.experiments.provenance.code_record``), shown at the end.

    Returns:
        The path written.
    """
    title = i18n.t("disc_title", lang)
    figures = discovery_figures(analysis, lang)
    divs = dict(zip(figures, figure_divs(list(figures.values())), strict=True))
    ranges = "".join(
        f"<tr><td><code>{html.escape(i18n.parameter_label(p, lang))}</code></td>"
        f"<td class='num'>{format_number(lo)} – {format_number(hi)}</td></tr>"
        for p, (lo, hi) in analysis.ranges.items()
    )
    body = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(description)}</p>",
        "<p>"
        + html.escape(
            i18n.t(
                "disc_intro",
                lang,
                designs=", ".join(settings["designs"]),
                reference=analysis.reference,
                samples=settings["samples"],
                replications=settings["replications"],
                seed=settings["root_seed"],
                density=settings["min_density"],
            )
        )
        + "</p>",
        "<p>"
        + html.escape(
            i18n.t(
                "disc_fixed",
                lang,
                fixed=", ".join(f"{k} = {v}" for k, v in settings.get("fixed", {}).items()) or "–",
            )
        )
        + "</p>",
        held_table(settings.get("held", ()), len(analysis.sampled), lang),
        _summary_table(analysis, lang),
        f"<details><summary>{html.escape(i18n.t('disc_ranges', lang))}</summary>"
        f"<table>{ranges}</table></details>",
        drivers_section(analysis, lang, divs),
    ]
    pairs = analysis.points[["design", "outcome"]].drop_duplicates().itertuples(index=False)
    for design, outcome in pairs:
        body.append(
            f"<h2>{html.escape(_pair_title(design, analysis.reference, outcome, lang))}</h2>"
        )
        boxes = analysis.boxes
        if len(boxes):
            boxes = boxes[(boxes["design"] == design) & (boxes["outcome"] == outcome)]
        body.append(f"<h3>{html.escape(i18n.t('disc_boxes', lang))}</h3>")
        row = summary_row(analysis, design, outcome)
        body.append(_boxes_table(boxes, lang, prim_note(row, lang) if row is not None else None))
        for kind in ("tradeoff", "regimes", "scores"):
            key = f"{kind}_{design}_{outcome}"
            if key in divs:
                body.append(f"<div class='fig'>{divs[key]}</div>")
            if kind == "scores" and key in divs:
                body.append(
                    "<p class='note'>"
                    + html.escape(i18n.t("disc_floor_note", lang, repeats=NOISE_REPEATS))
                    + "</p>"
                )
        body.append(cart_section(analysis, design, outcome, lang))
    body.append(f"<p class='note'>{html.escape(i18n.t('disc_method', lang))}</p>")
    if provenance:
        seeds = {"root_seed": settings["root_seed"]}
        body.append(provenance_section({"seeds": seeds, **provenance}, lang))
    return write_page(path, title, "\n".join(body) + "\n", lang=lang)
