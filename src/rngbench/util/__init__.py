"""Small mechanisms every subsystem shares, each in one place: atomic writes, file locks, markdown, worker processes."""
