"""English for the outgoing reports (docsvc/outgoing/views_reports.py, its template and chart,
the audit sentence of the ISO records). Appended to the one catalog by
docsvc/translations_en.py. (The report's rows and the ISO records PDF are Vietnamese
documents.)"""

CATALOG: dict[str, str] = {
    'Báo cáo văn bản đi': 'Outgoing documents report',
    'Văn bản đã ban hành': 'Documents issued',
    'Văn bản đã ban hành theo loại': 'Documents issued by type',
    'Theo loại văn bản': 'By document type',
    'Theo đơn vị soạn thảo': 'By drafting unit',
    'Đã ban hành': 'Issued',
    'Đã thu hồi': 'Withdrawn',
    'Đã cho số': 'Numbered',
    'Thời gian từng bước': 'Time spent in each step',
    'Các văn bản được cho số trong kỳ: thời gian (giờ theo lịch) từ bước đưa văn bản vào một trạng thái đến bước đưa văn bản ra khỏi trạng thái đó.':
        'Documents numbered in the period: the time (calendar hours) from the step that put a document in a state '
        'to the step that took it out of that state.',
    'Trạng thái': 'State',
    'Số lượt': 'Stays',
    'Trung bình (giờ)': 'Mean (hours)',
    'Trung vị (giờ)': 'Median (hours)',
    'Số lần trả lại': 'Returns',
    'Từ dự thảo đến phát hành': 'From draft to release',
    'Số văn bản': 'Documents',
    'Số văn bản bị trả lại ít nhất một lần': 'Documents returned at least once',
    'Tải hồ sơ ISO của kỳ (PDF)': "Download the period's ISO records (PDF)",
    'Xem báo cáo văn bản đi, thời gian từng bước và hồ sơ ISO của một kỳ':
        'See the outgoing documents reports, the time spent in each step and the ISO records of a period',
    'Xuất hồ sơ ISO văn bản đi': 'Export the ISO records of outgoing documents',
    '{actor} đã xuất hồ sơ ISO quá trình ban hành văn bản đi của một kỳ':
        '{actor} exported the ISO records of the outgoing issuing process for a period',
}
