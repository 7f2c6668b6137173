"""Every model module, imported once so the metadata and the ORM know all tables."""

from archive import (accounts, audit, calendar, civil, dossiers, extracts, incoming, models, outgoing,  # noqa: F401
                     routing, rollup, sequences)

metadata = models.Base.metadata
