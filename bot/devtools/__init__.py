"""Development helpers that run offline (the local Stripe server for tests and the demo)."""
