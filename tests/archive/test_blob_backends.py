"""The same behaviour on both blob stores: a folder (local or shared by several hosts) and an
S3-compatible bucket (a moto server started here, on a free loopback port, spoken to by boto3
over HTTP), chosen by DOCSVC_BLOB_URL.

Inputs and failures tried: the same bytes put twice and staged twice; a stream over the size
limit; eight threads putting the same bytes at once; another writer's object appearing
between our look and our PUT (the bucket must keep theirs); two processes, each with its own
store on one folder, writing the same blobs at once; a missing blob read, hashed, removed;
a malformed address; an object or file whose bytes were changed behind the store's back
(fixity reports it, and the S3 cache refuses to serve an object that does not hash to its
name); a deleted object; blob URLs with credentials, unknown options, no bucket, a host in a
file URL, an unknown scheme; a folder that refuses hard links (EPERM: renamed into place
instead) and one whose link fails with EIO (the error goes up, nothing is left). End to end: an app built with DOCSVC_BLOB_URL=s3://... ingests
a text-layer PDF (upload, job, pages) and serves the original again after its local cache
was emptied."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import socket
import stat
import threading
import uuid
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from archive.blobstore import BlobCorrupt, BlobNotFound, BlobStore, BlobTooLarge, blob_key, open_blob_store, publish
from archive.fixity import check_fixity
from archive.models import Blob

REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on loopback for this module, with throw-away credentials."""
    with pytest.MonkeyPatch.context() as mp:
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            mp.delenv(key, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", "docsvc-test")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "docsvc-test-secret")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_CONFIG_FILE", os.devnull)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    """A fresh bucket for one test, and a client of its own (as another host would have)."""
    name = f"docsvc-blobs-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    client.create_bucket(Bucket=name)
    return name, client


def _s3_url(s3_endpoint: str, name: str, prefix: str = "originals") -> str:
    return f"s3://{name}/{prefix}?endpoint={s3_endpoint}&region={REGION}"


class Backend:
    """One store under test, with the means to damage it behind its back."""

    def __init__(self, kind: str, store, client=None, bucket: str = ""):
        self.kind, self.store, self.client, self.bucket = kind, store, client, bucket

    def overwrite(self, sha: str, data: bytes) -> None:
        """Change the stored bytes without the store (bit rot, an operator's mistake)."""
        if self.kind == "file":
            path = self.store.path(sha)
            os.chmod(path, 0o600)
            path.write_bytes(data)
        else:
            self.client.put_object(Bucket=self.bucket, Key=self.store.key(sha), Body=data)

    def delete(self, sha: str) -> None:
        if self.kind == "file":
            self.store.path(sha).unlink()
        else:
            self.client.delete_object(Bucket=self.bucket, Key=self.store.key(sha))

    def fingerprint(self, sha: str):
        """What changes if the stored blob is written again."""
        if self.kind == "file":
            st = self.store.path(sha).stat()
            return st.st_ino, st.st_mtime_ns
        head = self.client.head_object(Bucket=self.bucket, Key=self.store.key(sha))
        return head["ETag"], head["LastModified"], head.get("Metadata")

    def tmp_files(self) -> list[Path]:
        return list((self.store.root / "tmp").iterdir())


@pytest.fixture(params=["file", "s3"])
def backend(request, tmp_path):
    if request.param == "file":
        return Backend("file", open_blob_store((tmp_path / "blobs").as_uri()))
    endpoint = request.getfixturevalue("s3_endpoint")
    name, client = request.getfixturevalue("bucket")
    store = open_blob_store(_s3_url(endpoint, name), cache_dir=tmp_path / "cache")
    return Backend("s3", store, client, name)


def test_put_read_exists_path(backend):
    store = backend.store
    data = "Quyết định số 135/QĐ-UBND về việc số hóa sổ hộ tịch".encode()
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.exists(sha) and not store.exists(hashlib.sha256(b"other").hexdigest())
    assert store.read(sha) == data
    with store.open(sha) as fh:
        assert fh.read() == data
    path = store.path(sha)
    assert path.read_bytes() == data and not stat.S_IMODE(path.stat().st_mode) & 0o277  # 0400
    assert store.hash_of(sha) == sha
    assert list(store.iter_shas()) == [sha]
    if backend.kind == "s3":
        obj = backend.client.get_object(Bucket=backend.bucket, Key=f"originals/{sha[:2]}/{sha[2:4]}/{sha}")
        assert obj["Body"].read() == data   # the bucket holds it, under the folder store's layout


def test_stage_then_commit_and_the_size_limit(backend):
    store = backend.store
    staged = store.stage(io.BytesIO(b"x" * 3_000_000))
    assert staged.size == 3_000_000 and staged.path.exists()
    assert not store.exists(staged.sha256)      # staged is not stored
    final = store.commit(staged)
    assert final.read_bytes() == b"x" * 3_000_000 and not staged.path.exists()
    assert store.exists(staged.sha256) and store.hash_of(staged.sha256) == staged.sha256
    with pytest.raises(BlobTooLarge):
        store.stage(io.BytesIO(b"y" * 5000), max_bytes=4096)
    assert backend.tmp_files() == []
    assert list(store.iter_shas()) == [staged.sha256]


def test_a_blob_is_never_written_twice(backend):
    store = backend.store
    data = b"the same bytes, twice"
    sha = store.put(data)
    before = backend.fingerprint(sha)
    puts = []
    if backend.kind == "s3":
        store.client.meta.events.register("before-call.s3.PutObject", lambda **kw: puts.append(kw))
    assert store.put(data) == sha
    again = store.stage(io.BytesIO(data))
    assert store.commit(again) == store.path(sha) and not again.path.exists()
    assert backend.fingerprint(sha) == before and puts == []   # not sent, not rewritten
    assert list(store.iter_shas()) == [sha] and backend.tmp_files() == []


def test_concurrent_puts_of_the_same_bytes_leave_one_blob(backend):
    store = backend.store
    data = os.urandom(200_000)
    sha = hashlib.sha256(data).hexdigest()
    barrier = threading.Barrier(8)
    results, errors = [], []

    def writer(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            if i % 2:
                results.append(store.put(data))
            else:
                staged = store.stage(io.BytesIO(data))
                store.commit(staged)
                results.append(staged.sha256)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [sha] * 8
    assert list(store.iter_shas()) == [sha]
    assert store.read(sha) == data and store.hash_of(sha) == sha
    assert backend.tmp_files() == []


def test_missing_blobs_and_bad_addresses(backend):
    store = backend.store
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(absent)
    for read in (store.read, store.open, store.hash_of):
        with pytest.raises(BlobNotFound):
            read(absent)
    if backend.kind == "file":
        assert not store.path(absent).exists()   # the folder store's path is the address
    else:
        with pytest.raises(BlobNotFound):
            store.path(absent)                   # the S3 store's is a fetched copy
    store.remove(absent)  # nothing to remove: no error
    for bad in ("../../etc/passwd", "0" * 63, "A" * 64):
        with pytest.raises(ValueError):
            store.path(bad)
    assert list(store.iter_shas()) == [] and backend.tmp_files() == []


def test_remove_deletes_the_blob(backend):
    store = backend.store
    keep, gone = store.put(b"kept"), store.put(b"withdrawn")
    store.remove(gone)
    assert not store.exists(gone) and list(store.iter_shas()) == [keep]
    with pytest.raises(BlobNotFound):
        store.read(gone)   # the S3 store's cached copy went with it


def _record(services, store, data: bytes) -> str:
    sha = store.put(data)
    with services.session_factory() as s:
        s.add(Blob(sha256=sha, size_bytes=len(data), media_type="application/octet-stream", role="original"))
        s.commit()
    return sha


def test_fixity_finds_corrupt_and_missing_blobs(backend, services):
    """The S3 store re-reads each object from the bucket: a good copy in the local cache
    does not hide a changed object."""
    store = backend.store
    good, bad, gone = (_record(services, store, d) for d in (b"good bytes", b"altered bytes", b"deleted bytes"))
    with services.session_factory() as s:
        assert check_fixity(s, store).as_dict() == {"checked": 3, "ok": 3, "missing": [], "corrupt": []}
    assert store.read(bad) == b"altered bytes"   # read once (and cached, on S3)

    backend.overwrite(bad, b"altered bytes, tampered")
    backend.delete(gone)
    with services.session_factory() as s:
        report = check_fixity(s, store)
    assert report.as_dict() == {"checked": 3, "ok": 1, "missing": [gone], "corrupt": [bad]}


def test_the_s3_cache_refuses_an_object_that_does_not_hash_to_its_name(s3_endpoint, bucket, tmp_path):
    name, client = bucket
    store = open_blob_store(_s3_url(s3_endpoint, name, prefix=""), cache_dir=tmp_path / "cache")
    sha = hashlib.sha256(b"true bytes").hexdigest()
    client.put_object(Bucket=name, Key=f"{sha[:2]}/{sha[2:4]}/{sha}", Body=b"false bytes")
    with pytest.raises(BlobCorrupt) as caught:
        store.path(sha)
    assert caught.value.actual == hashlib.sha256(b"false bytes").hexdigest()
    assert not store.cache.path(sha).exists() and list((store.root / "tmp").iterdir()) == []
    client.put_object(Bucket=name, Key="notes/readme.txt", Body=b"not a blob")
    assert list(store.iter_shas()) == [sha]   # only keys laid out like blobs


def test_the_bucket_keeps_another_writers_object(s3_endpoint, bucket, tmp_path):
    """Another host writes the same blob between our look (HEAD) and our PUT: the PUT is
    conditional (If-None-Match), so their object stays as it is."""
    name, client = bucket
    store = open_blob_store(_s3_url(s3_endpoint, name), cache_dir=tmp_path / "cache")
    data = b"written by two hosts at once"
    sha = hashlib.sha256(data).hexdigest()
    sent = []

    def other_host_first(params, **kw):
        if not sent:
            client.put_object(Bucket=name, Key=store.key(sha), Body=data, Metadata={"writer": "other-host"})
        sent.append(params["url_path"])

    store.client.meta.events.register("before-call.s3.PutObject", other_host_first)
    assert store.put(data) == sha and len(sent) == 1
    head = client.head_object(Bucket=name, Key=store.key(sha))
    assert head["Metadata"] == {"writer": "other-host"}
    assert store.read(sha) == data and list(store.iter_shas()) == [sha]


def _write_same_blobs(root: str, seeds: list[int], barrier, out) -> None:
    """One process, one store instance: the blobs of ``seeds``, half by put, half staged
    then committed; each round starts in both processes at once (a barrier)."""
    store = BlobStore(root)
    done = []
    for seed in seeds:
        data = hashlib.sha256(str(seed).encode()).digest() * 20_000
        if seed % 2:
            barrier.wait(timeout=120)
            sha = store.put(data)
        else:   # both staged already: the two commits meet at the same instant
            staged = store.stage(io.BytesIO(data))
            barrier.wait(timeout=120)
            store.commit(staged)
            sha = staged.sha256
        done.append((sha, store.path(sha).stat().st_ino))   # the file this writer saw in place
    out.put(done)


@pytest.mark.slow
def test_two_stores_on_one_shared_folder_write_the_same_blobs_at_once(tmp_path):
    """Two processes (as two hosts mounting one folder: no shared memory, separate store
    objects) write the same 24 blobs, each round released by a barrier at the same moment.
    The moment both look before either publishes is rare here; the test below forces it."""
    root = tmp_path / "shared-blobs"
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    seeds = list(range(24))
    procs = [ctx.Process(target=_write_same_blobs, args=(str(root), seeds, barrier, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    expected = [hashlib.sha256(hashlib.sha256(str(s).encode()).digest() * 20_000).hexdigest() for s in seeds]
    assert [[sha for sha, _ in r] for r in results] == [expected, expected]
    store = BlobStore(root)
    assert sorted(store.iter_shas()) == sorted(expected)
    for i, sha in enumerate(expected):
        path = store.path(sha)
        # the file one writer put in place is the one both saw, and is still there: never replaced
        assert results[0][i][1] == results[1][i][1] == path.stat().st_ino
        assert store.hash_of(sha) == sha and path.stat().st_nlink == 1   # the staging link is gone
        assert not stat.S_IMODE(path.stat().st_mode) & 0o277
    assert list((root / "tmp").iterdir()) == []


def test_publishing_never_replaces_a_name(tmp_path):
    """The step two writers on two hosts can both reach (each looked, neither found the
    blob): the second publish leaves the first file in place, under the same inode.
    Checked by making ``publish`` rename instead of link: this test then fails."""
    store = BlobStore(tmp_path / "blobs")
    first = store.stage(io.BytesIO(b"same bytes"))
    second = store.stage(io.BytesIO(b"same bytes"))
    final = store.commit(first)
    inode = final.stat().st_ino
    os.chmod(second.path, 0o400)
    publish(second.path, final)
    second.discard()
    assert final.stat().st_ino == inode and final.stat().st_nlink == 1 and final.read_bytes() == b"same bytes"
    assert list((store.root / "tmp").iterdir()) == []


def test_a_folder_without_hard_links_still_gets_whole_blobs(tmp_path, monkeypatch):
    """Some mounts (SMB/CIFS, some FUSE) refuse ``link(2)`` (EPERM): the blob is renamed into
    place instead, after a look, and a second writer of the same bytes leaves it as it is."""
    import errno

    def no_links(src, dst, *a, **kw):
        raise OSError(errno.EPERM, "Operation not permitted", str(src))

    monkeypatch.setattr(os, "link", no_links)
    store = BlobStore(tmp_path / "blobs")
    sha = store.put(b"on a share without links")
    path = store.path(sha)
    inode = path.stat().st_ino
    staged = store.stage(io.BytesIO(b"on a share without links"))
    assert store.commit(staged) == path and path.stat().st_ino == inode
    assert store.read(sha) == b"on a share without links" and list(store.iter_shas()) == [sha]
    assert list((store.root / "tmp").iterdir()) == []
    monkeypatch.setattr(os, "link", lambda *a, **kw: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(OSError):
        store.put(b"an I/O error is not a missing feature")
    assert list((store.root / "tmp").iterdir()) == []


def test_blob_urls(tmp_path, s3_endpoint):
    from archive.blobstore_s3 import S3BlobStore

    folder = open_blob_store((tmp_path / "a b").as_uri())
    assert isinstance(folder, BlobStore) and folder.root == tmp_path / "a b"
    assert folder.url == (tmp_path / "a b").as_uri()
    assert open_blob_store(str(tmp_path / "plain")).root == tmp_path / "plain"
    s3 = open_blob_store(f"s3://my-bucket/docsvc/originals?endpoint={s3_endpoint}&region=ap-southeast-1",
                         cache_dir=tmp_path / "cache")
    assert isinstance(s3, S3BlobStore)
    assert (s3.bucket, s3.prefix, s3.endpoint, s3.region, s3.addressing) == (
        "my-bucket", "docsvc/originals", s3_endpoint, "ap-southeast-1", "path")
    assert s3.key("ab" * 32) == f"docsvc/originals/ab/ab/{'ab' * 32}"
    assert open_blob_store("s3://my-bucket", cache_dir=tmp_path / "c2").addressing == "auto"
    for bad in ("s3://key:secret@my-bucket/x", "s3:///prefix", "s3://my-bucket/x?endpont=http://h",
                "s3://my-bucket/x?addressing=sideways", "file://fileserver/srv/blobs", "ftp://host/blobs"):
        with pytest.raises(ValueError):
            open_blob_store(bad, cache_dir=tmp_path / "c3")
    with pytest.raises(ValueError):
        open_blob_store("s3://my-bucket/x")   # no cache folder


def test_the_setting_chooses_the_store(tmp_path, monkeypatch, s3_endpoint):
    from archive.blobstore_s3 import S3BlobStore
    from docsvc.config import load_settings
    from docsvc.services.container import build_services

    default = load_settings({"DATA_DIR": tmp_path / "var"})
    assert default.resolved_blob_url == (tmp_path / "var" / "blobs").as_uri()
    monkeypatch.setenv("DOCSVC_BLOB_URL", f"s3://docsvc-x/p?endpoint={s3_endpoint}")
    settings = load_settings({"DATA_DIR": tmp_path / "var"})
    services = build_services(settings)
    try:
        assert isinstance(services.blobs, S3BlobStore) and services.blobs.url == "s3://docsvc-x/p"
        assert services.blobs.root == tmp_path / "var" / "blob-cache"
    finally:
        services.close()


@pytest.mark.slow
def test_an_app_on_s3_ingests_and_serves_a_pdf(tmp_path, s3_endpoint, bucket):
    """Upload through the API, the job reads the page from the cached original, the pages
    are there, and the original is served again from the bucket once the cache is gone."""
    import shutil

    from archive.migrate import upgrade
    from docsvc import create_app
    from docsvc.accounts.bootstrap import ensure_root_unit
    from docsvc.finding.indexing import ensure_index
    from docsvc.worker import wait_for_jobs
    from tests.app.inputs import text_pdf
    from tests.conftest import Accounts, Api

    name, client = bucket
    app = create_app({"DATA_DIR": tmp_path / "var", "OCR_PROCESSES": 1, "JOB_RETRY_DELAY": 0, "INDEX_PROCS": 1,
                      "SECRET_KEY": "test-secret", "TESTING": True, "BLOB_URL": _s3_url(s3_endpoint, name)})
    services = app.extensions["docsvc"]
    try:
        upgrade(services.engine)
        ensure_root_unit(services)
        ensure_index(services, background=False)
        accounts = Accounts(services)
        accounts.user("clerk1", "clerk", clearance=1)
        api = Api(app.test_client(), accounts.token("clerk1"))

        lines = ["ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "Số: 135/KH-UBND", "Kế hoạch số hóa sổ hộ tịch"]
        pdf = text_pdf(lines)
        sha = hashlib.sha256(pdf).hexdigest()
        response = api.post("/api/v1/documents", data={"file": (io.BytesIO(pdf), "ke-hoach.pdf")},
                            content_type="multipart/form-data")
        assert response.status_code == 202, response.get_json()
        body = response.get_json()
        assert client.get_object(Bucket=name, Key=f"originals/{sha[:2]}/{sha[2:4]}/{sha}")["Body"].read() == pdf

        jobs = wait_for_jobs(services, [body["job_id"]], timeout=600)
        assert jobs[body["job_id"]].status == "done"
        doc = api.get(f"/api/v1/documents/{body['document_id']}").get_json()
        assert doc["status"] == "done" and doc["sha256"] == sha
        [page] = doc["pages"]
        assert page["source"] == "text_layer" and all(line in page["text"] for line in lines)

        stored = set(services.blobs.iter_shas())
        assert sha in stored and len(stored) == 3   # the original, the page image, its thumbnail
        assert not (tmp_path / "var" / "blobs").exists()   # nothing went to a folder store

        shutil.rmtree(services.blobs.root)   # the cache may go at any time
        original = api.get(f"/api/v1/documents/{body['document_id']}/original")
        assert original.status_code == 200 and original.data == pdf
        image = api.get(f"/api/v1/documents/{body['document_id']}/pages/1/image")
        assert image.status_code == 200 and image.mimetype.startswith("image/")
        with services.session_factory() as s:
            assert check_fixity(s, services.blobs).as_dict() == {
                "checked": 3, "ok": 3, "missing": [], "corrupt": []}
    finally:
        services.close()


def test_fixity_repairs_a_damaged_and_a_missing_blob_from_a_replica(backend, services, tmp_path):
    """The repair of the scheduled fixity (``archive.fixity_runs.repair_blob``) on both stores:
    a replica folder with good copies puts back a tampered and a deleted blob, and the store
    then hashes right; a replica copy that is itself wrong is refused and changes nothing."""
    from archive.blobstore import BlobStore
    from archive.fixity_runs import repair_blob

    store = backend.store
    bad, gone, both = (_record(services, store, d) for d in (b"to be tampered", b"to be deleted", b"bad twice"))
    replica = BlobStore(tmp_path / "replica")
    for data in (b"to be tampered", b"to be deleted"):
        replica.put(data)
    replica_bad = tmp_path / "replica" / blob_key(both)
    replica_bad.parent.mkdir(parents=True, exist_ok=True)
    replica_bad.write_bytes(b"not the right bytes")
    backend.overwrite(bad, b"tampered!")
    backend.delete(gone)
    backend.overwrite(both, b"tampered too")
    assert repair_blob(store, tmp_path / "replica", bad) == (True, "")
    assert repair_blob(store, tmp_path / "replica", gone) == (True, "")
    assert repair_blob(store, tmp_path / "replica", both) == (False, "replica_corrupt")
    with services.session_factory() as s:
        report = check_fixity(s, store)
    assert report.as_dict() == {"checked": 3, "ok": 2, "missing": [], "corrupt": [both]}
    assert store.read(bad) == b"to be tampered" and store.read(gone) == b"to be deleted"
