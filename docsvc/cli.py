"""Command line: ``docsvc``."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """docsvc: document management and archive service."""


@main.command()
def init() -> None:
    """Create or migrate the database and folders."""
    click.echo("not yet")
