"""What a backup folder holds, and how it proves it is whole.

Layout of a backup (every file readable by the service's account only)::

    manifest.json            version, when, database revision, counts, previous backups,
                             the SHA-256 and size of every file below except the blobs
    manifest.json.sha256     the manifest's own SHA-256 (``sha256sum -c`` reads it)
    database.sqlite3         or database.pgdump (pg_dump --format=custom)
    blobs.jsonl              one line per blob of the database: sha256, size, media type,
                             role, and ``in``: null (copied here) or the id of the earlier
                             backup that holds it
    blobs/aa/bb/<sha256>     the blobs copied into this backup (named by their own hash)
    anchors/anchors-<year>.log   the audit chain's anchors
    settings.json            the settings, without any secret

Reading a backup (:func:`open_backup`) checks the manifest against its sum and every file
it lists against its hash, and refuses a damaged one naming the file; the blobs are checked
against their names by whoever copies them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Sequence

from archive.blobstore import CHUNK, fsync_dir, private_dir

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"
BLOB_LIST = "blobs.jsonl"
SETTINGS = "settings.json"
ANCHORS = "anchors"
BLOBS = "blobs"


class BackupRefused(Exception):
    """A backup or a restore that cannot go on; ``message`` is for a person (Vietnamese),
    ``code`` for a program, ``path`` the file or folder at fault when there is one."""

    def __init__(self, code: str, message: str, path: Path | str | None = None):
        super().__init__(message)
        self.code, self.message, self.path = code, message, (str(path) if path is not None else None)

    def as_dict(self) -> dict:
        return {"error": self.code, "message": self.message, "path": self.path}


def blob_relpath(sha256: str) -> str:
    return f"{BLOBS}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def hash_file(path: Path) -> tuple[str, int]:
    """(SHA-256, size) of a file."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_hashed(source: BinaryIO, dest: Path) -> tuple[str, int]:
    """Copy a stream to a new private file, fsynced; its (SHA-256, size)."""
    private_dir(dest.parent)
    digest, size = hashlib.sha256(), 0
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def write_private_text(path: Path, text: str) -> None:
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


@dataclass(frozen=True)
class BlobEntry:
    sha256: str
    size: int
    media_type: str
    role: str
    source: str | None = None     # None: in this backup; else the id of the backup that holds it

    def line(self) -> str:
        return json.dumps({"sha256": self.sha256, "size": self.size, "media_type": self.media_type,
                           "role": self.role, "in": self.source}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def parse(cls, raw: str) -> "BlobEntry":
        obj = json.loads(raw)
        return cls(obj["sha256"], int(obj["size"]), obj["media_type"], obj["role"], obj.get("in"))


@dataclass
class Backup:
    """A backup folder whose manifest and listed files were found intact."""

    path: Path
    manifest: dict
    resolved: dict[str, "Backup"] = field(default_factory=dict)   # earlier backups found, by id

    @property
    def id(self) -> str:
        return self.manifest["id"]

    @property
    def previous(self) -> list[dict]:
        return list(self.manifest.get("previous") or [])

    def blobs(self) -> Iterator[BlobEntry]:
        with open(self.path / BLOB_LIST, encoding="utf-8") as fh:
            for raw in fh:
                if raw.strip():
                    yield BlobEntry.parse(raw)

    def holder(self, entry: BlobEntry) -> "Backup | None":
        """The backup whose folder holds this blob (None: an earlier one that was not found)."""
        return self if entry.source in (None, self.id) else self.resolved.get(entry.source)

    def blob_file(self, entry: BlobEntry) -> Path | None:
        holder = self.holder(entry)
        return None if holder is None else holder.path / blob_relpath(entry.sha256)


def write_manifest(folder: Path, manifest: dict) -> None:
    body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_private_text(folder / MANIFEST, body)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    write_private_text(folder / MANIFEST_SUM, f"{digest}  {MANIFEST}\n")
    fsync_dir(folder)


def file_entries(folder: Path, names: Iterable[str]) -> dict[str, dict]:
    """``{relative name: {sha256, size}}`` for the manifest."""
    out = {}
    for name in sorted(names):
        sha, size = hash_file(folder / name)
        out[name] = {"sha256": sha, "size": size}
    return out


def open_backup(path: Path | str, *, what: str = "Bản sao lưu") -> Backup:
    """Read and check a backup folder: the manifest against its sum, each listed file
    against its hash. Raises BackupRefused naming what is missing or damaged."""
    path = Path(path)
    if not (path / MANIFEST).is_file():
        if not path.exists():
            raise BackupRefused("backup_missing", f"{what} không tồn tại: {path}", path)
        raise BackupRefused("backup_missing", f"{what} {path} không có tệp {MANIFEST}: không phải thư mục sao lưu "
                                              "của docsvc, hoặc chưa ghi xong.", path / MANIFEST)
    try:
        expected = (path / MANIFEST_SUM).read_text(encoding="utf-8").split()[0]
    except (FileNotFoundError, IndexError):
        raise BackupRefused("backup_damaged", f"{what} thiếu tệp {MANIFEST_SUM}.", path / MANIFEST_SUM) from None
    if hash_file(path / MANIFEST)[0] != expected:
        raise BackupRefused("backup_damaged", f"{what} bị hỏng: tệp {MANIFEST} không khớp mã băm đã ghi.",
                            path / MANIFEST)
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupRefused("backup_format", f"{what} có định dạng {manifest.get('format')!r}, phiên bản này "
                                             f"đọc định dạng {FORMAT}.", path / MANIFEST)
    for name, want in sorted(manifest["files"].items()):
        file = path / name
        if not file.is_file():
            raise BackupRefused("backup_damaged", f"{what} bị thiếu tệp {name}.", file)
        if hash_file(file) != (want["sha256"], want["size"]):
            raise BackupRefused("backup_damaged", f"{what} bị hỏng: tệp {name} không khớp mã băm trong "
                                                  f"{MANIFEST}.", file)
    return Backup(path.resolve(), manifest)


def resolve_previous(backup: Backup, search: Sequence[Path] = (), *, strict: bool = True) -> Backup:
    """Find every earlier backup this one refers to: among ``search`` (folders given by the
    operator), at the path recorded, or beside this one under its recorded name. Each must
    be intact and have the recorded id. ``strict``: refuse when one is not found; otherwise
    leave it out (its blobs will be copied again)."""
    for ref in backup.previous:
        candidates = [*search, Path(ref["path"]), backup.path.parent / ref["name"]]
        found = None
        for folder in candidates:
            if (Path(folder) / MANIFEST).is_file():
                try:
                    other = open_backup(folder, what="Bản sao lưu trước")
                except BackupRefused:
                    if strict:
                        raise
                    continue
                if other.id == ref["id"]:
                    found = other
                    break
        if found is not None:
            backup.resolved[ref["id"]] = found
        elif strict:
            raise BackupRefused("previous_missing",
                                f"Không tìm thấy bản sao lưu trước ({ref['name']}, tạo lúc {ref['created_at']}) mà "
                                f"bản này dựa vào; đã tìm ở {ref['path']} và cạnh {backup.path}. Hãy chỉ nơi của "
                                "nó bằng --previous.", ref["path"])
    return backup


def key_check(key: bytes) -> str:
    """A value that tells whether two keys are the same without telling the key (HMAC of a
    fixed text under it): kept in the manifest so a restore can refuse the wrong audit key."""
    import hmac

    return hmac.new(key, b"docsvc backup key check v1", hashlib.sha256).hexdigest()
