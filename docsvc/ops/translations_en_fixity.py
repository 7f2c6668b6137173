"""English for fixity on a schedule (docsvc/ops/fixity*: the page, the banner, the admin
tile, the audit sentences and object kinds)."""

CATALOG = {
    # audit (docsvc/labels.py)
    "{actor} đã kiểm tra toàn vẹn các tệp lưu trữ ({object})": "{actor} checked the stored files' integrity ({object})",
    "Phát hiện tệp lưu trữ bị mất, hỏng": "Stored file found missing or corrupt",
    "{actor} phát hiện {object} bị mất hoặc hỏng và chưa khôi phục được":
        "{actor} found {object} missing or corrupt and could not restore it",
    "lần kiểm tra toàn vẹn": "fixity run",
    "tệp lưu trữ": "stored file",
    # the admin index: tile and banner
    "Các lần kiểm tra tệp lưu trữ theo lịch, tệp bị mất, hỏng và việc khôi phục từ bản sao.":
        "Scheduled checks of the stored files, files missing or corrupt, and repair from the replica.",
    "Cảnh báo toàn vẹn:": "Integrity alert:",
    "{count} tệp lưu trữ bị mất hoặc hỏng và chưa khôi phục được.":
        "{count} stored files are missing or corrupt and could not be restored.",
    "Xem chi tiết": "See details",
    # the page
    "Không có tệp nào đang bị mất hoặc hỏng.": "No file is missing or corrupt.",
    "Mỗi đêm từ {hour} giờ, máy xử lý kiểm tra một phần các tệp, để mỗi tệp được kiểm tra ít nhất {days} ngày "
    "một lần; đêm tới: {due} trên {total} tệp.":
        "Every night from {hour}:00 the worker checks a slice of the files, so that each file is checked at least "
        "every {days} days; next night: {due} of {total} files.",
    "Không kiểm tra theo lịch (DOCSVC_FIXITY_DAYS=0).": "No scheduled checks (DOCSVC_FIXITY_DAYS=0).",
    "Bản sao để khôi phục: {path}.": "Replica to restore from: {path}.",
    "Chưa cấu hình bản sao (DOCSVC_BLOB_REPLICA): tệp mất, hỏng không tự khôi phục được.":
        "No replica configured (DOCSVC_BLOB_REPLICA): missing or corrupt files cannot be restored automatically.",
    "Tệp đang bị mất hoặc hỏng": "Files missing or corrupt now",
    "Mã băm SHA-256": "SHA-256 hash",
    "Phát hiện lúc": "Found at",
    "Kiểm tra gần nhất": "Last checked",
    "bị mất": "missing",
    "bị hỏng": "corrupt",
    "Các lần kiểm tra gần đây": "Recent runs",
    "Người, máy chạy": "Run by",
    "Số tệp": "Files",
    "Nguyên vẹn": "Intact",
    "Bị mất": "Missing",
    "Bị hỏng": "Corrupt",
    "Đã khôi phục": "Repaired",
    "theo lịch": "scheduled",
    "chạy tay": "manual",
    "chưa xong hoặc bị ngắt": "unfinished or interrupted",
    "đã khôi phục từ bản sao": "restored from the replica",
    "bản sao cũng không có": "the replica lacks it too",
    "bản sao cũng hỏng": "the replica's copy is corrupt too",
    "chưa cấu hình bản sao": "no replica configured",
    "chưa khôi phục": "not restored",
    "Chưa có lần kiểm tra nào.": "No run yet.",
    "Về trang quản trị": "Back to administration",
}
