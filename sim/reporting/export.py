"""Static images (PNG, SVG, PDF) of plotly figures, through kaleido 1.x.

Kaleido drives a Chromium-based browser installed on the machine (Debian:
``apt-get install chromium``; anywhere: ``plotly_get_chrome``). One browser is
started per batch of figures and closed afterwards, so each image costs a
fraction of a second instead of the several seconds of a fresh browser.
MathJax is switched off: exports never reach for the network.

If no browser is found, ``export_figures`` raises ``ExportUnavailableError`` with
a message saying how to install one; nothing is written.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.experiments.files import atomic_write

#: Formats ``export_figures`` writes.
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

#: Formats the main job writes into ``figures/``.
DEFAULT_FORMATS: tuple[str, ...] = ("png", "svg")

#: Pixel scale of PNG images (2 = sharp on print and high-resolution screens).
PNG_SCALE = 2

#: Seconds allowed for one image.
TIMEOUT = 90

BROWSER_HELP = (
    "static images (PNG/SVG/PDF) need Chrome or Chromium and none was found. Install one "
    "with 'apt-get install chromium' (Debian/Ubuntu; add 'fonts-noto-cjk' for Chinese "
    "text) or 'uv run plotly_get_chrome', then write the images with "
    "'python run.py report FOLDER --formats png,svg,pdf'. The HTML report does not need it."
)


class ExportUnavailableError(RuntimeError):
    """Static export is impossible here (no browser, or kaleido missing)."""


def parse_formats(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return formats from ``"png,svg"`` (or a sequence); ``"none"`` or empty gives ().

    Raises:
        ValueError: For a format not in ``FORMATS``.
    """
    if text is None:
        return ()
    items = text.split(",") if isinstance(text, str) else list(text)
    formats = [f.strip().lower().lstrip(".") for f in items if f.strip()]
    if formats in ([], ["none"]):
        return ()
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(
            f"unknown image format {', '.join(map(repr, bad))}; choose from "
            f"{', '.join(FORMATS)} (comma-separated) or 'none'"
        )
    return tuple(dict.fromkeys(formats))


def find_browser() -> str | None:
    """Return the path of the Chrome/Chromium kaleido would use, or None."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:  # pragma: no cover - kaleido depends on choreographer
        return None
    try:
        path = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure of the lookup means no browser
        return None
    return path if path and Path(path).is_file() else None


def _run_in_thread(coroutine: Any) -> Any:
    """Run a coroutine to completion in a new thread (works inside Jupyter too)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            result["error"] = exc

    thread = threading.Thread(target=target, name="figure-export")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def export_figures(
    figures: Mapping[str, Any],
    folder: str | os.PathLike[str],
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    suffix: str = "",
    scale: float = PNG_SCALE,
) -> list[Path]:
    """Write every figure in every format, with one browser for the whole batch.

    Args:
        figures: File stem -> plotly figure (e.g. ``{"timeseries_cum_spending": fig}``).
        folder: Output folder (created if missing).
        formats: Some of ``FORMATS``.
        suffix: Added to each stem (e.g. ``"_zh"``).
        scale: Pixel scale of PNG images.

    Returns:
        The files written, ``<folder>/<stem><suffix>.<format>``, each written
        atomically (temporary name, then renamed).

    Raises:
        ExportUnavailableError: If kaleido or a browser is missing (nothing written).
        ValueError: For an unknown format.
    """
    formats = parse_formats(list(formats))
    if not figures or not formats:
        return []
    try:
        import kaleido
    except ImportError as exc:  # pragma: no cover - kaleido is a dependency
        message = f"the kaleido package is missing ({exc}); run 'uv sync'"
        raise ExportUnavailableError(message) from exc
    browser = find_browser()
    if browser is None:
        raise ExportUnavailableError(BROWSER_HELP)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    jobs = []
    for stem, fig in figures.items():
        layout = fig.layout
        width = int(layout.width or 1000)
        height = int(layout.height or 500)
        for fmt in formats:
            opts = {
                "format": fmt,
                "width": width,
                "height": height,
                "scale": scale if fmt == "png" else 1,
            }
            jobs.append((fig, opts, out / f"{stem}{suffix}.{fmt}"))

    async def render() -> list[Path]:
        written = []
        async with kaleido.Kaleido(path=browser, mathjax=False, timeout=TIMEOUT) as k:
            for fig, opts, path in jobs:
                data = await k.calc_fig(fig, opts=opts)
                atomic_write(path, lambda p, data=data: p.write_bytes(data))
                written.append(path)
        return written

    try:
        return _run_in_thread(render())
    except Exception as exc:
        if type(exc).__name__ == "ChromeNotFoundError":
            raise ExportUnavailableError(BROWSER_HELP) from exc
        raise
