"""The results report: one self-contained HTML page per results folder.

``write_report(folder, lang)`` reads a results folder (``manifest.json``,
``summary.csv``, ``paired_differences.csv``, ``runs.csv``,
``timeseries.parquet``, ``networks.parquet``) and writes ``report.html``
(``report_zh.html`` in Chinese): what was run (scenarios, parameters that
differ from the defaults, seeds, versions, git commit), the outcome table with
95% confidence intervals and paired effects, and every chart (forest plot,
distributions, time series, the sharing network of replication 0 of each
scenario). plotly.js is embedded once, so the page opens without a network.

``export_report_figures`` writes the same charts as PNG/SVG/PDF into
``figures/`` (see ``sim.reporting.export``). The functions building the page take an
in-memory ``ReportData``, so ``sim.experiments.replications.write_results`` writes the
report without reading its files back.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sim.analysis import statistics
from sim.experiments import replications as experiment
from sim.experiments.inputs.folder_reads import open_folder_file, read_folder_json, table_limit
from sim.experiments.inputs.limits import shorten
from sim.model import network
from sim.reporting import charts, export, i18n
from sim.reporting.results_checks import check_manifest, check_tables

#: Outcomes charted and shown first, in this order (skipped if absent).
HEADLINE_OUTCOMES: tuple[str, ...] = experiment.HEADLINE_OUTCOMES

#: Folder of static images inside a results folder.
FIGURES_DIR = "figures"

#: What each file of a results folder holds, in English and Chinese.
FILE_TEXT: dict[str, tuple[str, str]] = {
    "report.html": ("this report (English)", "本报告（英文版）"),
    "report_zh.html": ("this report in Chinese", "本报告（中文版）"),
    "timeseries.parquet": (
        "every outcome, every month, every run (same as the CSV)",
        "每次运行每个月的全部结果指标（与 CSV 相同）",
    ),
    "timeseries.csv": ("every outcome, every month, every run", "每次运行每个月的全部结果指标"),
    "runs.csv": (
        "one row per run: final value of every outcome, and the run's model seed, replica and "
        "batch size (run.py rerun re-runs it)",
        "每次运行一行：各指标的期末值，以及该次运行的模型种子、副本序号和批大小"
        "（可用 run.py rerun 重新运行）",
    ),
    "summary.csv": (
        "per scenario and outcome: mean, SD, n and 95% CI of the final value",
        "按方案和指标：期末值的均值、标准差、样本数和 95% 置信区间",
    ),
    "paired_differences.csv": (
        "each scenario minus the baseline, paired by seed: mean, 95% CI, p-values",
        "各方案减去基准方案（按种子配对）：均值、95% 置信区间、p 值",
    ),
    "networks.parquet": (
        "data-sharing links at the end of every run (holder, requester)",
        "每次运行结束时的数据共享关系（提供方、使用方）",
    ),
    "governments.parquet": (
        "every run's governments: level, parent, first department, number of departments",
        "每次运行的各级政府：层级、上级、首个部门编号、部门数",
    ),
    "manifest.json": (
        "provenance: scenarios, parameters, seeds, command, versions, git commit",
        "来源信息：方案、参数、随机种子、命令、软件版本、git 提交",
    ),
    FIGURES_DIR + "/": (
        "the charts of this report as static images (PNG, SVG, PDF)",
        "本报告图表的静态图片（PNG、SVG、PDF）",
    ),
}


class ReportError(ValueError):
    """A results folder cannot be read (missing or damaged files)."""


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows.

    Attributes:
        manifest: Content of ``manifest.json``.
        frame: Tidy time series (``timeseries.parquet``).
        runs: Final values, one row per run (``runs.csv``).
        summary: Per scenario and outcome statistics (``summary.csv``).
        paired: Paired differences (``paired_differences.csv``) or None.
        networks: Sharing links of every run (``networks.parquet``) or None.
        governments: Governments of every run (``governments.parquet``) or
            None (results folders written before it existed).
        space: The headline over the plausible space (``headline.json``,
            ``sim.reporting.headline_space``) or None.
    """

    manifest: dict[str, Any]
    frame: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame
    paired: pd.DataFrame | None = None
    networks: pd.DataFrame | None = None
    governments: pd.DataFrame | None = None
    space: dict[str, Any] | None = None

    @property
    def scenario_names(self) -> list[str]:
        """Scenario names, baseline first."""
        names = [s["name"] for s in self.manifest.get("scenarios", [])]
        return names or [str(n) for n in dict.fromkeys(self.frame["scenario"])]

    @property
    def headline(self) -> list[str]:
        """Headline outcomes present in the results."""
        return [o for o in HEADLINE_OUTCOMES if o in self.frame.columns]


def report_filename(lang: str = "en") -> str:
    """Return ``report.html`` (English) or ``report_<lang>.html``."""
    return "report.html" if i18n.check_lang(lang) == "en" else f"report_{lang}.html"


# ------------------------------------------------------------------- reading


def load_results(folder: str | os.PathLike[str]) -> ReportData:
    """Read a results folder.

    Args:
        folder: A folder written by ``sim.experiments.replications.write_results``.

    Returns:
        Its data; ``paired`` and ``networks`` are None when their files are absent.

    Raises:
        ReportError: If the folder, its manifest or its time series is missing
            or unreadable.
    """
    path = Path(folder)
    if not path.is_dir():
        raise ReportError(f"{path} is not a folder; give a results folder such as results/<name>")
    manifest_path = path / "manifest.json"
    if not os.path.lexists(manifest_path):
        raise ReportError(
            f"{path} has no manifest.json, so it is not a complete results folder (an "
            "interrupted run leaves none); run the experiment again"
        )
    try:
        manifest = read_folder_json(manifest_path, folder=path)
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {manifest_path}: {shorten(str(exc), 300)}") from None
    check_manifest(path, manifest, ReportError)
    try:
        if (path / "timeseries.parquet").exists():
            with open_folder_file(path / "timeseries.parquet", table_limit(), path) as handle:
                frame = pd.read_parquet(handle)
        else:
            with open_folder_file(path / "timeseries.csv", table_limit(), path) as handle:
                frame = pd.read_csv(handle)
    except (OSError, ValueError) as exc:
        raise ReportError(
            f"cannot read the time series in {path}: {shorten(str(exc), 300)}"
        ) from None
    check_tables(path, {"timeseries": frame}, ReportError)
    runs = _read_csv(path / "runs.csv")
    if runs is None:
        runs = experiment.final_values(frame)
    summary = _read_csv(path / "summary.csv")
    if summary is None:
        summary = statistics.summarize(runs, "scenario", experiment.ordered_outcomes(frame))
    paired = _read_csv(path / "paired_differences.csv")
    networks = _read_parquet(path / "networks.parquet")
    governments = _read_parquet(path / "governments.parquet")
    tables = {
        "timeseries": frame,
        "runs.csv": runs,
        "summary.csv": summary,
        "paired_differences.csv": paired,
        "networks.parquet": networks,
        "governments.parquet": governments,
    }
    check_tables(path, tables, ReportError)
    space = None
    if os.path.lexists(path / "headline.json"):
        try:
            space = read_folder_json(path / "headline.json", folder=path)
        except (OSError, ValueError) as exc:
            raise ReportError(
                f"cannot read {path / 'headline.json'}: {shorten(str(exc), 300)}"
            ) from None
    return ReportData(manifest, frame, runs, summary, paired, networks, governments, space)


def _read_parquet(path: Path) -> pd.DataFrame | None:
    if not os.path.lexists(path):
        return None
    try:
        with open_folder_file(path, table_limit(), path.parent) as handle:
            return pd.read_parquet(handle)
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {path}: {shorten(str(exc), 300)}") from None


def _read_csv(path: Path) -> pd.DataFrame | None:
    if not os.path.lexists(path):
        return None
    try:
        with open_folder_file(path, table_limit(), path.parent) as handle:
            return pd.read_csv(handle, keep_default_na=True)
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {path}: {shorten(str(exc), 300)}") from None


# ------------------------------------------------------------------- figures


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip("-.") or "x"


def _network_nodes(data: ReportData, scenario: str) -> pd.DataFrame:
    """Departments of the scenario's replication 0, as a nodes frame."""
    if data.governments is not None:
        rows = data.governments[
            (data.governments["scenario"] == scenario) & (data.governments["replication"] == 0)
        ]
        if not rows.empty:
            return network.government_nodes(rows)
    # Results folders from before governments.parquet: a flat layout of equal governments.
    for record in data.manifest.get("scenarios", []):
        if record.get("name") == scenario:
            p = record.get("parameters", {})
            return network.structure_nodes(
                int(p.get("n_jurisdictions", 1)), int(p.get("n_departments", 1))
            )
    return network.structure_nodes(1, 1)


def report_figures(data: ReportData, lang: str = "en") -> dict[str, go.Figure]:
    """Return the report's charts by file stem, in page order.

    Stems: ``forest`` (when there are paired differences), ``distributions``,
    ``timeseries_<outcome>`` per headline outcome and ``network_<scenario>``
    per scenario (replication 0; when networks were stored).
    """
    i18n.check_lang(lang)
    figs: dict[str, go.Figure] = {}
    head = data.headline
    if data.paired is not None and not data.paired.empty:
        paired = data.paired[data.paired["outcome"].isin(head)]
        if not paired.empty:
            figs["forest"] = charts.forest_figure(paired, data.summary, lang=lang)
    if head:
        figs["distributions"] = charts.distribution_figure(data.runs, head, lang=lang)
    for outcome in head:
        figs[f"timeseries_{outcome}"] = charts.timeseries_figure(data.frame, outcome, lang=lang)
    if data.networks is not None:
        for name in data.scenario_names:
            nodes = _network_nodes(data, name)
            edges = data.networks[
                (data.networks["scenario"] == name) & (data.networks["replication"] == 0)
            ]
            figs[f"network_{_slug(name)}"] = charts.network_figure(
                nodes, edges, scenario=name, replication=0, lang=lang
            )
    return figs


# ---------------------------------------------------------------------- html


#: Longest text of a manifest shown in a report (a description, a source, a path...).
MAX_SHOWN_CHARS = 10_000


def _e(value: Any) -> str:
    # Bounded: a manifest may hold a huge string; the report shows its ends.
    return html.escape(shorten(str(value), MAX_SHOWN_CHARS))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str] | str], num_from: int = 99) -> str:
    """HTML table; cells are trusted HTML; columns from ``num_from`` right-aligned.

    A row given as one string is a group heading spanning every column.
    """
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        f"<tr class='group'><th colspan='{len(headers)}'>{row}</th></tr>\n"
        if isinstance(row, str)
        else "<tr>"
        + "".join(
            f"<td class='num'>{c}</td>" if j >= num_from else f"<td>{c}</td>"
            for j, c in enumerate(row)
        )
        + "</tr>\n"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def _p(p: Any) -> str:
    try:
        p = float(p)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _cell(mean: Any, low: Any, high: Any, extra: str = "") -> str:
    ci = ""
    if all(isinstance(v, int | float) and math.isfinite(v) for v in (low, high)):
        ci = f"<br><span class='ci'>[{charts.format_number(low)}, {charts.format_number(high)}]"
        ci += f"{' ' + extra if extra else ''}</span>"
    elif extra:
        ci = f"<br><span class='ci'>{extra}</span>"
    return charts.format_number(float(mean)) + ci


def outcome_table(data: ReportData, outcomes: Sequence[str], lang: str = "en") -> str:
    """HTML table: per outcome, each scenario's mean [CI] and each paired difference."""
    names = data.scenario_names
    baseline = names[0]
    summary = data.summary
    paired = data.paired if data.paired is not None else pd.DataFrame()
    compared = [n for n in names[1:] if not paired.empty and n in set(paired["scenario"])]
    headers = [i18n.t("h_outcome", lang), *map(_e, names)]
    headers += [_e(i18n.t("h_difference", lang, name=n, baseline=baseline)) for n in compared]
    rows: list[list[str] | str] = []
    grouped = False
    for outcome in outcomes:
        part = summary[summary["outcome"] == outcome].set_index("scenario")
        if part.empty:
            continue
        if outcome in experiment.BOTTOM_LINE_OUTCOMES and not grouped:
            # The bottom line as one group of rows (issue 25).
            rows.append(_e(i18n.t("bottom_line_group", lang)))
            grouped = True
        label = i18n.label_with_unit(
            i18n.outcome_label(outcome, lang), i18n.outcome_unit(outcome, lang), lang
        )
        row = [f"<span title='{_e(i18n.outcome_description(outcome, lang))}'>{_e(label)}</span>"]
        for name in names:
            if name in part.index:
                r = part.loc[name]
                row.append(_cell(r["mean"], r["ci_low"], r["ci_high"]))
            else:
                row.append("")
        for name in compared:
            d = paired[(paired["outcome"] == outcome) & (paired["scenario"] == name)]
            if d.empty:
                row.append("")
                continue
            d = d.iloc[0]
            row.append(_cell(d["mean_difference"], d["ci_low"], d["ci_high"], _p(d["p_value"])))
        rows.append(row)
    return _table(headers, rows, num_from=1)


def _changed_parameters(data: ReportData, lang: str) -> str:
    from sim.model.parameters import SPECS

    records = data.manifest.get("scenarios", [])
    names = [r.get("name", "?") for r in records]
    rows = []
    for pname, spec in SPECS.items():
        values = [r.get("parameters", {}).get(pname, spec.default) for r in records]
        if all(v == spec.default for v in values):
            continue
        cells = [
            f"<strong>{_e(v)}</strong>" if v != spec.default else f"<span class='ci'>{_e(v)}</span>"
            for v in values
        ]
        rows.append(
            [
                _parameter_cell(pname, spec.description, lang),
                _e(i18n.unit(spec.unit, lang)),
                _e(spec.default),
                *cells,
            ]
        )
    if not rows:
        return f"<p>{_e(i18n.t('no_parameter_changes', lang))}</p>\n"
    headers = [
        i18n.t("h_parameter", lang),
        i18n.t("h_unit", lang),
        i18n.t("h_default", lang),
        *map(_e, names),
    ]
    return _table(headers, rows, num_from=2)


def _parameter_cell(name: str, description: str, lang: str) -> str:
    """A parameter's label (Chinese in ``zh``), its name and description on hover."""
    label = i18n.parameter_label(name, lang)
    if label == name:
        return f"<code title='{_e(description)}'>{_e(name)}</code>"
    return f"<span title='{_e(name)}: {_e(description)}'>{_e(label)}</span>"


def _scenario_table(data: ReportData, lang: str) -> str:
    rows = []
    for r in data.manifest.get("scenarios", []):
        changes = "; ".join(
            i18n.t(
                "at_month",
                lang,
                month=c.get("month"),
                changes=", ".join(
                    f"{i18n.parameter_label(k, lang)} = {v}"
                    for k, v in c.get("parameters", {}).items()
                ),
            )
            for c in r.get("policy_changes", []) or []
        )
        rows.append(
            [
                f"<strong>{_e(r.get('name', ''))}</strong>",
                _e(i18n.scenario_description(r, lang)),
                f"<span class='note'>{_e(i18n.source_text(r.get('source', ''), lang))}</span>",
                _e(changes),
            ]
        )
    headers = [
        i18n.t("h_scenario", lang),
        i18n.t("h_description", lang),
        i18n.t("h_source", lang),
        i18n.t("h_policy_changes", lang),
    ]
    if not any(row[-1] for row in rows):  # no scenario changes policy during the run
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    return _table(headers, rows)


def _provenance_table(data: ReportData, lang: str) -> str:
    m = data.manifest
    seeds = m.get("seeds", {})
    git = m.get("git", {})
    commit = str(git.get("commit", "unknown"))
    if git.get("dirty") is True:
        commit += f" ({i18n.t('uncommitted', lang)})"
    packages = ", ".join(f"{k} {v}" for k, v in (m.get("packages") or {}).items())
    rows = [
        (i18n.t("created", lang), _e(m.get("created", ""))),
        (i18n.t("replications", lang), _e(m.get("replications", ""))),
        (i18n.t("months_run", lang), _e(m.get("months", ""))),
        (i18n.t("departments", lang), _e(_departments(data))),
        (i18n.t("root_seed", lang), _e(seeds.get("root_seed", ""))),
        _seed_row(seeds, lang),
        (i18n.t("seed_method", lang), f"<code>{_e(seeds.get('method', ''))}</code>"),
        (
            i18n.t("rerun_row", lang),
            "<code>python run.py rerun FOLDER --scenario "
            f"{_e(data.scenario_names[0] if data.scenario_names else 'NAME')} "
            "--replication R</code>",
        ),
        (i18n.t("command", lang), f"<code>{_e(' '.join(m.get('command', [])))}</code>"),
        (i18n.t("git_commit", lang), f"<code>{_e(commit)}</code>"),
        (
            i18n.t("package_version", lang),
            _e(" ".join(str((m.get("package") or {}).get(k, "")) for k in ("name", "version"))),
        ),
        (i18n.t("python", lang), _e(f"{m.get('python', '')} ({m.get('platform', '')})")),
        (i18n.t("packages", lang), _e(packages)),
    ]
    if "elapsed_seconds" in m:
        rows.append(
            (i18n.t("elapsed", lang), _e(i18n.t("seconds", lang, value=m["elapsed_seconds"])))
        )
    return _table([i18n.t("h_item", lang), i18n.t("h_value", lang)], rows)


def _seed_row(seeds: dict[str, Any], lang: str) -> tuple[str, str]:
    """The seed of each replication, or of each model when replications were batched."""
    listed = [int(s) for s in seeds.get("replication_seeds", [])]
    replicas = seeds.get("replicas")
    if not replicas or len(replicas) != len(listed):
        return i18n.t("seeds", lang), _e(", ".join(map(str, listed)))
    blocks, first = [], 0
    for r in range(1, len(listed) + 1):
        if r == len(listed) or int(replicas[r]) == 0:
            key = "model_block" if r - 1 > first else "model_block_one"
            blocks.append(
                i18n.t(key, lang, first=first, last=r - 1, top=r - 1 - first, seed=listed[first])
            )
            first = r
    return i18n.t("model_seeds", lang), "<br>".join(_e(b) for b in blocks)


def _departments(data: ReportData) -> str:
    values = sorted(
        {
            int(r.get("parameters", {}).get("n_departments", 0))
            for r in data.manifest.get("scenarios", [])
        }
    )
    return ", ".join(map(str, values)) or "?"


def _definitions(data: ReportData, lang: str) -> str:
    rows = [
        [
            _e(i18n.outcome_label(o, lang)),
            f"<code>{_e(o)}</code>",
            _e(i18n.outcome_unit(o, lang)),
            _e(i18n.outcome_description(o, lang)),
        ]
        for o in experiment.ordered_outcomes(data.frame)
    ]
    headers = [
        i18n.t("h_outcome", lang),
        "",
        i18n.t("h_unit", lang),
        i18n.t("h_definition", lang),
    ]
    return _table(headers, rows)


def _files(folder: Path | None, data: ReportData, lang: str) -> str:
    names = list((data.manifest.get("files") or {}).keys())
    if folder is not None and folder.is_dir():
        names += sorted(
            p.name + ("/" if p.is_dir() else "")
            for p in folder.iterdir()
            if not p.name.startswith(".")
        )
    k = 1 if lang == "zh" else 0
    rows = [
        [f"<code>{_e(n)}</code>", _e(FILE_TEXT[n][k] if n in FILE_TEXT else "")]
        for n in dict.fromkeys(names)
    ]
    return _table([i18n.t("h_file", lang), i18n.t("h_content", lang)], rows)


def render_report(
    data: ReportData,
    lang: str = "en",
    *,
    figures: dict[str, go.Figure] | None = None,
    folder: Path | None = None,
) -> tuple[str, str]:
    """Return ``(title, body HTML)`` of the report.

    Args:
        data: The results.
        lang: ``en`` or ``zh``.
        figures: Charts from ``report_figures`` (built if None).
        folder: Results folder, for the file list.
    """
    i18n.check_lang(lang)
    figures = report_figures(data, lang) if figures is None else figures
    names = data.scenario_names
    baseline = names[0]
    title = i18n.t("report_title", lang, names=i18n.t("vs", lang).join(names))
    reps = data.manifest.get("replications", data.frame["replication"].nunique())
    months = data.manifest.get("months", int(data.frame["month"].max()))
    intro = i18n.t("report_intro", lang, reps=reps, months=months, depts=_departments(data))
    posterior = data.manifest.get("posterior")
    if isinstance(posterior, dict):
        intro += " " + i18n.t(
            "term_posterior",
            lang,
            folder=posterior.get("folder", "?"),
            free=", ".join(posterior.get("free", [])),
        )

    divs = dict(zip(figures, charts.figure_divs(list(figures.values())), strict=True))

    def charts_of(prefix: str) -> str:
        return "".join(
            f"<div class='fig' id='fig-{_e(k)}'>{v}</div>\n"
            for k, v in divs.items()
            if k.startswith(prefix)
        )

    sections: list[tuple[str, str, str]] = []
    if data.paired is not None and not data.paired.empty and len(names) == 2:
        from sim.reporting.headline_section import headline_section, section_title

        sections.append(
            (
                "headline",
                section_title(data.space, names, lang),
                headline_section(data.space, names, lang),
            )
        )
    sections += [
        (
            "run",
            i18n.t("sec_run", lang),
            f"<h3>{_e(i18n.t('sec_scenarios', lang))}</h3>\n"
            + _scenario_table(data, lang)
            + f"<h3>{_e(i18n.t('sec_parameters', lang))}</h3>\n"
            + _changed_parameters(data, lang),
        ),
    ]
    note = (
        i18n.t("outcomes_note", lang, baseline=baseline)
        if data.paired is not None and not data.paired.empty
        else i18n.t("outcomes_note_single", lang)
    )
    others = [o for o in experiment.ordered_outcomes(data.frame) if o not in data.headline]
    sections.append(
        (
            "outcomes",
            i18n.t("sec_outcomes", lang),
            f"<p class='note'>{_e(note)}</p>\n"
            + outcome_table(data, data.headline, lang)
            + f"<details><summary>{_e(i18n.t('all_outcomes', lang))}</summary>\n"
            + outcome_table(data, others, lang)
            + "</details>\n",
        )
    )
    if "forest" in divs:
        sections.append(("effects", i18n.t("sec_charts_effects", lang), charts_of("forest")))
    if "distributions" in divs:
        sections.append(
            ("distributions", i18n.t("sec_charts_distributions", lang), charts_of("distributions"))
        )
    sections.append(("time", i18n.t("sec_charts_time", lang), charts_of("timeseries_")))
    network_html = (
        charts_of("network_") or f"<p class='note'>{_e(i18n.t('network_missing', lang))}</p>"
    )
    sections.append(("network", i18n.t("sec_charts_network", lang), network_html))
    sections.append(("definitions", i18n.t("sec_definitions", lang), _definitions(data, lang)))
    sections.append(
        (
            "provenance",
            i18n.t("sec_provenance", lang),
            _provenance_table(data, lang)
            + f"<h3>{_e(i18n.t('sec_files', lang))}</h3>\n"
            + _files(folder, data, lang),
        )
    )
    toc = "".join(f"<li><a href='#{k}'>{_e(h)}</a></li>" for k, h, _ in sections)
    body = (
        f"<h1>{_e(title)}</h1>\n<p>{_e(intro)}</p>\n"
        f"<nav><strong>{_e(i18n.t('contents', lang))}</strong><ol>{toc}</ol></nav>\n"
        + "".join(f"<h2 id='{k}'>{_e(h)}</h2>\n{content}" for k, h, content in sections)
        + f"<p class='note'>{_e(i18n.t('generated_by', lang))}</p>\n"
    )
    return title, body


def write_report_html(
    data: ReportData,
    folder: str | os.PathLike[str],
    lang: str = "en",
    *,
    figures: dict[str, go.Figure] | None = None,
) -> Path:
    """Write ``report.html`` (or ``report_<lang>.html``) into ``folder``, atomically."""
    folder = Path(folder)
    title, body = render_report(data, lang, figures=figures, folder=folder)
    return charts.write_page(folder / report_filename(lang), title, body, lang=lang)


def write_report(folder: str | os.PathLike[str], lang: str = "en") -> Path:
    """Read a results folder and write its report; return the report's path.

    Raises:
        ReportError: If the folder cannot be read.
    """
    return write_report_html(load_results(folder), folder, lang)


def export_report_figures(
    folder: str | os.PathLike[str],
    lang: str = "en",
    formats: Sequence[str] = export.DEFAULT_FORMATS,
    *,
    data: ReportData | None = None,
) -> list[Path]:
    """Write the report's charts as static images into ``<folder>/figures/``.

    Files are ``<stem>.<format>`` in English and ``<stem>_<lang>.<format>``
    otherwise (stems as in ``report_figures``).

    Raises:
        ReportError: If the folder cannot be read.
        sim.reporting.export.ExportUnavailableError: Without a browser (nothing written).
    """
    data = load_results(folder) if data is None else data
    figs = report_figures(data, lang)
    suffix = "" if lang == "en" else f"_{lang}"
    return export.export_figures(figs, Path(folder) / FIGURES_DIR, formats, suffix=suffix)
