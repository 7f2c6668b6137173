"""English for the certified extract pages (docsvc/extracts/views.py, templates/extracts/),
the entry page's extract button and the menu entries. Kept beside the pages; appended to the
one catalog by docsvc/translations_en.py. (The public verification page is Vietnamese only.)"""

CATALOG: dict[str, str] = {
    'CCCD 001099012345': 'CCCD 001099012345',
    'Cho ký lại': 'Let sign again', 'Cho thôi ký': 'Stop signing',
    'Chưa có chứng thư số: chưa cấp được trích lục.': 'No certificate yet: extracts cannot be issued.',
    'Chưa có người ký.': 'No signers yet.',
    'Chưa cấp trích lục được: hai lần nhập khác nhau đang chờ phân xử.':
        'No extract yet: the two keyings differ and await arbitration.',
    'Chưa cấp trích lục được: mục chưa được kiểm tra, xác nhận.': 'No extract yet: the entry is not verified.',
    'Chưa cấp được: mục chưa kiểm tra, xác nhận': 'Not yet: the entry is not verified',
    'Chọn': 'Choose', 'Chủ thể': 'Subject', 'Chức danh': 'Title',
    'Chức danh (mỗi dòng một dòng in, ví dụ KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)':
        'Title (one printed line per line, e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)',
    'Chứng thư số của cơ quan': "The office's certificate", 'Cài chứng thư số': 'Install the certificate',
    'Cán bộ cấp': 'Issued by', 'Có': 'Yes', 'Có hiệu lực': 'Valid',
    'Cơ quan chưa có người ký; quản trị viên thêm trong trang cấu hình trích lục.':
        'The office has no signer yet; an administrator adds one on the extract settings page.',
    'Cơ quan cấp': 'Issuing office', 'Cấp trích lục': 'Issue an extract',
    'Cấp trích lục: tìm người theo họ tên và ngày sinh': 'Issue an extract: find a person by name and birth date',
    'Cấu hình cấp trích lục': 'Extract settings', 'Dấu vân tay SHA-256': 'SHA-256 fingerprint',
    'Giấy tờ tùy thân': 'ID paper', 'Giấy tờ tùy thân (loại và số)': 'ID paper (kind and number)',
    'Gõ họ tên (có hoặc không dấu) và ngày sinh trong một ô, rồi nhấn Enter.':
        'Type the name (with or without diacritics) and the birth date in one box, then press Enter.',
    'Hiệu lực đến': 'Valid until', 'Hãy chọn tệp chứng thư số (.p12, .pfx).': 'Choose a certificate file (.p12, .pfx).',
    'Hôm nay chưa cấp trích lục nào.': 'No extract issued today yet.',
    'Họ tên và ngày sinh': 'Name and birth date', 'In': 'Print', 'In sổ (PDF)': 'Print the register (PDF)',
    'In trích lục': 'Print the extract', 'Không': 'No',
    'Không tìm thấy ai với họ tên và ngày sinh này.': 'Nobody found with this name and birth date.',
    'Loại bản sao': 'Kind of copy', 'Lý do thu hồi (bắt buộc)': 'Reason for revoking (required)',
    'Mã QR in trên trích lục dẫn tới địa chỉ này; ai cũng kiểm tra được mà không cần đăng nhập.':
        'The QR code printed on the extract leads here; anyone can check it without signing in.',
    'Mã băm SHA-256 của tệp': "The file's SHA-256", 'Mã đơn vị': 'Unit code', 'Mật khẩu của tệp': "The file's passphrase",
    'Mục đăng ký': 'Register entry',
    'Mục đăng ký chưa được kiểm tra, xác nhận; chỉ cấp trích lục từ mục đã kiểm tra.':
        'The entry is not verified; extracts are issued only from verified entries.',
    'Mục đăng ký đang có hai lần nhập khác nhau chờ phân xử; chưa thể cấp trích lục.':
        'The two keyings of the entry differ and await arbitration; no extract can be issued yet.',
    'Ngày cấp': 'Date of issue', 'Ngày sinh': 'Date of birth', 'Người ký trích lục': 'Signers of extracts',
    'Người yêu cầu': 'Requester', 'Người yêu cầu (họ tên)': 'Requester (full name)', 'Người được cấp': 'Holder',
    'Người được cấp trích lục': 'Holder of the extract', 'Năm này chưa cấp trích lục nào.': 'No extract issued this year.',
    'Nơi cấp (in trước ngày cấp)': 'Place of issue (printed before the date)',
    'Nơi cấp, tiêu đề, cách ghi số': 'Place, heading, numbering',
    'Nơi cấp, tiêu đề, người ký, chứng thư số của cơ quan.': "The office's place, heading, signers and certificate.",
    'Quan hệ với người được cấp, mục đích': 'Relationship to the holder, purpose', 'Quan hệ, mục đích': 'Relationship, purpose',
    'STT': 'No.', 'Số bản': 'Copies', 'Số bản sao': 'Number of copies', 'Số trích lục': 'Extract number',
    'Số trích lục có năm (470/2025/TLKT-BS)': 'The number carries the year (470/2025/TLKT-BS)',
    'Sổ cấp bản sao trích lục': 'Extract register', 'Sổ, số': 'Book, number', 'Thu hồi ngày': 'Revoked on',
    'Thu hồi trích lục cấp sai': 'Revoke a wrong extract', 'Thêm người ký': 'Add a signer', 'Thôi ký': 'No longer signs',
    'Tiêu đề cơ quan (1 đến 4 dòng)': 'Office heading (1 to 4 lines)', 'Trích lục': 'Extracts',
    'Trích lục bị thu hồi không bị xóa; số đã cấp vẫn giữ, trang kiểm tra công khai báo đã thu hồi.':
        'A revoked extract is not deleted; its number stays used and the public check page says it is revoked.',
    'Trích lục hôm nay': "Today's extracts",
    'Trích lục đã cấp hôm nay; sổ cấp bản sao trích lục của năm.': "Extracts issued today; the year's extract register.",
    'Tài khoản người ký': "Signer's username", 'Tìm người để cấp trích lục': 'Find a person to issue an extract',
    'Tình trạng': 'Status', 'Tải sổ (XLSX)': 'Download the register (XLSX)', 'Tệp PKCS#12 (.p12, .pfx)': 'PKCS#12 file (.p12, .pfx)',
    'Xem': 'Show', 'năm': 'year', 'ví dụ: cha đẻ, làm hồ sơ nhập học': 'e.g. father, school enrolment',
    'ví dụ: nguyen van an 01/03/2024': 'e.g. nguyen van an 01/03/2024', 'Đang dùng': 'In use', 'Đang ký': 'Signs',
    'Đã cài chứng thư số; trích lục mới được ký bằng chứng thư này.':
        'Certificate installed; new extracts are signed with it.',
    'Đã cấp trích lục số {number}.': 'Extract {number} issued.',
    'Đã cập nhật danh sách người ký.': 'The list of signers is updated.',
    'Đã lưu cấu hình cấp trích lục.': 'Extract settings saved.',
    'Đã thu hồi trích lục số {number}.': 'Extract {number} revoked.', 'Địa chỉ kiểm tra': 'Verification address',
    'đơn vị của bạn': 'your unit',
    'Trích lục khai sinh': 'Birth extract', 'Trích lục khai tử': 'Death extract', 'Trích lục kết hôn': 'Marriage extract',
    # audit actions of the extract use cases (docsvc/labels.py) and the permission table
    'Thu hồi trích lục': 'Revoke an extract', 'Sửa danh sách người ký trích lục': 'Change the signers of extracts',
    '{actor} đã cấp {object}': '{actor} issued {object}', '{actor} đã thu hồi {object}': '{actor} revoked {object}',
    '{actor} đã sửa cấu hình cấp trích lục của {object}': "{actor} changed the extract settings of {object}",
    '{actor} đã sửa danh sách người ký trích lục của {object}': "{actor} changed the signers of extracts of {object}",
    '{actor} đã cài chứng thư số ký trích lục cho {object}': "{actor} installed the extract signing certificate of {object}",
    'trích lục': 'extract',
    'Cấp bản sao trích lục hộ tịch từ mục đã kiểm tra': 'Issue certified civil-status extracts from verified entries',
    'Cấu hình cấp trích lục của cơ quan: nơi cấp, tiêu đề, người ký, chứng thư số':
        "Configure the office's extracts: place, heading, signers, certificate",
    'Thu hồi trích lục cấp sai (ghi lý do; số đã cấp vẫn giữ)': 'Revoke a wrong extract (with a reason; its number stays used)',
    'Xem, tải lại trích lục đã cấp; xem, in sổ cấp bản sao trích lục':
        'View and download issued extracts; view and print the extract register',
}
