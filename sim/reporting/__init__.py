"""The reporting layer: charts, the HTML report, image export and translations.

Imports from ``sim.analysis``, ``sim.experiments`` and ``sim.model``, never from cli.
"""
