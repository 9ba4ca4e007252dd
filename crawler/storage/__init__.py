"""Storage floor: SQLAlchemy models, engine and sessions, the repository (every query
provwatch makes), Alembic migrations. Imports only the ground modules."""
