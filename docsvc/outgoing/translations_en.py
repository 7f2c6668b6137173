"""English for outgoing documents (docsvc/outgoing: pages, API messages, audit sentences,
permissions, labels shown from data). Appended to the one catalog by docsvc/translations_en.py."""

CATALOG: dict[str, str] = {
    # audit actions and object types
    'Soạn dự thảo văn bản đi': 'Draft an outgoing document',
    '{actor} đã soạn dự thảo {object}': '{actor} drafted {object}',
    'Thêm phiên bản dự thảo': 'Add a draft version',
    '{actor} đã thêm phiên bản mới của {object}': '{actor} added a new version of {object}',
    'Trình duyệt dự thảo': 'Submit a draft',
    '{actor} đã trình duyệt {object}': '{actor} submitted {object}',
    'Duyệt dự thảo': 'Approve a draft',
    '{actor} đã duyệt {object}': '{actor} approved {object}',
    'Trả lại dự thảo': 'Return a draft',
    '{actor} đã trả lại {object} để sửa': '{actor} returned {object} for changes',
    'Kiểm tra thể thức, thẩm định': 'Check form or legality',
    '{actor} đã kiểm tra {object}': '{actor} checked {object}',
    'Ký ban hành': 'Sign for issue',
    '{actor} đã ký ban hành {object}': '{actor} signed {object} for issue',
    'Đính kèm bản ký tay': 'Attach the hand-signed scan',
    '{actor} đã đính kèm bản quét đã ký của {object}': '{actor} attached the signed scan of {object}',
    'Cho số, vào sổ văn bản đi': 'Number and register an outgoing document',
    '{actor} đã cho số và vào sổ {object}': '{actor} numbered and registered {object}',
    'Phát hành văn bản đi': 'Release an outgoing document',
    '{actor} đã phát hành {object}': '{actor} released {object}',
    'Lưu văn bản đi vào lưu trữ': 'File an outgoing document in the archive',
    '{actor} đã lưu {object} vào lưu trữ': '{actor} filed {object} in the archive',
    'Thu hồi văn bản đi': 'Withdraw an outgoing document',
    '{actor} đã thu hồi {object}': '{actor} withdrew {object}',
    'Liên kết văn bản sửa đổi, thay thế': 'Link an amending or replacing document',
    '{actor} đã ghi quan hệ sửa đổi, thay thế, bãi bỏ của {object}':
        '{actor} recorded what {object} amends, replaces or annuls',
    'Cấu hình văn bản đi': 'Configure outgoing documents',
    '{actor} đã sửa cấu hình văn bản đi của {object}': '{actor} changed the outgoing-document settings of {object}',
    'Sửa thời hạn bảo quản': 'Change a retention period',
    '{actor} đã sửa thời hạn bảo quản theo loại văn bản': '{actor} changed the retention schedule',
    'văn bản đi': 'outgoing document',
    'thời hạn bảo quản': 'retention period',
    # permissions
    'Xem văn bản đi, quá trình ban hành và sổ đăng ký văn bản đi (theo đơn vị và mức được tiếp cận)':
        'View outgoing documents, their issuing process and the outgoing register (by unit and clearance)',
    'Soạn dự thảo văn bản đi, thêm phiên bản, trình lãnh đạo đơn vị duyệt':
        'Draft outgoing documents, add versions, submit them to the unit head',
    'Duyệt hoặc trả lại dự thảo của đơn vị mình (lãnh đạo đơn vị soạn thảo)':
        "Approve or return the drafts of one's unit (head of the drafting unit)",
    'Kiểm tra thể thức, kỹ thuật trình bày văn bản đi (văn thư)': 'Check the form of outgoing documents (records office)',
    'Thẩm định pháp lý dự thảo (đơn vị được giao thẩm định của cơ quan)':
        "Check drafts' legality (the body's legal unit)",
    'Ký ban hành văn bản đi (ký số hoặc ký tay và đính kèm bản quét)':
        'Sign outgoing documents (digitally, or by hand with the scan attached)',
    'Cho số, vào sổ văn bản đi, ký số của cơ quan, phát hành; thu hồi văn bản đã cho số':
        "Number and register outgoing documents, add the organisation's signature, release; withdraw a numbered one",
    'Lập hồ sơ, lưu văn bản đi đã phát hành vào lưu trữ kèm hồ sơ quá trình ban hành':
        'File released outgoing documents in the archive with their process history',
    'Xem báo cáo văn bản đi, thời gian từng bước và hồ sơ ISO của một kỳ':
        'View outgoing-document reports, time per step and the ISO records of a period',
    'Cấu hình văn bản đi: ký hiệu cơ quan, nơi ban hành, đơn vị thẩm định, nơi gửi gói liên thông, chứng thư số cá nhân của người ký, thời hạn bảo quản':
        "Configure outgoing documents: abbreviations, place, legal unit, where exchange packages go, signers' "
        'personal certificates, retention periods',
    # API messages
    'Không tìm thấy văn bản đi hoặc tệp.': 'No such outgoing document or file.',
    # convert.py: draft files and their conversion
    'Tệp rỗng: không có nội dung.':
        'The file is empty.',
    'Tệp quá lớn: bản dự thảo tối đa 50 MB.':
        'The file is too large: a draft may be at most 50 MB.',
    'Đây là tệp Word cũ (.doc) hoặc tệp Office đặt mật khẩu: hãy lưu lại thành DOCX hoặc PDF (không đặt mật khẩu) rồi gửi lại.':
        'This is an old Word file (.doc) or a password-protected Office file: save it as DOCX or PDF (without a password) and send it again.',
    'Đây là tệp ảnh, không phải bản dự thảo: hãy gửi tệp DOCX hoặc PDF.':
        'This is a picture, not a draft: send a DOCX or PDF file.',
    'Đây là tệp RTF: hãy lưu lại thành DOCX hoặc PDF rồi gửi lại.':
        'This is an RTF file: save it as DOCX or PDF and send it again.',
    'Đây là tệp OpenDocument (ODT): hãy lưu lại thành DOCX hoặc PDF rồi gửi lại.':
        'This is an OpenDocument file (ODT): save it as DOCX or PDF and send it again.',
    'Không nhận ra định dạng tệp: bản dự thảo phải là tệp DOCX hoặc PDF.':
        'Unknown file format: a draft must be a DOCX or PDF file.',
    'Tệp PDF bị hỏng, không đọc được: hãy xuất lại tệp PDF rồi gửi lại.':
        'The PDF file is damaged and cannot be read: export it again and send it again.',
    'Tệp PDF đặt mật khẩu hoặc bị mã hóa: hãy gửi bản không đặt mật khẩu.':
        'The PDF file has a password or is encrypted: send a copy without a password.',
    'Tệp PDF không có trang nào.':
        'The PDF file has no pages.',
    'Tệp DOCX bị hỏng, không mở được: hãy lưu lại rồi gửi lại.':
        'The DOCX file is damaged and cannot be opened: save it again and send it again.',
    'Tệp nén này không phải văn bản Word (DOCX): thiếu phần nội dung word/document.xml.':
        'This zip file is not a Word document (DOCX): it has no word/document.xml.',
    'Tệp Word có macro (DOCM) không được nhận: hãy lưu lại thành DOCX rồi gửi lại.':
        'Word files with macros (DOCM) are not accepted: save it as DOCX and send it again.',
    'Tệp DOCX khi giải nén quá lớn (trên 500 MB): không nhận tệp này.':
        'The DOCX file unpacks to too much (over 500 MB): it is not accepted.',
    'Máy chủ chưa cài LibreOffice nên chưa xem được bản DOCX dưới dạng PDF; bản gốc vẫn được lưu.':
        'LibreOffice is not installed on the server, so the DOCX cannot be shown as PDF yet; the original is kept.',
    'LibreOffice không chuyển được bản DOCX sang PDF; bản gốc vẫn được lưu. Hãy kiểm tra tệp hoặc gửi kèm bản PDF.':
        'LibreOffice could not convert the DOCX to PDF; the original is kept. Check the file or add a PDF copy.',
    'LibreOffice chuyển bản DOCX sang PDF quá lâu nên đã dừng; bản gốc vẫn được lưu. Hãy thử lại hoặc gửi kèm bản PDF.':
        'LibreOffice took too long to convert the DOCX to PDF and was stopped; the original is kept. Try again or add a PDF copy.',
    # formcheck.py: the automatic form check
    'Lớp chữ của văn bản':
        'Text layer',
    'Đọc tệp PDF':
        'Reading the PDF',
    'Quốc hiệu và tiêu ngữ':
        'National heading and motto',
    'Tên cơ quan ban hành':
        'Issuing body',
    'Số, ký hiệu':
        'Number and symbol',
    'Địa danh và thời gian ban hành':
        'Place and date',
    'Tên loại văn bản':
        'Type name',
    'Trích yếu của công văn (V/v)':
        'Abstract of the letter (V/v)',
    'Chức vụ, họ tên người ký':
        "Signer's title and name",
    'Nơi nhận':
        'Recipients',
    'Văn bản không có lớp chữ (bản quét): phải kiểm tra thể thức bằng mắt.':
        'The document has no text layer (a scan): its form must be checked by eye.',
    'Không đọc được tệp PDF để kiểm tra thể thức.':
        'The PDF could not be read to check its form.',
}

# signatures, personal certificates, the exchange package (docsvc/outgoing/signing*, certificates)
from docsvc.outgoing.signing_translations_en import CATALOG as _SIGNING  # noqa: E402

CATALOG.update(_SIGNING)

# the outgoing register and the registers API (docsvc/outgoing/register*, api_registers)
from docsvc.outgoing.translations_en_registers import CATALOG as _REGISTERS  # noqa: E402

CATALOG.update({k: v for k, v in _REGISTERS.items() if k not in CATALOG})

# the outgoing reports (docsvc/outgoing/reports, views_reports, history)
from docsvc.outgoing.translations_en_reports import CATALOG as _REPORTS  # noqa: E402

CATALOG.update({k: v for k, v in _REPORTS.items() if k not in CATALOG})
