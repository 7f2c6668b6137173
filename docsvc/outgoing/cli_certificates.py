"""``docsvc outgoing certificate USERNAME P12FILE [--passphrase-env VAR] [--json]``: install a
person's own signing certificate (docsvc.outgoing.certificates), as the user in
``DOCSVC_USER`` (an administrator, or a leader for themself) or the local operator. The
passphrase is read from the environment variable named by ``--passphrase-env`` (so that it
stays out of the shell history and the process list), else prompted. A refusal prints a
Vietnamese message and exits with 1; nothing is written then.

``COMMANDS`` is mounted on the ``outgoing`` group by docsvc.outgoing's command module."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import cli_principal
from docsvc.cli import _echo_json, services
from docsvc.outgoing.certificates import CertificateInvalid, install_personal_certificate
from docsvc.services.audit import PermissionDenied


@click.command("certificate", help="Cài chứng thư số cá nhân (PKCS#12) của người ký văn bản đi. "
                                   "(Install a signer's personal certificate.)")
@click.argument("username")
@click.argument("p12_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase-env", "passphrase_env", default=None, metavar="VAR",
              help="Tên biến môi trường chứa mật khẩu của tệp PKCS#12; không có thì hỏi.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def certificate_command(username: str, p12_file: Path, passphrase_env: str | None, as_json: bool) -> None:
    principal = cli_principal()
    if passphrase_env:
        if passphrase_env not in os.environ:
            raise click.UsageError(f"Biến môi trường {passphrase_env} chưa được đặt.")
        passphrase = os.environ[passphrase_env]
    else:
        passphrase = click.prompt("Mật khẩu của tệp PKCS#12 (để trống nếu không có)", hide_input=True,
                                  default="", show_default=False)
    try:
        data = install_personal_certificate(services(), principal, username, p12=p12_file.read_bytes(),
                                            passphrase=passphrase or None)
    except PermissionDenied as exc:
        raise click.ClickException(f"{principal.username} không được làm việc này ({exc.action}).") from None
    except CertificateInvalid as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from None
    active = next(c for c in data["certificates"] if c["active"])
    if as_json:
        _echo_json({"username": data["username"], "subject": active["subject"],
                    "fingerprint": active["fingerprint"], "not_after": active["not_after"]})
        return
    click.echo(f"Đã cài chứng thư số cho {data['username']} ({data['full_name'] or '—'}): {active['subject']}, "
               f"hết hạn {active['not_after'][:10]}.")


COMMANDS = (certificate_command,)
