"""Hostile files, written byte by byte so that they are made in milliseconds whatever
their size claims: a TIFF with thousands of tiny frames, PDFs with thousands of pages or
absurd page boxes."""

from __future__ import annotations

import struct
from pathlib import Path


def many_frame_tiff(path: Path, frames: int) -> Path:
    """A valid little-endian TIFF of ``frames`` 1×1 grey frames sharing one pixel byte,
    each frame's directory pointing at the next."""
    entries = [(256, 3, 1), (257, 3, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1),
               (273, 4, 8), (277, 3, 1), (278, 3, 1), (279, 4, 1)]  # StripOffsets -> byte 8
    ifd_size = 2 + 12 * len(entries) + 4
    first = 10  # header (8) + the pixel (1), padded to an even offset
    out = bytearray(b"II*\x00" + struct.pack("<I", first) + b"\x80\x00")
    for index in range(frames):
        offset = first + index * ifd_size
        following = offset + ifd_size if index + 1 < frames else 0
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            if kind == 3:
                out += struct.pack("<HHIHH", tag, kind, 1, value, 0)
            else:
                out += struct.pack("<HHII", tag, kind, 1, value)
        out += struct.pack("<I", following)
    path.write_bytes(bytes(out))
    return path


def raw_pdf(path: Path, pages: int, *, count: int | None = None, mediabox: str = "0 0 595 842",
            page_box: dict[int, str] | None = None) -> Path:
    """A PDF of ``pages`` empty pages in one flat page tree, with a correct cross-reference
    table. ``count`` is the /Count the tree declares (the true number by default);
    ``mediabox`` is inherited by every page from the tree, ``page_box`` gives some pages
    (by number from 1) their own."""
    page_box = page_box or {}
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{n + 3} 0 R" for n in range(pages))
    objects.append(f"<< /Type /Pages /Count {pages if count is None else count} /MediaBox [{mediabox}] "
                   f"/Kids [{kids}] >>".encode())
    for number in range(1, pages + 1):
        own = f" /MediaBox [{page_box[number]}]" if number in page_box else ""
        objects.append(f"<< /Type /Page /Parent 2 0 R{own} /Resources << >> >>".encode())
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path
