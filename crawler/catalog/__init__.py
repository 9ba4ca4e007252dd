"""Catalog floor: the source catalog (schema, loading, validation, the catalog file) and
its coverage tables. Imports the ground modules only (errors, taxonomy)."""
