"""Errors about an input file, with a message a person can read (Vietnamese and English).

``code`` is stable (scripts and the API rely on it); ``message(lang)`` is for people.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "empty_file": {
        "vi": "Tệp rỗng (0 byte).",
        "en": "The file is empty (0 bytes).",
    },
    "too_large": {
        "vi": "Tệp quá lớn: vượt giới hạn {limit_mb} MB.",
        "en": "The file is too large: over the limit of {limit_mb} MB.",
    },
    "unsupported_type": {
        "vi": "Định dạng không được hỗ trợ{detail}. Chỉ nhận PDF, TIFF, PNG, JPEG.",
        "en": "Unsupported file type{detail}. Only PDF, TIFF, PNG and JPEG are accepted.",
    },
    "corrupt_pdf": {
        "vi": "Tệp PDF bị hỏng, không đọc được: {detail}",
        "en": "The PDF is corrupt and cannot be read: {detail}",
    },
    "truncated_pdf": {
        "vi": "Tệp PDF không đầy đủ (bị cắt cụt, thiếu phần kết thúc %%EOF). Hãy tải lên lại bản đầy đủ.",
        "en": "The PDF is incomplete (truncated, no %%EOF end marker). Upload the whole file again.",
    },
    "encrypted_pdf": {
        "vi": "Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.",
        "en": "The PDF is password-protected; remove the password and upload it again.",
    },
    "empty_pdf": {
        "vi": "Tệp PDF không có trang nào.",
        "en": "The PDF has no pages.",
    },
    "too_many_pages": {
        "vi": "Tệp có từ {pages} trang trở lên, vượt giới hạn {limit} trang.",
        "en": "The file has {pages} pages or more, over the limit of {limit}.",
    },
    "image_too_large": {
        "vi": "Ảnh quá lớn: {width}×{height} = {megapixels:.0f} triệu điểm ảnh, giới hạn {limit_mp:.0f} triệu "
              "(có thể là ảnh bom giải nén).",
        "en": "The image is too large: {width}×{height} = {megapixels:.0f} megapixels, the limit is "
              "{limit_mp:.0f} (possibly a decompression bomb).",
    },
    "corrupt_image": {
        "vi": "Ảnh bị hỏng, không đọc được: {detail}",
        "en": "The image is corrupt and cannot be read: {detail}",
    },
    "bad_page_size": {
        "vi": "Trang {page} có kích thước bất thường ({width:.0f}×{height:.0f} điểm); chỉ nhận trang có cạnh "
              "từ {min_pt} đến {max_pt} điểm (1 điểm = 1/72 inch).",
        "en": "Page {page} has an absurd size ({width:.0f}×{height:.0f} points); pages must measure "
              "{min_pt} to {max_pt} points a side (1 point = 1/72 inch).",
    },
    "reader_crashed": {
        "vi": "Không đọc được tệp: chương trình đọc tệp dừng đột ngột ({detail}). Tệp có thể bị hỏng "
              "hoặc được tạo ra để gây lỗi.",
        "en": "The file cannot be read: the reader stopped abruptly ({detail}). The file may be damaged "
              "or crafted to cause faults.",
    },
    "reader_timeout": {
        "vi": "Không đọc được tệp: việc kiểm tra tệp vượt quá {seconds} giây cho phép.",
        "en": "The file cannot be read: checking it took longer than the {seconds} s allowed.",
    },
    "reader_out_of_memory": {
        "vi": "Không đọc được tệp: việc kiểm tra tệp cần nhiều hơn {limit_mb} MB bộ nhớ cho phép.",
        "en": "The file cannot be read: checking it needs more than the {limit_mb} MB of memory allowed.",
    },
    "ocr_failed": {
        "vi": "Nhận dạng chữ (OCR) thất bại ở trang {page}: {detail}",
        "en": "Text recognition (OCR) failed on page {page}: {detail}",
    },
    "ocr_timeout": {
        "vi": "Nhận dạng chữ (OCR) trang {page} quá thời gian cho phép ({seconds} giây).",
        "en": "Text recognition (OCR) of page {page} took longer than allowed ({seconds} s).",
    },
}


class IngestError(Exception):
    """A problem with the input itself: retrying will not help."""

    def __init__(self, code: str, **params):
        if code not in MESSAGES:
            raise ValueError(f"unknown ingest error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        template = MESSAGES[self.code].get(lang) or MESSAGES[self.code]["vi"]
        try:
            return template.format(**self.params)
        except (KeyError, ValueError, IndexError):
            return template

    def __reduce__(self):  # picklable across processes
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict) -> IngestError:
    return IngestError(code, **params)


class TransientIngestError(Exception):
    """A failure that may pass on retry (OCR engine crash, timeout under load, I/O)."""
