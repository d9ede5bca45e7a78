"""Issue "Results": preliminary release, a unit's objection, its resolution, publication, and the public ranking."""

import datetime
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from scoring.models import BlockFinalisation, Criterion, Objection, Period, Score, Stage
from scoring.results.services import objection_file
from tests.e2e.helpers import accept_objection, alert, cells, login, navigation
from tests.factories import (
    FULL,
    NOT_APPLICABLE,
    RANKING_HEADERS,
    UnitFactory,
    enter_scores,
    full_minus,
    publish_snapshot,
    release_preliminary,
    standard_bands,
    submitted_sheet,
    user_with_role,
    ward_framework,
)
from tests.pdfs import pdf_text
from units.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2023
SCREENSHOT = "/tmp/journey-results.png"
PDF_PAGE_PREFIX = "/tmp/journey-results-pdf"
AUTHORITY = "UBND quận Thanh Xuân"
THUONG_DINH, HA_DINH, KIM_GIANG = "UBND phường Thượng Đình", "UBND phường Hạ Đình", "UBND phường Kim Giang"
HEADS = {THUONG_DINH: "Nguyễn Văn An", HA_DINH: "Phạm Thị Bình", KIM_GIANG: "Lê Văn Trưởng"}
COUNCIL_REASON = "Không có sổ theo dõi hồ sơ quý IV."
OBJECTION = "Sổ theo dõi hồ sơ quý IV đã được lưu tại bộ phận một cửa, đề nghị Hội đồng xem xét lại."
RESOLUTION = "Sổ theo dõi bổ sung hợp lệ; còn 3 hồ sơ trễ hạn nên chấm 1,25 điểm."
DECISION_NUMBER = "15/QĐ-UBND"
DECISION_DATE = datetime.date(2024, 1, 16)
NOT_APPLICABLE_NOTE = "(gốc 10, trừ tiêu chí không áp dụng)"


@pytest.fixture
def appraised_year():
    """2023 appraised and closed by the council for three wards; 2022 already published for the same wards.

    Council's figures: Thượng Đình 8,6 of 9 (1.3 does not apply) = 95,56; Hạ Đình 9 of 10 = 90,00; Kim Giang lost
    all of 2.1 (0 of 1,5) = 85,00. Published 2022: Hạ Đình 85 (1), Thượng Đình 80 (2), Kim Giang 75 (3).
    """
    framework = ward_framework(YEAR, authority=AUTHORITY)
    period, block = framework.period, framework.block
    standard_bands(period)
    units = {
        name: UnitFactory(block=block, name=name, code=code, position=position)
        for position, (name, code) in enumerate(
            [(THUONG_DINH, "thuong-dinh"), (HA_DINH, "ha-dinh"), (KIM_GIANG, "kim-giang")]
        )
    }
    heads = {name: user_with_role(Role.UNIT_HEAD, unit=unit, full_name=HEADS[name]) for name, unit in units.items()}
    sheets = {name: submitted_sheet(framework, unit, heads[name], days_ago=40) for name, unit in units.items()}
    thuong_dinh = {**full_minus(c1_2="0.4"), "1.3": NOT_APPLICABLE}
    enter_scores(sheets[THUONG_DINH], thuong_dinh, stage=Stage.SELF)
    enter_scores(sheets[THUONG_DINH], thuong_dinh)
    enter_scores(sheets[HA_DINH], FULL, stage=Stage.SELF)
    enter_scores(sheets[HA_DINH], full_minus(c1_2="1"))
    enter_scores(sheets[KIM_GIANG], FULL, stage=Stage.SELF)
    enter_scores(sheets[KIM_GIANG], {code: points for code, points in FULL.items() if code != "2.1"})
    enter_scores(sheets[KIM_GIANG], {"2.1": "0"}, explanation=COUNCIL_REASON)
    people = {
        "secretary": user_with_role(Role.COUNCIL_SECRETARY, full_name="Ngô Thị Thư"),
        "leader": user_with_role(Role.LEADERSHIP, full_name="Trần Thị Lãnh Đạo"),
        "head": heads[KIM_GIANG],
        "other_head": heads[HA_DINH],
    }
    BlockFinalisation.objects.create(period=period, block=block, finalised_by=people["secretary"])
    last_year = [(HA_DINH, "8.5", 1), (THUONG_DINH, "8", 2), (KIM_GIANG, "7.5", 3)]
    publish_snapshot(
        Period.objects.create(authority=period.authority, year=YEAR - 1),
        [
            {"unit": units[name], "points": points, "max_points": "10", "adjusted_max": "10", "rank": rank}
            | {"index": str(Decimal(points) * 10)}
            for name, points, rank in last_year
        ],
    )
    return period, sheets, people


def test_release_objection_resolution_publication_and_the_public_ranking(
    live_server, page: Page, new_context, appraised_year, tmp_path
):
    period, sheets, people = appraised_year

    # 1. the secretary opens the live results from the results index and releases them to the units
    login(page, live_server, people["secretary"])
    navigation(page).get_by_role("link", name="Kết quả", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả Chỉ số CCHC")
    page.get_by_test_id("live-years").get_by_role("link", name=f"Năm {YEAR}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kết quả tạm tính năm {YEAR} Thẩm định")
    live = page.get_by_role("table").locator("tbody tr")
    expect(live).to_have_count(3)
    expect(cells(live.nth(0)).nth(1)).to_have_text(THUONG_DINH)
    expect(cells(live.nth(0)).nth(7)).to_have_text("95,56")
    expect(cells(live.nth(2)).nth(1)).to_have_text(KIM_GIANG)
    expect(cells(live.nth(2)).nth(7)).to_have_text("85,00")
    deadline = (timezone.localtime() + datetime.timedelta(days=3)).replace(hour=17, minute=0, second=0, microsecond=0)
    page.get_by_label("Hạn kiến nghị").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Công bố kết quả sơ bộ").click()
    expect(alert(page)).to_have_text("Đã công bố kết quả sơ bộ cho các đơn vị.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kết quả tạm tính năm {YEAR} Công bố sơ bộ")
    expect(page.get_by_role("button", name="Công bố kết quả sơ bộ")).to_have_count(0)
    live_url = page.url

    # 2. the head of Kim Giang is told, finds the unit's results and objects to the council's 0 on 2.1
    head = new_context().new_page()
    login(head, live_server, people["head"])
    expect(head.get_by_test_id("unread-count")).to_have_text("1 chưa đọc")
    navigation(head).get_by_role("link", name="Kết quả", exact=True).click()
    head.get_by_role("link", name=f"{KIM_GIANG} — {YEAR}").click()
    expect(head.get_by_role("heading", level=1)).to_have_text(f"Kết quả của {KIM_GIANG} năm {YEAR}")
    expect(head.locator("dl")).to_contain_text("85,00% — Khá")
    criterion = head.get_by_role("row").filter(
        has=head.get_by_role("rowheader", name="2.1 Chất lượng giải quyết hồ sơ")
    )
    expect(cells(criterion)).to_have_text(["2.1 Chất lượng giải quyết hồ sơ", "1,50", "1,50", "0,00", COUNCIL_REASON])
    objecting = head.locator("section.card").filter(has_text="Gửi kiến nghị")
    expect(objecting.get_by_role("heading")).to_have_text(f"Gửi kiến nghị (hạn {deadline:%H:%M %d/%m/%Y})")
    objecting.get_by_label("Tiêu chí", exact=True).select_option(label="2.1 Chất lượng giải quyết hồ sơ")
    objecting.get_by_label("Nội dung kiến nghị").fill(OBJECTION)
    objecting.get_by_role("button", name="Gửi kiến nghị").click()
    expect(alert(head)).to_have_text("Đã gửi kiến nghị về tiêu chí 2.1.")
    filed = head.locator(".card").filter(has_text=OBJECTION)
    expect(filed).to_contain_text("2.1 — Chờ giải quyết · Lê Văn Trưởng")
    expect(cells(criterion).nth(4)).to_have_text(f"{COUNCIL_REASON} Có kiến nghị")
    head_unit_url = head.url

    # 3. the secretary sees the pending objection, opens the unit and accepts it with 1,25
    page.goto(live_url)
    expect(page.locator(".alert-warning")).to_have_text("Còn 1 kiến nghị chưa giải quyết.")
    page.get_by_role("link", name=KIM_GIANG).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kết quả của {KIM_GIANG} năm {YEAR}")
    objection = page.locator(".card").filter(has_text=OBJECTION)
    expect(objection).to_contain_text("2.1 — Chờ giải quyết · Lê Văn Trưởng")
    accept_objection(objection, RESOLUTION, Điểm="1,25")
    expect(alert(page)).to_have_text("Đã giải quyết kiến nghị về tiêu chí 2.1.")
    expect(objection).to_contain_text("2.1 — Chấp nhận · Lê Văn Trưởng")
    expect(objection).to_contain_text(f"Ý kiến giải quyết: {RESOLUTION}")
    expect(objection.locator("form")).to_have_count(0)
    expect(page.locator("dl")).to_contain_text("97,50% — Tốt")

    # the head sees the new score and the council's answer on the unit page
    head.goto(head_unit_url)
    expect(cells(criterion)).to_have_text(
        ["2.1 Chất lượng giải quyết hồ sơ", "1,50", "1,50", "1,25", f"{RESOLUTION} Có kiến nghị"]
    )
    expect(head.locator(".card").filter(has_text=OBJECTION)).to_contain_text(f"Ý kiến giải quyết: {RESOLUTION}")

    # 4. the objection window closes; the secretary makes the published ranking public, leadership publishes
    Period.objects.filter(pk=period.pk).update(objection_deadline=timezone.now() - datetime.timedelta(minutes=1))
    page.goto(live_url)
    expect(page.locator(".alert-warning")).to_have_count(0)
    page.get_by_role("link", name="Cấu hình kết quả (cách xếp hạng, xếp loại, không xếp hạng, công khai)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cấu hình kết quả năm {YEAR} Công bố sơ bộ")
    access = page.locator("section.card").filter(has=page.get_by_role("heading", name="Cách xếp hạng và công khai"))
    public = access.get_by_label("Công khai kết quả đã công bố (xem không cần đăng nhập)")
    expect(public).not_to_be_checked()
    public.check()
    access.get_by_role("button", name="Lưu").click()
    expect(alert(page)).to_have_text("Đã lưu cách xếp hạng và chế độ công khai.")
    expect(public).to_be_checked()

    leader = new_context().new_page()
    login(leader, live_server, people["leader"])
    navigation(leader).get_by_role("link", name="Kết quả", exact=True).click()
    leader.get_by_test_id("live-years").get_by_role("link", name=f"Năm {YEAR}").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text(f"Kết quả tạm tính năm {YEAR} Công bố sơ bộ")
    expect(cells(leader.get_by_role("table").locator("tbody tr").nth(0)).nth(1)).to_have_text(KIM_GIANG)
    publishing = leader.locator("section.card").filter(has_text="Phê duyệt và công bố kết quả")
    publishing.get_by_label("Số quyết định").fill(DECISION_NUMBER)
    publishing.get_by_label("Ngày ký").fill(DECISION_DATE.isoformat())
    publishing.get_by_role("button", name="Công bố", exact=True).click()
    expect(alert(leader)).to_have_text("Đã công bố kết quả (lần 1).")
    expect(leader.get_by_role("heading", level=1)).to_have_text(f"Kết quả Chỉ số CCHC năm {YEAR}")

    # 5. a visitor who is not logged in reads the ranking and downloads the annex and the workbook
    visitor = new_context(accept_downloads=True).new_page()
    visitor.goto(f"{live_server.url}/results/")
    expect(visitor.get_by_test_id("notice-bell")).to_have_count(0)  # nobody is signed in
    published_years = visitor.get_by_test_id("published-years").locator("tbody tr")
    expect(published_years).to_have_count(1)  # 2022 was published but never made public
    expect(cells(published_years).nth(0)).to_have_text(str(YEAR))
    expect(cells(published_years).nth(2)).to_have_text(f"Số {DECISION_NUMBER} ngày 16/01/2024")
    published_years.get_by_role("link", name="Xếp hạng và thống kê").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(f"Kết quả Chỉ số CCHC năm {YEAR}")
    expect(visitor.get_by_text(f"{AUTHORITY} · Quyết định số {DECISION_NUMBER} ngày 16/01/2024")).to_be_visible()
    expect(visitor.get_by_test_id("ranking-rule")).to_contain_text("đơn vị bằng chỉ số cùng hạng (1, 2, 2, 4)")
    expect(visitor.get_by_text(f"Thay đổi so với kết quả công bố năm {YEAR - 1}")).to_be_visible()
    ranking = visitor.get_by_role("table", name="Bảng xếp hạng Khối phường").locator("tbody tr")
    expect(ranking).to_have_count(3)
    # the rank change reads "↑ 2" on screen and "tăng 2 bậc" to a screen reader: the cell holds both
    expected = [
        ["1", KIM_GIANG, "9,75 / 10", "97,50", "Tốt", "+2,25", "↑ +22,50", "↑ 2tăng 2 bậc"],
        [
            "2",
            THUONG_DINH,
            f"8,6 / 9{NOT_APPLICABLE_NOTE}",
            "95,56",
            "Tốt",
            "+0,60",
            "↑ +15,56",
            "=giữ nguyên hạng",
        ],
        ["3", HA_DINH, "9 / 10", "90,00", "Tốt", "+0,50", "↑ +5,00", "↓ 2giảm 2 bậc"],
    ]
    for row, figures in zip(ranking.all(), expected, strict=True):
        expect(cells(row)).to_have_text(figures)
    visitor.screenshot(path=SCREENSHOT, full_page=True)

    downloads = visitor.get_by_role("group", name="Tải kết quả")
    with visitor.expect_download() as annex_download:
        # The annex is served inline, so a plain click opens Chromium's PDF viewer; Alt+click saves the link.
        downloads.get_by_role("link", name="Tải PDF (phụ lục quyết định)").click(modifiers=["Alt"])
    annex = annex_download.value
    assert annex.suggested_filename == f"Kết quả Chỉ số CCHC năm {YEAR}-v1.pdf"
    annex_path = tmp_path / annex.suggested_filename
    annex.save_as(annex_path)
    text = pdf_text(annex_path, layout=True)
    for name in (THUONG_DINH, HA_DINH, KIM_GIANG):
        assert name in text
    assert f"Kèm theo Quyết định số {DECISION_NUMBER} ngày 16/01/2024 của {AUTHORITY}" in text
    lines = [line.split() for line in text.splitlines()]
    assert ["1", "UBND", "phường", "Kim", "Giang", "9,75", "10,00", "97,50", "Tốt"] in lines
    assert ["2", "UBND", "phường", "Thượng", "Đình", "8,60", "9,00(1)", "95,56", "Tốt"] in lines
    assert ["3", "UBND", "phường", "Hạ", "Đình", "9,00", "10,00", "90,00", "Tốt"] in lines
    for old in Path("/tmp").glob("journey-results-pdf*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(annex_path), PDF_PAGE_PREFIX], check=True)

    with visitor.expect_download() as workbook_download:
        downloads.get_by_role("link", name="Tải Excel").click()
    workbook = workbook_download.value
    assert workbook.suggested_filename == f"Kết quả Chỉ số CCHC năm {YEAR}-v1.xlsx"
    workbook_path = tmp_path / workbook.suggested_filename
    workbook.save_as(workbook_path)
    sheet = load_workbook(workbook_path)["Khối phường"]
    assert [cell.value for cell in sheet[1]][:8] == RANKING_HEADERS
    assert [[cell.value for cell in row][:8] for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row)] == [
        [1, "kim-giang", KIM_GIANG, 9.75, 10, 10, 97.5, "Tốt"],
        [2, "thuong-dinh", THUONG_DINH, 8.6, 10, 9, 95.56, "Tốt"],
        [3, "ha-dinh", HA_DINH, 9, 10, 10, 90, "Tốt"],
    ]

    # then: the accepted objection is a round-2 score carrying the council's answer
    resolved = Objection.objects.get()
    assert (resolved.state, resolved.old_points, resolved.new_points) == (
        Objection.State.ACCEPTED,
        Decimal("0.00"),
        Decimal("1.25"),
    )
    round_two = Score.objects.get(assessment=sheets[KIM_GIANG], stage=Stage.ROUND_2)
    assert (round_two.criterion.code, round_two.points, round_two.explanation) == ("2.1", Decimal("1.25"), RESOLUTION)


def test_the_unit_follows_the_preliminary_results_notice_to_its_results(live_server, page: Page, appraised_year):
    period, sheets, people = appraised_year
    release_preliminary(period, people["secretary"], hours=72)
    login(page, live_server, people["head"])
    page.get_by_test_id("notice-bell").click()
    page.get_by_role("link", name=f"Đã có kết quả sơ bộ năm {YEAR}.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kết quả của {KIM_GIANG} năm {YEAR}", timeout=2000)


def test_the_secretary_accepts_an_objection_on_a_ratio_criterion(live_server, page: Page, appraised_year):
    # given Hạ Đình's objection to the council's 1 of 2 on 1.2 (a ratio: documents carried out / issued)
    period, sheets, people = appraised_year
    release_preliminary(period, people["secretary"], hours=72)
    objection_file(
        actor=people["other_head"],
        assessment=sheets[HA_DINH],
        criterion=Criterion.objects.get(framework=sheets[HA_DINH].framework, code="1.2"),
        text="Đã thực hiện 8/8 văn bản chỉ đạo; có báo cáo kèm theo.",
    )

    # when the secretary accepts it with full marks
    login(page, live_server, people["secretary"])
    page.goto(f"{live_server.url}/results/{YEAR}/units/{sheets[HA_DINH].unit_id}/")
    objection = page.locator(".card").filter(has_text="8/8 văn bản")
    accept_objection(objection, "Báo cáo chứng minh đã thực hiện đủ 8/8 văn bản.", **{"Số đạt": "8", "Số yêu cầu": "8"})

    # then it is resolved with the rule's own inputs
    expect(alert(page)).to_have_text("Đã giải quyết kiến nghị về tiêu chí 1.2.", timeout=2000)
