"""Local stand-ins for the outside world (SMTP sink, IMAP server, Stripe), for the demo and tests.

They listen on 127.0.0.1 only, run offline, and are never used by the daemon in production.
"""
