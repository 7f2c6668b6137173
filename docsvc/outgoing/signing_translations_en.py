"""English for the outgoing documents' signatures and personal certificates (docsvc/outgoing:
signing, certificates, the command, the audit sentence). Appended to the one catalog by
docsvc/translations_en.py."""

CATALOG: dict[str, str] = {
    'Cài chứng thư số cá nhân': 'Install a personal certificate',
    '{actor} đã cài chứng thư số cá nhân ký văn bản đi cho {object}':
        '{actor} installed the personal certificate that signs outgoing documents for {object}',
    'Chứng thư số này đã được gắn với người khác.': 'This certificate is attached to another person already.',
    'Đây là chứng thư số của cơ quan, không phải của cá nhân.':
        "This is an organisation's certificate, not a person's.",
    'Chứng thư số không do tổ chức chứng thực đã cấp chứng thư của cơ quan cấp (hoặc cơ quan chưa cài chứng thư '
    'số): không kiểm tra được chữ ký của văn bản.':
        "The certificate was not issued by the authority that issued the organisation's certificate (or the "
        "organisation has no certificate yet): the document's signatures could not be checked.",
    'Tệp đã bị sửa sau chữ ký này (không chỉ thêm chữ ký số sau): chữ ký không còn giá trị với nội dung hiện tại.':
        'The file was changed after this signature (more than later signatures were added): the signature no '
        'longer holds for the present content.',
    'Phê duyệt, ký ban hành': 'Approved and signed for issue',
    'Văn thư ký số của cơ quan, tổ chức (Nghị định 30/2020/NĐ-CP)':
        "The records office's signature for the organisation (Decree 30/2020)",
}
