"""The framework workbook carries everything a framework has: tree, bonus and penalty items with their caps,
the year's classification bands and ranking, and whether the year has a survey."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from scoring.demo.frameworks import BLOCK_CODES, YEARS, build_framework, framework_spec
from scoring.demo.province_frameworks import BLOCK_CODES as PROVINCE_BLOCKS
from scoring.demo.province_frameworks import YEARS as PROVINCE_YEARS
from scoring.demo.province_frameworks import province_framework_spec
from scoring.frameworks.workbook import framework_export, framework_import
from scoring.models import AdjustmentItem, AuditEvent, ClassificationBand, Framework, Period, ResultsConfig
from tests.factories import BlockFactory, FrameworkFactory, PeriodFactory, criteria_snapshot, small_framework

pytestmark = pytest.mark.django_db

THANH_XUAN_BANDS = [(Decimal(90), "Tốt"), (Decimal(80), "Khá"), (Decimal(70), "Trung bình"), (Decimal(0), "Yếu")]


@pytest.fixture(autouse=True)
def _keep_period_years_in_range():
    yield
    PeriodFactory.reset_sequence()


def everything(framework: Framework) -> dict:
    """All a framework has, in the order a reader sees it (primary keys and raw positions left out)."""
    framework = Framework.objects.select_related("period").get(pk=framework.pk)
    config = ResultsConfig.objects.filter(period=framework.period).first()
    return {
        "name": framework.name,
        "caps": (framework.bonus_cap, framework.penalty_cap),
        "tree": criteria_snapshot(framework),
        "items": list(
            framework.adjustment_items.order_by("kind", "position", "id").values_list(
                "kind", "code", "title", "max_points"
            )
        ),
        "bands": list(framework.period.classification_bands.order_by("-min_index").values_list("min_index", "label")),
        "ranking": config.ranking_method if config else "rank",
        "has_survey": framework.period.has_survey,
    }


def wipe(framework: Framework) -> Framework:
    """Leave the framework empty, its period with no bands and default settings: what a new installation has."""
    framework.criteria.all().delete()
    framework.adjustment_items.all().delete()
    ClassificationBand.objects.filter(period=framework.period).delete()
    ResultsConfig.objects.filter(period=framework.period).delete()
    Period.objects.filter(pk=framework.period_id).update(has_survey=True)
    Framework.objects.filter(pk=framework.pk).update(name="Bộ chỉ số mới", bonus_cap=0, penalty_cap=0)
    return Framework.objects.select_related("period").get(pk=framework.pk)


def sheets_of(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def with_sheet(content: bytes, title: str, rows: list[list] | None) -> bytes:
    """The file with one worksheet replaced (or removed when rows is None)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    index = book.sheetnames.index(title)
    del book[title]
    if rows is not None:
        sheet = book.create_sheet(title, index)
        for row in rows:
            sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


DEMO_FRAMEWORKS = [(framework_spec, block, year) for block in BLOCK_CODES for year in YEARS] + [
    (province_framework_spec, block, year) for block in PROVINCE_BLOCKS for year in PROVINCE_YEARS
]


@pytest.mark.parametrize(
    ("spec_of", "block_code", "year"), DEMO_FRAMEWORKS, ids=[f"{b}-{y}" for _s, b, y in DEMO_FRAMEWORKS]
)
def test_every_demo_framework_survives_export_and_import_unchanged(spec_of, block_code, year):
    # given: the demo framework, in a period with the demo's bands, dense ranking and (one year) no survey
    spec = spec_of(block_code, year)
    period = PeriodFactory(year=year, has_survey=year != 2022)
    framework = FrameworkFactory(
        period=period,
        block=BlockFactory(authority=period.authority, code=block_code),
        name=spec["name"],
        bonus_cap=spec["bonus_cap"],
        penalty_cap=spec["penalty_cap"],
    )
    build_framework(framework=framework, spec=spec)
    ClassificationBand.objects.bulk_create(
        ClassificationBand(period=period, min_index=minimum, label=label) for minimum, label in THANH_XUAN_BANDS
    )
    ResultsConfig.objects.create(period=period, ranking_method=ResultsConfig.RankingMethod.DENSE)
    original = everything(framework)
    content = framework_export(framework=framework)

    # when: everything is gone, and the file comes back
    report = framework_import(actor=None, framework=wipe(framework), file=content)

    # then
    assert everything(framework) == original
    assert len(original["tree"]) == report.created
    assert len(original["items"]) == len(spec["adjustments"])
    assert report.settings_changed == (
        ("Tên bộ chỉ số", "Điểm thưởng tối đa", "Điểm trừ tối đa", "Thưởng, trừ")
        + (("Có điều tra xã hội học",) if year == 2022 else ())
        + ("Cách xếp hạng", "Xếp loại")
    )
    # and the same file again changes nothing
    again = framework_import(actor=None, framework=framework, file=content)
    assert (again.created, again.updated, again.settings_changed) == (0, len(original["tree"]), ())
    assert everything(framework) == original


def test_the_other_worksheets_say_it_all(django_assert_num_queries):
    framework = small_framework()
    framework.name, framework.bonus_cap, framework.penalty_cap = "Bộ chỉ số thử", Decimal("3"), Decimal("2.5")
    framework.save()
    AdjustmentItem.objects.create(framework=framework, kind="penalty", code="TR1", title="=Vi phạm", max_points=2)
    AdjustmentItem.objects.create(framework=framework, kind="bonus", code="TH1", title="Sáng kiến", max_points=1.5)
    ClassificationBand.objects.create(period=framework.period, min_index=Decimal("93"), label="Xuất sắc")
    ClassificationBand.objects.create(period=framework.period, min_index=Decimal("0"), label="Chưa đạt")

    sheets = sheets_of(framework_export(framework=framework))

    assert list(sheets) == ["Bộ chỉ số", "Thưởng, trừ", "Xếp loại", "Cấu hình"]
    assert sheets["Thưởng, trừ"] == [
        ("Loại", "Mã", "Nội dung", "Điểm tối đa"),
        ("Điểm thưởng", "TH1", "Sáng kiến", 1.5),
        ("Điểm trừ", "TR1", "'=Vi phạm", 2),
    ]
    assert sheets["Xếp loại"] == [("Từ chỉ số (%)", "Xếp loại"), (93, "Xuất sắc"), (0, "Chưa đạt")]
    assert sheets["Cấu hình"] == [
        ("Mục", "Giá trị"),
        ("Năm đánh giá", framework.period.year),
        ("Tên bộ chỉ số", "Bộ chỉ số thử"),
        ("Điểm thưởng tối đa", 3),
        ("Điểm trừ tối đa", 2.5),
        ("Cách xếp hạng", "rank"),
        ("Có điều tra xã hội học", 1),
    ]


def test_an_older_file_with_the_tree_alone_leaves_items_bands_and_settings_as_they_are():
    framework = small_framework()
    AdjustmentItem.objects.create(framework=framework, kind="bonus", code="TH1", title="Sáng kiến", max_points=1)
    Framework.objects.filter(pk=framework.pk).update(bonus_cap=2)
    ClassificationBand.objects.create(period=framework.period, min_index=Decimal("90"), label="Tốt")
    before = everything(framework)
    content = framework_export(framework=framework)
    for title in ("Thưởng, trừ", "Xếp loại", "Cấu hình"):
        content = with_sheet(content, title, None)

    report = framework_import(actor=None, framework=framework, file=content)

    assert report.settings_changed == ()
    assert everything(framework) == before


def test_bad_rows_on_the_other_worksheets_are_named_and_nothing_is_saved():
    framework = small_framework()
    content = framework_export(framework=framework)
    content = with_sheet(
        content,
        "Thưởng, trừ",
        [
            ["Loại", "Mã", "Nội dung", "Điểm tối đa"],
            ["Điểm thưởng", "TH1", "Sáng kiến", 1],
            ["Thưởng", "TH2", "", "một"],
            ["Điểm trừ", "TH1", "Lặp mã", 0],
        ],
    )
    content = with_sheet(content, "Xếp loại", [["Từ chỉ số (%)", "Xếp loại"], [93, "Xuất sắc"], [93, "Tốt"], [101, ""]])
    content = with_sheet(
        content,
        "Cấu hình",
        [["Mục", "Giá trị"], ["Cách xếp hạng", "theo vần"], ["Màu", "xanh"], ["Điểm thưởng tối đa", -1]],
    )

    with pytest.raises(ValidationError) as refused:
        framework_import(actor=None, framework=framework, file=content)

    assert refused.value.messages == [
        "Trang “Cấu hình”, dòng 2: “Cách xếp hạng” là “theo vần”; hãy ghi “rank” (Đồng hạng rồi bỏ hạng kế tiếp "
        "(1, 2, 2, 4)) hoặc “dense” (Đồng hạng không bỏ hạng (1, 2, 2, 3)).",
        "Trang “Cấu hình”, dòng 3: Mục “Màu” không có; các mục: Năm đánh giá, Tên bộ chỉ số, Điểm thưởng tối đa, "
        "Điểm trừ tối đa, Cách xếp hạng, Có điều tra xã hội học.",
        "Trang “Cấu hình”, dòng 4: “Điểm thưởng tối đa” không được âm.",
        "Trang “Thưởng, trừ”, dòng 3: “Loại” là “Thưởng”; hãy ghi “Điểm thưởng” hoặc “Điểm trừ”.",
        "Trang “Thưởng, trừ”, dòng 3: Thiếu “Nội dung”.",
        "Trang “Thưởng, trừ”, dòng 3: “Điểm tối đa” là “một”, không phải là số.",
        "Trang “Thưởng, trừ”, dòng 4: Mã “TH1” trùng với dòng 2.",
        "Trang “Thưởng, trừ”, dòng 4: “Điểm tối đa” phải lớn hơn 0.",
        "Trang “Xếp loại”, dòng 3: Ngưỡng 93% trùng với dòng 2.",
        "Trang “Xếp loại”, dòng 4: “Từ chỉ số (%)” phải nhỏ hơn 100,01.",
        "Trang “Xếp loại”, dòng 4: Thiếu “Xếp loại”.",
    ]
    assert not AdjustmentItem.objects.exists()
    assert not ClassificationBand.objects.exists()
    assert not AuditEvent.objects.filter(action="framework.import").exists()


def test_items_above_their_cap_are_refused():
    framework = small_framework()
    content = with_sheet(
        framework_export(framework=framework),
        "Thưởng, trừ",
        [["Loại", "Mã", "Nội dung", "Điểm tối đa"], ["Điểm thưởng", "TH1", "Sáng kiến", 2]],
    )

    with pytest.raises(ValidationError) as refused:
        framework_import(actor=None, framework=framework, file=content)

    assert refused.value.messages == ["Trang “Thưởng, trừ”: Mục TH1 (2 điểm) vượt mức trần 0 của điểm thưởng."]


def test_a_framework_copied_from_another_year_takes_this_years_name():
    source = small_framework()
    source.name = f"Bộ chỉ số khối phường năm {source.period.year}"
    source.save()
    target = FrameworkFactory(period=PeriodFactory(authority=source.period.authority, year=2090), block=source.block)

    framework_import(actor=None, framework=target, file=framework_export(framework=source))

    target.refresh_from_db()
    assert target.name == "Bộ chỉ số khối phường năm 2090"


@pytest.mark.parametrize("word,has_survey", [("Sai", False), ("không", False), ("Đúng", True), ("x", True)])
def test_the_survey_setting_reads_the_yes_no_words_of_every_import(word, has_survey):
    # this worksheet knew 1/0, có/không, true/false but not đúng/sai, which the other imports take
    framework = small_framework()
    Period.objects.filter(pk=framework.period_id).update(has_survey=not has_survey)
    content = framework_export(framework=framework)
    settings = [row for row in sheets_of(content)["Cấu hình"] if row[0] != "Có điều tra xã hội học"]
    content = with_sheet(content, "Cấu hình", [list(row) for row in settings] + [["Có điều tra xã hội học", word]])

    report = framework_import(actor=None, framework=framework, file=content)

    assert report.settings_changed == ("Có điều tra xã hội học",)
    assert Period.objects.get(pk=framework.period_id).has_survey is has_survey
