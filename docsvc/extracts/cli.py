"""The certified-extract commands (issue 12 "Interface"):

- ``docsvc extract issue ENTRY_ID --requester NAME --id-paper TEXT [--copies N] [--signer USERNAME]
  [--purpose TEXT] [--json]`` → ``{"id", "number", "verify_url", "pdf"}``, ``pdf`` being the
  signed PDF written under the data directory
  (``DATA_DIR/extracts/<year>/<office code>/<number, "/" as "-">.pdf``, atomically, mode 0600);
- ``docsvc extract revoke ID --reason TEXT [--json]``;
- ``docsvc extract register --year YYYY --format pdf|xlsx OUT [--office CODE]``;

and for an operator setting an office up:

- ``docsvc extract office show|set --office CODE [--place P] [--heading "L1\\nL2"]
  [--number-with-year/--number-without-year]``;
- ``docsvc extract signer add --office CODE USERNAME --title "KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH"``
  (and ``signer remove``);
- ``docsvc extract certificate --office CODE FILE.p12 [--passphrase-file F]`` (else prompted),
  or ``--make-local``: a local CA and an office certificate for trying it out; the CA's
  certificate PEM is written under ``DATA_DIR/extracts/ca/`` (the command says where).

They call the use cases of docsvc.extracts.services as the user in ``DOCSVC_USER`` (or the
local operator), like every command. A refusal prints a Vietnamese message and exits with 1;
nothing is half done (each use case is one transaction, the PDF is written after it).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.cli import _echo_json, services
from archive.blobstore import write_private
from docsvc.extracts import services as extracts
from docsvc.extracts.demo import install_local_certificate
from docsvc.services.audit import PermissionDenied


def _fail(exc: Exception, what: str = "") -> None:
    if isinstance(exc, extracts.ExtractNotFound):
        raise click.ClickException(f"Không có {what or 'mục này'} (hoặc không thuộc đơn vị của bạn).")
    if isinstance(exc, PermissionDenied):
        raise click.ClickException(f"không được làm việc này ({exc.action}).")
    if isinstance(exc, extracts.ExtractInvalid):
        raise click.ClickException(f"{exc.field}: {exc.message}")
    if isinstance(exc, extracts.ExtractConflict):
        raise click.ClickException(exc.message)
    raise exc


def _lines(text: str | None) -> str | None:
    """A typed ``\\n`` (as a shell passes "A\\nB") is a line break."""
    return None if text is None else text.replace("\\n", "\n")


def pdf_path(data_dir: Path, issued: dict) -> Path:
    """Where ``extract issue`` writes the PDF: numbers repeat across offices, so under the code."""
    office = "".join(c if c.isalnum() or c in "-_" else "_" for c in issued["office"]["code"])
    return data_dir.resolve() / "extracts" / str(issued["year"]) / office / f"{issued['number'].replace('/', '-')}.pdf"


@click.group("extract", help="Trích lục hộ tịch (bản sao): cấp, thu hồi, sổ cấp, cấu hình cơ quan. "
                             "(Certified civil-status extracts.)")
def extract_group() -> None:
    pass


@extract_group.command("issue", help="Cấp bản sao trích lục từ một mục đã kiểm tra. (Issue an extract.)")
@click.argument("entry_id", type=int)
@click.option("--requester", required=True, help="Họ tên người yêu cầu.")
@click.option("--id-paper", "id_paper", required=True, help="Giấy tờ tùy thân: loại và số, ví dụ 'CCCD 001099012345'.")
@click.option("--copies", type=int, default=1, show_default=True, help="Số bản sao.")
@click.option("--signer", default=None, help="Tên đăng nhập của người ký (trong danh sách người ký của cơ quan).")
@click.option("--purpose", default=None, help="Quan hệ với người được cấp hoặc mục đích yêu cầu.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def issue_command(entry_id: int, requester: str, id_paper: str, copies: int, signer: str | None,
                  purpose: str | None, as_json: bool) -> None:
    principal = require("extract.issue")
    svc = services()
    try:
        request = extracts.IssueRequest.parse(requester, id_paper, copies, signer, purpose)
        issued = extracts.issue_extract(svc, principal, entry_id, request)
    except Exception as exc:
        _fail(exc, f"mục đăng ký #{entry_id}")
    path = pdf_path(svc.settings.data_dir, issued)
    write_private(path, svc.blobs.read(issued["pdf_sha256"]))  # the bytes issued, as stored
    if as_json:
        _echo_json({"id": issued["id"], "number": issued["number"], "verify_url": issued["verify_url"],
                    "pdf": str(path)})
        return
    click.echo(f"Đã cấp trích lục số {issued['number']} (#{issued['id']}), {issued['copies']} bản, "
               f"người ký {issued['signer']['name']}.")
    click.echo(f"Tệp PDF đã ký: {path}")
    click.echo(f"Kiểm tra trực tuyến: {issued['verify_url']}")


@extract_group.command("revoke", help="Thu hồi trích lục cấp sai (số đã cấp vẫn giữ). (Revoke an extract.)")
@click.argument("extract_id", type=int)
@click.option("--reason", required=True, help="Lý do thu hồi.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def revoke_command(extract_id: int, reason: str, as_json: bool) -> None:
    principal = require("extract.revoke")
    try:
        revoked = extracts.revoke_extract(services(), principal, extract_id, reason=reason)
    except Exception as exc:
        _fail(exc, f"trích lục #{extract_id}")
    if as_json:
        _echo_json({"id": revoked["id"], "number": revoked["number"], "status": revoked["status"],
                    "reason": revoked["revocation"]["reason"]})
        return
    click.echo(f"Đã thu hồi trích lục số {revoked['number']} (#{revoked['id']}): {revoked['revocation']['reason']}")


@extract_group.command("register", help="In sổ cấp bản sao trích lục của một năm (PDF hoặc XLSX). "
                                        "(Print the extract register of a year.)")
@click.option("--year", required=True, type=click.IntRange(1900, 2100), help="Năm.")
@click.option("--format", "fmt", required=True, type=click.Choice(("pdf", "xlsx")), help="Định dạng tệp.")
@click.option("--office", default=None, help="Mã cơ quan cấp (mặc định: đơn vị của người dùng).")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def register_command(year: int, fmt: str, office: str | None, out: Path) -> None:
    principal = require("extract.view")
    try:
        data, _media, _name, rows = extracts.register_file(services(), principal, year=year, fmt=fmt,
                                                           office=office)
    except Exception as exc:
        _fail(exc, f"cơ quan {office}")
    write_private(out, data)
    revoked = sum(1 for r in rows if r["revoked"])
    click.echo(f"Đã ghi sổ cấp trích lục năm {year}: {len(rows)} lượt cấp ({revoked} đã thu hồi) → {out}")


# -- an office's settings ---------------------------------------------------------------------

@extract_group.group("office", help="Cấu hình cấp trích lục của cơ quan. (An office's extract settings.)")
def office_group() -> None:
    pass


def _show_office(data: dict, as_json: bool) -> None:
    if as_json:
        _echo_json(data)
        return
    click.echo(f"Cơ quan: {data['unit']['name']} ({data['unit']['code']})")
    click.echo(f"Nơi cấp: {data['place']}")
    click.echo("Tiêu đề: " + " / ".join(data["heading"]))
    click.echo(f"Số có năm: {'có' if data['number_with_year'] else 'không'}")
    if not data["signers"]:
        click.echo("Người ký: (chưa có)")
    for s in data["signers"]:
        state = "" if s["active"] else " [không còn ký]"
        click.echo(f"Người ký: {s['username']} — {s['full_name']} — {' / '.join(s['title_lines'])}{state}")
    active = [c for c in data["certificates"] if c["active"]]
    if active:
        click.echo(f"Chứng thư số: {active[0]['subject']} (hết hạn {active[0]['not_after'][:10]})")
    else:
        click.echo("Chứng thư số: (chưa có)")


@office_group.command("show", help="Xem cấu hình. (Show.)")
@click.option("--office", default=None, help="Mã cơ quan (mặc định: đơn vị của người dùng).")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def office_show(office: str | None, as_json: bool) -> None:
    principal = require("extract.configure")
    try:
        data = extracts.get_office(services(), principal, office)
    except Exception as exc:
        _fail(exc, f"cơ quan {office}")
    _show_office(data, as_json)


@office_group.command("set", help="Đặt nơi cấp, tiêu đề, cách ghi số. (Set.)")
@click.option("--office", default=None, help="Mã cơ quan (mặc định: đơn vị của người dùng).")
@click.option("--place", default=None, help="Nơi cấp in trước ngày cấp, ví dụ 'Xã Tân Phú'.")
@click.option("--heading", default=None, help="Tiêu đề cơ quan, các dòng cách nhau bởi \\n.")
@click.option("--number-with-year/--number-without-year", "number_with_year", default=None,
              help="Số trích lục có năm (470/2025/TLKT-BS) hay không (167/TLKS-BS).")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def office_set(office: str | None, place: str | None, heading: str | None, number_with_year: bool | None,
               as_json: bool) -> None:
    principal = require("extract.configure")
    if place is None and heading is None and number_with_year is None:
        raise click.UsageError("Hãy cho ít nhất một trong --place, --heading, --number-with-year/--number-without-year.")
    try:
        data = extracts.configure_office(services(), principal, office, place=place, heading=_lines(heading),
                                         number_with_year=number_with_year)
    except Exception as exc:
        _fail(exc, f"cơ quan {office}")
    _show_office(data, as_json)


@extract_group.group("signer", help="Danh sách người ký trích lục. (Signers.)")
def signer_group() -> None:
    pass


@signer_group.command("add", help="Thêm người ký hoặc đổi chức danh. (Add a signer or change the title.)")
@click.argument("username")
@click.option("--office", default=None, help="Mã cơ quan (mặc định: đơn vị của người dùng).")
@click.option("--title", required=True, help="Chức danh, các dòng cách nhau bởi \\n, ví dụ 'KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH'.")
@with_appcontext
def signer_add(username: str, office: str | None, title: str) -> None:
    principal = require("extract.configure")
    try:
        data = extracts.set_signer(services(), principal, office, username=username, title=_lines(title))
    except Exception as exc:
        _fail(exc, f"cơ quan {office}")
    signer = next(s for s in data["signers"] if s["username"] == username.strip())
    click.echo(f"{signer['full_name']} ({signer['username']}) ký trích lục của {data['unit']['name']} với chức danh "
               f"{' / '.join(signer['title_lines'])}.")


@signer_group.command("remove", help="Thôi ký trích lục (vẫn giữ trong lịch sử). (Take a signer off.)")
@click.argument("username")
@click.option("--office", default=None, help="Mã cơ quan (mặc định: đơn vị của người dùng).")
@with_appcontext
def signer_remove(username: str, office: str | None) -> None:
    principal = require("extract.configure")
    try:
        data = extracts.get_office(services(), principal, office)
        current = next((s for s in data["signers"] if s["username"] == username.strip()), None)
        if current is None:
            raise click.ClickException(f"{username} không có trong danh sách người ký của {data['unit']['name']}.")
        extracts.set_signer(services(), principal, office, username=username, title=current["title"], active=False)
    except click.ClickException:
        raise
    except Exception as exc:
        _fail(exc, f"cơ quan {office}")
    click.echo(f"{username} không còn ký trích lục của {data['unit']['name']}.")


@extract_group.command("certificate", help="Cài chứng thư số (PKCS#12) để ký trích lục, hoặc tạo chứng thư "
                                           "cục bộ để dùng thử. (Install the office's signing certificate.)")
@click.argument("p12_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--office", default=None, help="Mã cơ quan (mặc định: đơn vị của người dùng).")
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Tệp chứa mật khẩu của tệp PKCS#12 (dòng đầu); không có thì hỏi.")
@click.option("--make-local", is_flag=True, help="Tạo CA cục bộ và chứng thư của cơ quan để dùng thử "
                                                 "(không dùng để cấp thật).")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def certificate_command(p12_file: Path | None, office: str | None, passphrase_file: Path | None, make_local: bool,
                        as_json: bool) -> None:
    principal = require("extract.configure")
    svc = services()
    if make_local == (p12_file is not None):
        raise click.UsageError("Cho tệp PKCS#12 hoặc --make-local (một trong hai).")
    ca_path = None
    if make_local:
        try:
            data, ca_path = install_local_certificate(svc, principal, office)
        except Exception as exc:
            _fail(exc, f"cơ quan {office}")
    else:
        if passphrase_file is not None:
            lines = passphrase_file.read_text(encoding="utf-8").splitlines()
            passphrase = lines[0] if lines else ""
        else:
            passphrase = click.prompt("Mật khẩu của tệp PKCS#12 (để trống nếu không có)", hide_input=True,
                                      default="", show_default=False)
        try:
            data = extracts.install_certificate(svc, principal, office, p12=p12_file.read_bytes(),
                                                passphrase=passphrase or None)
        except Exception as exc:
            _fail(exc, f"cơ quan {office}")
    active = next(c for c in data["certificates"] if c["active"])
    if as_json:
        _echo_json({"office": data["unit"]["code"], "subject": active["subject"],
                    "fingerprint": active["fingerprint"], "not_after": active["not_after"],
                    "ca_certificate": str(ca_path) if ca_path else None})
        return
    click.echo(f"Đã cài chứng thư số cho {data['unit']['name']}: {active['subject']}, "
               f"hết hạn {active['not_after'][:10]}.")
    if ca_path:
        click.echo(f"Chứng thư CA cục bộ (để kiểm tra chữ ký, chỉ dùng thử): {ca_path}")


GROUPS = (extract_group,)
