"""Test configuration: the shared fixtures live in tests/fixtures/ (one module per kind), registered here."""

pytest_plugins = ["fixtures.recordings"]
