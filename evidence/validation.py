"""Checks an uploaded evidence file before anything is stored: name, size, and type sniffed from the bytes.

The client's file name is only ever used for display; the type is decided by the content (libmagic) and
must agree with the extension, and Office/OpenDocument archives are opened to check what they really hold.
"""

import hashlib
import io
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from decimal import Decimal

import magic
import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from evidence.workbooks import XML_SUFFIXES, Prolog, xml_prolog
from scoring.text import number_text

# libmagic needs a few KB to tell an .xlsx from a plain zip; 64 KB is plenty for every allowed type.
SNIFF_BYTES = 64 * 1024
MAX_NAME_LENGTH = 255
HASH_CHUNK_BYTES = 1024 * 1024

OLE_TYPES = frozenset({"application/x-ole-storage", "application/CDFV2", "application/vnd.ms-office"})
ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/octet-stream"})

# What the main part of an Office Open XML package declares in [Content_Types].xml.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ),
}
ODF_TYPES = frozenset({"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"})
MACRO_MARKERS = ("macroenabled", "vbaproject.bin", "vbadata.xml")
ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")


def type_label(content_type: str) -> str:
    """The Vietnamese name of a content type, as users know it."""
    labels = {
        "application/pdf": _("PDF"),
        "application/msword": _("Word (DOC)"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _("Word (DOCX)"),
        "application/vnd.ms-excel": _("Excel (XLS)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _("Excel (XLSX)"),
        "application/vnd.oasis.opendocument.text": _("văn bản OpenDocument (ODT)"),
        "application/vnd.oasis.opendocument.spreadsheet": _("bảng tính OpenDocument (ODS)"),
        "image/png": _("ảnh PNG"),
        "image/jpeg": _("ảnh JPEG"),
        "image/gif": _("ảnh GIF"),
        "image/webp": _("ảnh WebP"),
        "image/svg+xml": _("ảnh SVG"),
        "text/html": _("HTML"),
        "text/xml": _("XML"),
        "application/xml": _("XML"),
        "text/plain": _("văn bản thuần (TXT)"),
        "text/csv": _("CSV"),
        "application/javascript": _("mã JavaScript"),
        "text/javascript": _("mã JavaScript"),
        "application/x-dosexec": _("chương trình chạy được (EXE)"),
        "application/vnd.microsoft.portable-executable": _("chương trình chạy được (EXE)"),
        "application/x-msdownload": _("chương trình chạy được (EXE)"),
        "application/x-executable": _("chương trình chạy được"),
        "application/x-sharedlib": _("thư viện chương trình"),
        "application/x-msi": _("bộ cài đặt chương trình (MSI)"),
        "application/zip": _("tệp nén ZIP"),
        "application/x-rar": _("tệp nén RAR"),
        "application/x-7z-compressed": _("tệp nén 7z"),
        "application/gzip": _("tệp nén GZIP"),
    }
    if content_type in OLE_TYPES:
        return _("tệp Office đời cũ")
    return labels.get(content_type, _("không xác định (%(type)s)") % {"type": content_type})


def allowed_extensions() -> dict[str, str]:
    """Extension → canonical content type, from settings.EVIDENCE_ALLOWED_TYPES."""
    return {
        extension.lower(): content_type
        for content_type, extensions in settings.EVIDENCE_ALLOWED_TYPES.items()
        for extension in extensions
    }


def allowed_extensions_text() -> str:
    return ", ".join(extension.upper() for extension in allowed_extensions())


def format_megabytes(size: int) -> str:
    """20971520 → "20 MB", 1572864 → "1,5 MB" (Vietnamese decimal comma)."""
    return f"{number_text(round(Decimal(size) / (1024 * 1024), 1))} MB"


def clean_filename(raw_name: str | None) -> str:
    """A display name from the client's: last path component only, no control or bidi characters, ≤ 255.

    The result is shown to users and sent back in Content-Disposition; it never names anything on disk.
    """
    name = unicodedata.normalize("NFC", raw_name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(character for character in name if not unicodedata.category(character).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if not name:
        raise ValidationError(_("Tên tệp không hợp lệ."), code="invalid_name")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = f"{stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with what was learned about it."""

    file: File
    original_name: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload: File) -> CheckedUpload:
    """Refuse anything that is not an allowed, intact, macro-free document; raise ValidationError."""
    name = clean_filename(getattr(upload, "name", ""))
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    declared_size = upload.size
    if declared_size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    if declared_size is not None and declared_size > limit:
        raise _too_large(name, limit)

    expected_type = allowed_extensions().get(extension_of(name))
    if expected_type is None:
        raise ValidationError(
            _("Loại tệp không được chấp nhận (“%(name)s”): chỉ nhận tệp %(extensions)s.")
            % {"name": name, "extensions": allowed_extensions_text()},
            code="extension",
        )

    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    detected_type = magic.from_buffer(head, mime=True) if head else "application/x-empty"
    if not head:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    _check_detected_type(name, expected_type, detected_type)
    if expected_type in OOXML_MAIN_PARTS or expected_type in ODF_TYPES:
        _check_archive(upload, name, expected_type)

    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks(HASH_CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(name, limit)
    upload.seek(0)
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    if expected_type == "application/pdf":
        _check_pdf(upload, name)
    return CheckedUpload(
        file=upload, original_name=name, content_type=expected_type, size=size, sha256=digest.hexdigest()
    )


def _too_large(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _("Tệp “%(name)s” vượt quá dung lượng cho phép %(limit)s.") % {"name": name, "limit": format_megabytes(limit)},
        code="too_large",
    )


def _mismatch(name: str, expected_type: str, actual_label: str) -> ValidationError:
    return ValidationError(
        _("Loại tệp không được chấp nhận (“%(name)s”): nội dung là %(actual)s, không phải %(expected)s.")
        % {"name": name, "actual": actual_label, "expected": type_label(expected_type)},
        code="type_mismatch",
    )


def _check_detected_type(name: str, expected_type: str, detected_type: str) -> None:
    """The sniffed type must be the one the extension promises (or the container libmagic sees for it)."""
    accepted = {expected_type}
    if expected_type in ("application/msword", "application/vnd.ms-excel"):
        accepted |= OLE_TYPES
    if expected_type in OOXML_MAIN_PARTS or expected_type in ODF_TYPES:
        accepted |= ZIP_TYPES
    if detected_type not in accepted:
        raise _mismatch(name, expected_type, type_label(detected_type))


def _check_archive(upload: File, name: str, expected_type: str) -> None:
    """Open the zip without extracting it: refuse bombs, macros, and packages of another kind."""
    broken = ValidationError(
        _("Tệp “%(name)s” bị hỏng hoặc không phải %(expected)s hợp lệ.")
        % {"name": name, "expected": type_label(expected_type)},
        code="broken",
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            _check_not_a_bomb(name, members)
            names = [member.filename for member in members]
            if any(marker in member_name.lower() for member_name in names for marker in MACRO_MARKERS[1:]):
                raise _macro(name)
            for member in members:
                if member.filename.lower().endswith(XML_SUFFIXES):
                    prolog = xml_prolog(archive, member)
                    if prolog is Prolog.DECLARES_DTD:
                        raise _xml_declaration(name)
                    if prolog is Prolog.UNREADABLE:
                        raise broken
            if expected_type in ODF_TYPES:
                if any(member_name.startswith(ODF_MACRO_FOLDERS) for member_name in names):
                    raise _macro(name)
                declared = _read_small(archive, "mimetype").strip()
                if declared != expected_type:
                    raise _mismatch(name, expected_type, type_label(declared)) if declared else broken
            else:
                content_types = _read_small(archive, "[Content_Types].xml")
                if "macroenabled" in content_types.lower():
                    raise _macro(name)
                if OOXML_MAIN_PARTS[expected_type] not in content_types:
                    other = next((kind for kind, main in OOXML_MAIN_PARTS.items() if main in content_types), None)
                    raise _mismatch(name, expected_type, type_label(other)) if other else broken
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        KeyError,
        EOFError,
        UnicodeDecodeError,
        NotImplementedError,
        RuntimeError,  # an encrypted member
    ):
        raise broken from None
    finally:
        upload.seek(0)


def _xml_declaration(name: str) -> ValidationError:
    return ValidationError(
        _(
            "Tệp “%(name)s” bị từ chối: bên trong có khai báo DTD hoặc thực thể XML (<!DOCTYPE>, <!ENTITY>), "
            "điều Word, Excel và LibreOffice không bao giờ tạo ra. Hãy mở tệp gốc, lưu lại rồi tải lên."
        )
        % {"name": name},
        code="xml_declaration",
    )


def _check_pdf(upload: File, name: str) -> None:
    """A .pdf must open as a PDF (qpdf, through pikepdf) and have at least one page: a file that only starts
    with "%PDF-" (an HTML page with a script, say) or an empty shell is not evidence anyone can read."""
    upload.seek(0)
    path = getattr(upload, "temporary_file_path", None)
    source = path() if path else io.BytesIO(upload.read())
    try:
        with pikepdf.open(source) as document:
            pages = len(document.pages)
    except pikepdf.PasswordError:
        raise ValidationError(
            _(
                "Tệp “%(name)s” là PDF có mật khẩu mở tệp, hội đồng sẽ không đọc được. "
                "Hãy lưu lại bản không đặt mật khẩu rồi tải lên."
            )
            % {"name": name},
            code="pdf_password",
        ) from None
    except Exception:  # qpdf refuses damaged or foreign files with several kinds of errors
        raise ValidationError(
            _(
                "Tệp “%(name)s” có đuôi .pdf và bắt đầu như một tệp PDF nhưng không đọc được như PDF "
                "(tệp hỏng, hoặc là loại tệp khác đổi tên). Hãy xuất lại tệp PDF từ phần mềm gốc rồi tải lên."
            )
            % {"name": name},
            code="pdf_unreadable",
        ) from None
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(
            _("Tệp “%(name)s” là PDF không có trang nào; hãy tải lên bản có nội dung.") % {"name": name},
            code="pdf_no_pages",
        )


def _macro(name: str) -> ValidationError:
    return ValidationError(
        _("Không nhận tệp có chứa macro (“%(name)s”). Hãy lưu lại thành tệp thường, không có macro, rồi tải lên.")
        % {"name": name},
        code="macro",
    )


def _check_not_a_bomb(name: str, members: list[zipfile.ZipInfo]) -> None:
    uncompressed = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members)
    max_uncompressed = settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES
    # Small archives may compress well legitimately; a ratio only matters once there is real volume.
    too_dense = uncompressed > 1024 * 1024 and uncompressed > compressed * settings.EVIDENCE_ZIP_MAX_RATIO
    if uncompressed > max_uncompressed or too_dense or len(members) > 10_000:
        raise ValidationError(
            _("Tệp “%(name)s” bị từ chối: dữ liệu nén bất thường (giải nén vượt %(limit)s hoặc tỉ lệ nén quá cao).")
            % {"name": name, "limit": format_megabytes(max_uncompressed)},
            code="zip_bomb",
        )


def _read_small(archive: zipfile.ZipFile, member: str, limit: int = 1024 * 1024) -> str:
    """A member's text, refusing to inflate more than `limit` bytes whatever its header claims."""
    with archive.open(member) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise zipfile.BadZipFile(member)
    return data.decode("utf-8")
