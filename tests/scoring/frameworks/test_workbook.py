"""Excel export and all-or-nothing import of a framework's criteria tree (service, commands, admin)."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from scoring.frameworks.workbook import framework_export, framework_import
from scoring.models import AuditEvent, Criterion, Framework, Period, RuleOption, RuleType
from tests.factories import (
    CriterionFactory,
    FrameworkFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    criteria_snapshot,
    sheet_xlsx,
    small_framework,
    user_with_role,
    wide_framework,
)
from units.models import Role

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã",
    "Nội dung",
    "Hướng dẫn chấm",
    "Điểm tối đa",
    "Cách chấm",
    "Bước điểm",
    "Điểm trừ mỗi lần",
    "Cần tài liệu kiểm chứng",
    "Cho phép không áp dụng",
    "Các mức",
]
LEVELS = "1 : Kịp thời\n0,5 : Không kịp thời\n0 : Không ban hành"


@pytest.fixture(autouse=True)
def _keep_period_years_in_range():
    """PeriodFactory's year is a session-wide sequence that leaves the allowed range (≤ 2100) after 80 periods."""
    yield
    PeriodFactory.reset_sequence()


def xlsx(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    """A framework workbook: line 1 the headers, then one line per criterion."""
    return sheet_xlsx(rows, headers)


def sheet_rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def empty_framework_beside(source: Framework) -> Framework:
    period = PeriodFactory(authority=source.period.authority, year=source.period.year + 1)
    return FrameworkFactory(period=period, block=source.block)


def import_errors(framework: Framework, content: bytes, actor=None) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        framework_import(actor=actor, framework=framework, file=content)
    return raised.value.messages


# ---- export ------------------------------------------------------------------------------------


def test_export_writes_headers_on_line_1_and_criteria_in_tree_order():
    framework = small_framework()

    rows = sheet_rows(framework_export(framework=framework))

    assert rows[0] == tuple(HEADERS)
    assert [row[0] for row in rows[1:]] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.3", "2", "2.1", "2.2", "2.3"]
    assert rows[1] == ("1", "Công tác chỉ đạo, điều hành CCHC", None, 6, None, None, None, 1, 0, None)
    assert rows[3] == ("1.1.1", "Ban hành kế hoạch CCHC năm", None, 1, "levels", None, None, 1, 0, LEVELS)
    assert rows[4][9] == "90% : 2 : Từ 90% trở lên\n70% : 1 : Từ 70% đến dưới 90%\n0% : 0 : Dưới 70%"
    assert rows[6][4:9] == ("yes_no", None, None, 1, 1)
    assert rows[8][3:9] == (1.5, "manual", 0.25, None, 1, 0)
    assert rows[9][3:9] == (1.5, "deduction", None, 0.5, 1, 0)
    assert rows[10][3:9] == (1, "survey", None, None, 0, 0)


def test_export_reads_the_framework_in_five_queries(django_assert_num_queries):
    framework = wide_framework(areas=6, leaves_per_area=20)

    # the tree with its options (2), the bonus and penalty items, the bands and the ranking setting
    with django_assert_num_queries(5):
        framework_export(framework=framework)


def test_export_neutralises_formula_looking_text():
    framework = FrameworkFactory()
    CriterionFactory(framework=framework, code="1", title='=HYPERLINK("http://x")', max_points=1, rule_type="yes_no")
    CriterionFactory(framework=framework, code="2", title="+1", guidance="@SUM(A1)", max_points=1, rule_type="ratio")
    CriterionFactory(framework=framework, code="3", title="-2", guidance="Bình thường", max_points=1, rule_type="ratio")

    content = framework_export(framework=framework)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [sheet.cell(row=line, column=2).value for line in (2, 3, 4)] == ['\'=HYPERLINK("http://x")', "'+1", "'-2"]
    assert [sheet.cell(row=line, column=2).data_type for line in (2, 3, 4)] == ["s", "s", "s"]
    assert sheet.cell(row=3, column=3).value == "'@SUM(A1)"
    assert sheet.cell(row=4, column=3).value == "Bình thường"


def test_neutralised_text_imports_back_as_typed():
    source = FrameworkFactory()
    CriterionFactory(
        framework=source, code="1", title="=1+1", guidance="-gạch đầu dòng", max_points=1, rule_type="ratio"
    )
    target = empty_framework_beside(source)

    framework_import(actor=None, framework=target, file=framework_export(framework=source))

    criterion = Criterion.objects.get(framework=target)
    assert (criterion.title, criterion.guidance) == ("=1+1", "-gạch đầu dòng")


# ---- import: success ---------------------------------------------------------------------------


def test_round_trip_into_an_empty_framework_of_another_period_gives_the_same_tree():
    source = small_framework()
    source.criteria.filter(code="1.2").update(guidance="Số văn bản đã thực hiện / số văn bản được giao.\nDòng hai.")
    target = empty_framework_beside(source)

    report = framework_import(actor=None, framework=target, file=framework_export(framework=source))

    assert (report.created, report.updated) == (10, 0)
    assert criteria_snapshot(target) == criteria_snapshot(source)
    assert criteria_snapshot(target)[3][10] == [
        (0, "Từ 90% trở lên", Decimal("2"), Decimal("90")),
        (1, "Từ 70% đến dưới 90%", Decimal("1"), Decimal("70")),
        (2, "Dưới 70%", Decimal("0"), Decimal("0")),
    ]
    event = AuditEvent.objects.get(action="framework.import")
    assert (event.period, event.data) == (
        target.period,
        {"framework_id": target.id, "created": 10, "updated": 0, "settings_changed": []},
    )


def test_reimporting_updates_by_code_and_replaces_options():
    framework = small_framework()
    content = framework_export(framework=framework)
    before = criteria_snapshot(framework)
    ids = dict(framework.criteria.values_list("code", "id"))

    report = framework_import(actor=None, framework=framework, file=content)

    assert (report.created, report.updated) == (0, 10)
    assert criteria_snapshot(framework) == before
    assert dict(framework.criteria.values_list("code", "id")) == ids
    assert RuleOption.objects.filter(criterion__framework=framework).count() == 6


def test_import_accepts_vietnamese_labels_comma_decimals_yes_words_and_numeric_codes():
    framework = FrameworkFactory()
    content = xlsx(
        [
            [1, "Lĩnh vực", None, "2,5", None, None, None, "có", "không", None],
            [1.1, "Kế hoạch", "", 1, "Chọn mức", None, None, "x", "", "1 : Đạt\n\n0,5 : Đạt một phần\n0 : Không đạt"],
            [
                "1.2",
                "Tỷ lệ hoàn thành",
                "",
                "1,5",
                "Theo tỷ lệ % (khoảng)",
                None,
                None,
                0,
                1,
                "90 : 1,5 : Cao\n0% : 0 : Thấp",
            ],
        ]
    )

    report = framework_import(actor=None, framework=framework, file=content)

    assert (report.created, report.updated) == (3, 0)
    assert criteria_snapshot(framework) == [
        ("1", None, "Lĩnh vực", "", Decimal("2.5"), "", None, None, True, False, []),
        (
            "1.1",
            "1",
            "Kế hoạch",
            "",
            Decimal("1"),
            RuleType.LEVELS,
            None,
            None,
            True,
            False,
            [(0, "Đạt", Decimal("1"), None), (1, "Đạt một phần", Decimal("0.5"), None), (2, "Không đạt", 0, None)],
        ),
        (
            "1.2",
            "1",
            "Tỷ lệ hoàn thành",
            "",
            Decimal("1.5"),
            RuleType.BANDS,
            None,
            None,
            False,
            True,
            [(0, "Cao", Decimal("1.5"), Decimal("90")), (1, "Thấp", 0, Decimal("0"))],
        ),
    ]


def test_a_child_may_hang_under_a_criterion_already_in_the_framework():
    framework = small_framework()
    framework.criteria.filter(code="2.3").delete()
    content = xlsx([["2.3", "Mức độ hài lòng", "", 1, "survey", None, None, 0, 0, None]])

    report = framework_import(actor=None, framework=framework, file=content)

    assert (report.created, report.updated) == (1, 0)
    assert Criterion.objects.get(framework=framework, code="2.3").parent.code == "2"


def test_blank_lines_are_skipped_and_do_not_shift_line_numbers():
    framework = FrameworkFactory()
    content = xlsx([[None] * 10, ["1", "Lĩnh vực", None, "abc", None, None, None, 1, 0, None]])

    assert import_errors(framework, content) == ["Dòng 3: “Điểm tối đa” là “abc”, không phải là số."]


# ---- import: refused, nothing saved ------------------------------------------------------------


def test_one_bad_row_among_good_rows_saves_nothing_and_names_its_line():
    framework = FrameworkFactory()
    content = xlsx(
        [
            ["1", "Lĩnh vực", None, 2, None, None, None, 1, 0, None],
            ["1.1", "Kế hoạch", None, 1, "yes_no", None, None, 1, 0, None],
            ["1.2", "Báo cáo", None, 1, "hàng tháng", None, None, 1, 0, None],
        ]
    )

    errors = import_errors(framework, content)

    assert errors == [
        "Dòng 4: Cách chấm “hàng tháng” không hợp lệ; hãy dùng một trong: "
        "levels, bands, ratio, manual, yes_no, deduction, survey."
    ]
    assert Criterion.objects.filter(framework=framework).count() == 0
    assert AuditEvent.objects.count() == 0


def test_every_bad_row_is_reported_with_its_line_and_reason():
    framework = FrameworkFactory()
    content = xlsx(
        [
            ["1", "Lĩnh vực", None, 10, None, None, None, 1, 0, None],  # 2: good
            ["1..2", "Mã sai", None, 1, "yes_no", None, None, 1, 0, None],  # 3
            ["1.1", "Điểm chữ", None, "mười", "ratio", None, None, 1, 0, None],  # 4
            ["1.1", "Trùng mã", None, 1, "ratio", None, None, 1, 0, None],  # 5
            ["3.1", "Không có cha", None, 1, "ratio", None, None, 1, 0, None],  # 6
            ["1.2", "Mức vượt", None, 1, "levels", None, None, 1, 0, "2 : Tốt\n0 : Kém"],  # 7
            ["1.3", "Mức sai dạng", None, 1, "levels", None, None, 1, 0, "Tốt - 1\n0 : Kém"],  # 8
            ["1.4", "Khoảng sai dạng", None, 1, "bands", None, None, 1, 0, "trên 90 : 1\n0% : 0 : Thấp"],  # 9
            ["1.5", "", None, 1, "manual", None, None, "có lẽ", 0, None],  # 10
            ["1.6", "Trừ điểm", None, 1, "deduction", None, None, 1, 0, "1 : Có"],  # 11
            ["1.7", "Âm", None, -1, "yes_no", "0,125", None, 1, 0, None],  # 12
            ["1.8.1", "Cha đứng sau", None, 1, "ratio", None, None, 1, 0, None],  # 13
            ["1.8", "Cha", None, 1, None, None, None, 1, 0, None],  # 14: good
        ]
    )

    errors = import_errors(framework, content)

    assert errors == [
        "Dòng 3: Mã “1..2” không đúng dạng (ví dụ: 1, 1.2, 1.2.3).",
        "Dòng 4: “Điểm tối đa” là “mười”, không phải là số.",
        "Dòng 5: Mã “1.1” trùng với dòng 4.",
        "Dòng 6: Không có tiêu chí cha “3” trong tệp hoặc trong bộ chỉ số.",
        "Dòng 7: Mức “Tốt” có 2 điểm, vượt điểm tối đa 1.",
        "Dòng 8: Mức “Tốt - 1” không đúng dạng “<điểm> : <tên mức>” (ví dụ: 0,5 : Không kịp thời).",
        "Dòng 8: Cách chấm “levels” cần ít nhất hai mức trong cột “Các mức”.",
        "Dòng 9: Khoảng “trên 90 : 1” không đúng dạng “<từ %>% : <điểm> : <tên mức>” "
        "(ví dụ: 90% : 2 : Từ 90% trở lên).",
        "Dòng 9: Cách chấm “bands” cần ít nhất hai mức trong cột “Các mức”.",
        "Dòng 10: “Cần tài liệu kiểm chứng” là “có lẽ”; hãy ghi 1 (có) hoặc 0 (không).",
        "Dòng 10: Thiếu “Nội dung”.",
        "Dòng 10: Cách chấm “manual” cần “Bước điểm”.",
        "Dòng 11: Cách chấm “deduction” cần “Điểm trừ mỗi lần”.",
        "Dòng 11: Cách chấm “deduction” không dùng cột “Các mức”; hãy để trống.",
        "Dòng 12: “Điểm tối đa” phải lớn hơn 0.",
        "Dòng 12: “Bước điểm” chỉ được có tối đa 2 chữ số thập phân.",
        "Dòng 13: Tiêu chí cha “1.8” (dòng 14) phải đứng trước dòng này.",
    ]
    assert Criterion.objects.filter(framework=framework).count() == 0


def test_child_of_a_bad_row_says_its_parent_failed():
    framework = FrameworkFactory()
    content = xlsx(
        [
            ["1", "Lĩnh vực", None, "x", None, None, None, 1, 0, None],
            ["1.1", "Con", None, 1, "ratio", None, None, 1, 0, None],
        ]
    )

    assert import_errors(framework, content) == [
        "Dòng 2: “Điểm tối đa” là “x”, không phải là số.",
        "Dòng 3: Tiêu chí cha “1” (dòng 2) có lỗi.",
    ]


def test_children_not_adding_up_to_their_parent_are_reported_and_nothing_saved():
    framework = FrameworkFactory()
    content = xlsx(
        [
            ["1", "Lĩnh vực", None, 6, None, None, None, 1, 0, None],
            ["1.1", "Kế hoạch", None, 2, "yes_no", None, None, 1, 0, None],
            ["1.2", "Báo cáo", None, 3, "levels", None, None, 1, 0, "3 : Đủ\n0 : Thiếu"],
            ["2", "Lĩnh vực không có con", None, 1, None, None, None, 1, 0, None],
        ]
    )

    errors = import_errors(framework, content)

    assert errors == [
        "Tổng điểm tối đa các tiêu chí con của 1 là 5, khác điểm tối đa 6.",
        "Tiêu chí 2 chưa có cách chấm.",
    ]
    assert Criterion.objects.filter(framework=framework).count() == 0
    assert RuleOption.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_failed_reimport_leaves_the_existing_tree_untouched():
    framework = small_framework()
    before = criteria_snapshot(framework)
    rows = sheet_rows(framework_export(framework=framework))[1:]
    rows[0] = ("1", "Đổi tên", None, 6, None, None, None, 1, 0, None)  # would be saved…
    rows[3] = ("1.1.2", "Mức độ", None, 2, "bands", None, None, 1, 0, "90% : 2 : Cao")  # …but this row is wrong

    errors = import_errors(framework, xlsx([list(row) for row in rows]))

    assert errors == ["Dòng 5: Cách chấm “bands” cần ít nhất hai mức trong cột “Các mức”."]
    assert criteria_snapshot(framework) == before


def test_frozen_framework_is_refused():
    framework = small_framework()
    Period.objects.filter(pk=framework.period_id).update(state=Period.State.SELF_ASSESSMENT)
    before = criteria_snapshot(framework)

    errors = import_errors(framework, framework_export(framework=framework))

    assert errors == [
        f"Bộ chỉ số năm {framework.period.year} đã khóa vì kỳ đánh giá đã mở; hãy sao chép sang năm mới để sửa."
    ]
    assert criteria_snapshot(framework) == before
    assert AuditEvent.objects.count() == 0


def test_only_framework_managers_may_import():
    framework = FrameworkFactory()
    staff = user_with_role(Role.UNIT_STAFF, unit=UnitFactory())

    with pytest.raises(PermissionDenied):
        framework_import(actor=staff, framework=framework, file=xlsx([]))

    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    content = xlsx([["1", "Lĩnh vực", None, 1, "yes_no", None, None, 1, 0, None]])
    assert framework_import(actor=secretary, framework=framework, file=content).created == 1
    assert AuditEvent.objects.get().actor == secretary


NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx) đọc được; hãy dùng tệp xuất từ cổng hoặc lưu lại dưới dạng .xlsx."


def zip_without_workbook() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return stream.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Ma;Noi dung\n1;Linh vuc\n", NOT_XLSX),
        (b"", NOT_XLSX),
        (zip_without_workbook(), NOT_XLSX),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
            "Tệp .xls (Excel 97–2003) hoặc tệp Excel có đặt mật khẩu không được hỗ trợ; "
            "hãy bỏ mật khẩu và lưu lại dưới dạng Excel Workbook (.xlsx).",
        ),
    ],
)
def test_non_excel_files_are_refused(content, message):
    framework = FrameworkFactory()

    assert import_errors(framework, content) == [message]
    assert Criterion.objects.count() == 0


def test_wrong_headers_are_refused():
    framework = FrameworkFactory()
    content = xlsx([["1", "Lĩnh vực", 1]], headers=["Mã số", "Nội dung", "Điểm"])

    assert import_errors(framework, content) == [
        "Dòng 1: thiếu cột “Mã”.",
        "Dòng 1: thiếu cột “Điểm tối đa”.",
        "Dòng 1: cột “Mã số” không thuộc mẫu; các cột hợp lệ: " + ", ".join(HEADERS) + ".",
        "Dòng 1: cột “Điểm” không thuộc mẫu; các cột hợp lệ: " + ", ".join(HEADERS) + ".",
    ]


def test_a_file_without_criteria_is_refused():
    assert import_errors(FrameworkFactory(), xlsx([])) == ["Tệp không có dòng tiêu chí nào (từ dòng 2 trở đi)."]


# ---- management commands -----------------------------------------------------------------------


def test_commands_round_trip_and_create_the_missing_framework(tmp_path: Path):
    source = small_framework()
    source.block.code = "phuong"
    source.block.save()
    period = PeriodFactory(authority=source.period.authority, year=2030)
    path = tmp_path / "bo-chi-so.xlsx"
    out = io.StringIO()

    call_command(
        "framework_export", "--year", str(source.period.year), "--block", "phuong", "-o", str(path), stdout=out
    )
    call_command("framework_import", "--year", "2030", "--block", "phuong", str(path), stdout=out)

    target = Framework.objects.get(period=period, block=source.block)
    assert target.name == f"Bộ chỉ số {source.block.name} năm 2030"
    assert criteria_snapshot(target) == criteria_snapshot(source)
    assert out.getvalue().splitlines()[-1] == f"Đã nhập “{target.name}”: 10 tiêu chí mới, cập nhật 0 tiêu chí."


def test_import_command_prints_line_errors_fails_and_creates_nothing(tmp_path: Path):
    framework = FrameworkFactory(block__code="phuong")
    path = tmp_path / "loi.xlsx"
    path.write_bytes(xlsx([["1", "Lĩnh vực", None, "x", None, None, None, 1, 0, None]]))
    err = io.StringIO()
    year = framework.period.year + 1
    PeriodFactory(authority=framework.period.authority, year=year)

    with pytest.raises(CommandError, match="Nhập không thành công: 1 lỗi, chưa lưu gì."):
        call_command("framework_import", "--year", str(year), "--block", "phuong", str(path), stderr=err)

    assert err.getvalue() == "Dòng 2: “Điểm tối đa” là “x”, không phải là số.\n"
    assert Framework.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_export_command_explains_a_missing_period(tmp_path: Path):
    FrameworkFactory(block__code="phuong")

    with pytest.raises(CommandError, match="^UBND quận Thanh Xuân chưa có kỳ đánh giá năm 1999.$"):
        call_command("framework_export", "--year", "1999", "--block", "phuong", "-o", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


# ---- admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def test_admin_framework_page_offers_export_and_import(admin_client):
    framework = small_framework()

    response = admin_client.get(reverse("admin:scoring_framework_change", args=[framework.pk]))

    assert response.status_code == 200
    assert reverse("admin:scoring_framework_export", args=[framework.pk]) in response.text
    assert reverse("admin:scoring_framework_import", args=[framework.pk]) in response.text


def test_admin_export_downloads_the_tree(admin_client):
    framework = small_framework()

    response = admin_client.get(reverse("admin:scoring_framework_export", args=[framework.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bo-chi-so-{framework.block.code}-{framework.period.year}.xlsx"'
    )
    assert len(sheet_rows(response.content)) == 11


def test_admin_import_saves_a_good_file(admin_client):
    source = small_framework()
    target = empty_framework_beside(source)
    upload = io.BytesIO(framework_export(framework=source))
    upload.name = "bo-chi-so.xlsx"

    response = admin_client.post(
        reverse("admin:scoring_framework_import", args=[target.pk]), {"file": upload}, follow=True
    )

    assert response.redirect_chain == [(reverse("admin:scoring_framework_change", args=[target.pk]), 302)]
    assert "Đã nhập: 10 tiêu chí mới, cập nhật 0 tiêu chí." in response.text
    assert criteria_snapshot(target) == criteria_snapshot(source)


def test_admin_import_shows_row_errors_and_saves_nothing(admin_client):
    framework = FrameworkFactory()
    upload = io.BytesIO(
        xlsx(
            [
                ["1", "Lĩnh vực", None, 1, "yes_no", None, None, 1, 0, None],
                ["2", "Lĩnh vực", None, 1, "bogus", None, None, 1, 0, None],
            ]
        )
    )
    upload.name = "loi.xlsx"

    response = admin_client.post(reverse("admin:scoring_framework_import", args=[framework.pk]), {"file": upload})

    assert response.status_code == 200
    assert "Chưa nhập gì: tệp có 1 lỗi." in response.text
    assert "Dòng 3: Cách chấm “bogus” không hợp lệ" in response.text
    assert Criterion.objects.count() == 0


def test_admin_frozen_framework_is_read_only_and_offers_no_import(admin_client):
    framework = small_framework()
    Period.objects.filter(pk=framework.period_id).update(state=Period.State.SELF_ASSESSMENT)
    criterion = framework.criteria.get(code="1.1.1")

    page = admin_client.get(reverse("admin:scoring_framework_change", args=[framework.pk]))
    posted = admin_client.post(reverse("admin:scoring_criterion_change", args=[criterion.pk]), {"title": "Sửa"})

    assert reverse("admin:scoring_framework_import", args=[framework.pk]) not in page.text
    assert posted.status_code == 403
    assert Criterion.objects.get(pk=criterion.pk).title == "Ban hành kế hoạch CCHC năm"


def test_admin_audit_log_is_read_only(admin_client):
    event = AuditEvent.objects.create(action="framework.import", summary="x")

    assert admin_client.get(reverse("admin:scoring_auditevent_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:scoring_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_import_page_is_refused_to_unit_staff(client):
    framework = FrameworkFactory()
    client.force_login(user_with_role(Role.UNIT_STAFF, unit=UnitFactory()))

    response = client.get(reverse("admin:scoring_framework_import", args=[framework.pk]))

    assert response.status_code == 302  # the admin site sends people without admin rights to its login
    assert Criterion.objects.count() == 0
