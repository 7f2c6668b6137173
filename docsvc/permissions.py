"""The permission table: which role may do what. The one place that says it.

Every web view and API route declares its action with ``@requires(action)`` (or
``@public``); every CLI command asks ``allowed(roles, action)`` for the acting user. A test
walks every route of the app for every role and checks the answer against this table.
The table is also rendered in docs/permissions.md (a test keeps the two in step).

Roles (identifier ← Vietnamese): admin ← quản trị hệ thống, clerk ← văn thư,
archivist ← lưu trữ, specialist ← chuyên viên, leader ← lãnh đạo, one_stop ← cán bộ một
cửa, civil_status ← công chức hộ tịch, viewer ← người xem (chỉ đọc).

Roles say *what* a user may do; clearance and unit say *which* documents (docsvc.access):
a document is seen only by users cleared for its secrecy whose unit holds it.

Document routes declare ``document.open`` (or ``document.download``), held by everyone who
may see some document: ``document.view`` holders see ordinary documents, ``person.view``
holders see documents marked as personal data, and ``docsvc.access.document_filter``
decides which one a request may open. A personal document the principal may not open
answers 404 whatever the role: its existence is never confirmed.

Civil-status actions (``civil.*``) are taken on personal data: each also needs
``person.view``, and a principal without it is answered as if the book or entry did not
exist (docsvc.civil.services).
"""

from __future__ import annotations

from typing import Callable, Iterable

from archive.accounts import ROLES

ALL = frozenset(ROLES)
READERS = frozenset({"admin", "clerk", "archivist", "specialist", "leader", "viewer"})
PERSONAL_DATA = frozenset({"civil_status", "one_stop", "archivist", "leader"})

# action: (what it is, in Vietnamese, roles allowed)
TABLE: dict[str, tuple[str, frozenset[str]]] = {
    "document.view": ("Xem văn bản thường (không chứa dữ liệu cá nhân)", READERS),
    "document.open": ("Mở danh sách, nội dung, ảnh trang văn bản và tiến độ xử lý (văn bản thường theo "
                      "quyền xem văn bản, văn bản chứa dữ liệu cá nhân theo quyền xem hộ tịch)",
                      READERS | PERSONAL_DATA),
    "document.upload": ("Tải lên, đưa văn bản vào lưu trữ", frozenset({"admin", "clerk", "archivist"})),
    "document.edit": ("Sửa thông tin đăng ký của văn bản (số, ký hiệu, ngày, trích yếu...)",
                      frozenset({"admin", "clerk", "archivist"})),
    "document.download": ("Tải bản gốc của văn bản (những văn bản người đó được mở)", READERS | PERSONAL_DATA),
    "search": ("Dùng trang tra cứu (thấy văn bản và/hoặc hộ tịch theo hai quyền dưới)", READERS | PERSONAL_DATA),
    "search.documents": ("Tra cứu văn bản", READERS),
    "person.view": ("Xem dữ liệu hộ tịch (dữ liệu cá nhân)", PERSONAL_DATA),
    "civil.book": ("Thêm sổ hộ tịch và trang quét của sổ", frozenset({"archivist", "civil_status"})),
    "civil.key": ("Nhập, sửa mục đăng ký hộ tịch chưa kiểm tra; nhập lần hai", frozenset({"civil_status", "archivist"})),
    "civil.verify": ("Kiểm tra, xác nhận mục đăng ký hộ tịch; phân xử khi hai lần nhập khác nhau",
                     frozenset({"civil_status"})),
    "civil.correct": ("Cải chính mục đăng ký hộ tịch đã kiểm tra (ghi lý do, căn cứ)", frozenset({"civil_status"})),
    "civil.export": ("Xuất sổ hộ tịch theo định dạng số hóa quốc gia", frozenset({"archivist", "civil_status"})),
    "civil.open": ("Mở sổ, mục hộ tịch và lịch sử sửa qua API (chỉ người có quyền xem hộ tịch thấy dữ liệu; "
                   "người khác được trả lời như khi không có)", READERS | PERSONAL_DATA),
    "extract.issue": ("Cấp bản sao trích lục hộ tịch từ mục đã kiểm tra", frozenset({"civil_status", "one_stop"})),
    "extract.view": ("Xem, tải lại trích lục đã cấp; xem, in sổ cấp bản sao trích lục",
                     frozenset({"civil_status", "one_stop", "leader"})),
    "extract.revoke": ("Thu hồi trích lục cấp sai (ghi lý do; số đã cấp vẫn giữ)", frozenset({"civil_status", "leader"})),
    "extract.configure": ("Cấu hình cấp trích lục của cơ quan: nơi cấp, tiêu đề, người ký, chứng thư số",
                          frozenset({"admin"})),
    "calendar.view": ("Xem lịch ngày làm việc (ngày nghỉ, ngày làm bù), tính hạn theo ngày làm việc", ALL),
    "calendar.manage": ("Sửa lịch ngày làm việc: ngày nghỉ lễ, nghỉ bù, ngày làm bù; làm việc sáng thứ Bảy "
                        "và giờ chốt nhận của đơn vị", frozenset({"admin"})),
    "routing.view": ("Xem việc phân công, quá trình xử lý văn bản đến và hồ sơ (của cơ quan mình, hoặc việc "
                     "mình được giao, mình giao)", ALL),
    "routing.assign": ("Phân công xử lý văn bản đến (chủ trì, phối hợp, để biết; hạn theo ngày làm việc); "
                       "quyết định gia hạn việc mình giao", frozenset({"leader"})),
    "routing.handle": ("Xử lý việc được giao: chuyển tiếp trong đơn vị, báo cáo tiến độ, xin gia hạn một lần, "
                       "hoàn thành", frozenset({"clerk", "archivist", "specialist", "leader", "one_stop",
                                                  "civil_status"})),
    "procedure.view": ("Xem danh mục thủ tục hành chính và thời hạn giải quyết", ALL),
    "procedure.manage": ("Sửa danh mục thủ tục hành chính (lĩnh vực, thời hạn, đơn vị giải quyết) và cấu hình "
                         "bộ phận một cửa (mã cơ quan, tiêu đề giấy tiếp nhận)", frozenset({"admin"})),
    "dossier.receive": ("Tiếp nhận hồ sơ thủ tục hành chính, yêu cầu bổ sung, từ chối tiếp nhận",
                        frozenset({"one_stop"})),
    "dossier.view": ("Xem hồ sơ thủ tục hành chính của đơn vị và tiến độ giải quyết",
                     frozenset({"one_stop", "leader", "civil_status", "specialist", "clerk"})),
    "dossier.handle": ("Chuyển xử lý, xin lỗi và hẹn lại, trả kết quả hồ sơ thủ tục hành chính",
                       frozenset({"one_stop", "leader", "civil_status", "specialist"})),
    "dossier.applicant": ("Xem họ tên, liên hệ của người nộp hồ sơ (dữ liệu cá nhân); in giấy tiếp nhận",
                          frozenset({"one_stop", "leader"})),
    "incoming.register": ("Vào sổ văn bản đến: đăng ký, xác nhận và sửa thông tin văn bản đến",
                          frozenset({"clerk"})),
    "incoming.view": ("Xem, tra cứu, in sổ đăng ký văn bản đến (theo đơn vị và mức được tiếp cận)",
                      frozenset({"admin", "clerk", "archivist", "specialist", "leader"})),
    "report.view": ("Xem, xuất báo cáo tiếp nhận và giải quyết đúng hạn (hồ sơ, văn bản đến) của đơn vị mình",
                    frozenset({"leader", "admin", "clerk", "one_stop"})),
    "outgoing.view": ("Xem văn bản đi, quá trình ban hành và sổ đăng ký văn bản đi (theo đơn vị và mức được "
                      "tiếp cận)", frozenset({"admin", "clerk", "archivist", "specialist", "leader"})),
    "outgoing.draft": ("Soạn dự thảo văn bản đi, thêm phiên bản, trình lãnh đạo đơn vị duyệt", frozenset({"specialist"})),
    "outgoing.review": ("Duyệt hoặc trả lại dự thảo của đơn vị mình (lãnh đạo đơn vị soạn thảo)", frozenset({"leader"})),
    "outgoing.check": ("Kiểm tra thể thức, kỹ thuật trình bày văn bản đi (văn thư)", frozenset({"clerk"})),
    "outgoing.legal": ("Thẩm định pháp lý dự thảo (đơn vị được giao thẩm định của cơ quan)",
                       frozenset({"specialist", "leader"})),
    "outgoing.sign": ("Ký ban hành văn bản đi (ký số hoặc ký tay và đính kèm bản quét)", frozenset({"leader"})),
    "outgoing.issue": ("Cho số, vào sổ văn bản đi, ký số của cơ quan, phát hành; thu hồi văn bản đã cho số",
                       frozenset({"clerk"})),
    "outgoing.file": ("Lập hồ sơ, lưu văn bản đi đã phát hành vào lưu trữ kèm hồ sơ quá trình ban hành",
                      frozenset({"archivist"})),
    "outgoing.report": ("Xem báo cáo văn bản đi, thời gian từng bước và hồ sơ ISO của một kỳ",
                        frozenset({"admin", "clerk", "archivist", "leader"})),
    "outgoing.configure": ("Cấu hình văn bản đi: ký hiệu cơ quan, nơi ban hành, đơn vị thẩm định, nơi gửi gói "
                           "liên thông, chứng thư số cá nhân của người ký, thời hạn bảo quản", frozenset({"admin"})),
    "system.backup": ("Sao lưu dữ liệu (CSDL, tệp lưu trữ, mốc neo nhật ký) và khôi phục vào cài đặt trống",
                      frozenset({"admin"})),
    "system.status": ("Xem tình trạng hệ thống: hàng đợi, worker, chỉ mục, sao lưu, kiểm tra toàn vẹn, dung lượng",
                      frozenset({"admin"})),
    "account.self": ("Đổi mật khẩu, quản lý mã API của chính mình", ALL),
    "user.manage": ("Quản lý người dùng, vai trò, mức được tiếp cận", frozenset({"admin"})),
    "unit.manage": ("Quản lý đơn vị", frozenset({"admin"})),
    "audit.view": ("Xem nhật ký hệ thống", frozenset({"admin"})),
    "audit.verify": ("Kiểm tra tính toàn vẹn của nhật ký", frozenset({"admin"})),
    "system.fixity": ("Kiểm tra toàn vẹn tệp lưu trữ", frozenset({"admin", "archivist"})),
    "system.reindex": ("Dựng lại chỉ mục tìm kiếm", frozenset({"admin"})),
    "system.demo": ("Nạp dữ liệu mẫu", frozenset({"admin"})),
}


def allowed(roles: Iterable[str], action: str) -> bool:
    """May a holder of ``roles`` perform ``action``? Unknown actions are refused."""
    entry = TABLE.get(action)
    return entry is not None and bool(entry[1] & frozenset(roles))


def roles_for(action: str) -> frozenset[str]:
    return TABLE[action][1]


def requires(action: str) -> Callable:
    """Declare the action a view performs. ``docsvc.auth.enforce_route`` checks it before
    every request, for every route of the app: a route that declares nothing (neither
    ``@requires`` nor ``@public``) is refused at run time, not only by a test."""
    if action not in TABLE:
        raise KeyError(f"unknown action {action!r}: add it to docsvc.permissions.TABLE")

    def decorate(view: Callable) -> Callable:
        view.permission = action  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view that anyone may open (sign-in page, static files, the OpenAPI document)."""
    view.permission = None  # type: ignore[attr-defined]
    return view


def markdown_table() -> str:
    """The table as Markdown (docs/permissions.md is generated from it)."""
    header = "| action | " + " | ".join(ROLES) + " |"
    rule = "|---|" + "---|" * len(ROLES)
    rows = [header, rule]
    for action, (label, roles) in TABLE.items():
        marks = " | ".join("✓" if r in roles else "" for r in ROLES)
        rows.append(f"| `{action}` — {label} | {marks} |")
    return "\n".join(rows)
