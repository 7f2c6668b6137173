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
}
