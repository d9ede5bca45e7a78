"""The audit page: secretariat only, filters, pagination at a fixed query count, and nothing editable."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from scoring.models import AuditEvent, Criterion, Score, ScoreChange, Stage
from tests.factories import AssessmentFactory, PeriodFactory, UnitFactory, small_framework, user_with_role
from units.models import Role

pytestmark = pytest.mark.django_db

URL = reverse("audit_list")


@pytest.fixture
def world():
    framework = small_framework()
    period = framework.period
    other_period = PeriodFactory(authority=period.authority, year=period.year + 1)
    unit = UnitFactory(block=framework.block, name="UBND phường Hạ Đình")
    people = {
        "other_staff": user_with_role(Role.UNIT_STAFF, unit=UnitFactory(block=framework.block)),
        "own_staff": user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Trần Thị Hoa"),
        "own_head": user_with_role(Role.UNIT_HEAD, unit=unit),
        "council": user_with_role(Role.COUNCIL_MEMBER),
        "conflicted_council": user_with_role(Role.COUNCIL_MEMBER, home_unit=unit),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY, full_name="Nguyễn Thu Hà"),
        "leadership": user_with_role(Role.LEADERSHIP),
        "administrator": user_with_role(Role.ADMINISTRATOR),
    }
    assessment = AssessmentFactory(framework=framework, unit=unit)
    criteria = list(Criterion.objects.filter(framework=framework).exclude(rule_type="").order_by("code"))
    return {
        "period": period,
        "other_period": other_period,
        "assessment": assessment,
        "criteria": criteria,
        "people": people,
    }


def add_events(world, count: int, *, action: str = "period.open", period=None, actor=None) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor or world["people"]["secretary"],
            action=action,
            period=period or world["period"],
            summary=f"Thay đổi số {number}",
            data={"number": number},
        )
        for number in range(count)
    )


def add_score_changes(world, count: int, *, stage: str = Stage.SELF, actor=None) -> None:
    actor = actor or world["people"]["own_staff"]
    for number in range(count):
        criterion = world["criteria"][number % len(world["criteria"])]
        score, _ = Score.objects.get_or_create(
            assessment=world["assessment"],
            criterion=criterion,
            stage=stage,
            defaults={"points": Decimal("0.5"), "updated_by": actor},
        )
        ScoreChange.objects.create(
            score=score, actor=actor, old_points=None, new_points=Decimal("0.5"), reason=f"Lần {number}"
        )


# --- who may read it ------------------------------------------------------------------------------

ACCESS = {
    "other_staff": 403,
    "own_staff": 403,
    "own_head": 403,
    "council": 403,
    "conflicted_council": 403,
    "secretary": 200,
    "leadership": 403,
    "administrator": 200,  # administrators stand in for the secretary everywhere
}


@pytest.mark.parametrize(("who", "status"), ACCESS.items())
@pytest.mark.parametrize("kind", ["events", "scores"])
def test_permission_matrix(client, world, who, status, kind):
    add_events(world, 1)
    add_score_changes(world, 1)
    client.force_login(world["people"][who])

    response = client.get(URL, {"kind": kind})

    assert response.status_code == status
    if status == 200:
        assert response.context["page"].paginator.count == 1


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(URL)
    assert (response.status_code, response.url) == (302, f"{reverse('login')}?next={URL}")


def test_the_page_only_reads(client, world):
    add_events(world, 1)
    client.force_login(world["people"]["administrator"])

    assert client.post(URL, {"kind": "events"}).status_code == 405
    assert AuditEvent.objects.count() == 1


# --- what it shows ------------------------------------------------------------------------------------


def test_events_are_listed_newest_first_with_who_what_and_details(client, world):
    add_events(world, 2)
    client.force_login(world["people"]["secretary"])

    html = client.get(URL).content.decode()

    assert html.index("Thay đổi số 1") < html.index("Thay đổi số 0")
    assert "Nguyễn Thu Hà" in html
    assert ">period.open</code>" in html
    assert "&quot;number&quot;: 1" in html


def test_score_changes_show_unit_criterion_stage_and_points(client, world):
    add_score_changes(world, 1)
    client.force_login(world["people"]["secretary"])

    html = client.get(URL, {"kind": "scores"}).content.decode()

    code = world["criteria"][0].code
    assert f"UBND phường Hạ Đình ({world['period'].year})" in html
    assert f'">{code}</span>' in html
    assert "Tự đánh giá" in html
    assert "— → 0.5" in html or "— → 0,5" in html
    assert "Trần Thị Hoa" in html


def test_events_filter_by_period_action_and_person(client, world):
    add_events(world, 3, action="period.open")
    add_events(world, 2, action="framework.import")
    add_events(world, 4, action="period.open", period=world["other_period"])
    add_events(world, 5, action="period.open", actor=world["people"]["administrator"])
    client.force_login(world["people"]["secretary"])

    def count(**query) -> int:
        return client.get(URL, query).context["page"].paginator.count

    assert count() == 14
    assert count(period=world["period"].pk) == 10
    assert count(action="framework.import") == 2
    assert count(period=world["period"].pk, action="period.open", person="Thu Hà") == 3
    assert count(person=world["people"]["administrator"].username) == 5
    assert count(period="not-a-number") == 14


def test_score_changes_filter_by_stage_and_person(client, world):
    add_score_changes(world, 3)
    add_score_changes(world, 2, stage=Stage.ROUND_1, actor=world["people"]["council"])
    client.force_login(world["people"]["secretary"])

    def count(**query) -> int:
        return client.get(URL, {"kind": "scores", **query}).context["page"].paginator.count

    assert count() == 5
    assert count(action=Stage.ROUND_1) == 2
    assert count(person="Trần Thị Hoa") == 3
    assert count(period=world["other_period"].pk) == 0
    assert count(action="period.open") == 5  # not a stage: ignored


def test_pages_hold_fifty_entries_and_keep_the_filters(client, world):
    add_events(world, 120)
    client.force_login(world["people"]["secretary"])

    response = client.get(URL, {"kind": "events", "action": "period.open", "page": 2})

    page = response.context["page"]
    assert (page.number, len(page.object_list), page.paginator.num_pages) == (2, 50, 3)
    assert "?kind=events&amp;action=period.open&amp;page=3" in response.content.decode()


# --- query counts ------------------------------------------------------------------------------------

# session, user, the user's roles, the context processor's unread notices, periods, actions, count, page.
# + the cycle banner.
EVENT_QUERIES = 9
SCORE_QUERIES = 8  # no list of actions to read: stages are fixed


@pytest.mark.parametrize("entries", [3, 60])
def test_event_page_query_count_does_not_grow_with_entries(client, world, django_assert_num_queries, entries):
    add_events(world, entries)
    add_events(world, entries, action="framework.import", period=world["other_period"])
    client.force_login(world["people"]["secretary"])

    with django_assert_num_queries(EVENT_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200


@pytest.mark.parametrize("entries", [3, 60])
def test_score_page_query_count_does_not_grow_with_entries(client, world, django_assert_num_queries, entries):
    add_score_changes(world, entries)
    client.force_login(world["people"]["secretary"])

    with django_assert_num_queries(SCORE_QUERIES):
        response = client.get(URL, {"kind": "scores"})

    assert response.status_code == 200


# --- nobody can change the record from the admin ------------------------------------------------------------


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(client, world):
    add_events(world, 1)
    event = AuditEvent.objects.get()
    client.force_login(world["people"]["administrator"])

    change_url = reverse("admin:scoring_auditevent_change", args=[event.pk])
    assert client.get(reverse("admin:scoring_auditevent_add")).status_code == 403
    assert client.post(change_url, {"action": "x", "summary": "sửa"}).status_code == 403
    assert client.post(reverse("admin:scoring_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert (event.action, event.summary) == ("period.open", "Thay đổi số 0")


def test_score_history_has_no_admin_screen():
    assert ScoreChange not in admin.site._registry
    assert Score not in admin.site._registry


def test_role_changes_made_in_the_admin_are_on_the_secretarys_audit_page(client):
    from units.models import RoleAssignment

    administrator = user_with_role(Role.ADMINISTRATOR, username="quantri", full_name="Quản Trị Viên")
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    newcomer = user_with_role(Role.LEADERSHIP, full_name="Lê Minh Tâm")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:units_roleassignment_add"), {"user": newcomer.pk, "role": Role.COUNCIL_MEMBER, "unit": ""}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=newcomer, role=Role.COUNCIL_MEMBER).exists()
    client.force_login(secretary)
    html = client.get(reverse("audit_list"), {"kind": "admin"}).content.decode()
    assert "Quản Trị Viên" in html and "Lê Minh Tâm" in html and ">Thêm<" in html
    # the admin log itself cannot be changed from any screen
    client.force_login(administrator)
    assert client.get("/admin/admin/logentry/").status_code == 404


def test_every_action_the_portal_records_has_words_on_the_audit_page():
    """A service that writes a new action code without naming it here fails: the page would show a raw code."""
    import re
    from pathlib import Path

    from scoring.audit.labels import ACTION_LABELS

    root = Path(__file__).resolve().parents[3]
    PREFIXES = "adjustment|appraisal|assessment|council|demo|evidence|explanation|framework|period|results|survey"
    sources = [path for folder in ("scoring", "evidence", "units") for path in (root / folder).rglob("*.py")]
    recorded = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        if "AuditEvent" in text:
            recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
            recorded |= set(re.findall(rf'"((?:{PREFIXES})\.[a-z_]+)"', text))
    assert len(recorded) >= 30
    assert sorted(recorded - set(ACTION_LABELS)) == []


def test_the_audit_page_names_each_action_in_words_and_keeps_the_code(client, world):
    AuditEvent.objects.create(actor=world["people"]["secretary"], period=world["period"], action="explanation.send")
    client.force_login(world["people"]["secretary"])
    html = client.get(URL).content.decode()
    assert (
        '<td>Gửi yêu cầu giải trình cho đơn vị <code class="small text-muted d-block">explanation.send</code></td>'
        in html
    )
    assert '<option value="explanation.send">Gửi yêu cầu giải trình cho đơn vị</option>' in html
