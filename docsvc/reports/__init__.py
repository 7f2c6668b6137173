"""On-time reports, their sample data and the demo (issue 13 §5, §6)."""
