"""A second copy of every blob as it is written (``DOCSVC_BLOB_REPLICA``).

The replica is a folder laid out like the blob store (another disk, another mount). Fixity
repairs the store from it (``archive.fixity_runs.repair_blob``); ``docsvc fixity
--replicate`` fills it with whatever it lacks. Until this wrapper a blob written since the
last ``--replicate`` had no second copy: now each blob the store takes is copied to the
replica right after it is in place, checked against its name on the way. A replica that
cannot be written (the mount gone, the disk full) does not stop the upload: the failure is
logged and ``--replicate`` copies the blob later."""

from __future__ import annotations

import logging
from pathlib import Path

from archive.blobstore import BlobStorage, BlobStore, StagedBlob

log = logging.getLogger(__name__)


class ReplicatingStore:
    """The primary store, with every new blob also written to ``replica``. Everything
    else (reading, staging, removal, repair) is the primary's own."""

    def __init__(self, primary: BlobStorage, replica: Path | str):
        self.primary = primary
        self.replica_root = Path(replica)
        self.copied = 0
        self.failed = 0

    def __getattr__(self, name):
        return getattr(self.primary, name)

    def commit(self, staged: StagedBlob) -> Path:
        final = self.primary.commit(staged)
        self.copy(staged.sha256)
        return final

    def put(self, data: bytes) -> str:
        sha = self.primary.put(data)
        self.copy(sha)
        return sha

    def copy(self, sha256: str) -> bool:
        """Copy one stored blob to the replica (nothing when it is there). → written or present."""
        try:
            replica = BlobStore(self.replica_root)
            if replica.exists(sha256):
                return True
            with self.primary.open(sha256) as fh:
                staged = replica.stage(fh)
            if staged.sha256 != sha256:
                staged.discard()
                self.failed += 1
                log.error("blob %s does not hash to its name in the store; not copied to the replica", sha256)
                return False
            replica.commit(staged)
            self.copied += 1
            return True
        except OSError as exc:
            self.failed += 1
            log.warning("blob %s not copied to the replica %s (%s); `docsvc fixity --replicate` copies it later",
                        sha256, self.replica_root, exc)
            return False
