"""Calibration against observed numbers.

Calibration files, ABC-SMC over the model (pyabc), and draws from a
posterior.
"""
