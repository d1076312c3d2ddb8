"""The experiment layer: scenario files, replications, sweeps, executors, result files.

Imports only from ``sim.model``.
"""
