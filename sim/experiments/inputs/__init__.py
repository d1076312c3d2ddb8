"""Reading input files.

The strict, bounded YAML reader, scenario files, parameter checks and input
limits.
"""
