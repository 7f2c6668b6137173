"""OCR accuracy of the whole pipeline with real Tesseract on generated 300-dpi A4 pages.

Four administrative-document pages and four civil-status register pages, each in one of
the four fonts, rendered clean and as noisy scans (``Noise.scan()``: skew, blur, grey
shaded paper, grain, dust, JPEG). Character error rate with whitespace normalised: at most
1% per clean page and 3% per noisy page, and overall. The figures are printed (``-s``),
kept as test properties (``--junitxml``) and summed up at the end of the run.
"""

from __future__ import annotations

import pytest

from docsvc.sampledata import files
from docsvc.sampledata.cer import character_error_rate, levenshtein, normalise
from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.registers import make_entry
from docsvc.sampledata.render import FONTS, Noise, render_document, render_register
from ingest.ocr import TesseractEngine
from ingest.pipeline import Pipeline
from ingest.results import TIFF, Limits

pytestmark = [pytest.mark.ocr, pytest.mark.xdist_group("ocr")]

THRESHOLDS = {"clean": 0.01, "noisy": 0.03}
REGISTER_PAGES = [("birth",), ("death", "death"), ("marriage", "marriage"), ("death", "marriage")]


def sample_pages(noisy: bool) -> list[tuple[str, object]]:
    fonts = list(FONTS)
    noise = Noise.scan() if noisy else None
    pages = []
    for i, doc in enumerate(generate_documents(4, seed=2026)):
        page = render_document(doc, font=fonts[i % 4], noise=noise, seed=100 + i)[0]
        pages.append((f"document {i + 1} ({fonts[i % 4]})", page))
    for i, kinds in enumerate(REGISTER_PAGES):
        entries = [make_entry(kind, seed=300 + 10 * i + j, number=j + 1) for j, kind in enumerate(kinds)]
        font = fonts[(i + 1) % 4]
        page = render_register(entries, font=font, noise=noise, seed=200 + i)[0]
        pages.append((f"register {i + 1}: {'+'.join(kinds)} ({font})", page))
    return pages


@pytest.mark.parametrize("variant", ["clean", "noisy"])
def test_character_error_rate(variant, tmp_path, record_property):
    pages = sample_pages(variant == "noisy")
    tiff = files.write_tiff([page for _, page in pages], tmp_path / f"{variant}.tif")
    results = list(Pipeline(TesseractEngine(), Limits(), concurrency=2).pages(tiff, TIFF))
    assert [r.number for r in results] == list(range(1, len(pages) + 1))

    threshold = THRESHOLDS[variant]
    errors = length = 0
    lines, failures = [], []
    for (label, page), result in zip(pages, results):
        truth, hypothesis = normalise(page.text), normalise(result.text)
        distance = levenshtein(truth, hypothesis)
        errors, length = errors + distance, length + len(truth)
        cer = character_error_rate(page.text, result.text)
        lines.append(f"  {variant:5} {label:45} CER {cer:6.2%} ({distance}/{len(truth)} chars, "
                     f"confidence {result.confidence:.1f})")
        record_property(f"cer {variant} {label}", round(cer, 6))
        if cer > threshold:
            failures.append(label)
    overall = errors / length
    record_property(f"cer {variant} overall", round(overall, 6))
    print(f"\nOCR character error rate, {variant} pages (limit {threshold:.0%}):")
    print("\n".join(lines))
    print(f"  {variant:5} {'overall':45} CER {overall:6.2%} ({errors}/{length} chars)")
    assert overall <= threshold
    assert not failures, f"pages over {threshold:.0%}: {failures}"
