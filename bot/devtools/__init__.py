"""Developer and demo helpers: local servers for offline runs and tests."""
