"""pcnmap: England's Primary Care Networks on a map."""

__version__ = "0.1.0"
