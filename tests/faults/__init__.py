"""Faults under load: PostgreSQL, Redis, SMTP and workers failing while requests run."""
