"""All chart builders in one namespace: ``from sim.reporting import charts``.

Only re-exports; each builder is defined in a module of its kind. Every
figure is built from tidy frames, styled by ``style_figure`` and takes
``lang="en"`` or ``"zh"``:

- ``sim.reporting.outcome_charts``: ``timeseries_figure`` (an outcome over
  months with its CI band), ``distribution_figure`` (final values of every
  run), ``forest_figure`` and its former name ``differences_figure`` (paired
  effects with their CIs);
- ``sim.reporting.sweep_charts``: ``sweep_line_figure`` and
  ``sweep_heatmap_figure`` (an outcome against one or two parameters);
- ``sim.reporting.network_chart``: ``network_figure`` and ``network_layout``
  (the data-sharing network of one run);
- ``sim.reporting.style``: ``style_figure``, ``format_number``, ``color``,
  ``PALETTE``, ``FONT_FAMILY``;
- ``sim.reporting.pages``: ``save_html``, ``figure_divs``, ``write_page``,
  ``PAGE_CSS`` (offline HTML pages; static images are written by
  ``sim.reporting.export``).
"""

from sim.reporting.network_chart import MAX_NETWORK_NODES, network_figure, network_layout
from sim.reporting.outcome_charts import (
    differences_figure,
    distribution_figure,
    forest_figure,
    timeseries_figure,
)
from sim.reporting.pages import PAGE_CSS, figure_divs, save_html, write_page
from sim.reporting.style import FONT_FAMILY, PALETTE, color, format_number, style_figure
from sim.reporting.sweep_charts import sweep_heatmap_figure, sweep_line_figure

__all__ = [
    "FONT_FAMILY",
    "MAX_NETWORK_NODES",
    "PAGE_CSS",
    "PALETTE",
    "color",
    "differences_figure",
    "distribution_figure",
    "figure_divs",
    "forest_figure",
    "format_number",
    "network_figure",
    "network_layout",
    "save_html",
    "style_figure",
    "sweep_heatmap_figure",
    "sweep_line_figure",
    "timeseries_figure",
    "write_page",
]
