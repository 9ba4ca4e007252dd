"""Storage floor: models, engine, repository (every query), migrations, the advisory-lock
slots of queued crawls; imports only the ground."""
