"""Settings, read in one place.

Every setting has a default that runs on one machine with no server (SQLite, local files,
a SQLite job queue) and can be overridden by an environment variable ``DOCSVC_<NAME>`` or,
in tests, by the mapping given to ``create_app(config)``. Lower packages never read this:
they receive explicit arguments built from it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "DOCSVC_"


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""          # default: SQLite file in data_dir
    queue_url: str = ""             # default: SQLite (Huey) file in data_dir; or redis://...
    blob_dir: Path | None = None    # default: data_dir/blobs
    # Where the originals live: file:///path (a local or shared folder; default blob_dir) or
    # s3://bucket/prefix?endpoint=http://host:port&region=... (credentials from AWS_*).
    blob_url: str = ""
    index_dir: Path | None = None   # default: data_dir/index
    secret_key: str = ""            # default: generated once, kept in data_dir/secret_key
    language: str = "vi"            # interface language of the installation: vi or en (DOCSVC_LANG too)

    # Limits on what comes in; bad input is refused before anything is stored.
    max_upload_mb: int = 200
    max_image_pixels: int = 150_000_000
    max_pages: int = 2000
    # Uploads are inspected in a child process within these bounds (ingest.sandbox).
    inspect_memory_mb: int = 1024
    inspect_cpu_seconds: int = 20
    inspect_timeout_seconds: int = 60

    # OCR
    ocr_lang: str = "vie"            # measured: vie+eng reads worse here (see README) and is slower
    ocr_processes: int = field(default_factory=_default_workers)
    ocr_timeout: int = 300          # seconds per page
    render_dpi: int = 300           # PDF pages without a text layer are rendered at this dpi

    # Search
    index_procs: int = field(default_factory=_default_workers)  # processes for a full rebuild
    index_check_on_start: bool = True   # serve/worker: rebuild a missing or corrupt index at start
    index_warm_on_start: bool = True    # serve: load caches and frequent words in the background
    index_prefetch_mb: int = 192        # of frequent words' postings decoded at warm-up
    index_cache_mb: int = 256           # posting lists kept decoded, per process (all its threads share them)
    index_stored_values: int = 20_000   # hits' stored values kept decoded, per process
    # False on a worker host without the search index: documents it reads are indexed by the
    # index host's worker (docsvc.finding.remote); see README, Deployment.
    index_here: bool = True

    # Jobs
    worker_threads: int = 0         # jobs at once per process; 0: twice ocr_processes (docsvc.worker.job_slots)
    job_lease_seconds: int = 60     # a running job whose lease lapses is taken up again
    job_max_attempts: int = 3
    job_retry_delay: int = 10       # seconds before the first retry; doubles each time
    worker_heartbeat_seconds: int = 5

    # Accounts and sign-in
    session_cookie_secure: bool = False     # always mark the cookie Secure (it is anyway over HTTPS)
    admin_password: str = ""                # for the first administrator made by `docsvc init`
    # Sign-in failures slow down (never lock) a name and an address: after the free failures,
    # each further attempt waits base·2^(n−free) seconds after the last failure, up to the cap.
    # Failures older than the window are forgotten; keep it well above the cap, or the delay
    # falls back while someone keeps guessing (docsvc/accounts/signin.py).
    login_free_failures: int = 3            # per name (since its last successful sign-in)
    login_ip_free_failures: int = 10        # per address (several people may share one)
    login_delay_base_seconds: int = 1
    login_delay_cap_seconds: int = 300
    login_window_minutes: int = 60
    # Server-side web sessions end after a working day, or after this long without a request.
    session_max_hours: int = 10
    session_idle_minutes: int = 30
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed
    # (0: none; the headers are ignored and the socket's address is the client's).
    trusted_proxies: int = 0
    # Bodies larger than this are refused (413) except on the upload routes.
    max_request_kb: int = 1024
    audit_key: str = ""                     # HMAC key of the audit chain; default: kept in data_dir

    # Anchors: the audit chain's head written outside the database (archive/anchors.py)
    audit_anchor_dir: Path | None = None    # default: data_dir/anchors; better on other storage
    audit_anchor_syslog: bool = False       # also send every anchor to syslog
    audit_anchor_syslog_address: str = ""   # default /dev/log (the local daemon); or host:port (UDP)
    audit_anchor_minutes: int = 10          # the worker anchors the head this often if it moved; 0: never

    # Routing reminders (docsvc/routing): the worker's sweep, and e-mail through SMTP when
    # smtp_host is set (empty: reminders stay in the app).
    remind_minutes: int = 30                # the worker sends due-soon and overdue reminders this often; 0: never
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "docsvc@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout: int = 10                  # seconds

    # Fixity on a schedule (docsvc/ops/fixity.py): the worker checks a slice of the blobs each
    # night from this local hour, so that every blob is checked at least every fixity_days
    # (0: no schedule); blob_replica, a directory laid out like the blob store (a second disk,
    # a mounted share), is where a missing or corrupt blob is copied back from.
    fixity_hour: int = 2
    fixity_days: int = 30
    blob_replica: str = ""

    # Certified extracts (docsvc/extracts): the address printed in the QR code and on the page
    # is public_url + /verify/<code>; the date of issue is the day in this time zone.
    public_url: str = "http://127.0.0.1:5000"
    time_zone: str = "Asia/Ho_Chi_Minh"
    # The public verification page: requests per client address (Flask-Limiter syntax).
    verify_rate_limit: str = "30 per minute;300 per hour"
    # Where the limiter counts: memory:// (one process) or redis://... (several servers).
    rate_limit_storage_url: str = "memory://"

    # Added to the worker's niceness at start (its Tesseract processes inherit it): on a machine
    # that also serves, OCR then takes the CPU the web server leaves. `docsvc run` uses 10.
    worker_nice: int = 0
    # Web server processes of `docsvc serve`/`run` (docsvc.ops.serving): one per core serves the most.
    web_processes: int = 1
    # Logs of serve/run/worker: "text" (one readable line) or "json" (one object per line; docsvc.ops.logs)
    log_format: str = "text"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'docsvc.db').resolve()}"

    @property
    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{(self.data_dir / 'queue.db').resolve()}"

    @property
    def resolved_blob_dir(self) -> Path:
        return (self.blob_dir or self.data_dir / "blobs").resolve()

    @property
    def resolved_blob_url(self) -> str:
        return self.blob_url or self.resolved_blob_dir.as_uri()

    @property
    def resolved_blob_cache_dir(self) -> Path:
        """The local read-through cache of an S3 blob store (files the code needs on disk)."""
        return (self.data_dir / "blob-cache").resolve()

    @property
    def resolved_index_dir(self) -> Path:
        return (self.index_dir or self.data_dir / "index").resolve()

    @property
    def resolved_audit_anchor_dir(self) -> Path:
        return (self.audit_anchor_dir or self.data_dir / "anchors").resolve()

    @property
    def resolved_key_dir(self) -> Path:
        """Offices' signing keys (PKCS#12, re-encrypted with a key derived from the secret
        key), readable by the service's user only; never in the blob store or a backup of it."""
        return (self.data_dir / "keys").resolve()

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated on first use and kept in the data directory."""
        return self.secret_key or _kept_secret(self.data_dir / "secret_key")

    def resolved_audit_key(self) -> bytes:
        """HMAC key of the audit chain. Kept apart from the database, so that someone who can
        write the database alone cannot forge records; back it up with the data directory."""
        return (self.audit_key or _kept_secret(self.data_dir / "audit_key")).encode()


def _kept_secret(path: Path) -> str:
    """Read a secret file, creating it once (atomically: two processes agree on one value)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if another process won the race; then we read theirs
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


class SettingsError(ValueError):
    """A setting with a value it cannot take; the message names the variable."""


def _coerce(value: Any, default: Any, name: str) -> Any:
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{ENV_PREFIX}{name.upper()} phải là một số nguyên, không phải {value!r} "
                                f"(must be a whole number).") from None
    if isinstance(default, Path) or name in {"blob_dir", "index_dir", "data_dir", "audit_anchor_dir"}:
        return Path(value) if value not in (None, "") else None
    return value


def load_settings(overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then ``DOCSVC_*`` environment variables, then explicit overrides.

    Override keys may be given in either case (``DATA_DIR`` or ``data_dir``).
    """
    environ = os.environ if environ is None else environ
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        default = getattr(base, f.name)
        env_value = environ.get(ENV_PREFIX + f.name.upper())
        if env_value is not None:
            values[f.name] = _coerce(env_value, default, f.name)
    for key, value in (overrides or {}).items():
        name = key.lower()
        if name.startswith(ENV_PREFIX.lower()):
            name = name[len(ENV_PREFIX):]
        if name in {f.name for f in fields(Settings)}:
            values[name] = _coerce(value, getattr(base, name), name)
    if "language" not in values and environ.get(ENV_PREFIX + "LANG"):  # the earlier name
        values["language"] = environ[ENV_PREFIX + "LANG"]
    settings = Settings(**values)
    if settings.data_dir is None:
        settings = Settings(**{**values, "data_dir": Path("var")})
    return settings
