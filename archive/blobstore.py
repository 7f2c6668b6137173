"""Content-addressed blob store: originals and derived files, kept by SHA-256, never modified.

A blob is written to a temporary file in the store's own ``tmp/`` folder, fsynced, then
hard-linked into place, so a crash leaves either the whole file or nothing. A blob that
exists is never rewritten: ``link(2)`` refuses an existing name, atomically on the server
even when several hosts mount the store over NFS (a retransmitted LINK that answers
"exists" after it in fact succeeded leaves the same bytes in place, which is all we need).
Files are made read-only once in place, and private: only the service's own account may
read them (mode 0400, directories 0700), whatever the umask of the process that wrote them.

Layout: ``<root>/<aa>/<bb>/<sha256>`` with ``aa``/``bb`` the first hex pairs, which keeps
directories small at millions of files. The same layout names the objects of the S3 store
(``archive/blobstore_s3.py``); ``open_blob_store`` picks one from a ``DOCSVC_BLOB_URL``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import threading
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol
from urllib.parse import unquote, urlsplit

CHUNK = 1024 * 1024


class BlobTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"file is larger than {limit} bytes")
        self.limit = limit


class BlobNotFound(KeyError):
    pass


class BlobCorrupt(Exception):
    """The stored bytes do not hash to their address (met while fetching them)."""

    def __init__(self, sha256: str, actual: str):
        super().__init__(f"blob {sha256} reads as {actual}")
        self.sha256, self.actual = sha256, actual


@dataclass
class StagedBlob:
    """Bytes written to a temporary file in the store, hashed, not yet in place."""

    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


class BlobStorage(Protocol):
    """What the code uses of a blob store; ``BlobStore`` (a folder) and ``S3BlobStore``
    (a bucket, with a local read-through cache for ``path``) both provide it."""

    url: str

    def path(self, sha256: str) -> Path: ...
    def exists(self, sha256: str) -> bool: ...
    def stage(self, stream: BinaryIO, max_bytes: int | None = None) -> "StagedBlob": ...
    def commit(self, staged: "StagedBlob") -> Path: ...
    def put(self, data: bytes) -> str: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def read(self, sha256: str) -> bytes: ...
    def hash_of(self, sha256: str) -> str: ...
    def iter_shas(self) -> Iterator[str]: ...
    def remove(self, sha256: str) -> None: ...
    def restore(self, staged: StagedBlob) -> Path: ...
    def clean_tmp(self, older_than_seconds: float = 3600) -> int: ...


def check_sha(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


def blob_key(sha256: str) -> str:
    """``aa/bb/<sha256>``: where a blob lives below the store's root (folder or key prefix)."""
    check_sha(sha256)
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class BlobStore:
    """The store in a folder: local, or a shared filesystem that several hosts mount."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        private_dir(self._tmp)   # made again when needed: a cache folder may be emptied at any time

    @property
    def url(self) -> str:
        return self.root.resolve().as_uri()

    # -- addressing -------------------------------------------------------------------
    def path(self, sha256: str) -> Path:
        """The blob's file (its address: it may not exist; ``open`` raises BlobNotFound)."""
        return self.root / blob_key(sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    # -- writing ----------------------------------------------------------------------
    def stage(self, stream: BinaryIO, max_bytes: int | None = None) -> StagedBlob:
        """Copy ``stream`` to a temporary file in the store while hashing it.

        Raises BlobTooLarge (and leaves nothing behind) when more than ``max_bytes`` arrive.
        """
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=private_dir(self._tmp), prefix="stage-")
        try:
            with os.fdopen(fd, "wb") as out:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            os.unlink(tmp_name)
            raise
        return StagedBlob(Path(tmp_name), digest.hexdigest(), size)

    def commit(self, staged: StagedBlob) -> Path:
        """Move a staged blob into place (or drop it when the same bytes are already there)."""
        final = self.path(staged.sha256)
        if final.exists():
            staged.discard()
            return final
        private_dir(final.parent)
        try:
            os.chmod(staged.path, 0o400)
            publish(staged.path, final)
        finally:
            staged.discard()
        fsync_dir(final.parent)
        return final

    def restore(self, staged: StagedBlob) -> Path:
        """Put a checked copy in place of a missing or damaged file (fixity repair): the one
        write that replaces a file in place, by a rename over it, so a reader sees the old or
        the new file, never a mix. The caller checked ``staged.sha256`` is the blob's name."""
        final = self.path(staged.sha256)
        private_dir(final.parent)
        os.chmod(staged.path, 0o400)
        os.replace(staged.path, final)
        fsync_dir(final.parent)
        return final

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256 (a no-op when already stored)."""
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(sha):
            return sha
        fd, tmp_name = tempfile.mkstemp(dir=private_dir(self._tmp), prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            os.unlink(tmp_name)
            raise
        self.commit(StagedBlob(Path(tmp_name), sha, len(data)))
        return sha

    # -- reading ----------------------------------------------------------------------
    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def hash_of(self, sha256: str) -> str:
        """Re-hash the stored file (for fixity checks)."""
        digest = hashlib.sha256()
        with self.open(sha256) as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def iter_shas(self) -> Iterator[str]:
        """Every blob's address, in order (for fixity and backups)."""
        for first in sorted(self.root.iterdir()):
            if first.name == "tmp" or not first.is_dir():
                continue
            for second in sorted(first.iterdir()):
                for f in sorted(second.iterdir()):
                    yield f.name

    def remove(self, sha256: str) -> None:
        """Delete a blob that nothing refers to any more (a no-op when it is not there)."""
        self.path(sha256).unlink(missing_ok=True)

    def clean_tmp(self, older_than_seconds: float = 3600) -> int:
        """Remove staging files left by crashed writers."""
        import time

        removed = 0
        cutoff = time.time() - older_than_seconds
        for f in self._tmp.iterdir():
            try:
                if f.stat().st_mtime < cutoff:
                    f.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed


def publish(tmp: Path, final: Path) -> None:
    """Give the complete file ``tmp`` the name ``final`` unless that name exists already.

    ``os.link`` never replaces a name, on a local disk or on NFS (the server does it or
    refuses it in one step), so two writers of one blob, on one host or on two, leave the
    first one's file in place and a reader's open file is never swapped under it. Some
    filesystems have no hard links (some SMB/CIFS and FUSE mounts): there, ``rename`` after a
    look, whose only race is two writers of the same bytes, content-addressed, so the bytes
    are the same either way. The caller removes ``tmp`` afterwards.
    """
    try:
        os.link(tmp, final)
    except FileExistsError:
        pass   # the same bytes are there already (another writer, or a retried NFS LINK)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        if not final.exists():
            os.replace(tmp, final)


def open_blob_store(url: str, cache_dir: Path | str | None = None) -> BlobStorage:
    """The store named by ``url``: ``file:///path`` (or a plain path) for a folder, local or
    shared; ``s3://bucket/prefix?endpoint=http://host:port&region=...`` for an S3-compatible
    bucket (credentials from the usual AWS_* environment), whose local read-through cache
    for ``path`` lives in ``cache_dir``."""
    parts = urlsplit(url)
    if parts.scheme in ("", "file"):
        if parts.scheme == "file" and parts.netloc not in ("", "localhost"):
            raise ValueError(f"blob store URL {url!r}: a file URL names a local path (file:///srv/blobs)")
        path = unquote(parts.path) if parts.scheme == "file" else url
        if not path:
            raise ValueError(f"blob store URL {url!r} names no folder")
        return BlobStore(Path(path))
    if parts.scheme == "s3":
        from archive.blobstore_s3 import S3BlobStore

        if cache_dir is None:
            raise ValueError("an S3 blob store needs a local cache folder")
        return S3BlobStore.from_url(url, cache_dir)
    raise ValueError(f"blob store URL {url!r}: use file:///path or s3://bucket/prefix")


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents with mode 0700 (folders that exist are left
    as they are). ``Path.mkdir(parents=True, mode=...)`` gives the mode to the last folder
    only; the ones made on the way would follow the umask."""
    path = Path(path)
    if path.is_dir():
        return path
    if path.parent != path:
        private_dir(path.parent)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass   # made meanwhile by another writer
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (fsync of the folder itself)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_to(store: BlobStorage, sha256: str, dest: BinaryIO) -> None:
    with store.open(sha256) as src:
        shutil.copyfileobj(src, dest, CHUNK)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file beside it, fsynced, then
    renamed), readable by the service's user only; its folder is made 0700 if missing."""
    path = Path(path)
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
