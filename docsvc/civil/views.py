"""Civil-status register pages (issue 11): the books, a book's pages and entries, the
workbench where entries are keyed beside the page image, an entry with its history as a
paper register shows it, double keying and arbitration, and the progress reports.

Entries are personal data. The pages that show a book or an entry are declared for every
signed-in user (``SIGNED_IN``) because the use cases answer a principal without
``person.view`` as if nothing existed (404, never 403: the refusal confirms nothing); the
routes that change something declare their action (``civil.key`` ...), which a route refuses
before reading the body. Reads of entries go through the use cases, which log them with
the session's purpose (asked for first: docsvc.audit.purpose).

Every form works without JavaScript (a plain POST with its CSRF token); civil-workbench.js
adds the keys. A refused form is shown again with what the person typed and the use case's
Vietnamese message beside the field (status 400, or 409 for a conflict of state).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from docsvc.refusals import answer_refusals
from docsvc.audit.purpose import ask_for_purpose, session_purpose
from docsvc.auth import current_principal
from docsvc.civil import forms
from docsvc.civil import fields as contract
from docsvc.civil import services as civil
from docsvc.civil import workbench
from docsvc.civil.services import Conflict, EntryFieldError
from docsvc.edge import accepts_uploads
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.services.container import Services

try:  # page ingestion (the core helper's docsvc/civil/pages.py) may not be merged yet
    from docsvc.civil.pages import add_pages
except ImportError:  # pragma: no cover - depends on the branch
    add_pages = None

bp = Blueprint("civil", __name__, template_folder="templates")

#: Held by every role: the use cases decide, and answer 404 without person.view.
SIGNED_IN = "account.self"
KEYS = {"illegible": "F2", "missing": "F4", "accept": "Ctrl+Enter", "zoom": "F8", "pages": "Alt+PageDown/PageUp"}


def _services() -> Services:
    return current_app.extensions["docsvc"]


answer_refusals(bp)


@bp.app_context_processor
def _inject():
    return {"civil_keys": KEYS, "kind_title": lambda kind: _(contract.KIND_TITLES.get(kind, kind)),
            "status_label": lambda s: _(contract.STATUS_LABELS.get(s, s)),
            "state_label": lambda s: _(contract.STATE_LABELS.get(s, s)),
            "field_label": lambda kind, key: _(forms.label(kind, key)), "shown": forms.shown}


# -- books ---------------------------------------------------------------------------------

@bp.get("/civil")
@requires(SIGNED_IN)
def books():
    args = request.args
    kind = args.get("kind") if args.get("kind") in contract.KINDS else None
    chosen = {"office_code": args.get("office") or None, "kind": kind, "year": args.get("year", type=int)}
    found = civil.list_books(_services(), current_principal(), **chosen)
    return _books_page(found, chosen=chosen)


def _books_page(found: list[dict], *, chosen: dict, form=None, error: str | None = None, status: int = 200):
    principal = current_principal()
    seen: dict[str, dict] = {}  # the filter: offices of the books the principal sees
    for book in civil.list_books(_services(), principal):
        seen.setdefault(book["office"]["code"], book["office"])
    own = workbench.book_offices(_services(), principal) if principal.can("civil.book") else []
    return render_template("civil/books.html", books=found, chosen=chosen, kinds=contract.KINDS,
                           offices=sorted(seen.values(), key=lambda o: o["code"]), own_offices=own,
                           form=form or {}, error=error), status


@bp.post("/civil/books")
@requires("civil.book")
def add_book():
    form = request.form
    try:
        years = (form.get("year_from") or "").strip(), (form.get("year_to") or "").strip()
        year_from = int(years[0]) if years[0] else None
        year_to = int(years[1]) if years[1] else None
        if year_from is None:
            raise EntryFieldError("year_from", "Cần năm của sổ.")
        book = civil.add_book(_services(), current_principal(), office_code=(form.get("office") or "").strip(),
                              kind=form.get("kind") or "", year_from=year_from, year_to=year_to,
                              label=form.get("label") or "", condition_notes=form.get("condition_notes"),
                              verification_mode=form.get("verification_mode") or "review")
    except ValueError as exc:  # int() of a year, or EntryFieldError (a ValueError)
        message = exc.message if isinstance(exc, EntryFieldError) else _("Năm phải là một số.")
        return _books_page(civil.list_books(_services(), current_principal()), chosen={}, form=form,
                           error=message, status=400)
    flash(_("Đã thêm sổ."), "ok")
    return redirect(url_for("civil.book", book_id=book["id"]))


@bp.get("/civil/books/<int:book_id>")
@requires(SIGNED_IN)
def book(book_id: int):
    principal = current_principal()
    found = civil.get_book(_services(), principal, book_id)
    scans = workbench.book_scans(_services(), principal, book_id)
    status = request.args.get("status") if request.args.get("status") in contract.STATUSES else None
    entries = civil.list_entries(_services(), principal, book_id, status=status, purpose=session_purpose())
    return render_template("civil/book.html", book=found, scans=scans, entries=entries, status=status,
                           can_add_pages=add_pages is not None)


if add_pages is not None:
    @bp.post("/civil/books/<int:book_id>/pages")
    @requires("civil.book")
    @accepts_uploads
    def add_book_pages(book_id: int):
        from docsvc.documents.submit import SubmissionRefused
        from docsvc.i18n import current_lang
        from ingest.errors import IngestError

        files = [f for f in request.files.getlist("file") if f and f.filename]
        if not files:
            flash(_("Chưa chọn tệp."), "error")
            return redirect(url_for("civil.book", book_id=book_id))
        try:
            added = add_pages(_services(), current_principal(), book_id, files)
        except IngestError as exc:  # that file is refused; the ones before it were added
            flash(exc.message(current_lang()), "error")
            return redirect(url_for("civil.book", book_id=book_id))
        except SubmissionRefused as exc:
            flash(exc.message, "error")
            return redirect(url_for("civil.book", book_id=book_id))
        flash(_("Đã thêm {n} trang; máy đang đọc.").format(n=sum(1 for a in added if a.seq)), "ok")
        return redirect(url_for("civil.book", book_id=book_id))


# -- the workbench ---------------------------------------------------------------------------

def _scan_of(scans: list[dict], page_id: int | None) -> dict | None:
    return next((s for s in scans if s["id"] == page_id), None)


def _bench(template: str, *, book: dict, scans: list[dict], scan: dict | None, rows: list[dict], status: int = 200,
           **more):
    numbers = workbench.book_numbers(_services(), current_principal(), book["id"])
    if book["year_from"] == book["year_to"]:  # an empty number takes the next one: say which
        for row in rows:
            if row["key"] == "number":
                row["placeholder"] = f'{numbers[book["year_from"]]["next"]:02d}'
    return render_template(template, book=book, scans=scans, scan=scan, rows=rows, numbers=numbers,
                           **more), status


@bp.get("/civil/books/<int:book_id>/new")
@requires(SIGNED_IN)
def new_entry(book_id: int):
    """A new entry keyed by hand (a handwritten page), beside the page chosen. The page
    image is personal data: the purpose is asked for before the workbench opens."""
    principal = current_principal()
    found = civil.get_book(_services(), principal, book_id)
    if session_purpose() is None:
        return ask_for_purpose()
    scans = workbench.book_scans(_services(), principal, book_id)
    scan = _scan_of(scans, request.args.get("page", type=int)) or (scans[0] if scans else None)
    return _bench("civil/new_entry.html", book=found, scans=scans, scan=scan, rows=forms.rows(found["kind"]),
                  box="", error=None)


@bp.post("/civil/books/<int:book_id>/entries")
@requires("civil.key")
def create_entry(book_id: int):
    principal = current_principal()
    found = civil.get_book(_services(), principal, book_id)
    kind = found["kind"]
    posted = forms.read_form(kind, request.form)
    page_id = request.form.get("page_id", type=int)
    try:
        box = forms.parse_box(request.form.get("box"))
    except ValueError:
        return _refused_new(found, page_id, {"box": _("Vùng phải là x, y, rộng, cao (số không âm).")})
    try:
        entry = civil.create_entry(_services(), principal, book_id, posted, page_id=page_id, box=box)
    except EntryFieldError as exc:
        return _refused_new(found, page_id, {exc.name: exc.message, **workbench.field_errors(kind, posted)})
    except Conflict as exc:
        return _refused_new(found, page_id, {"number": exc.message}, conflict=exc, status=409)
    flash(_("Đã lưu mục số {number}.").format(number=entry["number"]), "ok")
    _flash_gaps(book_id, entry)
    return redirect(url_for("civil.new_entry", book_id=book_id, page=page_id) if page_id
                    else url_for("civil.new_entry", book_id=book_id))


def _refused_new(found: dict, page_id: int | None, errors: dict, *, conflict: Conflict | None = None,
                 status: int = 400):
    scans = workbench.book_scans(_services(), current_principal(), found["id"])
    return _bench("civil/new_entry.html", book=found, scans=scans, scan=_scan_of(scans, page_id),
                  rows=forms.rows(found["kind"], posted=request.form, errors=errors),
                  box=request.form.get("box", ""), error=_first(errors), conflict=conflict, status=status)


def _first(errors: dict) -> str | None:
    return next(iter(errors.values()), None)


def _flash_gaps(book_id: int, entry: dict) -> None:
    """After a save: the number gaps of the entry's year, if any (the book page lists them all)."""
    for warning in civil.get_book(_services(), current_principal(), book_id)["warnings"]:
        if warning["kind"] == "gap" and warning["year"] == entry["year"]:
            runs = ", ".join(f"{a:02d}" if a == b else f"{a:02d}–{b:02d}" for a, b in warning["missing"])
            flash(_("Năm {year} còn thiếu số: {runs}.").format(year=warning["year"], runs=runs), "error")


@bp.get("/civil/entries/<int:entry_id>/key")
@requires(SIGNED_IN)
def key_entry(entry_id: int):
    """The workbench on an existing entry: a machine proposal to accept or correct, or a
    keyed entry to edit before it is verified."""
    principal = current_principal()
    entry = civil.get_entry(_services(), principal, entry_id, purpose=session_purpose())
    if entry["status"] in ("verified", "disputed"):
        return redirect(url_for("civil.entry", entry_id=entry_id))
    return _key_page(entry, forms.rows(entry["kind"], entry["fields"]))


def _key_page(entry: dict, rows: list[dict], *, errors: dict | None = None, conflict: Conflict | None = None,
              status: int = 200):
    scans = workbench.book_scans(_services(), current_principal(), entry["book_id"])
    scan = _scan_of(scans, (entry.get("page_ref") or {}).get("id"))
    return _bench("civil/key_entry.html", book=entry["book"], scans=scans, scan=scan, rows=rows, entry=entry,
                  error=_first(errors or {}), conflict=conflict, status=status)


@bp.post("/civil/entries/<int:entry_id>/key")
@requires("civil.key")
def save_entry(entry_id: int):
    """Enter: save the form (a proposal is accepted with the person's changes); the accept
    button (``action=accept``): take the proposal as it is. Then the next proposal."""
    principal = current_principal()
    entry = civil.get_entry(_services(), principal, entry_id, purpose=session_purpose())
    kind = entry["kind"]
    accept_as_is = request.form.get("action") == "accept"
    posted = {} if accept_as_is else forms.read_form(kind, request.form)
    typed = None if accept_as_is else request.form  # shown again after a refusal
    changes = workbench.changed_fields(kind, posted, entry["fields"])
    try:
        saved = civil.update_entry(_services(), principal, entry_id, fields=changes or None,
                                   status="keyed" if entry["status"] == "proposed" else None,
                                   version=request.form.get("version", type=int))
    except EntryFieldError as exc:
        errors = {exc.name: exc.message, **workbench.field_errors(kind, changes)}
        return _key_page(entry, forms.rows(kind, entry["fields"], posted=typed, errors=errors),
                         errors=errors, status=400)
    except Conflict as exc:
        # A stale version: show what the other person saved (read just now), not the form.
        errors = {"number": exc.message} if exc.code == "duplicate_number" else {"_": exc.message}
        return _key_page(entry, forms.rows(kind, entry["fields"], posted=None if exc.code == "stale" else typed,
                                           errors=errors), errors=errors, conflict=exc, status=409)
    flash(_("Đã lưu mục số {number}.").format(number=saved["number"]), "ok")
    _flash_gaps(entry["book_id"], saved)
    if entry["status"] != "proposed":  # an edit of a keyed entry: back to it (to verify it)
        return redirect(url_for("civil.entry", entry_id=entry_id))
    following = workbench.next_to_key(_services(), principal, entry["book_id"], besides=entry_id)
    if following is not None:
        return redirect(url_for("civil.key_entry", entry_id=following))
    flash(_("Không còn mục máy đề xuất nào trong sổ."), "ok")
    return redirect(url_for("civil.book", book_id=entry["book_id"]))


# -- an entry, its verification, corrections and history -------------------------------------

def _entry_page(entry_id: int, *, errors: dict | None = None, posted=None, status: int = 200):
    principal = current_principal()
    entry = civil.get_entry(_services(), principal, entry_id, purpose=session_purpose())
    history = civil.revisions(_services(), principal, entry_id, purpose=session_purpose())
    scans = workbench.book_scans(_services(), principal, entry["book_id"])
    rows = forms.rows(entry["kind"], entry["fields"], posted=posted, errors=errors)
    return render_template("civil/entry.html", entry=entry, book=entry["book"], history=history, rows=rows,
                           scan=_scan_of(scans, (entry.get("page_ref") or {}).get("id")),
                           errors=errors or {}, form=request.form if posted is not None else {}), status


@bp.get("/civil/entries/<int:entry_id>")
@requires(SIGNED_IN)
def entry(entry_id: int):
    return _entry_page(entry_id)


@bp.post("/civil/entries/<int:entry_id>/verify")
@requires("civil.verify")
def verify(entry_id: int):
    """Verify, then open the book's next entry keyed by someone else (or the book)."""
    principal = current_principal()
    try:
        done = civil.verify_entry(_services(), principal, entry_id, version=request.form.get("version", type=int))
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("civil.entry", entry_id=entry_id))
    flash(_("Đã kiểm tra, xác nhận mục."), "ok")
    following = workbench.next_to_key(_services(), principal, done["book_id"], review=True)
    if following is not None:
        return redirect(url_for("civil.entry", entry_id=following))
    return redirect(url_for("civil.book", book_id=done["book_id"]))


@bp.post("/civil/entries/<int:entry_id>/correct")
@requires("civil.correct")
def correct(entry_id: int):
    """A correction of a verified entry: the changed fields, a reason, and for a change of
    civil status the decision (number and date) it rests on."""
    principal = current_principal()
    current = civil.get_entry(_services(), principal, entry_id, purpose=session_purpose())
    posted = forms.read_form(current["kind"], request.form)
    changes = workbench.changed_fields(current["kind"], posted, current["fields"])
    if not changes:
        return _entry_page(entry_id, errors={"_": _("Chưa có trường nào được sửa.")}, posted=request.form,
                           status=400)
    try:
        civil.update_entry(_services(), principal, entry_id, fields=changes, reason=request.form.get("reason"),
                           legal_basis=request.form.get("legal_basis"),
                           legal_basis_date=request.form.get("legal_basis_date"),
                           version=request.form.get("version", type=int))
    except EntryFieldError as exc:
        errors = {exc.name: exc.message, **workbench.field_errors(current["kind"], changes)}
        return _entry_page(entry_id, errors=errors, posted=request.form, status=400)
    except Conflict as exc:
        key = "reason" if exc.code == "reason_required" else "number" if exc.code == "duplicate_number" else "_"
        return _entry_page(entry_id, errors={key: exc.message}, posted=request.form, status=409)
    flash(_("Đã ghi cải chính."), "ok")
    return redirect(url_for("civil.entry", entry_id=entry_id) + "#history")


# Second keying, arbitration, statistics and reports: routes on this blueprint.
from docsvc.civil import views_review  # noqa: E402,F401
