"""Every model module, imported once so the metadata and the ORM know all tables."""

from archive import (accounts, audit, calendar, civil, dossiers, extracts, fixity_runs, incoming, index_requests,  # noqa: F401
                     models,
                     outgoing, routing, rollup, sequences)

metadata = models.Base.metadata
