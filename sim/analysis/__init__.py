"""The analysis layer: statistics, summaries, stylized facts and sensitivity.

Imports from ``sim.experiments`` and ``sim.model``, never from reporting or cli.
"""
