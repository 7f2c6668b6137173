"""Every model module, imported once so the metadata and the ORM know all tables."""

from archive import accounts, audit, calendar, civil, extracts, models, sequences  # noqa: F401

metadata = models.Base.metadata
