"""What every capability's use cases share: the ``Services`` container (container.py) and
recording to the audit trail (audit.py). The use cases themselves live in each capability's
package (docsvc/documents, docsvc/accounts, ...; docs/architecture.md)."""
