"""The system of record: models, database, blob store, numbering, audit, fixity.

Imports none of the other packages of the service, and not Flask.
"""

from archive import schema  # noqa: F401  (registers every table with the ORM)
