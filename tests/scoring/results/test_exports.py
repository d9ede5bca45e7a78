"""Exports of published results: annex and scorecard PDFs, the Excel workbook, JSON and CSV open data."""

import csv
import datetime
import io
import json
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from scoring import models
from tests.factories import (
    FORMULA_NAME,
    FULL,
    RANKING_HEADERS,
    AuthorityFactory,
    BlockFactory,
    UnitFactory,
    get_as,
    publish_results,
)
from tests.factories import PUBLISHED_YEAR as YEAR
from tests.factories import user_with_role as role_user
from tests.pdfs import pdf_text
from units.models import Role

pytestmark = pytest.mark.django_db

VIETNAMESE_NAME = (
    "K%E1%BA%BFt%20qu%E1%BA%A3%20Ch%E1%BB%89%20s%E1%BB%91%20CCHC%20n%C4%83m%202022"  # Kết quả Chỉ số CCHC năm 2022
)


def url(name, year=YEAR, **query):
    path = reverse(name, kwargs={"year": year, "file_year": year})
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def scorecard_url(published, unit_key="thuong_dinh"):
    return reverse("results_scorecard_pdf", args=[YEAR, published[unit_key].code])


# ---------------------------------------------------------------------------------------------
# PDF


def test_annex_pdf_reads_like_the_decisions_annex(client, published):
    response = get_as(client, published["leadership"], url("results_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, layout=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập – Tự do – Hạnh phúc" in text
    assert "UBND quận Thanh Xuân" in text
    assert "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022" in text
    assert "Kèm theo Quyết định số 15/QĐ-UBND ngày 16/01/2023 của UBND quận Thanh Xuân" in text
    assert "Khối phường" in text and "Khối phòng, ban, đơn vị" in text
    for name in ["UBND phường Thượng Đình", "UBND phường Hạ Đình", "UBND phường Kim Giang", "Phòng Nội vụ"]:
        assert name in text
    lines = [line.split() for line in text.splitlines()]
    assert ["1", "UBND", "phường", "Thượng", "Đình", "8,60", "9,00(1)", "95,56", "Tốt"] in lines
    assert ["2", "UBND", "phường", "Hạ", "Đình", "9,00", "10,00", "90,00", "Tốt"] in lines
    assert "Không xếp hạng: Mới sáp nhập" in text
    assert "So sánh với năm 2021" in text
    assert [
        "UBND",
        "phường",
        "Thượng",
        "Đình",
        "8,00",
        "8,60",
        "+0,60",
        "80,00",
        "95,56",
        "+15,56",
        "2",
        "1",
        "+1",
    ] in [line for line in lines]
    assert "Bình quân của khối" in text
    assert "Trang 1/" in text


def test_annex_first_page_renders_to_an_image(client, published, tmp_path):
    content = get_as(client, published["secretary"], url("results_pdf")).content
    (tmp_path / "annex.pdf").write_bytes(content)

    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "annex.pdf"), str(tmp_path / "page")],
        check=True,
    )

    images = list(tmp_path.glob("page*.png"))
    assert len(images) == 1
    assert images[0].read_bytes().startswith(b"\x89PNG")


def test_scorecard_pdf_shows_every_criterion_with_not_applicable_marks_and_reasons(client, published):
    response = get_as(client, published["own_staff"], scorecard_url(published))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, layout=True)
    assert "PHIẾU KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022" in text
    assert "UBND phường Thượng Đình — Khối phường" in text
    assert "Kèm theo Quyết định số 15/QĐ-UBND ngày 16/01/2023" in text
    lines = [line.split() for line in text.splitlines()]
    assert ["Xếp", "hạng", "trong", "khối", "1/2"] in lines
    assert ["Chỉ", "số", "(%)", "95,56"] in lines
    assert "Mức độ thực hiện kế hoạch" in text
    criterion_lines = {line[0]: " ".join(line[1:]) for line in lines if line and line[0][0].isdigit()}
    assert criterion_lines["1.1.2"] == "Mức độ thực hiện kế hoạch 2,00 2,00 2,00"
    assert criterion_lines["1.2"].endswith("2,00 1,60 1,60")
    assert criterion_lines["1.3"] == "Kiểm tra công tác CCHC 1,00 Không áp dụng Không áp dụng"
    assert "Phường không có chức năng" in text and "kiểm tra" in text


# ---------------------------------------------------------------------------------------------
# Excel


def test_workbook_has_a_ranking_and_a_criterion_matrix_per_block_and_an_info_sheet(client, published):
    response = get_as(client, published["leadership"], url("results_xlsx"))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Thông tin",
        "Khối phường",
        "Khối phòng, ban, đơn vị",
        "Tiêu chí - Khối phường",
        "Tiêu chí - Khối phòng, ban, đơn",  # Excel allows 31 characters
        "Thống kê",
    ]
    ranking = book["Khối phường"]
    assert [cell.value for cell in ranking[1]] == [
        *RANKING_HEADERS,
        "Điểm thưởng",
        "Điểm trừ",
        "Người đứng đầu",
        "Điểm năm 2021",
        "Chỉ số năm 2021",
        "Hạng năm 2021",
        "Thay đổi điểm",
        "Thay đổi chỉ số",
        "Thay đổi hạng",
        "Ghi chú",
    ]
    assert [cell.value for cell in ranking[2]][:10] == [
        1,
        "thuong-dinh",
        "UBND phường Thượng Đình",
        8.6,
        10,
        9,
        95.56,
        "Tốt",
        0,
        0,
    ]
    assert [cell.value for cell in ranking[2]][11:] == [
        8,
        80,
        2,
        0.6,
        15.56,
        1,
        "Có tiêu chí không áp dụng: điểm tối đa giảm từ 10,00 xuống 9,00.",
    ]
    assert ranking["A4"].value == "Không xếp hạng" and ranking["R4"].value == "Mới sáp nhập"
    assert ranking["L3"].value == "Mới"
    matrix = book["Tiêu chí - Khối phường"]
    assert [cell.value for cell in matrix[1]] == [
        "Mã đơn vị",
        "Đơn vị",
        "Điểm tối đa sau điều chỉnh",
        "Tổng điểm",
        "Chỉ số (%)",
        *FULL,  # every leaf of small_framework, in tree order
    ]
    assert [cell.value for cell in matrix[3]] == [
        "thuong-dinh",
        "UBND phường Thượng Đình",
        9,
        8.6,
        95.56,
        1,
        2,
        1.6,
        "KAD",
        1.5,
        1.5,
        1,
    ]
    assert any(str(cell.value).startswith("KAD: Không áp dụng") for cell in matrix["A"])
    info = {row[0].value: row[1].value for row in book["Thông tin"].iter_rows(min_row=3) if row[0].value}
    assert info["Quyết định số"] == "15/QĐ-UBND"
    assert info["Ngày quyết định"] == "16/01/2023"
    assert info["Lần công bố"] == 1
    assert info["Thời điểm tạo tệp"]


def test_a_unit_name_that_looks_like_a_formula_stays_text_in_the_workbook(client, published):
    book = load_workbook(io.BytesIO(get_as(client, published["leadership"], url("results_xlsx")).content))

    for sheet_name, column in [("Khối phòng, ban, đơn vị", "C"), ("Tiêu chí - Khối phòng, ban, đơn", "B")]:
        cells = [cell for cell in book[sheet_name][column] if cell.value == FORMULA_NAME]
        assert len(cells) == 1, sheet_name
        assert cells[0].data_type == "s"
        assert cells[0].quotePrefix is True


# ---------------------------------------------------------------------------------------------
# Open data


def test_json_matches_the_published_page(client, published):
    client.force_login(published["other_staff"])
    page = client.get(reverse("results_published", args=[YEAR]))
    data = json.loads(client.get(url("results_json")).content)

    shown = [(row.unit_name, row.rank, row.index) for block in page.context["blocks"] for row, _ in block["lines"]]
    in_json = [
        (record["unit_name"], record["rank"], None if record["index"] is None else Decimal(str(record["index"])))
        for record in data["results"]
    ]
    assert in_json == shown
    assert [(name, rank) for name, rank, _ in in_json] == [
        ("UBND phường Thượng Đình", 1),
        ("UBND phường Hạ Đình", 2),
        ("UBND phường Kim Giang", None),
        ("Phòng Nội vụ", 1),
        (FORMULA_NAME, 2),
    ]
    for _name, _rank, index in in_json:
        assert f"{index:.2f}".replace(".", ",") in page.text


def test_json_carries_the_decision_the_adjusted_maximum_and_the_change_from_last_year(client, published):
    data = json.loads(get_as(client, published["secretary"], url("results_json")).content)

    assert (data["year"], data["version"], data["decision_number"], data["decision_date"]) == (
        2022,
        1,
        "15/QĐ-UBND",
        "2023-01-16",
    )
    assert data["results"][0] == {
        "year": 2022,
        "version": 1,
        "decision_number": "15/QĐ-UBND",
        "decision_date": "2023-01-16",
        "block": "phuong",
        "block_name": "Khối phường",
        "rank": 1,
        "is_ranked": True,
        "unit_code": "thuong-dinh",
        "unit_name": "UBND phường Thượng Đình",
        "points": 8.6,
        "max_points": 10.0,
        "adjusted_max": 9.0,
        "index": 95.56,
        "band": "Tốt",
        "bonus": 0.0,
        "penalty": 0.0,
        "exclusion_reason": "",
        "is_new": False,
        "previous_year": 2021,
        "previous_rank": 2,
        "previous_points": 8.0,
        "previous_index": 80.0,
        "change_points": 0.6,
        "change_index": 15.56,
        "change_rank": 1,
    }
    assert data["results"][1]["is_new"] is True and data["results"][1]["change_points"] is None
    assert data["results"][2]["is_ranked"] is False and data["results"][2]["exclusion_reason"] == "Mới sáp nhập"


def test_csv_has_a_byte_order_mark_and_round_trips_to_the_json_records(client, published):
    client.force_login(published["secretary"])
    response = client.get(url("results_csv"))
    records = json.loads(client.get(url("results_json")).content)["results"]

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(records) == 5
    assert rows[0]["unit_name"] == "UBND phường Thượng Đình"
    assert rows[0]["index"] == "95.56" and rows[0]["adjusted_max"] == "9.00" and rows[0]["change_rank"] == "1"
    assert rows[4]["unit_name"] == "'" + FORMULA_NAME  # neutralised for spreadsheets
    for row, record in zip(rows[:4], records[:4], strict=True):
        assert row["unit_name"] == record["unit_name"]
        assert row["rank"] == ("" if record["rank"] is None else str(record["rank"]))
        assert (Decimal(row["index"]) if row["index"] else None) == (
            None if record["index"] is None else Decimal(str(record["index"]))
        )
        assert row["is_ranked"] == str(record["is_ranked"]).lower()


def test_the_block_filter_keeps_one_block(client, published):
    data = json.loads(get_as(client, published["secretary"], url("results_json", block="phong-ban")).content)

    assert [record["unit_name"] for record in data["results"]] == ["Phòng Nội vụ", FORMULA_NAME]


def test_the_management_command_prints_what_the_endpoints_serve(client, published):
    client.force_login(published["secretary"])
    for format_name, url_name in [("json", "results_json"), ("csv", "results_csv")]:
        output = io.StringIO()
        call_command("results", year=YEAR, format=format_name, stdout=output)
        assert output.getvalue().encode("utf-8") == client.get(url(url_name)).content, format_name
    output = io.StringIO()
    call_command("results", "--year", str(YEAR), "--block", "phuong", "--format", "json", stdout=output)
    assert [record["unit_code"] for record in json.loads(output.getvalue())["results"]] == [
        "thuong-dinh",
        "ha-dinh",
        "kim-giang",
    ]


# ---------------------------------------------------------------------------------------------
# Versions, headers and access


def test_an_older_version_stays_downloadable(client, published):
    publish_results(
        published["period"], published["secretary"], published["leadership"], number="16/QĐ-UBND", reason="Sửa lỗi nhập"
    )
    client.force_login(published["secretary"])

    latest = json.loads(client.get(url("results_json")).content)
    first = json.loads(client.get(url("results_json", version=1)).content)

    assert (latest["version"], latest["decision_number"]) == (2, "16/QĐ-UBND")
    assert (first["version"], first["decision_number"]) == (1, "15/QĐ-UBND")
    assert client.get(url("results_json", version=9)).status_code == 404
    assert client.get(url("results_json", version="x")).status_code == 404


def test_the_year_in_the_file_name_must_match(client, published):
    client.force_login(published["secretary"])
    address = reverse("results_json", kwargs={"year": YEAR, "file_year": YEAR + 1})
    assert client.get(address).status_code == 404


@pytest.mark.parametrize(
    "name,content_type,disposition",
    [
        (
            "results_pdf",
            "application/pdf",
            "inline; filename*=utf-8''" + VIETNAMESE_NAME + ".pdf",
        ),
        (
            "results_xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "attachment; filename*=utf-8''" + VIETNAMESE_NAME + ".xlsx",
        ),
        ("results_json", "application/json; charset=utf-8", 'inline; filename="ket-qua-2022.json"'),
        ("results_csv", "text/csv; charset=utf-8", 'attachment; filename="ket-qua-2022.csv"'),
    ],
)
def test_files_say_what_they_are_and_are_private_unless_the_period_is_public(
    client, published, name, content_type, disposition
):
    client.force_login(published["secretary"])
    response = client.get(url(name))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition
    assert "private" in response["Cache-Control"]

    models.ResultsConfig.objects.create(period=published["period"], is_public=True)
    client.logout()
    response = client.get(url(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"


def test_the_scorecard_file_name_carries_the_unit_name(client, published):
    response = get_as(client, published["own_head"], scorecard_url(published))

    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''K%E1%BA%BFt%20qu%E1%BA%A3%20Ch%E1%BB%89%20s%E1%BB%91%20CCHC%20n%C4%83m%202022"
        "%20-%20UBND%20ph%C6%B0%E1%BB%9Dng%20Th%C6%B0%E1%BB%A3ng%20%C4%90%C3%ACnh.pdf"
    )
    assert "private" in response["Cache-Control"]


YEAR_FILES = ["results_pdf", "results_xlsx", "results_json", "results_csv"]
# Who gets a published year's files while the results are private, then once they are public: a visitor is sent to
# log in, everyone logged in gets them.
PUBLISHED_FILE_ACCESS = [
    ("anonymous", 302, 200),
    ("own_staff", 200, 200),
    ("own_head", 200, 200),
    ("other_staff", 200, 200),
    ("council_member", 200, 200),
    ("secretary", 200, 200),
    ("leadership", 200, 200),
]


@pytest.mark.parametrize("name", YEAR_FILES)
@pytest.mark.parametrize("who,private,public", PUBLISHED_FILE_ACCESS)
def test_year_files_follow_the_published_ranking_rules(client, published, name, who, private, public):
    address = url(name)
    response = get_as(client, published[who], address)
    assert response.status_code == private
    if private == 302:
        assert response["Location"] == f"{reverse('login')}?next={address}"
    models.ResultsConfig.objects.create(period=published["period"], is_public=True)
    assert client.get(address).status_code == public


@pytest.mark.parametrize("who,private,public", PUBLISHED_FILE_ACCESS)
def test_a_scorecard_follows_the_published_unit_page(client, published, who, private, public):
    address = scorecard_url(published)
    page = reverse("results_published_unit", args=[YEAR, published["thuong_dinh"].pk])
    assert get_as(client, published[who], address).status_code == private
    assert client.get(page).status_code == (404 if private == 302 else 200)
    models.ResultsConfig.objects.create(period=published["period"], is_public=True)
    assert client.get(address).status_code == public
    assert client.get(page).status_code == public


@pytest.mark.parametrize("who", ["anonymous", "secretary"])
def test_nothing_is_served_for_a_year_without_publication(client, published, who):
    address = url("results_json", year=YEAR + 5)
    response = get_as(client, published[who], address)
    assert response.status_code == (302 if who == "anonymous" else 404)
    assert (
        get_as(client, published["secretary"], reverse("results_scorecard_pdf", args=[YEAR, "khong-co"])).status_code
        == 404
    )


# ---------------------------------------------------------------------------------------------
# A fixed number of queries whatever the number of units


def snapshot_rows(publication, block, units):
    return models.ResultRow.objects.bulk_create(
        models.ResultRow(
            publication=publication,
            unit=unit,
            block=block,
            unit_name=unit.name,
            block_name=block.name,
            position=number,
            rank=number + 1,
            criteria_points=Decimal(90),
            bonus=Decimal(0),
            penalty=Decimal(0),
            points=Decimal(90) - Decimal(number) / 100,
            max_points=Decimal(100),
            adjusted_max=Decimal(100),
            index=Decimal(90) - Decimal(number) / 100,
        )
        for number, unit in enumerate(units)
    )


def published_snapshot(count: int, criteria: int = 30) -> models.Period:
    """Two published years of `count` units, with areas and `criteria` leaf scores, written straight into the
    snapshot tables."""
    authority = AuthorityFactory()
    block = BlockFactory(authority=authority, name="Khối đơn vị")
    units = UnitFactory.create_batch(count, block=block)
    leader = role_user(Role.LEADERSHIP)
    for year in (2029, 2030):
        period = models.Period.objects.create(authority=authority, year=year, state=models.Period.State.PUBLISHED)
        publication = models.ResultPublication.objects.create(
            period=period,
            version=1,
            decision_number=f"1/QĐ-{year}",
            decision_date=datetime.date(year + 1, 1, 5),
            ranking_method="rank",
            published_by=leader,
        )
        rows = snapshot_rows(publication, block, units)
    models.ResultAreaRow.objects.bulk_create(
        models.ResultAreaRow(
            row=row,
            code=str(area),
            title=f"Lĩnh vực {area}",
            position=area,
            points=Decimal(10),
            max_points=Decimal(12),
            adjusted_max=Decimal(12),
            index=Decimal("83.33"),
        )
        for row in rows
        for area in range(1, 4)
    )
    models.ResultCriterionRow.objects.bulk_create(
        models.ResultCriterionRow(
            row=row,
            code=f"1.{leaf}",
            title=f"Tiêu chí {leaf}",
            position=leaf,
            max_points=Decimal(3),
            final_points=Decimal(3),
            is_not_applicable=leaf == 5,
        )
        for row in rows
        for leaf in range(1, criteria + 1)
    )
    return period


@pytest.mark.parametrize("count", [20, 200])
@pytest.mark.parametrize("name,queries", [("results_json", 6), ("results_csv", 6), ("results_xlsx", 9)])
def test_open_data_and_excel_run_a_fixed_number_of_queries(client, django_assert_num_queries, count, name, queries):
    period = published_snapshot(count)
    client.force_login(role_user(Role.LEADERSHIP))
    # session, user, publication, rows, previous publication, its rows; Excel adds criteria, statistics, areas
    with django_assert_num_queries(queries):
        response = client.get(url(name, year=period.year))
    assert response.status_code == 200


def test_the_annex_pdf_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    period = published_snapshot(20)
    client.force_login(role_user(Role.LEADERSHIP))
    # session, user, publication, rows, areas, previous publication, its rows, block statistics, area averages
    with django_assert_num_queries(9):
        response = client.get(url("results_pdf", year=period.year))
    assert response.status_code == 200
