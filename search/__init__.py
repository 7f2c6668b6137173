"""Search: the Whoosh schema, the Vietnamese analyzer, the index writer and searcher,
and the query language. Takes plain values (dataclasses), not ORM rows; imports neither
Flask nor the other packages of the service.

Public API (everything the application needs is importable from ``search``):

* records: :class:`DocumentPage`, :class:`PersonRecord`; results: :class:`SearchResult`,
  :class:`Hit`, :class:`Suggestion`; the user's :class:`AccessScope`;
* :class:`SearchIndex` — open a directory; ``status``, ``update``, ``delete``,
  ``rebuild``, ``check``/``repair``, ``search``, ``suggest`` (see :mod:`search.index`);
* errors: :class:`IndexUnavailable` and its kinds :class:`IndexMissing`,
  :class:`IndexCorrupt`, :class:`IndexOutdated`, :class:`IndexRebuilding` (answer 503);
  :class:`WriterBusy`, :class:`RebuildRunning`;
* :data:`QUERY_HELP` — the query language, for the search page (:mod:`search.querylang`).

Modules: ``analyzer`` (Vietnamese normalisation and folding), ``fields`` (field types
that analyse), ``segments`` (fast segment writing), ``kinds`` (one index and schema per
kind of record), ``querylang`` (parser), ``planner``/``kindplans`` (query → Whoosh
query), ``spelling`` (words one edit away, words a prefix starts), ``visibility``
(which words a scope may be offered), ``segment``/``engine``/``scoring``
(posting lists, counting, facets, scores), ``highlight``, ``searching`` (search and
suggest), ``index``/``rebuild``/``locks`` (life cycle and writes), ``storage`` (Whoosh's
segment files read in place, not copied: installed here, before any index is opened).
"""

from search.compat import check_whoosh as _check_whoosh

_check_whoosh()

from search import storage as _storage  # noqa: E402

_storage.install()

from search.errors import (IndexCorrupt, IndexMissing, IndexOutdated, IndexRebuilding,  # noqa: E402
                           IndexUnavailable, RebuildRunning, SearchError, WriterBusy)
from search.index import CheckReport, KindStatus, SearchIndex  # noqa: E402
from search.querylang import __doc__ as QUERY_HELP  # noqa: E402
from search.records import (AccessScope, DocumentPage, Hit, PersonRecord, SearchResult,  # noqa: E402
                            Suggestion)

__all__ = [
    "AccessScope", "CheckReport", "DocumentPage", "Hit", "IndexCorrupt", "IndexMissing",
    "IndexOutdated", "IndexRebuilding", "IndexUnavailable", "KindStatus", "PersonRecord",
    "QUERY_HELP", "RebuildRunning", "SearchError", "SearchIndex", "SearchResult",
    "Suggestion", "WriterBusy",
]
