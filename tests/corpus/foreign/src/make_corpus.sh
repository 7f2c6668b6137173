#!/bin/sh
# Remakes the foreign corpus (tests/corpus/foreign/*) with the real tools, from the sources
# in this folder. Debian packages: texlive-latex-base texlive-lang-other (vntex),
# libreoffice-writer-nogui, imagemagick, ghostscript, libtiff-tools, qpdf; Python: reportlab,
# pypdf, Pillow. Run from this folder: sh make_corpus.sh [python]
set -eu
PY=${1:-python3}
OUT=..
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
IM=/usr/bin/convert

# LaTeX (pdfTeX, vntex T5 Type 1 fonts)
cp thong-bao.tex "$WORK/" && (cd "$WORK" && pdflatex -interaction=nonstopmode thong-bao.tex >/dev/null)
cp "$WORK/thong-bao.pdf" $OUT/latex-thong-bao.pdf

# Ghostscript: the LaTeX notice rewritten as PDF/A-2b
gs -q -dPDFA=2 -dBATCH -dNOPAUSE -dNOOUTERSAVE -sColorConversionStrategy=RGB -dPDFACompatibilityPolicy=1 \
   -sDEVICE=pdfwrite -o $OUT/ghostscript-pdfa.pdf "$WORK/thong-bao.pdf"

# LibreOffice Writer: HTML with headings -> PDF with an outline (bookmarks)
cp ke-hoach.html "$WORK/"
(cd "$WORK" && soffice --headless --infilter="HTML (StarWriter)" \
   --convert-to 'pdf:writer_pdf_Export:{"ExportBookmarks":{"type":"boolean","value":"true"}}' ke-hoach.html >/dev/null 2>&1)
cp "$WORK/ke-hoach.pdf" $OUT/libreoffice-ke-hoach.pdf

# pypdf: annotations, an attachment, more outline entries on the LibreOffice file
$PY enrich.py "$WORK/ke-hoach.pdf" $OUT/pypdf-annotated.pdf

# ReportLab: AcroForm fields
$PY make_form.py $OUT/reportlab-form.pdf

# qpdf: object streams and cross-reference stream, linearized; and a password-protected copy
qpdf --object-streams=generate --linearize "$WORK/ke-hoach.pdf" $OUT/qpdf-object-streams.pdf
qpdf --encrypt nguoi-dung chu-so-huu 256 -- "$WORK/ke-hoach.pdf" $OUT/qpdf-password.pdf

# Page images (Pillow), then ImageMagick and libtiff
$PY make_images.py "$WORK"
$IM "$WORK/giay-moi.png" -colorspace CMYK -quality 80 $OUT/imagemagick-cmyk.jpg
$IM "$WORK/bien-ban.png" -transparent white -define png:color-type=6 $OUT/imagemagick-alpha.png
$IM "$WORK/to-trinh.png" -depth 16 -define png:bit-depth=16 $OUT/imagemagick-16bit.png
$IM "$WORK/quyet-dinh.png" -threshold 50% -monochrome -compress Group4 "$WORK/quyet-dinh-g4.tif"
tiff2pdf -o $OUT/libtiff-ccitt.pdf "$WORK/quyet-dinh-g4.tif"  # the G4 strip kept as CCITTFaxDecode
$PY make_cmyk_pdf.py $OUT/imagemagick-cmyk.jpg $OUT/reportlab-cmyk.pdf  # the CMYK JPEG kept as DCTDecode
# One page per compression (libtiff's tiffcp sets one -c for a whole run), then joined
# as they are: CCITT G4 1-bit, LZW 8-bit grey, JPEG (YCbCr) colour.
$IM "$WORK/bien-ban.png" -threshold 50% -monochrome -compress Group4 "$WORK/p1-g4.tif"
$IM "$WORK/to-trinh.png" "$WORK/p2.tif"
tiffcp -c lzw "$WORK/p2.tif" "$WORK/p2-lzw.tif"
$IM "$WORK/giay-moi.png" -type TrueColor "$WORK/p3.tif"
tiffcp -c jpeg:75 -p contig "$WORK/p3.tif" "$WORK/p3-jpeg.tif"
tiffcp "$WORK/p1-g4.tif" "$WORK/p2-lzw.tif" "$WORK/p3-jpeg.tif" $OUT/libtiff-mixed.tif

# An interrupted copy: the ImageMagick CMYK JPEG cut after its first 20,000 bytes
head -c 20000 $OUT/imagemagick-cmyk.jpg > $OUT/imagemagick-cut.jpg
