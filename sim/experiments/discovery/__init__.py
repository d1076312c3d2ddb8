"""Scenario discovery over sampled worlds.

Discovery files, running paired designs over sampled worlds, and the EMA
Workbench adapter.
"""
