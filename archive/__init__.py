"""The system of record: models, database, blob store, numbering, audit, fixity.

Imports none of the other packages of the service, and not Flask.
"""
