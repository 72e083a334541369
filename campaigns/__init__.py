"""Decisions: given an account snapshot and ``now`` (or a reading), which actions, and why.

Pure code. Imports only ``parsers``' result types; never the database, network or clock.
"""
