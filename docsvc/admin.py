"""The administration area: one ``/admin`` blueprint, its index and the permission table.

Capabilities add their own administration pages to this blueprint from their modules
(docsvc.accounts.admin: users and units; docsvc.audit.views: the audit trail), as they add
their API routes to the one ``/api/v1`` blueprint: the endpoint names stay ``admin.*`` and
the pages share the area's menu, while each page lives beside the rest of its capability.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from archive.accounts import ROLE_LABELS, ROLES
from docsvc.permissions import TABLE, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@requires("account.self")
def index():
    return render_template("admin/index.html")


@bp.get("/permissions")
@requires("account.self")
def permissions():
    return render_template("admin/permissions.html", table=TABLE, roles=ROLES, role_labels=ROLE_LABELS)
