"""Civil-status registers (issue 11): register books, their scanned pages, the entries read
from them, keyed, verified and corrected as revisions; the national package."""
