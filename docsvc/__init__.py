"""docsvc: the application (Flask app, REST API, CLI, use cases)."""

from docsvc.app import create_app

__all__ = ["create_app"]
