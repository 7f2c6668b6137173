"""The fixity page (on the shared ``/admin`` blueprint, docsvc.admin): recent runs with their
counts and problems, the blobs still missing or corrupt, and the schedule; and the banner the
administration pages show while any blob is bad."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template

from docsvc.admin import bp
from docsvc.auth import current_principal
from docsvc.ops.fixity import fixity_alert, fixity_overview
from docsvc.permissions import requires


def _services():
    return current_app.extensions["docsvc"]


@bp.get("/fixity")
@requires("system.fixity")
def fixity():
    return render_template("admin/fixity.html", view=fixity_overview(_services(), current_principal()))


@bp.app_template_global("fixity_alert")
def _fixity_alert() -> int:
    """Blobs missing or corrupt and not repaired, for whoever may see fixity (the banner)."""
    return fixity_alert(_services(), current_principal())


@bp.app_template_filter("local_time")
def _local_time(value: datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(ZoneInfo(_services().settings.time_zone)).strftime("%d/%m/%Y %H:%M")
