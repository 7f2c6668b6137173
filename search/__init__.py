"""Search: the Whoosh schema, the Vietnamese analyzer, the index writer and searcher,
and the query language. Takes plain values (dataclasses), not ORM rows; imports neither
Flask nor the other packages of the service."""
