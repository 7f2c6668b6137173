"""Turns files into pages of text: format detection, PDF text layers, page images,
Tesseract OCR, and the durable job queue that runs it all off the web request.

May import archive (to record results); never docsvc or Flask.
"""
