"""Alembic migrations (a package only so that the wheel carries env.py and versions/)."""
