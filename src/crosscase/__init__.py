"""Crosscase: a workbench for comparative qualitative case studies."""
__version__ = "0.1.0"
