"""Web views and API routes only parse, call a use case, and render (docs/architecture.md,
"Use cases and the layout by capability"): no module that declares routes — any
``views.py``/``api.py``/``admin.py`` of a capability, ``docsvc/admin.py``, everything in
``docsvc/api/`` — opens a session, a unit of work, commits or rolls back, or imports
SQLAlchemy. That work belongs to the use cases in each capability's services.

Bad inputs tried on the checker itself: ``db.commit()``, ``session.rollback()``, a
``session_factory`` attribute, ``services.uow()``, ``from sqlalchemy import select``,
``import sqlalchemy.orm``; and a clean view that only calls a use case (no offence).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCSVC = ROOT / "docsvc"
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "route"}
FORBIDDEN_NAMES = {"session_factory", "uow"}
FORBIDDEN_CALLS = {"commit", "rollback"}


def declares_routes(tree: ast.AST) -> bool:
    """A function decorated with ``@<blueprint>.get(...)``/``.route(...)`` etc."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                        and deco.func.attr in ROUTE_DECORATORS):
                    return True
    return False


def offences(source: str) -> list[str]:
    """What a route module must not do, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_CALLS:
            found.append(f"{node.lineno}: .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            found.append(f"{node.lineno}: import sqlalchemy")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            found.append(f"{node.lineno}: from sqlalchemy import")
    return found


def route_modules() -> list[Path]:
    paths = set((DOCSVC / "api").rglob("*.py"))
    paths |= {p for name in ("views.py", "api.py", "admin.py") for p in DOCSVC.rglob(name)}
    paths |= {p for p in DOCSVC.rglob("*.py") if declares_routes(ast.parse(p.read_text(encoding="utf-8")))}
    return sorted(paths)


def test_the_checker_finds_each_kind_of_offence():
    bad = {
        "db.commit()": ".commit()",
        "session.rollback()": ".rollback()",
        "with services.session_factory() as db: pass": ".session_factory",
        "with _services().uow() as work: pass": ".uow",
        "from sqlalchemy import select": "from sqlalchemy import",
        "import sqlalchemy.orm": "import sqlalchemy",
    }
    for source, expected in bad.items():
        assert [o.split(": ", 1)[1] for o in offences(source)] == [expected], source
    clean = "def edit(doc_id):\n    edited = documents.edit_fields(svc(), who(), doc_id, request.form)\n"
    assert offences(clean) == []


def test_route_modules_are_found_in_every_capability():
    found = {str(p.relative_to(DOCSVC)) for p in route_modules()}
    for expected in ("documents/views.py", "documents/api.py", "accounts/views.py", "accounts/admin.py",
                     "finding/views.py", "finding/api.py", "audit/views.py", "audit/purpose.py", "home/views.py",
                     "admin.py", "api/__init__.py", "api/openapi.py"):
        assert expected in found, expected
    assert "documents/services.py" not in found  # use cases are where the sessions belong


def test_no_route_module_opens_a_session_or_commits():
    problems = {str(p.relative_to(ROOT)): offences(p.read_text(encoding="utf-8")) for p in route_modules()}
    assert {path: found for path, found in problems.items() if found} == {}
