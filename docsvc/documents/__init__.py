"""documents capability."""
