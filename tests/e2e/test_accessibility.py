"""axe-core over the portal's pages, every role, at a desk (1366 px) and on a phone (390 px).

WCAG 2.1 AA (Circular 32/2017/TT-BTTTT): a serious or critical violation on any page fails the test, with
the page, the width, the rule and the elements named. axe-core is the copy bundled by axe-playwright-python
(no CDN); it runs in the page after its scripts, so what it checks is what a person gets.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from scoring.models import Assessment, Criterion, Framework
from scoring.survey.models import Respondent, Survey
from tests.e2e.helpers import sign_in_demo
from units.models import Unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)
FAILING_IMPACTS = frozenset({"serious", "critical"})


def pages_by_role() -> dict[str | None, list[str]]:
    """The pages each demo account works on (None: a visitor without an account), from the demo's own rows."""
    ha_dinh = Unit.objects.get(name="UBND phường Hạ Đình")
    khuong_dinh = Unit.objects.get(name="UBND phường Khương Đình")
    sheet = Assessment.objects.get(unit=ha_dinh, period__year=2023)
    submitted = Assessment.objects.get(unit=khuong_dinh, period__year=2023)
    scored = Criterion.objects.filter(framework=sheet.framework, scores__assessment=sheet).first()
    framework = Framework.objects.get(period__year=2023, block=ha_dinh.block)
    what_if_criterion = Criterion.objects.get(framework=framework, code="1.1.1")
    survey = Survey.objects.get(framework=framework)  # the demo's open survey of the wards, most of it answered
    waiting = Respondent.objects.filter(survey=survey, response__isnull=True).order_by("id").first()
    return {
        None: [
            "/login/",
            "/results/",
            "/results/2022/",
            f"/results/2022/published/units/{ha_dinh.pk}/",
            "/results/2022/overview/",
            "/results/2022/losses/",
            f"/results/2022/published/units/{ha_dinh.pk}/losses/",
            f"/s/{waiting.token}/",
        ],
        "canbo.hadinh": [
            "/",
            f"/assessments/{sheet.pk}/",
            f"/assessments/{sheet.pk}/?only=unscored",
            f"/assessments/{sheet.pk}/criteria/{scored.pk}/history/",
            f"/evidence/assessments/{sheet.pk}/",
            "/notices/",
        ],
        "truong.hadinh": [
            "/",
            f"/assessments/{sheet.pk}/submit/",
            f"/assessments/{sheet.pk}/preparers/",
            "/plans/",
            f"/plans/2022/units/{ha_dinh.pk}/",
            f"/results/2022/officers/units/{ha_dinh.pk}/",
        ],
        "canbo.khuongdinh": [f"/assessments/{submitted.pk}/explanations/"],
        "hoidong1": ["/", "/appraisal/", f"/appraisal/{submitted.pk}/", "/council/2023/"],
        "thuky": [
            "/",
            "/assessments/?year=2023",
            "/periods/",
            "/periods/2023/",
            f"/frameworks/{framework.pk}/",
            "/council/2023/members/",
            "/audit/",
            "/results/2023/live/",
            "/results/2023/settings/",
            "/surveys/2023/",
            f"/survey/{survey.pk}/respondents/?unit={ha_dinh.pk}",
            f"/survey/{survey.pk}/results/",
            f"/survey/{survey.pk}/responses/",
        ],
        "lanhdao": [
            "/",
            "/results/2023/live/",
            f"/results/2023/units/{khuong_dinh.pk}/",
            "/plans/?filter=overdue",
            f"/results/2023/what-if/?unit={khuong_dinh.pk}&criterion={what_if_criterion.pk}&points=0",
        ],
    }


def describe(violation: dict) -> str:
    targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
    return f"{violation['impact']} {violation['id']} ({violation['help']}): {targets}"


def test_no_page_has_a_serious_or_critical_violation_at_either_width(live_server, browser):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    axe = Axe()
    checked, failures = [], []
    for username, paths in pages_by_role().items():
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
            page = context.new_page()
            if username:
                sign_in_demo(page, live_server, username)
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, f"{username} {path}: {response.status}"
                expect(page.locator("html")).to_have_attribute("lang", "vi")
                assert page.title(), f"{path} has no title"
                results = axe.run(page)
                checked.append((username, width, path))
                failures += [
                    f"{width}px {username or 'visitor'} {path}: {describe(violation)}"
                    for violation in results.response["violations"]
                    if violation["impact"] in FAILING_IMPACTS
                ]
            context.close()
    assert len({path for _, _, path in checked}) >= 12
    assert len(checked) == 2 * sum(len(paths) for paths in pages_by_role().values())
    assert failures == []
