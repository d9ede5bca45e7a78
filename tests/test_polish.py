"""Issue 6, "Polish that users expect": the cycle banner on every page, phone-sized results, accessibility checks."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from scoring.models import Assessment, Period
from tests.e2e.helpers import sign_in_demo
from tests.factories import (
    AssessmentFactory,
    AuthorityFactory,
    BlockFactory,
    FrameworkFactory,
    UnitFactory,
    UserFactory,
    user_with_role,
)
from units.models import Role, Unit


def at_five_pm(days_from_today: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def open_year():
    """2026 in self-assessment, its sheets due at 17:00 in 14 days; one ward with its sheet."""
    authority = AuthorityFactory()
    block = BlockFactory(authority=authority)
    period = Period.objects.create(
        authority=authority,
        year=2026,
        state=Period.State.SELF_ASSESSMENT,
        self_assessment_deadline=at_five_pm(14),
        appraisal_deadline=at_five_pm(28),
    )
    ward = UnitFactory(block=block, name="UBND phường Hạ Đình")
    assessment = AssessmentFactory(framework=FrameworkFactory(period=period, block=block), unit=ward)
    return period, ward, assessment


def banner_of(response) -> str:
    html = response.content.decode()
    start = html.find('data-testid="cycle-banner"')
    return html[start : html.find("</aside>", start)] if start != -1 else ""


# ---------------------------------------------------------------------------------------------
# The cycle banner


@pytest.mark.django_db
def test_unit_staff_see_the_phase_the_deadline_with_days_left_and_a_link_to_their_sheet(client, open_year):
    # given
    period, ward, assessment = open_year
    client.force_login(user_with_role(Role.UNIT_STAFF, ward))
    deadline = timezone.localtime(period.self_assessment_deadline)

    # when
    banner = banner_of(client.get(reverse("period_list")))

    # then
    assert "Kỳ đánh giá 2026" in banner
    assert "Giai đoạn: <strong>Tự đánh giá</strong>" in banner
    assert f'Hạn nộp phiếu: <time datetime="{deadline.isoformat()}">17:00 {deadline:%d/%m/%Y}</time>' in banner
    assert "còn 14 ngày" in banner
    assert f'href="{reverse("assessment_sheet", args=[assessment.pk])}"' in banner
    assert "Mở phiếu đánh giá của đơn vị" in banner


@pytest.mark.parametrize(
    ("role", "label", "url_name"),
    [
        (Role.COUNCIL_MEMBER, "Mở danh sách thẩm định", "appraisal_queue"),
        (Role.COUNCIL_SECRETARY, "Theo dõi Hội đồng", "council_current"),
        (Role.LEADERSHIP, "Xem kết quả", "results_index"),
    ],
)
@pytest.mark.django_db
def test_the_next_step_follows_the_role(client, open_year, role, label, url_name):
    client.force_login(user_with_role(role))

    banner = banner_of(client.get(reverse("period_list")))

    assert f'href="{reverse(url_name)}" data-testid="cycle-next-step">{label} →</a>' in banner


@pytest.mark.django_db
def test_a_passed_deadline_is_shown_as_overdue_and_the_next_phase_names_its_own_deadline(client, open_year):
    period, ward, _ = open_year
    period.self_assessment_deadline = at_five_pm(-3)
    period.save()
    client.force_login(user_with_role(Role.UNIT_HEAD, ward))
    assert "đã quá hạn 3 ngày" in banner_of(client.get(reverse("period_list")))

    period.state = Period.State.APPRAISAL
    period.save()
    banner = banner_of(client.get(reverse("period_list")))
    assert "Giai đoạn: <strong>Thẩm định</strong>" in banner
    assert "Hạn thẩm định:" in banner
    assert "còn 28 ngày" in banner


@pytest.mark.django_db
def test_no_banner_for_visitors_on_the_login_page_for_people_without_a_role_in_a_draft_or_on_error_pages(
    client, open_year
):
    period, _, _ = open_year
    assert banner_of(client.get(reverse("login"))) == ""
    assert banner_of(client.get(reverse("results_index"))) == ""
    assert banner_of(client.get("/khong-co-trang-nay/")) == ""

    period.state = Period.State.DRAFT
    period.save()
    client.force_login(UserFactory())
    assert banner_of(client.get(reverse("results_index"))) == ""


@pytest.mark.django_db
def test_the_banner_costs_one_query_and_htmx_fragments_do_not_pay_for_it(client, open_year, settings):
    _, ward, assessment = open_year
    client.force_login(user_with_role(Role.UNIT_STAFF, ward))
    client.get(reverse("period_list"))  # warm-up: session and the like

    with CaptureQueriesContext(connection) as with_banner:
        client.get(reverse("period_list"))
    banner_queries = [
        q["sql"] for q in with_banner.captured_queries if '"scoring_period"' in q["sql"] and "drafts_last" in q["sql"]
    ]
    assert len(banner_queries) == 1

    with CaptureQueriesContext(connection) as fragment:
        client.get(reverse("assessment_summary", args=[assessment.pk]), headers={"HX-Request": "true"})
    assert not [q for q in fragment.captured_queries if "drafts_last" in q["sql"]]


# ---------------------------------------------------------------------------------------------
# In the browser, on the demo data

PHONE = {"width": 390, "height": 844}
PHONE_SCREENSHOT = "/tmp/polish-phone-home.png"


def assert_no_horizontal_overflow(page: Page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{page.url}: {scroll_width}px wide in a {inner_width}px window"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_results_read_on_a_phone_without_sideways_scrolling(live_server, browser):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ha_dinh = Unit.objects.get(name="UBND phường Hạ Đình")
    phone = browser.new_page(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)

    for path in ["/results/2022/", f"/results/2022/published/units/{ha_dinh.pk}/"]:
        phone.goto(f"{live_server.url}{path}")
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert_no_horizontal_overflow(phone)
        # every wide table scrolls inside its own box, not the page
        for table in phone.locator("main table").all():
            if table.evaluate("t => t.scrollWidth > t.parentElement.clientWidth + 1"):
                assert table.evaluate("t => !!t.closest('.table-responsive')"), (
                    f"{path}: a wide table without a scroller"
                )
        # a chart keeps labels a phone can read: wider than the screen, it scrolls inside its own figure
        for chart in phone.locator("main figure:has(svg)").all():
            box = chart.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{path}: the chart is cut off"
            if chart.evaluate("f => f.scrollWidth > f.clientWidth + 1"):
                assert chart.evaluate("f => getComputedStyle(f).overflowX") == "auto", f"{path}: chart cut off"

    sign_in_demo(phone, live_server, "canbo.hadinh")
    expect(phone.get_by_test_id("cycle-banner")).to_be_visible()
    assert_no_horizontal_overflow(phone)
    phone.screenshot(path=PHONE_SCREENSHOT)  # to look at, not committed
    phone.close()


UNNAMED_INPUTS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(el => {
        const byLabel = el.labels && [...el.labels].some(l => l.textContent.trim());
        const byAria = (el.getAttribute('aria-label') || '').trim();
        const byRef = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
            .some(id => (document.getElementById(id)?.textContent || '').trim());
        const byTitle = (el.getAttribute('title') || '').trim();
        return !(byLabel || byAria || byRef || byTitle);
    })
    .map(el => el.outerHTML.slice(0, 160))"""

HEADINGS_OUT_OF_ORDER = """() => {
    const headings = [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')];
    const problems = [];
    let seenH2 = false, previous = 1;
    for (const h of headings) {
        const level = Number(h.tagName[1]);
        if (level === 2) seenH2 = true;
        if (level >= 3 && !seenH2) problems.push('h' + level + ' before the first h2: ' + h.textContent.trim());
        if (level > previous + 1) problems.push('h' + previous + ' then h' + level + ': ' + h.textContent.trim());
        previous = level;
    }
    return problems;
}"""


def check_page(page: Page, url: str) -> list[str]:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    problems = [f"{url}: unnamed {html}" for html in page.evaluate(UNNAMED_INPUTS)]
    problems += [f"{url}: {problem}" for problem in page.evaluate(HEADINGS_OUT_OF_ORDER)]
    if not page.evaluate("document.documentElement.lang"):
        problems.append(f"{url}: html[lang] is empty")
    return problems


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_inputs_are_named_headings_are_in_order_and_the_language_is_declared(live_server, browser):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    base = live_server.url
    khuong_dinh = Assessment.objects.get(period__year=2023, unit__name="UBND phường Khương Đình")
    ha_dinh = Assessment.objects.get(period__year=2023, unit__name="UBND phường Hạ Đình")
    problems: list[str] = []

    staff = browser.new_page(locale="vi-VN")
    sign_in_demo(staff, live_server, "canbo.hadinh")
    for path in ["/", f"/assessments/{ha_dinh.pk}/", "/results/2022/"]:
        problems += check_page(staff, base + path)
    staff.close()

    member = browser.new_page(locale="vi-VN")
    sign_in_demo(member, live_server, "hoidong1")
    for path in ["/appraisal/", f"/appraisal/{khuong_dinh.pk}/"]:
        problems += check_page(member, base + path)
    member.close()

    secretary = browser.new_page(locale="vi-VN")
    sign_in_demo(secretary, live_server, "thuky")
    for path in ["/council/2023/", "/council/2023/survey/", "/periods/"]:
        problems += check_page(secretary, base + path)
    secretary.close()

    visitor = browser.new_page(locale="vi-VN")
    for path in ["/login/", "/results/", "/results/2022/"]:
        problems += check_page(visitor, base + path)
    visitor.close()

    assert problems == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_input_on_the_council_members_page_is_named(live_server, browser):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    secretary = browser.new_page(locale="vi-VN")
    sign_in_demo(secretary, live_server, "thuky")

    problems = check_page(secretary, f"{live_server.url}/council/2023/members/")

    assert problems == []
