"""Outgoing documents through the ISO 9001 issuing process (issue 14)."""
