"""A small, varied demo set: what a commune's records office might upload on a first day.

Eight files, eight pages to OCR (under a minute on two cores): a typed document with a
text layer, a scanned one, a photographed page stored sideways, a mixed PDF with a
scanned annex, and civil-status register pages as TIFF and PNG.
"""

from __future__ import annotations

from pathlib import Path

from docsvc.sampledata import files
from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.registers import make_entry
from docsvc.sampledata.render import Noise, render_document, render_register


# Files whose pages hold civil-status entries (register scans, a letter with an entry as its
# annex): personal data, seen only by roles with person.view (DOMAIN.md §4, issue 9).
PERSONAL = frozenset({"05-cong-van-kem-phu-luc.pdf", "06-so-khai-sinh-1987.tif", "07-so-ket-hon-1992.png",
                      "08-so-khai-tu-2003.png"})


def holds_personal_data(path: Path) -> bool:
    return Path(path).name in PERSONAL


def write_demo_corpus(dest: Path, seed: int = 0) -> list[Path]:
    """Write the demo files into ``dest`` (created if needed) and return their paths.

    Deterministic for a seed: the same seed gives byte-identical files, so running the
    demo twice finds them already ingested (same SHA-256) instead of making copies.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    docs = list(generate_documents(5, seed=seed, body_sentences=(4, 6)))
    scan = Noise.scan()
    out: list[Path] = []

    typed = render_document(docs[0], font="liberation-serif")
    out.append(files.write_text_pdf([p.lines for p in typed], dest / "01-van-ban-danh-may.pdf"))

    scanned = render_document(docs[1], font="liberation-serif", noise=scan, seed=seed + 1)
    out.append(files.write_scanned_pdf(scanned, dest / "02-van-ban-scan.pdf"))

    clean = render_document(docs[2], font="noto-serif")
    out.append(files.write_png(clean[0], dest / "03-van-ban.png"))

    photo = render_document(docs[3], font="dejavu-serif", noise=Noise.scan(0.6), seed=seed + 3)
    out.append(files.write_jpeg(photo[0], dest / "04-van-ban-chup-xoay.jpg", orientation=6))

    letter = render_document(docs[4], font="liberation-serif")
    annex = render_register([make_entry("death", seed + 40, number=12)], noise=scan, seed=seed + 4)
    out.append(files.write_mixed_pdf([letter[0].lines, annex[0]], dest / "05-cong-van-kem-phu-luc.pdf"))

    births = [make_entry("birth", seed + 10 + i, year=1987, number=i + 1) for i in range(2)]
    out.append(files.write_tiff(render_register(births, font="dejavu-serif", noise=scan, seed=seed + 5),
                                dest / "06-so-khai-sinh-1987.tif"))

    marriages = [make_entry("marriage", seed + 20 + i, year=1992, number=i + 7) for i in range(2)]
    out.append(files.write_png(render_register(marriages, font="noto-serif")[0],
                               dest / "07-so-ket-hon-1992.png"))

    deaths = [make_entry("death", seed + 30 + i, year=2003, number=i + 3) for i in range(2)]
    out.append(files.write_png(render_register(deaths, font="liberation-serif", noise=scan,
                                               seed=seed + 6)[0], dest / "08-so-khai-tu-2003.png"))
    return out
