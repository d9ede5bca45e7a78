"""The one Excel intake: hostile workbooks are refused before they are parsed, with a message naming the limit."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from evidence.workbooks import Limits, check_archive, read_rows, read_sheets

LIMITS = Limits(max_rows=100, max_columns=10)
WHAT = "phiếu tự đánh giá"


def plain_workbook(rows=(("Mã", "Điểm"), ("1.1", 2))) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(content: bytes, member: str, change) -> bytes:
    """The same workbook with one member's XML changed (or added when missing)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            data = source.read(name)
            target.writestr(name, change(data) if name == member else data)
        if member not in names:
            target.writestr(member, change(b""))
    return buffer.getvalue()


def refusal(content: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read_rows(content, limits=kwargs.pop("limits", LIMITS), what=WHAT, **kwargs)
    return caught.value


def test_a_plain_workbook_reads_as_lines_and_values():
    rows = read_rows(plain_workbook(), limits=LIMITS, what=WHAT)

    assert rows == [(1, ("Mã", "Điểm")), (2, ("1.1", 2))]


def test_a_workbook_claiming_column_xfd_is_refused_before_any_cell_is_read():
    # given: under 5 KB, one header cell, and a used range that reaches the last column (the outside finding)
    content = rewritten(
        plain_workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD2"', xml),
    )
    assert len(content) < 5 * 1024

    error = refusal(content)

    assert error.code == "too_many_columns"
    assert error.messages == [
        "Trang tính “Dữ liệu” dùng đến cột XFD (16384 cột); phiếu tự đánh giá chỉ có tối đa 10 cột. "
        "Hãy xóa các cột thừa rồi lưu lại."
    ]


def test_a_cell_at_column_xfd_without_a_declared_range_is_refused_on_its_row():
    def far_cell(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return xml.replace(b"</row></sheetData>", b'<c r="XFD2" t="n"><v>1</v></c></row></sheetData>')

    error = refusal(rewritten(plain_workbook(), "xl/worksheets/sheet1.xml", far_cell))

    assert error.code == "too_many_columns"
    assert "dùng đến cột XFD (16384 cột)" in error.messages[0]


def test_more_rows_than_the_limit_are_refused_naming_the_limit():
    content = plain_workbook([("x",)] * 101)

    error = refusal(content)

    assert error.messages == ["Tệp có hơn 100 dòng; phiếu tự đánh giá không dài như vậy."]


def test_a_declared_range_of_a_million_rows_is_refused_before_parsing():
    content = rewritten(
        plain_workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B1048576"', xml),
    )

    assert refusal(content).code == "too_many_rows"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


@pytest.mark.parametrize("member", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"])
def test_xml_with_a_dtd_or_entity_declaration_is_refused(member):
    def with_dtd(xml: bytes) -> bytes:
        return BILLION_LAUGHS + re.sub(rb"^<\?xml[^>]*\?>", b"", xml or b"<sst/>")

    error = refusal(rewritten(plain_workbook(), member, with_dtd))

    assert error.code == "xml_declaration"
    assert error.messages == [
        "Tệp chứa khai báo DTD hoặc thực thể XML (<!DOCTYPE>, <!ENTITY>), điều Excel không bao giờ tạo ra; "
        "vì an toàn, cổng không mở tệp này."
    ]


def test_a_dtd_hidden_behind_a_long_comment_is_still_found():
    padding = b"<!--" + b"x" * 10_000 + b"-->"

    def hidden(xml: bytes) -> bytes:
        return b'<?xml version="1.0"?>' + padding + BILLION_LAUGHS[21:] + re.sub(rb"^<\?xml[^>]*\?>", b"", xml)

    assert refusal(rewritten(plain_workbook(), "xl/workbook.xml", hidden)).code == "xml_declaration"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_dtd_in_a_part_written_in_utf16_or_utf32_is_found_too(encoding):
    """An XML parser reads these encodings (and expands the entities); a byte search for "<!DOCTYPE" would not."""

    def in_utf16(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml).decode()
        declared = f'<?xml version="1.0" encoding="{encoding[:6].upper()}"?>'
        return (declared + BILLION_LAUGHS[21:].decode() + body).encode(encoding)

    error = refusal(rewritten(plain_workbook(), "xl/worksheets/sheet1.xml", in_utf16))

    assert error.code == "xml_declaration"


def test_a_part_in_an_encoding_that_spells_markup_otherwise_is_refused():
    """UTF-7 writes "<!DOCTYPE" as "+ADw-+ACE-DOCTYPE": no byte search sees it, so the part is not read at all."""

    def in_utf7(xml: bytes) -> bytes:
        return b'<?xml version="1.0" encoding="UTF-7"?>' + re.sub(rb"^<\?xml[^>]*\?>", b"", xml)

    assert refusal(rewritten(plain_workbook(), "xl/worksheets/sheet1.xml", in_utf7)).code == "not_xlsx"


def test_a_dtd_behind_a_processing_instruction_that_holds_a_less_than_sign_is_still_found():
    """`<a` inside `<?x …?>` is not the root element: the declaration after it still comes before the root."""

    def hidden(xml: bytes) -> bytes:
        return b'<?xml version="1.0"?><?x <a?>' + BILLION_LAUGHS[21:] + re.sub(rb"^<\?xml[^>]*\?>", b"", xml)

    assert refusal(rewritten(plain_workbook(), "xl/worksheets/sheet1.xml", hidden)).code == "xml_declaration"


def test_the_word_doctype_inside_a_cell_is_not_a_declaration():
    rows = read_rows(plain_workbook([("<!DOCTYPE html>",)]), limits=LIMITS, what=WHAT)

    assert rows == [(1, ("<!DOCTYPE html>",))]


@pytest.mark.parametrize("part", ["xl/vbaProject.bin", "xl/activeX/activeX1.bin", "xl/macrosheets/sheet1.xml"])
def test_macro_parts_are_refused(part):
    error = refusal(rewritten(plain_workbook(), part, lambda _: b"\0" * 64))

    assert error.code == "macro"


def test_a_workbook_of_too_many_members_is_refused():
    content = plain_workbook()
    for number in range(LIMITS.max_members):
        content = rewritten(content, f"docProps/extra{number}.txt", lambda _: b"x") if number < 3 else content
    limits = Limits(max_rows=100, max_columns=10, max_members=10)

    error = refusal(content, limits=limits)

    assert error.code == "too_many_members"
    assert error.messages == ["Tệp có 12 thành phần bên trong, nhiều hơn giới hạn 10 của một bảng tính thông thường."]


def test_a_member_compressed_beyond_any_real_ratio_is_refused():
    content = rewritten(plain_workbook(), "xl/media/padding.bin", lambda _: b"\0" * (2 * 1024 * 1024))

    error = refusal(content)

    assert error.code == "zip_bomb"
    assert "giới hạn 100 lần" in error.messages[0]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old_excel"),
        (b"Ma,Diem\n1.1,2\n", "not_xlsx"),
        (b"PK\x03\x04" + b"\0" * 64, "not_xlsx"),
    ],
    ids=["xls", "csv", "broken-zip"],
)
def test_files_that_are_not_a_workbook_are_refused(content, code):
    assert refusal(content).code == code


def test_an_oversized_upload_is_refused_naming_the_limit():
    with pytest.raises(ValidationError) as caught:
        check_archive(b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024), limits=LIMITS, what=WHAT)

    assert caught.value.messages == ["Tệp lớn hơn 5 MB; phiếu tự đánh giá không cần tệp lớn như vậy."]


def test_several_sheets_share_one_cell_budget():
    book = Workbook()
    book.active.title = "A"
    for _ in range(60):
        book.active.append(list(range(10)))
    second = book.create_sheet("B")
    for _ in range(60):
        second.append(list(range(10)))
    buffer = io.BytesIO()
    book.save(buffer)

    with pytest.raises(ValidationError) as caught:
        read_sheets(buffer.getvalue(), limits=LIMITS, what=WHAT)

    assert caught.value.messages == ["Trang tính “B” có hơn 1000 ô; phiếu tự đánh giá không lớn như vậy."]
