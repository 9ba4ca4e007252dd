"""Catalog floor: the source catalog and its coverage tables; imports only the ground."""
