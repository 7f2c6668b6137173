"""Sample files for the ingest tests, made once per test process from the generator."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pytest

from docsvc.sampledata import files
from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.registers import make_entry
from docsvc.sampledata.render import Noise, RenderedPage, render_document, render_register


class Samples:
    """Pages and files, each made on first use (bombs and noise take a second or two)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, name: str) -> Path:
        return self.folder / name

    # -- pages --------------------------------------------------------------------------

    @cached_property
    def doc_page(self) -> RenderedPage:
        return render_document(next(generate_documents(1, seed=11)))[0]

    @cached_property
    def register_page(self) -> RenderedPage:
        entries = [make_entry("death", 3, number=5), make_entry("marriage", 4, number=6)]
        return render_register(entries, font="dejavu-serif")[0]

    @cached_property
    def noisy_page(self) -> RenderedPage:
        doc = list(generate_documents(2, seed=12))[1]
        return render_document(doc, font="noto-serif", noise=Noise.scan(), seed=5)[0]

    # -- good files ---------------------------------------------------------------------

    @cached_property
    def png(self) -> Path:
        return files.write_png(self.doc_page, self.path("page.png"))

    @cached_property
    def jpeg_rotated(self) -> Path:
        return files.write_jpeg(self.register_page, self.path("rotated.jpg"), orientation=6)

    @cached_property
    def tiff(self) -> Path:
        return files.write_tiff([self.doc_page, self.register_page, self.noisy_page], self.path("three.tif"))

    @cached_property
    def tiff_group4(self) -> Path:
        return files.write_tiff([self.doc_page, self.register_page], self.path("fax.tif"), compression="group4")

    @cached_property
    def text_pdf(self) -> Path:
        return files.write_text_pdf([self.doc_page.lines, self.register_page.lines], self.path("text.pdf"))

    @cached_property
    def scanned_pdf(self) -> Path:
        return files.write_scanned_pdf([self.doc_page, self.noisy_page], self.path("scanned.pdf"))

    @cached_property
    def mixed_pdf(self) -> Path:
        return files.write_mixed_pdf([self.doc_page.lines, self.noisy_page, self.register_page.lines],
                                     self.path("mixed.pdf"))

    @cached_property
    def encrypted_open_pdf(self) -> Path:
        return files.write_encrypted_pdf(self.text_pdf, self.path("owner-only.pdf"), user_password="")

    # -- bad files ----------------------------------------------------------------------

    @cached_property
    def encrypted_pdf(self) -> Path:
        return files.write_encrypted_pdf(self.text_pdf, self.path("locked.pdf"))

    @cached_property
    def encrypted_rc4_pdf(self) -> Path:
        return files.write_encrypted_pdf(self.text_pdf, self.path("locked-rc4.pdf"), algorithm="RC4-128")

    @cached_property
    def truncated_pdf(self) -> Path:
        return files.write_truncated(self.scanned_pdf, self.path("truncated.pdf"))

    @cached_property
    def corrupt_pdf(self) -> Path:
        return files.write_corrupt_pdf(self.path("corrupt.pdf"))

    @cached_property
    def png_bomb(self) -> Path:
        return files.write_png_bomb(self.path("bomb.png"))

    @cached_property
    def tiff_bomb(self) -> Path:
        return files.write_tiff_bomb(self.path("bomb.tif"), 20000, 20000)

    @cached_property
    def pdf_bomb(self) -> Path:
        return files.write_pdf_bomb(self.path("bomb.pdf"))


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> Samples:
    return Samples(tmp_path_factory.mktemp("ingest-samples"))


def pytest_terminal_summary(terminalreporter):
    """Print what tests here measured (report properties named "measured: …"), e.g. the
    CPU time the web process spends refusing a 20,000-frame TIFF. Measured, never asserted.
    Shown when this folder is named on the command line (its conftest is then loaded by
    the controlling process too, under pytest-xdist)."""
    lines = [f"{name.removeprefix('measured: ')}: {value}" for key in ("passed", "failed")
             for report in terminalreporter.stats.get(key, [])
             for name, value in getattr(report, "user_properties", ()) if name.startswith("measured: ")]
    if lines:
        terminalreporter.section("ingest measurements")
        for line in lines:
            terminalreporter.write_line(line)
