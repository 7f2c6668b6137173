"""The words a person reads for the codes the system stores.

Roles, unit kinds, document and job states, permissions and audit actions are stored and
served by the API as codes (``civil_status``, ``document.download``); wherever a person reads
them, they read these Vietnamese words (English through the catalog). One module, so that a
new code without words is caught by a test (tests/app/test_labels.py) instead of showing up
raw in the interface.
"""

from __future__ import annotations

from typing import Any, Mapping

from archive.accounts import ROLE_LABELS, SECRECY_LABELS
from docsvc.i18n import N_, gettext as _
from docsvc.permissions import TABLE

UNIT_KINDS = {
    "province": N_("Tỉnh, thành phố"),
    "commune": N_("Xã, phường"),
    "department": N_("Phòng, ban"),
    "unit": N_("Đơn vị khác"),
}

DOCUMENT_STATES = {
    "queued": N_("Chờ xử lý"),
    "processing": N_("Đang xử lý"),
    "done": N_("Hoàn tất"),
    "failed": N_("Lỗi"),
}

JOB_STATES = {
    "queued": N_("Đang chờ"),
    "running": N_("Đang chạy"),
    "done": N_("Hoàn tất"),
    "failed": N_("Thất bại"),
}

# Audit actions as sentences: {actor} did something to {object}. Every action the code appends
# is here (a test greps the code for them).
ACTIONS: dict[str, tuple[str, str]] = {
    # action: (short name for filters, sentence)
    "auth.login": (N_("Đăng nhập"), N_("{actor} đã đăng nhập")),
    "auth.logout": (N_("Đăng xuất"), N_("{actor} đã đăng xuất")),
    "auth.login_failed": (N_("Đăng nhập không thành công"), N_("Đăng nhập không thành công vào tài khoản {object}")),
    "auth.lockout": (N_("Tạm khóa đăng nhập"), N_("Tài khoản {object} bị tạm khóa đăng nhập")),
    "document.create": (N_("Đưa văn bản vào lưu trữ"), N_("{actor} đã đưa văn bản {object} vào lưu trữ")),
    "document.update": (N_("Sửa thông tin văn bản"), N_("{actor} đã sửa thông tin đăng ký của văn bản {object}")),
    "document.view": (N_("Xem văn bản"), N_("{actor} đã xem văn bản {object}")),
    "document.download": (N_("Tải bản gốc"), N_("{actor} đã tải bản gốc văn bản {object}")),
    "document.processed": (N_("Đọc xong văn bản"), N_("{actor} đã đọc xong văn bản {object}")),
    "document.failed": (N_("Không đọc được văn bản"), N_("{actor} không đọc được văn bản {object}")),
    "person.view": (N_("Xem dữ liệu cá nhân"), N_("{actor} đã xem dữ liệu hộ tịch {object}")),
    "person.search": (N_("Tra cứu dữ liệu cá nhân"), N_("{actor} đã tra cứu dữ liệu hộ tịch")),
    "person.read": (N_("Đọc dữ liệu cá nhân"), N_("{actor} đã đọc dữ liệu cá nhân: {object}")),
    "civil.book_create": (N_("Thêm sổ hộ tịch"), N_("{actor} đã thêm sổ hộ tịch {object}")),
    "civil.book_import": (N_("Nhập sổ hộ tịch từ gói số hóa"), N_("{actor} đã nhập sổ hộ tịch {object} từ gói số hóa")),
    "civil.page_add": (N_("Thêm trang sổ hộ tịch"), N_("{actor} đã thêm trang quét vào sổ hộ tịch {object}")),
    "civil.entry_propose": (N_("Máy đề xuất mục hộ tịch"), N_("{actor} đã đề xuất mục đăng ký {object} từ trang quét")),
    "civil.entry_create": (N_("Nhập mục hộ tịch"), N_("{actor} đã nhập mục đăng ký {object}")),
    "civil.entry_accept": (N_("Xác nhận mục máy đề xuất"), N_("{actor} đã xác nhận mục đăng ký {object} do máy đề xuất")),
    "civil.entry_update": (N_("Sửa mục hộ tịch"), N_("{actor} đã sửa mục đăng ký {object}")),
    "civil.entry_verify": (N_("Kiểm tra mục hộ tịch"), N_("{actor} đã kiểm tra, xác nhận mục đăng ký {object}")),
    "civil.entry_key_again": (N_("Nhập lần hai mục hộ tịch"), N_("{actor} đã nhập lần hai mục đăng ký {object}")),
    "civil.entry_arbitrate": (N_("Phân xử mục hộ tịch"), N_("{actor} đã phân xử hai lần nhập của mục đăng ký {object}")),
    "civil.entry_correct": (N_("Cải chính mục hộ tịch"), N_("{actor} đã cải chính mục đăng ký {object}")),
    "civil.book_export": (N_("Xuất gói số hoá sổ hộ tịch"), N_("{actor} đã xuất gói số hoá của sổ hộ tịch {object}")),
    "civil.book_import": (N_("Nhập sổ hộ tịch từ gói số hoá"), N_("{actor} đã nhập sổ hộ tịch {object} từ gói số hoá")),
    "civil.entry_import": (N_("Nhập mục hộ tịch từ gói số hoá"), N_("{actor} đã nhập mục đăng ký {object} từ gói số hoá")),
    "document.withdraw": (N_("Rút văn bản của lần nhập không thành"),
                          N_("{actor} đã rút văn bản {object} do lần nhập gói số hoá không thành")),
    "extract.issue": (N_("Cấp trích lục"), N_("{actor} đã cấp {object}")),
    "extract.revoke": (N_("Thu hồi trích lục"), N_("{actor} đã thu hồi {object}")),
    "extract.office": (N_("Cấu hình cấp trích lục"), N_("{actor} đã sửa cấu hình cấp trích lục của {object}")),
    "extract.signer": (N_("Sửa danh sách người ký trích lục"), N_("{actor} đã sửa danh sách người ký trích lục của {object}")),
    "extract.certificate": (N_("Cài chứng thư số"), N_("{actor} đã cài chứng thư số ký trích lục cho {object}")),
    "calendar.add": (N_("Thêm ngày vào lịch làm việc"), N_("{actor} đã thêm {object} vào lịch làm việc")),
    "calendar.remove": (N_("Bỏ ngày khỏi lịch làm việc"), N_("{actor} đã bỏ {object} khỏi lịch làm việc")),
    "calendar.unit": (N_("Sửa giờ làm việc của đơn vị"),
                      N_("{actor} đã sửa lịch sáng thứ Bảy, giờ chốt nhận của {object}")),
    "routing.assign": (N_("Phân công xử lý"), N_("{actor} đã phân công xử lý ({object})")),
    "routing.forward": (N_("Chuyển tiếp việc"), N_("{actor} đã chuyển tiếp {object}")),
    "routing.progress": (N_("Báo cáo tiến độ"), N_("{actor} đã báo cáo tiến độ {object}")),
    "routing.extension_ask": (N_("Xin gia hạn"), N_("{actor} đã xin gia hạn {object}")),
    "routing.extension_decide": (N_("Quyết định gia hạn"), N_("{actor} đã quyết định đề nghị gia hạn {object}")),
    "routing.complete": (N_("Hoàn thành việc được giao"), N_("{actor} đã hoàn thành {object}")),
    "routing.remind": (N_("Nhắc hạn"), N_("{actor} đã gửi nhắc hạn xử lý")),
    "user.email": (N_("Đặt thư điện tử nhận nhắc hạn"), N_("{actor} đã đặt địa chỉ thư nhận nhắc hạn của {object}")),
    "procedure.save": (N_("Sửa danh mục thủ tục"), N_("{actor} đã lưu thủ tục hành chính {object}")),
    "dossier.office": (N_("Cấu hình bộ phận một cửa"), N_("{actor} đã sửa cấu hình bộ phận một cửa của {object}")),
    "dossier.receive": (N_("Tiếp nhận hồ sơ"), N_("{actor} đã tiếp nhận {object}")),
    "dossier.supplement": (N_("Yêu cầu bổ sung hồ sơ"), N_("{actor} đã yêu cầu bổ sung {object}")),
    "dossier.supplement_done": (N_("Ghi nhận bổ sung hồ sơ"), N_("{actor} đã ghi nhận bổ sung đủ {object}")),
    "dossier.refuse": (N_("Từ chối tiếp nhận hồ sơ"), N_("{actor} đã từ chối tiếp nhận {object}")),
    "dossier.route": (N_("Chuyển xử lý hồ sơ"), N_("{actor} đã chuyển xử lý {object}")),
    "dossier.apology": (N_("Xin lỗi, hẹn lại ngày trả"), N_("{actor} đã xin lỗi và hẹn lại ngày trả {object}")),
    "dossier.return": (N_("Trả kết quả hồ sơ"), N_("{actor} đã trả kết quả {object}")),
    "incoming.register": (N_("Vào sổ văn bản đến"), N_("{actor} đã vào sổ {object}")),
    "incoming.update": (N_("Sửa, xác nhận thông tin văn bản đến"),
                        N_("{actor} đã sửa, xác nhận thông tin của {object}")),
    "outgoing.certificate": (N_("Cài chứng thư số cá nhân"),
                             N_("{actor} đã cài chứng thư số cá nhân ký văn bản đi cho {object}")),
    "outgoing.register_print": (N_("In sổ đăng ký văn bản đi"),
                                N_("{actor} đã in sổ đăng ký văn bản đi của {object}")),
    "outgoing.iso_records": (N_("Xuất hồ sơ ISO văn bản đi"),
                             N_("{actor} đã xuất hồ sơ ISO quá trình ban hành văn bản đi của một kỳ")),
    "workflow.sample": (N_("Tạo dữ liệu mẫu văn bản đến, hồ sơ"),
                        N_("{actor} đã tạo dữ liệu mẫu văn bản đến, phân công và hồ sơ cho {object}")),
    "outgoing.create": (N_("Soạn dự thảo văn bản đi"), N_("{actor} đã soạn dự thảo {object}")),
    "outgoing.version": (N_("Thêm phiên bản dự thảo"), N_("{actor} đã thêm phiên bản mới của {object}")),
    "outgoing.submit": (N_("Trình duyệt dự thảo"), N_("{actor} đã trình duyệt {object}")),
    "outgoing.approve": (N_("Duyệt dự thảo"), N_("{actor} đã duyệt {object}")),
    "outgoing.return": (N_("Trả lại dự thảo"), N_("{actor} đã trả lại {object} để sửa")),
    "outgoing.check": (N_("Kiểm tra thể thức, thẩm định"), N_("{actor} đã kiểm tra {object}")),
    "outgoing.sign": (N_("Ký ban hành"), N_("{actor} đã ký ban hành {object}")),
    "outgoing.scan": (N_("Đính kèm bản ký tay"), N_("{actor} đã đính kèm bản quét đã ký của {object}")),
    "outgoing.number": (N_("Cho số, vào sổ văn bản đi"), N_("{actor} đã cho số và vào sổ {object}")),
    "outgoing.release": (N_("Phát hành văn bản đi"), N_("{actor} đã phát hành {object}")),
    "outgoing.file": (N_("Lưu văn bản đi vào lưu trữ"), N_("{actor} đã lưu {object} vào lưu trữ")),
    "outgoing.withdraw": (N_("Thu hồi văn bản đi"), N_("{actor} đã thu hồi {object}")),
    "outgoing.link": (N_("Liên kết văn bản sửa đổi, thay thế"),
                      N_("{actor} đã ghi quan hệ sửa đổi, thay thế, bãi bỏ của {object}")),
    "outgoing.configure": (N_("Cấu hình văn bản đi"), N_("{actor} đã sửa cấu hình văn bản đi của {object}")),
    "outgoing.retention": (N_("Sửa thời hạn bảo quản"), N_("{actor} đã sửa thời hạn bảo quản theo loại văn bản")),
    "system.fixity_run": (N_("Kiểm tra toàn vẹn tệp lưu trữ"),
                          N_("{actor} đã kiểm tra toàn vẹn các tệp lưu trữ ({object})")),
    "system.fixity_problem": (N_("Phát hiện tệp lưu trữ bị mất, hỏng"),
                              N_("{actor} phát hiện {object} bị mất hoặc hỏng và chưa khôi phục được")),
    "system.backup": (N_("Sao lưu dữ liệu"), N_("{actor} đã sao lưu cơ sở dữ liệu, tệp lưu trữ và mốc neo nhật ký")),
    "system.restore": (N_("Khôi phục dữ liệu"), N_("{actor} đã khôi phục dữ liệu từ một bản sao lưu")),
    "token.create": (N_("Tạo mã API"), N_("{actor} đã tạo mã API cho {object}")),
    "token.revoke": (N_("Thu hồi mã API"), N_("{actor} đã thu hồi mã API {object}")),
    "unit.create": (N_("Tạo đơn vị"), N_("{actor} đã tạo đơn vị {object}")),
    "unit.end": (N_("Kết thúc đơn vị"), N_("{actor} đã kết thúc hoạt động của đơn vị {object}")),
    "user.create": (N_("Tạo người dùng"), N_("{actor} đã tạo người dùng {object}")),
    "user.update": (N_("Sửa người dùng"), N_("{actor} đã sửa vai trò, đơn vị hoặc quyền của {object}")),
    "user.password": (N_("Đặt mật khẩu"), N_("{actor} đã đặt mật khẩu mới cho {object}")),
}

OBJECT_TYPES = {
    "document": N_("văn bản"),
    "user": N_("người dùng"),
    "unit": N_("đơn vị"),
    "token": N_("mã API"),
    "job": N_("công việc"),
    "entry": N_("mục đăng ký"),
    "register_book": N_("sổ hộ tịch"),
    "extract": N_("trích lục"),
    "calendar_day": N_("ngày"),
    "assignment": N_("việc được giao"),
    "procedure": N_("thủ tục"),
    "dossier": N_("hồ sơ"),
    "incoming": N_("văn bản đến"),
    "outgoing": N_("văn bản đi"),
    "retention": N_("thời hạn bảo quản"),
    "fixity_run": N_("lần kiểm tra toàn vẹn"),
    "blob": N_("tệp lưu trữ"),
}


def role(code: str) -> str:
    return _(ROLE_LABELS.get(code, code))


def roles(codes) -> str:
    return ", ".join(role(c) for c in sorted(codes))


def unit_kind(code: str | None) -> str:
    return _(UNIT_KINDS.get(code or "unit", code or ""))


def document_state(code: str) -> str:
    return _(DOCUMENT_STATES.get(code, code))


def job_state(code: str) -> str:
    return _(JOB_STATES.get(code, code))


def permission(code: str) -> str:
    entry = TABLE.get(code)
    return _(entry[0]) if entry else code


def secrecy(level: int) -> str:
    return _(SECRECY_LABELS.get(level, str(level)))


def action_name(code: str) -> str:
    entry = ACTIONS.get(code)
    return _(entry[0]) if entry else code


def action_sentence(code: str, actor: str, obj: str) -> str:
    """``{actor} đã …`` for an audit record; an action without words says so plainly."""
    entry = ACTIONS.get(code)
    if entry is None:
        return _("{actor}: {action}").format(actor=actor, action=code)
    return _(entry[1]).format(actor=actor, object=obj).strip()


def register(env: Any) -> None:
    """Jinja filters: ``{{ code|role }}``, ``|unit_kind``, ``|doc_state``, ``|job_state``,
    ``|permission``, ``|action_name``."""
    env.filters.update(role=role, roles=roles, unit_kind=unit_kind, doc_state=document_state,
                       job_state=job_state, permission=permission, action_name=action_name)


def choices(mapping: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(code, words) pairs for a select box, in the mapping's order."""
    return [(code, _(value[0] if isinstance(value, tuple) else value)) for code, value in mapping.items()]
