"""The common look of every chart: colors, fonts, number formats, titles, ``style_figure``.

Every figure of ``sim.reporting`` is finished by ``style_figure`` (white
template, a font stack that includes CJK fonts so Chinese shows in browsers
and static images alike) and numbers in its texts are written by
``format_number``.
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go

#: Colors given to scenarios in order (the baseline gets the first).
PALETTE = (
    "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3",
    "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD",
)  # fmt: skip

#: Font stack of every figure and page: Latin fonts first, then CJK fonts so
#: Chinese shows in browsers on any system and in static exports (Debian:
#: fonts-noto-cjk provides "Noto Sans CJK SC").
FONT_FAMILY = (
    "Helvetica Neue, Helvetica, Arial, Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, "
    "PingFang SC, Microsoft YaHei, sans-serif"
)

_NOTE_STYLE = "font-size:12px;color:#666"


def color(index: int) -> str:
    """Return the color of the ``index``-th scenario."""
    return PALETTE[index % len(PALETTE)]


def rgba(hex_color: str, alpha: float) -> str:
    """Return ``hex_color`` (``"#RRGGBB"``) with opacity ``alpha`` as a CSS ``rgba()`` color."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def format_number(x: float | None) -> str:
    """Format a number with precision suited to its size ('n/a' if not finite)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a >= 1000:
        text = f"{x:,.0f}"
    elif a >= 100:
        text = f"{x:.1f}"
    elif a >= 1:
        text = f"{x:.2f}"
    else:
        text = f"{x:.3f}"
    return text.replace("-", "−")


def confidence_label(confidence: float) -> str:
    """Return a confidence level as a percentage, e.g. ``"95%"``."""
    return f"{confidence:.0%}"


#: Characters of a title (and its note) kept on one line; a longer note goes
#: under the title, wrapped at ``NOTE_CHARS``, so that it is not cut at the
#: right edge of a figure about 900 px wide. Chinese characters count twice.
TITLE_CHARS = 95
NOTE_CHARS = 120


def text_width(text: str) -> int:
    """Width of a text in Latin characters: a CJK (non-ASCII wide) character counts 2."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def wrap_text(text: str, width: int) -> list[str]:
    """Split a text into lines of at most ``width`` (``text_width``), at spaces when any."""
    lines: list[str] = []
    line = ""
    for word in text.split(" ") if " " in text else list(text):
        joined = f"{line} {word}" if line and " " in text else line + word
        if line and text_width(joined) > width:
            lines.append(line)
            line = word
        else:
            line = joined
    return [*lines, line] if line else lines


def figure_title(text: str, note: str = "") -> dict[str, str]:
    """Return a figure title: ``text``, then ``note`` in small grey type (both escaped).

    A note that would make the line longer than ``TITLE_CHARS`` goes on its
    own lines under the title (``style_figure`` makes room for them).
    """
    if not note:
        return {"text": html.escape(text)}
    if text_width(text) + text_width(note) + 3 <= TITLE_CHARS:
        return {
            "text": f"{html.escape(text)} <span style='{_NOTE_STYLE}'>({html.escape(note)})</span>"
        }
    lines = wrap_text(f"({note})", NOTE_CHARS)
    spans = "<br>".join(f"<span style='{_NOTE_STYLE}'>{html.escape(x)}</span>" for x in lines)
    return {"text": f"{html.escape(text)}<br>{spans}"}


def style_figure(fig: go.Figure, *, height: int = 420) -> go.Figure:
    """Apply the project's common look to a figure (in place).

    The font family includes CJK fonts, so Chinese labels render in browsers
    and static exports alike.

    Args:
        fig: Figure to style.
        height: Height in pixels.

    Returns:
        The same figure, for chaining.
    """
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13, "color": "#222"},
        title={"x": 0.01, "xanchor": "left", "font": {"size": 16}},
        height=height,
        # Room for a title whose note runs on under it (``figure_title``).
        margin={
            "l": 70,
            "r": 30,
            "t": 70 + 17 * str(fig.layout.title.text or "").count("<br>"),
            "b": 55,
        },
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hovermode="x unified",
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.update_xaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    fig.update_yaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    return fig
