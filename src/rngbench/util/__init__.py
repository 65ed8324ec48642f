"""Small mechanisms every subsystem shares: atomic writes and locks."""
