"""home capability."""
