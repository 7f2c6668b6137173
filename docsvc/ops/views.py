"""``/admin/status``: the state of the installation for administrators (the same use case
as ``docsvc status``), a tile on the administration index."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from docsvc.auth import current_principal
from docsvc.ops.status import PROBLEMS, human_size, system_status
from docsvc.permissions import requires

bp = Blueprint("ops", __name__, template_folder="templates")


@bp.get("/admin/status")
@requires("system.status")
def status():
    state = system_status(current_app.extensions["docsvc"], current_principal())
    return render_template("admin/status.html", status=state, problems=PROBLEMS, size=human_size)
