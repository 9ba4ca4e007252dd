"""Storage: SQLAlchemy models, engine and sessions, the repository, Alembic migrations."""
