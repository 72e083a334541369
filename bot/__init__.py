"""arbot's world-facing layer: config, database, mail I/O, Stripe, CLI and daemon."""

__version__ = "0.1.0"
