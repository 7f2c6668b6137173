"""English for the routing pages (docsvc/routing/views.py, templates/routing/), its audit
sentences, permissions and labels. Kept beside the pages; appended to the one catalog by
docsvc/translations_en.py."""

CATALOG: dict[str, str] = {
    'Báo cáo tiến độ': 'Report progress', 'Bản quét': 'Scan', 'Chuyển tiếp': 'Forward',
    'Chuyển tiếp trong đơn vị': 'Forward within the unit', 'Chuyển tiếp việc': 'Forward an assignment',
    'Chưa có thông báo.': 'No notifications yet.', 'Chưa có.': 'Nothing yet.', 'Chưa phân công.': 'Not assigned yet.',
    'Chờ phân công': 'Awaiting assignment',
    'Chủ trì xử lý (đơn vị hoặc người)': 'Main handler (unit or person)', 'Cần xử lý': 'To do',
    'Ghi tiến độ': 'Record progress', 'Gửi đề nghị': 'Send the request', 'Hoàn thành': 'Complete',
    'Hoàn thành việc được giao': 'Complete an assignment', 'Hạn': 'Due', 'Hạn tính được': 'Computed due date',
    'Không có việc nào.': 'Nothing here.', 'Không có văn bản nào chờ phân công.': 'No document waits for assignment.',
    'Không đồng ý': 'Refuse', 'Kết quả xử lý': 'Outcome', 'Mở văn bản': 'Open the document',
    'Người nhận': 'Recipient', 'Nhắc hạn': 'Deadline reminder', 'Nội dung': 'Content', 'Phân công': 'Assign',
    'Phân công xử lý': 'Assign handling', 'Phần trăm': 'Percent', 'Quyết định gia hạn': 'Decide an extension',
    'Quá trình xử lý': 'Handling timeline', 'Sắp đến hạn': 'Due soon', 'Số đến': 'Arrival number',
    'Thêm số ngày làm việc': 'Extra working days', 'Thông báo': 'Notifications',
    'Thông tin đăng ký': 'Register details', 'Thời hạn (số ngày làm việc)': 'Time limit (working days)',
    'Việc của tôi': 'My work',
    'Văn bản hỏa tốc, thượng khẩn, khẩn ở trên cùng; sau đó theo thứ tự đến.':
        'Flash, top-urgent and urgent documents on top; then in order of arrival.',
    'Văn bản trả lời (số hiệu trong hệ thống, không bắt buộc)': 'Reply document (its id here, optional)',
    'Văn bản đến chưa giao cho ai: khẩn ở trên cùng.': 'Incoming documents not yet assigned: urgent ones on top.',
    'Văn bản đến chờ phân công': 'Incoming documents waiting for assignment',
    'Văn bản đến số {number}/{year}': 'Incoming document no. {number}/{year}',
    'Văn bản, hồ sơ': 'Document or dossier', 'Xin gia hạn': 'Ask for an extension',
    'Xin gia hạn (một lần, chậm nhất một ngày làm việc trước hạn)':
        'Ask for an extension (once, at least one working day before the deadline)',
    'Xin gia hạn đến {day}: {reason}': 'Extension asked to {day}: {reason}',
    'Xử lý văn bản đến': 'Handling of an incoming document', 'giao cho đơn vị': 'given to the unit',
    'hoặc hạn mới (dd/mm/yyyy)': 'or a new due date (dd/mm/yyyy)',
    'hoặc hạn xử lý (dd/mm/yyyy)': 'or a due date (dd/mm/yyyy)', 'hạn đầu': 'first due',
    'không đồng ý': 'refused', 'việc được giao': 'assignment',
    '{actor} đã báo cáo tiến độ {object}': '{actor} reported progress on {object}',
    '{actor} đã chuyển tiếp {object}': '{actor} forwarded {object}',
    '{actor} đã gửi nhắc hạn xử lý': '{actor} sent deadline reminders',
    '{actor} đã hoàn thành {object}': '{actor} completed {object}',
    '{actor} đã phân công xử lý ({object})': '{actor} assigned handling ({object})',
    '{actor} đã quyết định đề nghị gia hạn {object}': '{actor} decided the extension request of {object}',
    '{actor} đã xin gia hạn {object}': '{actor} asked for an extension of {object}',
    '{actor} đã đặt địa chỉ thư nhận nhắc hạn của {object}': '{actor} set the reminder e-mail address of {object}',
    'Ý kiến': 'Comment', 'Ý kiến chỉ đạo': "Leader's instruction",
    'Đánh dấu tất cả đã đọc': 'Mark all as read', 'Đã chuyển tiếp.': 'Forwarded.',
    'Đã ghi tiến độ.': 'Progress recorded.', 'Đã gửi đề nghị gia hạn.': 'Extension request sent.',
    'Đã hoàn thành việc.': 'Assignment completed.', 'Đã không đồng ý gia hạn.': 'Extension refused.',
    'Đã phân công ({count} đơn vị, người).': 'Assigned ({count} units or people).',
    'Đã đồng ý gia hạn.': 'Extension approved.', 'Đơn vị phối hợp': 'Cooperating units',
    'Đơn vị để biết': 'Units for information', 'Đơn vị, người xử lý': 'Handling unit or person',
    'Đặt thư điện tử nhận nhắc hạn': 'Set the reminder e-mail address', 'Đồng ý gia hạn': 'Approve the extension',
    'Độ khẩn': 'Urgency', 'đã đồng ý': 'approved', '— chọn —': '— choose —',
    'Chủ trì': 'Main handler', 'Hỏa tốc': 'Flash', 'Không đồng ý gia hạn': 'Extension refused', 'Khẩn': 'Urgent',
    'Phối hợp': 'Cooperating', 'Thượng khẩn': 'Very urgent', 'Trong hạn': 'Within the deadline',
    'Trước hạn': 'Early', 'Đã chuyển tiếp': 'Forwarded', 'Đã hoàn thành': 'Completed',
    'Đã xử lý xong': 'Done', 'Để biết': 'For information', 'Đúng hạn': 'On time', 'Quá hạn': 'Overdue',
    'Thường': 'Normal', 'Đang xử lý': 'In progress', 'Phân công xử lý văn bản đến (chủ trì, phối hợp, để biết; hạn '
    'theo ngày làm việc); quyết định gia hạn việc mình giao':
        'Assign incoming documents (main, cooperating, for information; deadlines in working days); decide '
        'extensions of work one assigned',
    'Xem việc phân công, quá trình xử lý văn bản đến và hồ sơ (của cơ quan mình, hoặc việc mình được giao, '
    'mình giao)': "See the assignments and handling timeline of incoming documents and dossiers (of one's office, "
                  "or work one was given or gave)",
    'Xử lý việc được giao: chuyển tiếp trong đơn vị, báo cáo tiến độ, xin gia hạn một lần, hoàn thành':
        'Handle assigned work: forward within the unit, report progress, ask once for an extension, complete',
}
