"""The model layer: the Mesa model, its agents and one module per mechanism.

Imports nothing from the layers above (experiments, analysis, reporting,
cli). No file input/output, plotting or printing happens here.
"""
