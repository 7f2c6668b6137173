"""Routing (issue 13 §3): assigning incoming documents and dossiers, the trace of hand-overs,
extensions, completion with its standing, the inbox and reminders."""
