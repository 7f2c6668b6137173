"""English for the reports page (docsvc/reports/views.py, templates/reports/), its charts,
the home page's entry, the permission and the audit sentence. Appended to the one catalog by
docsvc/translations_en.py. (The report's rows, the summary sentence and the XLSX workbook are
Vietnamese documents.)"""

CATALOG: dict[str, str] = {
    'Biểu đồ': 'Charts',
    'Báo cáo giải quyết đúng hạn': 'On-time report',
    'Báo cáo đúng hạn': 'On-time report',
    'Cách nhóm': 'Grouping',
    'Hồ sơ thủ tục hành chính': 'One-stop dossiers',
    'Hồ sơ và văn bản': 'Dossiers and documents',
    'Kỳ báo cáo': 'Period',
    'Lĩnh vực': 'Field',
    'Người xử lý': 'Handler',
    'Nội dung': 'Item',
    'Năm nay': 'This year',
    'Quá hạn chưa giải quyết': 'Overdue, in hand',
    'Quý này': 'This quarter',
    'Quý trước': 'Last quarter',
    'Theo lĩnh vực': 'By field',
    'Theo người xử lý': 'By person',
    'Theo tháng': 'By month',
    'Tháng': 'Month',
    'Tiếp nhận': 'Received',
    'Tiếp nhận, trước hạn, đúng hạn, quá hạn theo lĩnh vực, đơn vị, người.':
        'Received, early, on time, late by field, unit and person.',
    'Trước hạn': 'Early',
    'Trước hạn, đúng hạn, quá hạn': 'Early, on time, late',
    'Trả lại để bổ sung': 'Returned for supplement',
    'Tổng cộng': 'Total',
    'Tổng hợp': 'Total',
    'Tỷ lệ đúng hạn (%)': 'On time or early (%)',
    'Xuất XLSX': 'Export XLSX',
    'Đang giải quyết': 'In hand',
    'Điểm (%)': 'Score (%)',
    'Điểm: trước hạn 2, đúng hạn 1, quá hạn 0, tính trên số điểm tối đa (2 điểm mỗi việc đã giải quyết).':
        'Score: early 2, on time 1, late 0, over the points possible (2 for each item resolved).',
    'Tạo dữ liệu mẫu văn bản đến, hồ sơ': 'Create sample incoming documents and dossiers',
    '{actor} đã tạo dữ liệu mẫu văn bản đến, phân công và hồ sơ cho {object}':
        '{actor} created sample incoming documents, assignments and dossiers for {object}',
    'Xem, xuất báo cáo tiếp nhận và giải quyết đúng hạn (hồ sơ, văn bản đến) của đơn vị mình':
        "See and export the on-time report (dossiers, incoming documents) of one's own units",
}
