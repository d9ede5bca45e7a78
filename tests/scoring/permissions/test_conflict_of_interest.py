"""A council member never sees the unit they work at, hold a role in or declared a conflict with: not its sheet
(404), and not its unpublished figures on any page that gathers many units — live results, a unit's live detail,
the council's dashboard (progress, workload, differences, block status), the chair's finalisation message, the
appraisal queue and sheet list filters, and notices. One rule decides it: hidden_unit_ids, beside is_conflicted.

Every test reads the page's content: the conflicted person's response holds neither the unit's name nor its
figures, while the secretariat and an unconflicted member see both on the same page (so each test can fail).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from scoring.appraisal.services import appraisal_record, explanation_answer
from scoring.models import (
    AppraisalAssignment,
    Assessment,
    AuditEvent,
    BlockFinalisation,
    ConflictDeclaration,
    CouncilMembership,
    Criterion,
    ExplanationRequest,
    Notice,
    Objection,
    Period,
    Score,
    Stage,
)
from scoring.results.services import objection_file, objection_resolve
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput
from tests.factories import (
    FULL,
    AssessmentFactory,
    UnitFactory,
    appraised_block,
    enter_scores,
    fill_sheet,
    full_minus,
    in_appraisal,
    small_framework,
    user_with_role,
)
from units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db

UNIT = "UBND phường Hạ Đình"
# Hạ Đình's live figures: 5 of 7 criteria appraised, 5,75 of 10 points (index 57,50); 1.3 next brings 6,75 / 67,50.
HA_DINH_ROUND_ONE = {"1.1.1": "1", "1.1.2": "2", "1.2": "1", "2.1": "0.75", "2.2": "1"}
HA_DINH_FIGURES = ("5,75", "57,50", "5/7")
AFTER_NEXT_SCORE = ("6,75", "67,50")
CONFLICTED = ("chair", "declared_member", "unit_head_member", "leader_on_council")
UNCONFLICTED = ("appraiser", "secretary", "leadership")
GAP_MESSAGE = "1 đơn vị bạn có xung đột lợi ích chưa thẩm định xong (không hiển thị tên và số liệu)."


def submitted(framework, name: str) -> Assessment:
    return AssessmentFactory(framework=framework, unit=UnitFactory(block=framework.block, name=name), submitted=True)


@pytest.fixture
def world():
    """One block of three submitted wards under appraisal; Hạ Đình part-way appraised, the others complete.

    Conflicted with Hạ Đình: the chair (works there), a member who declared a conflict, a council member who heads
    the ward, and a leader seated on the council who works there. Not conflicted: the member appraising Hạ Đình,
    the secretary (who works there too: the secretariat runs the year and sees every unit) and leadership.
    """
    framework = small_framework()
    period = in_appraisal(framework, appraisal_days=10)
    sheets = {
        "ha_dinh": submitted(framework, UNIT),
        "kim_giang": submitted(framework, "UBND phường Kim Giang"),
        "khuong_mai": submitted(framework, "UBND phường Khương Mai"),
    }
    for assessment in sheets.values():
        enter_scores(assessment, {code: points for code, points in FULL.items() if code != "2.3"}, stage=Stage.SELF)
    enter_scores(sheets["ha_dinh"], HA_DINH_ROUND_ONE, explanation="Thiếu văn bản")
    enter_scores(sheets["kim_giang"], FULL)
    enter_scores(sheets["khuong_mai"], full_minus(c1_2="1"), explanation="Thiếu báo cáo quý")
    unit = sheets["ha_dinh"].unit
    people = {
        "chair": user_with_role(Role.COUNCIL_MEMBER, home_unit=unit, full_name="Vũ Thị Lan"),
        "declared_member": user_with_role(Role.COUNCIL_MEMBER, full_name="Phạm Minh Đức"),
        "unit_head_member": user_with_role(Role.COUNCIL_MEMBER, full_name="Lê Văn Nam"),
        "leader_on_council": user_with_role(Role.LEADERSHIP, home_unit=unit, full_name="Đỗ Quang Vinh"),
        "appraiser": user_with_role(Role.COUNCIL_MEMBER, full_name="Trần Văn Hùng"),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY, home_unit=unit, full_name="Nguyễn Thu Hà"),
        "leadership": user_with_role(Role.LEADERSHIP, full_name="Phạm Quang Vinh"),
        "staff": user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Trần Thị Hoa"),
    }
    RoleAssignment.objects.create(user=people["unit_head_member"], role=Role.UNIT_HEAD, unit=unit)
    CouncilMembership.objects.create(period=period, user=people["chair"], is_chair=True)
    for who in ("declared_member", "leader_on_council", "appraiser"):
        CouncilMembership.objects.create(period=period, user=people[who])
    ConflictDeclaration.objects.create(
        period=period, member=people["declared_member"], unit=unit, reason="Vợ là Chủ tịch phường",
        declared_by=people["secretary"],
    )  # fmt: skip
    AppraisalAssignment.objects.create(period=period, member=people["appraiser"], unit=unit)
    criteria = {criterion.code: criterion for criterion in Criterion.objects.filter(framework=framework)}
    return {"period": period, "framework": framework, "sheets": sheets, "criteria": criteria, **people}


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return main_content(response.content.decode())


def main_content(html: str) -> str:
    """The page's own content (the navigation and banner are the same everywhere), without one-time tokens."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r'value="[A-Za-z0-9]{64}"', 'value="TOKEN"', main)


def assert_hidden(html: str) -> None:
    assert "Hạ Đình" not in html
    for figure in HA_DINH_FIGURES + AFTER_NEXT_SCORE:
        assert figure not in html, figure


def appraise_next_criterion(world) -> None:
    """The unconflicted member scores Hạ Đình's criterion 1.3 (yes): its points move from 5,75 to 6,75."""
    appraisal_record(
        actor=world["appraiser"],
        assessment=world["sheets"]["ha_dinh"],
        criterion=world["criteria"]["1.3"],
        stage=Stage.ROUND_1,
        data=ScoreInput(entry=Entry(is_yes=True)),
        expected_version=0,
    )


# ---------------------------------------------------------------------------------------------
# Live results


@pytest.mark.parametrize("who", CONFLICTED)
def test_live_results_leave_the_conflicted_unit_out_and_withhold_the_blocks_ranks(client, world, who):
    html = page(client, world[who], reverse("results_live", args=[world["period"].year]))
    assert_hidden(html)
    assert "UBND phường Kim Giang" in html and "100,00" in html
    assert "UBND phường Khương Mai" in html and "90,00" in html
    assert (
        "1 đơn vị không hiển thị vì bạn có xung đột lợi ích với đơn vị đó; hạng trong khối này cũng không hiển thị."
        in html
    )
    ranks = re.findall(r'<tr>\s*<td class="numeric">([^<]*)</td>', html)
    assert ranks == ["—", "—"]  # Kim Giang first and Khương Mai second would say where Hạ Đình stands


@pytest.mark.parametrize("who", UNCONFLICTED)
def test_live_results_show_every_unit_to_the_secretariat_leadership_and_unconflicted_members(client, world, who):
    html = page(client, world[who], reverse("results_live", args=[world["period"].year]))
    assert UNIT in html
    for figure in HA_DINH_FIGURES[:2]:
        assert figure in html
    assert re.findall(r'<tr>\s*<td class="numeric">([^<]*)</td>', html) == ["1", "2", "3"]
    assert 'data-testid="conflict-note"' not in html


def test_live_results_do_not_move_for_the_chair_while_another_member_appraises_the_chairs_unit(client, world):
    url = reverse("results_live", args=[world["period"].year])
    before = {who: page(client, world[who], url) for who in ("chair", "secretary")}

    appraise_next_criterion(world)

    after = {who: page(client, world[who], url) for who in ("chair", "secretary")}
    assert after["chair"] == before["chair"]
    assert "5,75" in before["secretary"] and "6,75" in after["secretary"] and "67,50" in after["secretary"]


@pytest.mark.parametrize("who", CONFLICTED)
def test_the_conflicted_units_live_detail_is_not_found(client, world, who):
    client.force_login(world[who])
    url = reverse("results_unit", args=[world["period"].year, world["sheets"]["ha_dinh"].unit_id])
    assert client.get(url).status_code == 404


def test_another_units_live_detail_withholds_its_rank_from_a_conflicted_member(client, world):
    url = reverse("results_unit", args=[world["period"].year, world["sheets"]["kim_giang"].unit_id])
    withheld = page(client, world["chair"], url)
    assert_hidden(withheld)
    assert '— <span class="small text-muted">(không hiển thị: khối có đơn vị bạn có xung đột lợi ích)</span>' in (
        withheld
    )
    shown = page(client, world["secretary"], url)
    assert re.search(r"Xếp hạng trong khối</dt><dd class=\"col-sm-8\">1</dd>", shown)


@pytest.mark.parametrize("count", [20, 200])
def test_live_results_for_a_conflicted_member_run_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    period = appraised_block(count)
    first = period.assessments.order_by("unit__name").first().unit
    chair = user_with_role(Role.COUNCIL_MEMBER, home_unit=first)
    CouncilMembership.objects.create(period=period, user=chair, is_chair=True)
    client.force_login(chair)
    # session, user, period, roles, council seat (membership, assignments, conflicts, finalised blocks),
    # results config, ranking, pending objections, banner, notices
    with django_assert_num_queries(14):
        response = client.get(reverse("results_live", args=[period.year]))
    assert response.text.count("Đơn vị ") == count - 1
    assert first.name not in response.text


# ---------------------------------------------------------------------------------------------
# The council's dashboard and the chair's finalisation


@pytest.mark.parametrize("who", ["chair", "leader_on_council"])
def test_the_council_overview_counts_the_conflicted_unit_without_its_name_or_figures(client, world, who):
    html = page(client, world[who], reverse("council_overview", args=[world["period"].year]))
    assert_hidden(html)
    assert "1 đơn vị không hiển thị vì bạn có xung đột lợi ích với đơn vị đó." in html
    # the appraiser's workload: the assignment to Hạ Đình is counted, not named, and weighs nothing in the figures
    appraiser = html.split("Trần Văn Hùng", 1)[1].split("</tr>", 1)[0]
    assert "1 phân công không hiển thị (xung đột lợi ích)" in appraiser
    assert re.findall(r"<td>(\d+)", appraiser) == ["0", "0"]
    # differences: Khương Mai's only
    differences = html.split('id="differences-heading"', 1)[1].split("</section>", 1)[0]
    assert differences.count("<tr><td>") == 1 and "UBND phường Khương Mai" in differences
    if who == "chair":  # the chair must know the block cannot be closed yet, not which unit holds it up
        blockers = html.split('data-testid="blockers">', 1)[1].split("</ul>", 1)[0]
        assert blockers == f"<li>{GAP_MESSAGE}</li>"  # counted, not named, so not linked either


def test_the_council_overview_names_the_unit_and_its_figures_for_the_secretary(client, world):
    html = page(client, world["secretary"], reverse("council_overview", args=[world["period"].year]))
    assert UNIT in html and "5/7" in html
    appraiser = html.split("Trần Văn Hùng", 1)[1].split("</tr>", 1)[0]
    assert UNIT in appraiser and re.findall(r"<td>(\d+)", appraiser) == ["7", "5"]
    differences = html.split('id="differences-heading"', 1)[1].split("</section>", 1)[0]
    assert differences.count("<tr><td>") == 4 and differences.count(UNIT) == 3
    blockers = html.split('data-testid="blockers">', 1)[1].split("</ul>", 1)[0]
    sheet = reverse("assessment_sheet", args=[world["sheets"]["ha_dinh"].pk])
    assert blockers == f'<li><a href="{sheet}">{UNIT}: còn 2 tiêu chí chưa thẩm định vòng 1.</a></li>'
    assert 'data-testid="conflict-note"' not in html


def test_the_overview_does_not_move_for_the_chair_while_another_member_appraises_the_chairs_unit(client, world):
    url = reverse("council_overview", args=[world["period"].year])
    before = page(client, world["chair"], url)
    appraise_next_criterion(world)
    assert page(client, world["chair"], url) == before
    assert "6/7" in page(client, world["secretary"], url)


def test_a_conflicted_chair_trying_to_close_the_block_is_told_a_unit_blocks_it_but_not_which(client, world):
    client.force_login(world["chair"])
    url = reverse("council_block_finalise", args=[world["period"].year, world["framework"].block_id])
    response = client.post(url)
    get_messages(response.wsgi_request)
    assert [str(m) for m in response.wsgi_request._messages._queued_messages] == [GAP_MESSAGE]
    assert not BlockFinalisation.objects.exists()
    assert not AuditEvent.objects.filter(action="appraisal.finalise").exists()


# ---------------------------------------------------------------------------------------------
# Lists and their filters


@pytest.mark.parametrize("only", ["", "todo", "differs", "evidence"])
def test_the_chairs_appraisal_queue_and_its_filters_never_list_the_chairs_unit(client, world, only):
    url = reverse("appraisal_queue") + f"?year={world['period'].year}" + (f"&only={only}" if only else "")
    html = page(client, world["chair"], url)
    assert_hidden(html)
    if only in ("", "differs"):
        assert "UBND phường Khương Mai" in html


def test_the_sheet_list_never_lists_the_conflicted_unit(client, world):
    html = page(client, world["chair"], reverse("assessment_list") + f"?year={world['period'].year}")
    assert "Hạ Đình" not in html and "UBND phường Kim Giang" in html


@pytest.mark.parametrize("who", ["unit_head_member", "staff"])
def test_the_units_own_people_read_its_sheet_without_the_councils_scores_whatever_their_seat(client, world, who):
    sheet_url = reverse("assessment_sheet", args=[world["sheets"]["ha_dinh"].pk])
    assert 'data-testid="council-1.1.1">Hội đồng: 1</span>' in page(client, world["appraiser"], sheet_url)
    html = page(client, world[who], sheet_url)
    assert 'data-testid="points-1.1.1"' in html  # the unit's own score
    assert 'data-testid="council-' not in html and 'data-testid="filter-differs"' not in html


# ---------------------------------------------------------------------------------------------
# Notices


def recipients(message_start: str) -> set[str]:
    return set(Notice.objects.filter(message__startswith=message_start).values_list("recipient__full_name", flat=True))


def test_a_submission_notice_never_reaches_a_member_conflicted_with_the_unit(client, world):
    # given: a second ward of the block still filling in its sheet, whose head also sits on the council
    period = world["period"]
    Period.objects.filter(pk=period.pk).update(
        state=Period.State.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + datetime.timedelta(days=2)
    )
    ward = UnitFactory(block=world["framework"].block, name="UBND phường Thượng Đình")
    draft = AssessmentFactory(framework=world["framework"], unit=ward)
    staff, head = user_with_role(Role.UNIT_STAFF, unit=ward), user_with_role(Role.UNIT_HEAD, unit=ward)
    ConflictDeclaration.objects.create(
        period=period, member=world["appraiser"], unit=ward, reason="Nguyên cán bộ phường", declared_by=head
    )
    client.force_login(staff)
    fill_sheet(client, draft, world["criteria"])

    # when
    client.force_login(head)
    assert client.post(reverse("assessment_submit", args=[draft.pk]), {"confirm": "on"}).status_code == 302

    # then: the council and the secretariat hear of it, except the member who declared a conflict with the ward
    assert recipients("UBND phường Thượng Đình đã nộp phiếu") == {
        "Vũ Thị Lan", "Phạm Minh Đức", "Đỗ Quang Vinh", "Nguyễn Thu Hà",
    }  # fmt: skip


def test_an_objection_notice_never_reaches_a_member_conflicted_with_the_unit(world, django_capture_on_commit_callbacks):
    Period.objects.filter(pk=world["period"].pk).update(
        state=Period.State.PRELIMINARY, objection_deadline=timezone.now() + datetime.timedelta(days=2)
    )
    assessment = Assessment.objects.select_related("period").get(pk=world["sheets"]["ha_dinh"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        objection_file(actor=world["staff"], assessment=assessment, criterion=world["criteria"]["1.2"], text="Đủ")
    assert recipients(f"{UNIT} kiến nghị") == {"Trần Văn Hùng", "Nguyễn Thu Hà"}


def test_an_answered_explanation_is_not_announced_to_a_requester_who_has_since_declared_a_conflict(world):
    requests = {
        who: ExplanationRequest.objects.create(
            assessment=world["sheets"]["ha_dinh"],
            criterion=world["criteria"][code],
            state=ExplanationRequest.State.SENT,
            message="Bổ sung",
            requested_by=world[who],
            sent_by=world["secretary"],
            sent_at=timezone.now(),
            deadline=timezone.now() + datetime.timedelta(days=3),
        )
        for who, code in (("declared_member", "1.2"), ("appraiser", "2.1"))
    }
    for request in requests.values():
        explanation_answer(actor=world["staff"], request=request, answer="Đã bổ sung")
    assert recipients(f"{UNIT} đã giải trình") == {"Trần Văn Hùng"}


# ---------------------------------------------------------------------------------------------
# Writes a conflicted chair may not make


def test_a_conflicted_chair_cannot_resolve_an_objection_of_the_chairs_unit(client, world):
    Period.objects.filter(pk=world["period"].pk).update(
        state=Period.State.PRELIMINARY, objection_deadline=timezone.now() + datetime.timedelta(days=2)
    )
    objection = Objection.objects.create(
        assessment=world["sheets"]["ha_dinh"], criterion=world["criteria"]["1.2"], text="Đủ văn bản",
        filed_by=world["staff"], old_points=Decimal("1"),
    )  # fmt: skip
    client.force_login(world["chair"])
    response = client.post(
        reverse("results_objection_resolve", args=[objection.pk]),
        {"decision": "accept", "resolution": "Chấp nhận", f"o{objection.pk}-achieved": "10",
         f"o{objection.pk}-required": "10"},
    )  # fmt: skip
    assert response.status_code == 404
    objection.refresh_from_db()
    assert (objection.state, objection.resolution, objection.resolved_by) == (Objection.State.FILED, "", None)
    assert not Score.objects.filter(stage=Stage.ROUND_2).exists()
    assert not AuditEvent.objects.filter(action="results.objection_resolve").exists()
    with pytest.raises(PermissionDenied):
        objection_resolve(actor=world["chair"], objection=objection, accept=False, reason="Giữ nguyên")
    objection.refresh_from_db()
    assert objection.state == Objection.State.FILED
