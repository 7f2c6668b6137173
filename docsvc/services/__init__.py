"""Use cases: the service layer that combines archive, ingest and search."""
