"""rngbench: what random numbers cost, which streams stayed the same, and whether results changed."""

__version__ = "0.1.0"
