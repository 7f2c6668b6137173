"""Sample data: Vietnamese administrative documents and civil-status register entries,
as values (cheap, deterministic for a seed) and as rendered pages with ground truth.

Serves ``docsvc demo``, the tests and the benchmarks.
"""
