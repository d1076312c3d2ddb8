"""Agent-based model of e-government construction under different governance designs."""

__version__ = "0.1.0"
