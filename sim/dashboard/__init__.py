"""The interactive dashboard (``run.py dashboard``): a local Dash web app.

Pick two designs, move levers and key uncertainties with sliders, run N
paired replications with progress, and see the outcomes over time with 95%
bands, the paired-difference table and forest plot and one run's sharing
network, in English or Chinese; download the run's results folder as a zip.
The charts are those of ``sim.reporting.charts``. Layers: above
``sim.reporting``, below ``sim.cli``.
"""
