"""libtesseract through its C API (``ctypes``, no compiler, no extra package).

Why: the ``tesseract`` command loads the language model for every page it reads, about
0.12 CPU s of each page's 0.8 on an A4 page at 300 dpi. An API handle loads it once and
reads page after page. This module is only the binding; ``ingest.tessproc`` runs one
handle per long-lived process (so that a Tesseract crash kills one process, not the
service) and ``ingest.ocr.TesseractEngine`` talks to those processes.

The calls mirror what ``tesseract IMAGE - -l LANG --psm N [--dpi D] tsv`` does, so the
text and word boxes are the same as the command's: the language loaded with
``Init3``, the page segmentation mode set, ``user_defined_dpi`` set to the resolution
(0, Tesseract's default, when unknown: it then estimates it as the command does), the
8-bit grey pixels given as they are, ``Recognize`` and ``GetTsvText``.
"""

from __future__ import annotations

import ctypes
import ctypes.util

LIBRARY = "libtesseract.so.5"


def _load() -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(LIBRARY)
    except OSError:
        found = ctypes.util.find_library("tesseract")
        if not found:
            raise
        lib = ctypes.CDLL(found)
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    lib.TessBaseAPICreate.restype = handle
    lib.TessBaseAPICreate.argtypes = []
    lib.TessBaseAPIInit3.restype = ctypes.c_int
    lib.TessBaseAPIInit3.argtypes = [handle, text, text]
    lib.TessBaseAPISetPageSegMode.restype = None
    lib.TessBaseAPISetPageSegMode.argtypes = [handle, ctypes.c_int]
    lib.TessBaseAPISetVariable.restype = ctypes.c_int
    lib.TessBaseAPISetVariable.argtypes = [handle, text, text]
    lib.TessBaseAPISetImage.restype = None
    lib.TessBaseAPISetImage.argtypes = [handle, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                        ctypes.c_int, ctypes.c_int]
    lib.TessBaseAPIRecognize.restype = ctypes.c_int
    lib.TessBaseAPIRecognize.argtypes = [handle, ctypes.c_void_p]
    # char*, freed with TessDeleteText: kept as a raw pointer so it can be freed.
    lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p
    lib.TessBaseAPIGetTsvText.argtypes = [handle, ctypes.c_int]
    lib.TessDeleteText.restype = None
    lib.TessDeleteText.argtypes = [ctypes.c_void_p]
    lib.TessBaseAPIClear.restype = None
    lib.TessBaseAPIClear.argtypes = [handle]
    lib.TessBaseAPIEnd.restype = None
    lib.TessBaseAPIEnd.argtypes = [handle]
    lib.TessBaseAPIDelete.restype = None
    lib.TessBaseAPIDelete.argtypes = [handle]
    return lib


class TesseractApiError(Exception):
    """The library could not be loaded, or the language or a setting was refused."""


class TessApi:
    """One Tesseract handle with its language loaded. Not thread-safe: one per process."""

    def __init__(self, lang: str, psm: int, variables: dict[str, str] | None = None):
        try:
            self._lib = _load()
        except OSError as exc:
            raise TesseractApiError(f"cannot load {LIBRARY}: {exc}") from exc
        self._handle = self._lib.TessBaseAPICreate()
        if self._lib.TessBaseAPIInit3(self._handle, None, lang.encode()) != 0:
            self.close()
            raise TesseractApiError(f"Tesseract cannot load the language {lang!r}")
        self._lib.TessBaseAPISetPageSegMode(self._handle, psm)
        for name, value in (variables or {}).items():
            if not self._lib.TessBaseAPISetVariable(self._handle, name.encode(), value.encode()):
                self.close()
                raise TesseractApiError(f"Tesseract has no setting {name!r}")

    def tsv(self, pixels: bytes | bytearray, width: int, height: int, dpi: int = 0) -> str:
        """TSV of one 8-bit grey page (rows of ``width`` bytes, top to bottom)."""
        lib, handle = self._lib, self._handle
        lib.TessBaseAPISetVariable(handle, b"user_defined_dpi", str(int(dpi or 0)).encode())
        buffer = (ctypes.c_ubyte * len(pixels)).from_buffer(pixels) if isinstance(pixels, bytearray) \
            else ctypes.c_char_p(bytes(pixels))
        lib.TessBaseAPISetImage(handle, buffer, width, height, 1, width)
        try:
            if lib.TessBaseAPIRecognize(handle, None) != 0:
                raise TesseractApiError("Tesseract could not recognise the page")
            pointer = lib.TessBaseAPIGetTsvText(handle, 0)
            if not pointer:
                return ""
            try:
                return ctypes.string_at(pointer).decode("utf-8", "replace")
            finally:
                lib.TessDeleteText(pointer)
        finally:
            lib.TessBaseAPIClear(handle)

    def close(self) -> None:
        if self._handle:
            self._lib.TessBaseAPIEnd(self._handle)
            self._lib.TessBaseAPIDelete(self._handle)
            self._handle = None
