"""Plain values passed between the pipeline and whoever records its results."""

from __future__ import annotations

from dataclasses import dataclass, field

# Media types we accept; detected from the bytes, never from the name.
PDF, TIFF, PNG, JPEG = "application/pdf", "image/tiff", "image/png", "image/jpeg"
SUPPORTED_TYPES = (PDF, TIFF, PNG, JPEG)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024
    max_pixels: int = 150_000_000
    max_pages: int = 2000
    # Inspection of untrusted bytes at upload runs in a child process with these bounds
    # (``ingest.sandbox``): address space, CPU time, and wall-clock time.
    inspect_memory_mb: int = 1024
    inspect_cpu_seconds: int = 20
    inspect_timeout_seconds: int = 60


@dataclass(frozen=True)
class FileInfo:
    """What a quick look at a file's bytes tells, before anything is stored."""

    media_type: str
    page_count: int


@dataclass(frozen=True)
class WordBox:
    text: str
    confidence: float        # 0-100 from Tesseract; 100 for a text layer
    left: int
    top: int
    width: int
    height: int

    def as_list(self) -> list:
        return [self.text, round(self.confidence, 1), self.left, self.top, self.width, self.height]


@dataclass
class PageResult:
    """One page, ready to be recorded.

    ``width``/``height`` are those of the image the word boxes refer to. ``image`` is a
    display image of the page (JPEG/PNG bytes), ``thumbnail`` a small one.
    """

    number: int                      # 1-based
    text: str                        # NFC
    source: str                      # "text_layer" | "ocr"
    confidence: float | None         # mean word confidence 0-100 (None for a text layer)
    words: list[WordBox] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    dpi: int | None = None
    image: bytes | None = None
    image_type: str = "image/jpeg"
    thumbnail: bytes | None = None
    thumbnail_type: str = "image/jpeg"
