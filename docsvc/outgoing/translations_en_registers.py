"""English for the outgoing register and the registers API (docsvc/outgoing/register.py,
register_print.py, api_registers.py: audit sentence, API messages). Appended to the one
catalog by docsvc/translations_en.py."""

CATALOG: dict[str, str] = {
    'In sổ đăng ký văn bản đi': 'Print the outgoing register',
    '{actor} đã in sổ đăng ký văn bản đi của {object}': '{actor} printed the outgoing register of {object}',
    'Không tìm thấy cơ quan này trong các đơn vị của bạn.': 'No such office among your units.',
    'Sổ đăng ký văn bản đi': 'Outgoing register',
    'SỔ ĐĂNG KÝ VĂN BẢN ĐI': 'OUTGOING REGISTER',
    'Số, ký hiệu văn bản': 'Number and symbol',
    'Ngày tháng văn bản': 'Document date',
    'Tên loại và trích yếu nội dung văn bản': 'Type and abstract',
    'Người ký': 'Signer',
    'Nơi nhận văn bản': 'Recipients',
    'Đơn vị, người nhận bản lưu': 'Unit or person keeping the file copy',
    'Số lượng bản': 'Copies',
    'Ngày chuyển': 'Date sent',
    'Ký nhận': 'Signature of receipt',
    'Ghi chú': 'Notes',
}
