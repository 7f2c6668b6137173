"""The blob store in an S3-compatible bucket, for installations whose originals live in an
object store shared by every web and worker host.

The bucket is the truth; the local folder is only a read-through cache, so that the code
that needs a file (the ingest pipeline, a download sent by the web server) gets one from
``path`` unchanged. The cache is content-addressed too (a ``BlobStore``): what it holds is
what the bucket held under that hash, checked when fetched; it may be emptied at any time
(``find <cache> -type f -atime +7 -delete`` from cron keeps it small).

Writes stay atomic and content-addressed. The key is ``<prefix>/aa/bb/<sha256>``, the
layout of the folder store (so a folder store and a bucket can be copied into each other
with ordinary tools). A blob is written with one PUT, which S3 makes visible whole or not at
all; we look first (HEAD) and skip the upload when the key exists, send
``If-None-Match: *`` so that a concurrent writer's object is never overwritten, and send the
SHA-256 as ``ChecksumSHA256``: S3 refuses a body that does not match it (BadDigest). Fixity
re-reads the object from the bucket and hashes it; the cache is not consulted.

Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN, AWS_PROFILE, an instance role); never from the URL.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import parse_qs, urlsplit

from archive.blobstore import CHUNK, BlobCorrupt, BlobNotFound, BlobStore, StagedBlob, blob_key, check_sha

_MISSING = {"404", "NoSuchKey", "NotFound"}
_SHA = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})$")


class S3BlobStore:
    """Blobs as objects of one bucket under one prefix; ``path`` through a local cache."""

    def __init__(self, bucket: str, prefix: str, cache_dir: Path | str, *, endpoint: str | None = None,
                 region: str | None = None, addressing: str | None = None):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint, self.region = endpoint, region
        # An endpoint of one's own (MinIO, Ceph, a test server) is reached by path: its
        # name rarely resolves with the bucket in front of it.
        self.addressing = addressing or ("path" if endpoint else "auto")
        self.cache = BlobStore(cache_dir)
        self._clients: dict[int, object] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, cache_dir: Path | str) -> "S3BlobStore":
        """``s3://bucket/prefix?endpoint=http://host:port&region=...&addressing=path|virtual``."""
        parts = urlsplit(url)
        if "@" in parts.netloc:
            raise ValueError("the blob store URL must not carry credentials: use the AWS_* environment")
        if not parts.netloc:
            raise ValueError(f"blob store URL {url!r} names no bucket (s3://bucket/prefix)")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint", "region", "addressing"}
        if unknown:
            raise ValueError(f"blob store URL {url!r}: unknown option(s) {', '.join(sorted(unknown))}")
        if query.get("addressing", "path") not in ("path", "virtual", "auto"):
            raise ValueError(f"blob store URL {url!r}: addressing is path, virtual or auto")
        return cls(parts.netloc, parts.path, cache_dir, endpoint=query.get("endpoint"),
                   region=query.get("region"), addressing=query.get("addressing"))

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    @property
    def root(self) -> Path:
        """The local folder (the cache and its staging files)."""
        return self.cache.root

    @property
    def client(self):
        # boto3 clients are thread-safe but not to be shared across fork: one per process.
        pid = os.getpid()
        client = self._clients.get(pid)
        if client is None:
            with self._lock:
                client = self._clients.get(pid)
                if client is None:
                    import boto3
                    from botocore.config import Config

                    config = Config(s3={"addressing_style": self.addressing}, connect_timeout=10,
                                    read_timeout=60, retries={"max_attempts": 5, "mode": "standard"})
                    client = boto3.session.Session().client("s3", endpoint_url=self.endpoint,
                                                            region_name=self.region, config=config)
                    self._clients = {pid: client}
        return client

    def key(self, sha256: str) -> str:
        return f"{self.prefix}/{blob_key(sha256)}" if self.prefix else blob_key(sha256)

    # -- the bucket ---------------------------------------------------------------------
    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except Exception as exc:
            if _error_code(exc) in _MISSING:
                return False
            raise
        return True

    def _upload(self, sha256: str, body: BinaryIO | bytes) -> None:
        """One PUT of the whole blob, unless the key exists; never over another's object."""
        if self.exists(sha256):
            return
        args = dict(Bucket=self.bucket, Key=self.key(sha256),
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode())
        try:
            self.client.put_object(Body=body, IfNoneMatch="*", **args)
        except Exception as exc:
            code = _error_code(exc)
            if code in ("PreconditionFailed", "ConditionalRequestConflict"):
                return   # another writer put the same key between our look and our PUT: same bytes
            if code != "NotImplemented":
                raise
            # A store without conditional writes (older MinIO, Ceph): the look above is all
            # we have; a racing writer's object holds the same bytes, so nothing is lost.
            if not isinstance(body, bytes):
                body.seek(0)
            self.client.put_object(Body=body, **args)

    def stage(self, stream: BinaryIO, max_bytes: int | None = None) -> StagedBlob:
        """Copy ``stream`` to a local staging file while hashing it (nothing is sent yet)."""
        return self.cache.stage(stream, max_bytes=max_bytes)

    def commit(self, staged: StagedBlob) -> Path:
        """Upload a staged blob (unless the bucket has it), then keep it in the cache."""
        try:
            with open(staged.path, "rb") as fh:
                self._upload(staged.sha256, fh)
        except BaseException:
            staged.discard()
            raise
        return self.cache.commit(staged)

    def restore(self, staged: StagedBlob) -> Path:
        """Put a checked copy in place of a missing or damaged object (fixity repair): the one
        write that replaces an object, a PUT with the checksum (S3 refuses a body that does not
        match); the cache's copy, if any, is replaced too. The caller checked the hash."""
        try:
            with open(staged.path, "rb") as fh:
                self.client.put_object(Bucket=self.bucket, Key=self.key(staged.sha256), Body=fh,
                                       ChecksumSHA256=base64.b64encode(bytes.fromhex(staged.sha256)).decode())
        except BaseException:
            staged.discard()
            raise
        self.cache.remove(staged.sha256)
        return self.cache.commit(staged)

    def put(self, data: bytes) -> str:
        """Upload ``data`` unless the bucket has it; return its SHA-256. Not cached: the
        worker hosts that put page images never read them again."""
        sha = hashlib.sha256(data).hexdigest()
        self._upload(sha, data)
        return sha

    def remove(self, sha256: str) -> None:
        """Delete a blob that nothing refers to any more, in the bucket and the cache."""
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))
        self.cache.remove(sha256)

    # -- reading ------------------------------------------------------------------------
    def _get(self, sha256: str):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]
        except Exception as exc:
            if _error_code(exc) in _MISSING:
                raise BlobNotFound(sha256) from None
            raise

    def path(self, sha256: str) -> Path:
        """A local file with the blob's bytes: the cached copy, fetched first if need be.
        Raises BlobNotFound when the bucket has no such object, BlobCorrupt when its bytes
        do not hash to its name (nothing is cached then)."""
        local = self.cache.path(sha256)
        if local.is_file():
            return local
        body = self._get(sha256)
        try:
            staged = self.cache.stage(body)
        finally:
            body.close()
        if staged.sha256 != sha256:
            staged.discard()
            raise BlobCorrupt(sha256, staged.sha256)
        return self.cache.commit(staged)

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def hash_of(self, sha256: str) -> str:
        """Re-read the object from the bucket and hash it (for fixity checks)."""
        check_sha(sha256)
        digest = hashlib.sha256()
        body = self._get(sha256)
        try:
            for chunk in iter(lambda: body.read(CHUNK), b""):
                digest.update(chunk)
        finally:
            body.close()
        return digest.hexdigest()

    def iter_shas(self) -> Iterator[str]:
        """Every blob's address in the bucket, in order (S3 lists keys sorted)."""
        start = f"{self.prefix}/" if self.prefix else ""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=start):
            for item in page.get("Contents", ()):
                match = _SHA.match(item["Key"][len(start):])
                if match:
                    yield match.group(1)

    def clean_tmp(self, older_than_seconds: float = 3600) -> int:
        return self.cache.clean_tmp(older_than_seconds)


def _error_code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code"))
    return None

