"""Storage floor: models, engine, repository (every query), migrations; imports only the ground."""
