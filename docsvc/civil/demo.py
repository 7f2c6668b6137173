"""Sample register books for ``docsvc demo`` (issue 11 §9), so that a new user meets every
state of an entry on the first run:

- a typed birth book whose scanned pages the machine reads: its entries are ``proposed``
  once the worker has read them (some fields ``uncertain`` on the noisy pages);
- a death book keyed by hand, as handwritten books are, brought in as a national package
  (one picture per entry and the spreadsheet, ``docsvc.civil.exchange.import_package``):
  its entries are ``keyed``; two are then ``verified`` by the demo civil-status officer,
  one of them later corrected (a revision, the old name struck through on its page);
- a marriage book kept by double keying: one entry keyed twice with one difference, so it
  stands ``disputed`` until someone arbitrates.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from archive.accounts import User
from docsvc.access import principal_for, system_principal
from docsvc.services.container import Services

OFFICE = "XA-TANPHU"
OFFICE_NAME = "UBND xã Tân Phú"


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _person(services: Services, username: str):
    with services.session_factory() as session:
        user = session.scalar(select(User).where(User.username == username))
        return principal_for(session, user, via="demo") if user is not None else None


def add_demo_books(services: Services, dest: Path, *, seed: int = 0) -> tuple[list[str], list[dict]]:
    """Add the three sample books (the demo accounts must exist). Returns the lines to show
    and the typed book's scans (``path``, ``document_id``, ``job_id``: for ``--wait``)."""
    from docsvc.civil import services as civil
    from docsvc.civil.exchange import import_package
    from docsvc.civil.package import PackageBook, PackageEntry, write_package
    from docsvc.civil.pages import add_pages
    from docsvc.sampledata import files
    from docsvc.sampledata.registers import make_entry, truth_fields
    from docsvc.sampledata.render import Noise, render_register

    system = system_principal("demo")
    officer = _person(services, "hotich") or system
    archivist = _person(services, "luutru") or system
    dest.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    scans: list[dict] = []

    # 1. Typed pages, read by the machine.
    typed = civil.add_book(services, system, office_code=OFFICE, kind="birth", year_from=1998,
                           label="Sổ đăng ký khai sinh năm 1998, quyển 01 (đánh máy)")
    entries = [make_entry("birth", seed=seed * 1000 + 11 + i, year=1998, number=i + 1, office=OFFICE_NAME)
               for i in range(6)]
    pages = render_register(entries[:3], per_page=2, font="liberation-serif") + \
        render_register(entries[3:], per_page=2, font="dejavu-serif", noise=Noise.scan(), seed=seed)
    paths = [files.write_png(page, dest / f"so-khai-sinh-1998-trang-{i + 1:02d}.png") for i, page in enumerate(pages)]
    added = add_pages(services, system, typed["id"], paths)
    scans += [{"path": str(path), "document_id": a.document_id, "job_id": a.job_id}
              for path, a in zip(paths, added) if a.job_id]
    lines.append(f"Sổ #{typed['id']} {typed['label']}: {len(paths)} trang quét, máy đọc và đề xuất các mục")

    # 2. Keyed by hand (a handwritten-style book), brought in as a national package.
    deaths = [make_entry("death", seed=seed * 1000 + 41 + i, year=1976, number=i + 1, office=OFFICE_NAME)
              for i in range(4)]
    package = dest / "so-khai-tu-1976.zip"
    write_package(package, PackageBook(OFFICE, OFFICE_NAME, "death", 1976, 1976, "Sổ đăng ký khai tử năm 1976"),
                  [PackageEntry(e.number, truth_fields(e),
                                [_png(p.image) for p in render_register([e], per_page=1, font="dejavu-sans",
                                                                        noise=Noise.scan(), seed=seed + e.number)])
                   for e in deaths])
    imported = import_package(services, archivist, package, office_code=OFFICE,
                              label="Sổ đăng ký khai tử năm 1976 (viết tay, đã nhập)")
    book_id = imported["book"]["id"]
    scans += _book_scans(services, book_id)
    listed = civil.list_entries(services, system, book_id, purpose=_purpose())
    for entry in listed[:2]:
        civil.verify_entry(services, officer, entry["id"])
    first = civil.get_entry(services, system, listed[0]["id"], purpose=_purpose())
    old = first["fields"]["full_name"]["value"]
    new = old.rsplit(" ", 1)[0] + " Hoàng"
    civil.update_entry(services, officer, first["id"], fields={"full_name": new}, version=first["version"],
                       reason="Cải chính họ, chữ đệm, tên theo quyết định",
                       legal_basis="12/QĐ-UBND", legal_basis_date="2024-03-15")
    lines.append(f"Sổ #{book_id} khai tử 1976: {imported['entries']} mục đã nhập, 2 đã kiểm tra, "
                 f"1 đã cải chính ({old} → {new})")

    # 3. Double keying: one entry keyed twice, one difference → disputed.
    double = civil.add_book(services, system, office_code=OFFICE, kind="marriage", year_from=2005,
                            label="Sổ đăng ký kết hôn năm 2005 (nhập hai lần)", verification_mode="double")
    marriage = truth_fields(make_entry("marriage", seed=seed * 1000 + 71, year=2005, number=1, office=OFFICE_NAME))
    keyed = civil.create_entry(services, officer, double["id"], marriage)
    other = dict(marriage, wife_residence=(marriage.get("wife_residence") or "") + " (khác)")
    civil.key_again(services, archivist if archivist is not officer else system, keyed["id"], other)
    lines.append(f"Sổ #{double['id']} kết hôn 2005: 1 mục hai lần nhập khác nhau, chờ phân xử")
    return lines, scans


def _book_scans(services: Services, book_id: int) -> list[dict]:
    """The latest ingest job of each scan of a book (the imported PDFs), for ``--wait``."""
    from archive.civil import RegisterPage
    from archive.models import Document, Job

    with services.session_factory() as session:
        rows = session.execute(
            select(Document.id, Document.original_name, Job.id)
            .join(RegisterPage, RegisterPage.document_id == Document.id)
            .join(Job, Job.document_id == Document.id)
            .where(RegisterPage.book_id == book_id).order_by(RegisterPage.seq, Job.id)).all()
    latest = {doc_id: (name, job_id) for doc_id, name, job_id in rows}
    return [{"path": name or f"#{doc_id}", "document_id": doc_id, "job_id": job_id}
            for doc_id, (name, job_id) in latest.items()]


def _purpose():
    from docsvc.audit.personal import Purpose

    return Purpose("other", "Tạo dữ liệu mẫu (docsvc demo)")
