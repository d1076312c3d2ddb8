"""Sweeps over parameter ranges.

A sweep file's definition and ranges, its design of points, and running it
into a resumable folder.
"""
