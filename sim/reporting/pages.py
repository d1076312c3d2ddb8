"""HTML pages that open offline: figures as HTML fragments, the page around them, ``save_html``.

The only chart module that touches the disk; pages are written atomically.
Static images are written by ``sim.reporting.export``.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from sim.experiments.files import atomic_write
from sim.reporting import i18n
from sim.reporting.style import FONT_FAMILY


def save_html(
    figures: go.Figure | Sequence[go.Figure],
    path: str | os.PathLike[str],
    *,
    title: str = "Simulation results",
    intro: str = "",
    lang: str = "en",
) -> Path:
    """Write figures to one HTML page that works offline, atomically.

    plotly.js is embedded once, with the first figure; the others reuse it.

    Args:
        figures: A figure or a sequence of figures, shown top to bottom.
        path: Output file; written to a temporary name first, then renamed.
        title: Page title and heading.
        intro: Paragraph shown under the heading (plain text, escaped).
        lang: Language of the page (its ``lang`` attribute).

    Returns:
        The path written.
    """
    figs = [figures] if isinstance(figures, go.Figure) else list(figures)
    body = (
        f"<h1>{html.escape(title)}</h1>\n"
        + (f"<p>{html.escape(intro)}</p>\n" if intro else "")
        + "".join(f"<div class='fig'>{p}</div>\n" for p in figure_divs(figs))
    )
    return write_page(path, title, body, lang=lang)


def figure_divs(figures: Sequence[go.Figure]) -> list[str]:
    """Return each figure as an HTML fragment; plotly.js is embedded in the first only."""
    return [
        fig.to_html(
            full_html=False,
            include_plotlyjs=(i == 0),
            config={"displaylogo": False, "responsive": True},
        )
        for i, fig in enumerate(figures)
    ]


PAGE_CSS = (
    (
        f"body{{font-family:{FONT_FAMILY};max-width:1100px;margin:20px auto;padding:0 16px;"
        "color:#222;line-height:1.5}} .fig{{margin-bottom:28px}} h1{{font-size:1.6em}} "
        "h2{{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:1.8em}} "
        "table{{border-collapse:collapse;margin:8px 0 16px;font-size:14px}} "
        "th,td{{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}} "
        "th{{background:#f5f5f5}} tr.group th{{background:#e8eef5;font-weight:600}} "
        "td.num{{text-align:right;white-space:nowrap;"
        "font-variant-numeric:tabular-nums}} .ci{{color:#666;font-size:12px}} "
        ".note{{color:#555;font-size:13px}} code{{font-size:13px}} "
        "details{{margin:8px 0 16px}} summary{{cursor:pointer;color:#235}}"
    )
    .replace("{{", "{")
    .replace("}}", "}")
)


def write_page(path: str | os.PathLike[str], title: str, body: str, *, lang: str = "en") -> Path:
    """Write an HTML page (``body`` is trusted HTML) atomically; return its path."""
    page = (
        f"<!DOCTYPE html>\n<html lang='{i18n.HTML_LANG.get(lang, lang)}'>\n<head>\n"
        "<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        + body
        + "</body>\n</html>\n"
    )
    return atomic_write(Path(path), lambda p: p.write_text(page, encoding="utf-8"))


def provenance_section(record: Mapping[str, Any], lang: str = "en") -> str:
    """The "Provenance" section of a report: command, versions, commit, seeds.

    Args:
        record: A manifest (``sim.experiments.provenance.build_manifest``) or
            its code part (``provenance.code_record``).
        lang: ``en`` or ``zh``.

    Returns:
        An ``<h2>`` and a table (trusted HTML).
    """
    e = html.escape
    git = record.get("git") or {}
    commit = str(git.get("commit", "unknown"))
    if git.get("dirty") is True:
        commit += f" ({i18n.t('uncommitted', lang)})"
    package = record.get("package") or {}
    packages = dict(record.get("packages") or {})
    packages.update(record.get("sweep_packages") or {})
    seeds = record.get("seeds") if isinstance(record.get("seeds"), Mapping) else {}
    rows = [
        (i18n.t("created", lang), e(str(record.get("created", "")))),
        (
            i18n.t("command", lang),
            f"<code>{e(' '.join(map(str, record.get('command', []))))}</code>",
        ),
        (
            i18n.t("package_version", lang),
            e(f"{package.get('name', '')} {package.get('version', '')}"),
        ),
        (i18n.t("git_commit", lang), f"<code>{e(commit)}</code>"),
        (i18n.t("python", lang), e(f"{record.get('python', '')} ({record.get('platform', '')})")),
        (i18n.t("packages", lang), e(", ".join(f"{k} {v}" for k, v in packages.items()))),
        (i18n.t("root_seed", lang), e(str(seeds.get("root_seed", "")))),
        (i18n.t("seed_method", lang), f"<code>{e(str(seeds.get('method', '')))}</code>"),
    ]
    shown = [(k, v) for k, v in rows if v and v != "<code></code>"]
    cells = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in shown)
    return f"<h2>{e(i18n.t('sec_provenance', lang))}</h2>\n<table>{cells}</table>\n"
