"""Reading Whoosh's segment files in place.

Whoosh maps a compound segment file into memory (``mmap``) and hands each file inside it
to its readers as a ``BufferFile`` over a ``memoryview`` of the mapping. ``BufferFile``
then wraps that view in ``io.BytesIO``, which copies it: every reader opened held a
private copy of every segment file it opened (measured: opening a reader of a
100,000-page index, 525 MB on disk, took 870 MB; the searcher a thread opens for its
searches took as much again). :class:`ViewFile` is the same file interface over the
view without the copy; only what is read is copied, and the mapped pages stay shared
with the operating system's file cache.

:func:`install` patches ``BufferFile`` once; ``search`` calls it on import. Buffers
that are ``bytes`` (Whoosh's in-memory storage) keep ``BytesIO``, which shares them.
"""

from __future__ import annotations

import io
import os

from whoosh.filedb import structfile


class ViewFile(io.RawIOBase):
    """A read-only, seekable file over a buffer (a ``memoryview``), without copying it."""

    def __init__(self, buf):
        super().__init__()
        self._view = memoryview(buf).cast("B")
        self._size = len(self._view)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        pos = self._pos
        end = self._size if size is None or size < 0 else min(self._size, pos + size)
        if end <= pos:
            return b""
        self._pos = end
        return self._view[pos:end].tobytes()

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, b) -> int:
        data = self.read(len(b))
        n = len(data)
        memoryview(b).cast("B")[:n] = data
        return n

    def readline(self, size: int | None = -1) -> bytes:
        pos = self._pos
        limit = self._size if size is None or size < 0 else min(self._size, pos + size)
        end = pos
        while end < limit:
            chunk = self._view[end:min(limit, end + 256)].tobytes()
            i = chunk.find(b"\n")
            if i >= 0:
                end += i + 1
                break
            end += len(chunk)
        self._pos = end
        return self._view[pos:end].tobytes()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            pos = offset
        elif whence == os.SEEK_CUR:
            pos = self._pos + offset
        elif whence == os.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError(f"negative seek position {pos}")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        # The view belongs to the storage's mapping, which closes it; releasing it here
        # would fail while Whoosh still holds slices of it.
        super().close()


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = io.BytesIO(buf) if isinstance(buf, bytes) else ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's ``BufferFile`` read its buffer in place (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
