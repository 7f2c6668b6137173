"""A long-lived Tesseract process: loads the language once, then reads page after page.

Started by ``ingest.ocr.TesseractEngine`` as ``python -m ingest.tessproc LANG PSM
[NAME=VALUE ...]`` with ``OMP_THREAD_LIMIT=1``. It keeps Tesseract out of the service's
own process, as the ``tesseract`` command did: a crash (or a page that never ends and is
killed at its timeout) costs this process alone, and the engine starts another.

Protocol on stdin/stdout, binary, little-endian:

- once at start, the process answers ``READY`` (status 0) or an error (status 1, the
  message) if the language cannot be loaded, then exits;
- request: ``<III`` width, height, dpi (0 when unknown), then width × height bytes of
  8-bit grey pixels, rows top to bottom;
- answer: ``<BI`` status (0: TSV follows, 1: error message follows) and the length, then
  that many bytes of UTF-8.

End of stdin (the engine closed it, or its process died) ends this process. It imports
only the standard library and ``ingest.tessapi``, to start in a few tens of ms.
"""

from __future__ import annotations

import struct
import sys

REQUEST = struct.Struct("<III")
ANSWER = struct.Struct("<BI")
OK, ERROR = 0, 1
# GetTsvText gives the rows without the header line the command prints first.
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def _read_exactly(stream, size: int) -> bytearray | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = stream.readinto(view[got:])
        if not n:
            return None
        got += n
    return buffer


def _answer(stream, status: int, text: str) -> None:
    data = text.encode("utf-8")
    stream.write(ANSWER.pack(status, len(data)))
    stream.write(data)
    stream.flush()


def main(argv: list[str]) -> int:
    from ingest.tessapi import TessApi, TesseractApiError

    lang, psm = argv[0], int(argv[1])
    variables = dict(item.split("=", 1) for item in argv[2:])
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        api = TessApi(lang, psm, variables)
    except TesseractApiError as exc:
        _answer(stdout, ERROR, str(exc))
        return 1
    _answer(stdout, OK, "READY")
    while True:
        header = _read_exactly(stdin, REQUEST.size)
        if header is None:
            return 0
        width, height, dpi = REQUEST.unpack(header)
        pixels = _read_exactly(stdin, width * height)
        if pixels is None:
            return 0
        try:
            tsv = api.tsv(pixels, width, height, dpi)
        except TesseractApiError as exc:
            _answer(stdout, ERROR, str(exc))
            continue
        _answer(stdout, OK, TSV_HEADER + tsv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
