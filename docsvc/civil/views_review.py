"""Civil-status pages after the first keying (routes on the ``civil`` blueprint of
docsvc.civil.views, whose rules they follow): the blind second keying of a double-keying
book, the arbitration of two keyings that differ, the statistics per person and the progress
reports with their server-drawn charts."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from docsvc.audit.purpose import session_purpose
from docsvc.auth import current_principal
from docsvc.civil import charts, forms
from docsvc.civil import services as civil
from docsvc.civil import workbench
from docsvc.civil.services import Conflict, EntryFieldError
from docsvc.civil.views import SIGNED_IN, _bench, _scan_of, _services, bp
from docsvc.i18n import gettext as _
from docsvc.permissions import requires


# -- double keying and arbitration -----------------------------------------------------------

@bp.get("/civil/entries/<int:entry_id>/second")
@requires(SIGNED_IN)
def second_keying(entry_id: int):
    """The blind second keying: the page and the region, an empty form."""
    entry = civil.get_entry(_services(), current_principal(), entry_id, purpose=session_purpose())
    return _second_page(entry, forms.rows(entry["kind"], blind=True))


def _second_page(entry: dict, rows: list[dict], *, error: str | None = None, status: int = 200):
    scans = workbench.book_scans(_services(), current_principal(), entry["book_id"])
    scan = _scan_of(scans, (entry.get("page_ref") or {}).get("id"))
    return _bench("civil/second.html", book=entry["book"], scans=scans, scan=scan, rows=rows, entry=entry,
                  error=error, status=status)


@bp.post("/civil/entries/<int:entry_id>/second")
@requires("civil.key")
def key_again(entry_id: int):
    principal = current_principal()
    entry = civil.get_entry(_services(), principal, entry_id, purpose=session_purpose())
    posted = forms.read_form(entry["kind"], request.form)
    try:
        result = civil.key_again(_services(), principal, entry_id, posted)
    except EntryFieldError as exc:
        errors = {exc.name: exc.message, **workbench.field_errors(entry["kind"], posted)}
        return _second_page(entry, forms.rows(entry["kind"], posted=request.form, errors=errors, blind=True),
                            error=exc.message, status=400)
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("civil.entry", entry_id=entry_id))
    if result["status"] == "verified":
        flash(_("Hai lần nhập trùng khớp: mục đã được xác nhận."), "ok")
    else:
        flash(_("Hai lần nhập khác nhau ở {n} trường: cần người thứ ba phân xử.").format(
            n=len(result["differences"])), "error")
    following = workbench.next_to_key(_services(), principal, entry["book_id"], review=True)
    if following is not None:  # the next entry someone else keyed, blind again
        return redirect(url_for("civil.second_keying", entry_id=following))
    return redirect(url_for("civil.book", book_id=entry["book_id"]))


@bp.get("/civil/entries/<int:entry_id>/arbitrate")
@requires(SIGNED_IN)
def arbitrate_form(entry_id: int):
    return _arbitrate_page(entry_id)


def _arbitrate_page(entry_id: int, *, error: str | None = None, status: int = 200):
    entry = civil.get_entry(_services(), current_principal(), entry_id, purpose=session_purpose())
    if entry["status"] != "disputed":
        return redirect(url_for("civil.entry", entry_id=entry_id))
    scans = workbench.book_scans(_services(), current_principal(), entry["book_id"])
    scan = _scan_of(scans, (entry.get("page_ref") or {}).get("id"))
    return render_template("civil/arbitrate.html", entry=entry, book=entry["book"], scan=scan,
                           disputes=entry.get("disputes") or {}, error=error, form=request.form), status


@bp.post("/civil/entries/<int:entry_id>/arbitrate")
@requires("civil.verify")
def arbitrate(entry_id: int):
    """Each disputed field: ``pick.<key>`` = round1 | round2 | other (then ``f.<key>``)."""
    principal = current_principal()
    entry = civil.get_entry(_services(), principal, entry_id, purpose=session_purpose())
    chosen: dict[str, dict] = {}
    typed = forms.read_form(entry["kind"], request.form, only_given=True)
    for key, rounds in (entry.get("disputes") or {}).items():
        pick = request.form.get(f"pick.{key}")
        if pick in ("round1", "round2"):
            chosen[key] = {"value": rounds[pick]["value"], "state": rounds[pick]["state"]}
        elif pick == "other" and key in typed:
            chosen[key] = typed[key]
    try:
        civil.arbitrate(_services(), principal, entry_id, chosen, reason=request.form.get("reason"))
    except EntryFieldError as exc:
        return _arbitrate_page(entry_id, error=f"{_(forms.label(entry['kind'], exc.name))}: {exc.message}",
                               status=400)
    except Conflict as exc:
        return _arbitrate_page(entry_id, error=exc.message, status=409)
    flash(_("Đã phân xử: mục đã được xác nhận."), "ok")
    return redirect(url_for("civil.entry", entry_id=entry_id))


# -- statistics and reports ------------------------------------------------------------------

@bp.get("/civil/stats")
@requires(SIGNED_IN)
def stats():
    people = civil.keying_stats(_services(), current_principal(), book_id=request.args.get("book", type=int))
    return render_template("civil/stats.html", people=people)


@bp.get("/civil/reports")
@requires(SIGNED_IN)
def reports():
    figures = workbench.progress(_services(), current_principal())
    return render_template("civil/reports.html", figures=figures, charts=charts.NAMES)


@bp.get("/civil/reports/<any(books, offices, people):chart>.svg")
@requires(SIGNED_IN)
def chart(chart: str):
    figures = workbench.progress(_services(), current_principal())
    svg = charts.draw(chart, figures, lang_gettext=_)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = "inline"
    return response
