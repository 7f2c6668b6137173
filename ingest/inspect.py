"""The quick look at a file before anything is stored: is it something we can ingest?

``inspect_file`` is what the upload path calls: it runs ``examine`` in a sandboxed child
process (``ingest.sandbox``), because the bytes are untrusted and the caller is the web
server. ``examine`` is the look itself, for callers that already run in a worker.
"""

from __future__ import annotations

from pathlib import Path

from ingest import sandbox
from ingest.detect import HEAD_BYTES, describe_unsupported, detect_media_type
from ingest.errors import IngestError
from ingest.images import frame_count, open_image
from ingest.results import PDF, FileInfo, Limits

_MB = 1024 * 1024


def inspect_file(path: Path, limits: Limits) -> FileInfo:
    """``examine(path, limits)`` in a child process bounded by ``limits.inspect_*``.

    Besides the codes of ``examine``: reader_crashed (the child died: a signal, an
    unexpected parser error), reader_timeout (CPU or wall-clock limit),
    reader_out_of_memory (address-space limit). The caller's process is never at risk.
    """
    bounds = sandbox.Bounds(memory_mb=limits.inspect_memory_mb, cpu_seconds=limits.inspect_cpu_seconds,
                            timeout_seconds=limits.inspect_timeout_seconds)
    # ``examine`` is looked up at call time and passed by reference (pickled by name).
    return sandbox.run(examine, (Path(path), limits), bounds)


def examine(path: Path, limits: Limits) -> FileInfo:
    """Media type and page count of a file, or IngestError saying why it cannot be taken.

    Reads headers only (no page is decoded or rendered), and stops counting pages at
    ``limits.max_pages + 1``: a TIFF's frames are counted as their directories are read,
    a PDF's pages by walking its page tree (the pages themselves are not loaded), so a
    file with 20,000 pages costs no more than one with 2,001. Codes: empty_file,
    too_large, unsupported_type, corrupt_pdf, truncated_pdf, encrypted_pdf (a PDF whose
    user password is empty is accepted), empty_pdf, too_many_pages (``pages`` is how
    many were counted before stopping), bad_page_size (a PDF page of zero or absurd
    size), image_too_large (declared width × height over ``limits.max_pixels``, for
    every TIFF frame), corrupt_image.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty_file")
    if size > limits.max_bytes:
        raise IngestError("too_large", size_mb=size / _MB, limit_mb=round(limits.max_bytes / _MB))
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    media_type = detect_media_type(head)
    if media_type is None:
        raise IngestError("unsupported_type", detail=describe_unsupported(head))
    if media_type == PDF:
        # Imported here, not by every process that imports this module (the fork server
        # that runs ``examine`` has them loaded already: ingest.sandbox.PRELOAD).
        from ingest.pagetree import check_pages
        from ingest.pdf import PDFIUM_LOCK, check_image_sizes, open_document, open_reader

        reader = open_reader(path, limits)
        pages = check_pages(reader, limits)
        if pages <= limits.max_pages:
            check_image_sizes(reader, limits)
            document = open_document(path)  # pdfium renders the scans: it must read the file too
            with PDFIUM_LOCK:
                document.close()
    else:
        with open_image(path, media_type) as image:
            pages = frame_count(image, limits)
    if pages > limits.max_pages:
        raise IngestError("too_many_pages", pages=pages, limit=limits.max_pages)
    return FileInfo(media_type=media_type, page_count=pages)
