"""Certified extract copies (bản sao trích lục) of civil-status register entries."""
