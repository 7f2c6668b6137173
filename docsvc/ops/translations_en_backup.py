"""English for backup and restore (docsvc/ops: permission, audit sentences)."""

CATALOG = {
    "Sao lưu dữ liệu (CSDL, tệp lưu trữ, mốc neo nhật ký) và khôi phục vào cài đặt trống":
        "Back up the data (database, stored files, audit anchors) and restore it onto an empty installation",
    "Sao lưu dữ liệu": "Backup",
    "{actor} đã sao lưu cơ sở dữ liệu, tệp lưu trữ và mốc neo nhật ký":
        "{actor} backed up the database, the stored files and the audit anchors",
    "Khôi phục dữ liệu": "Restore",
    "{actor} đã khôi phục dữ liệu từ một bản sao lưu": "{actor} restored the data from a backup",
}
