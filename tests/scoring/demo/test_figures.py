"""The demo reproduces the seed article's figures from the portal's own published snapshot.

Seed (Kinhtedothi, 29/12/2022): first–last gap 14.3 → 4.5 points (departments) and 8.9 → 3.36 points
(wards); 2022 above 2021 in points and in %; neighbours 0.5–0.7 points apart; areas 2, 4, 5, 7 near the
maximum, areas 1 and 6 lower but high; 8 collectives and 13 individuals commended. 2023 is in appraisal
with one explanation round open and a confirmed not-applicable criterion.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from scoring import models
from scoring.permissions.appraisal import can_answer_explanation, can_appraise
from scoring.permissions.sheets import can_edit_self_assessment
from scoring.results.compute import rank_of, unit_results
from units.models import User
from units.roles import belongs_to_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEPARTMENTS, WARDS = "phong-ban", "phuong"


def ranked_rows(year: int, block: str) -> list[models.ResultRow]:
    publication = models.ResultPublication.objects.filter(period__year=year).order_by("-version").first()
    return list(
        models.ResultRow.objects.filter(publication=publication, block__code=block, is_ranked=True).order_by(
            "rank", "position"
        )
    )


def average(values) -> Decimal:
    values = list(values)
    return sum(values, Decimal(0)) / len(values)


def area_averages(year: int, block: str) -> dict[str, Decimal]:
    by_area = defaultdict(list)
    for area in models.ResultAreaRow.objects.filter(row__in=ranked_rows(year, block)):
        by_area[area.code].append(area.index)
    return {code: average(indices) for code, indices in by_area.items()}


@pytest.mark.parametrize(
    ("year", "block", "gap"),
    [
        (2021, DEPARTMENTS, "14.30"),
        (2022, DEPARTMENTS, "4.50"),
        (2021, WARDS, "8.90"),
        (2022, WARDS, "3.36"),
    ],
)
def test_gap_between_first_and_last_is_the_seeds(year, block, gap):
    rows = ranked_rows(year, block)

    assert len(rows) == (12 if block == DEPARTMENTS else 11)
    assert [row.rank for row in rows] == list(range(1, len(rows) + 1))  # distinct totals, no shared rank
    assert rows[0].points - rows[-1].points == Decimal(gap)
    assert all(row.max_points == row.adjusted_max == Decimal(100) for row in rows)
    assert all(row.unappraised_count == 0 for row in rows)


@pytest.mark.parametrize("block", [DEPARTMENTS, WARDS])
def test_2022_is_above_2021_in_points_and_in_percent(block):
    before, after = ranked_rows(2021, block), ranked_rows(2022, block)

    assert average(r.points for r in after) > average(r.points for r in before)
    assert average(r.index for r in after) > average(r.index for r in before)
    previous = {row.unit_id: row.points for row in before}
    improved = sum(row.points > previous[row.unit_id] for row in after)
    assert improved * 3 >= len(after) * 2


@pytest.mark.parametrize("block", [DEPARTMENTS, WARDS])
def test_neighbours_in_2022_are_at_most_0_7_points_apart(block):
    points = [row.points for row in ranked_rows(2022, block)]
    spreads = [higher - lower for higher, lower in zip(points, points[1:], strict=False)]

    assert max(spreads) <= Decimal("0.70")
    assert any(Decimal("0.50") <= spread <= Decimal("0.70") for spread in spreads)
    assert min(spreads) > 0


@pytest.mark.parametrize("block", [DEPARTMENTS, WARDS])
def test_areas_2_4_5_7_near_the_maximum_and_1_6_lower_but_high(block):
    areas = area_averages(2022, block)

    for code in ("2", "4", "5", "7"):
        assert areas[code] >= Decimal(97), (code, areas[code])
    for code in ("1", "6"):
        assert Decimal(88) <= areas[code] <= Decimal(95), (code, areas[code])
        assert areas[code] < min(areas[high] for high in ("2", "4", "5", "7"))
    # 2021 had the same weak spots, only weaker
    areas_2021 = area_averages(2021, block)
    assert max(areas_2021["1"], areas_2021["6"]) < min(areas_2021[code] for code in ("2", "4", "5", "7"))


@pytest.mark.parametrize("year", [2021, 2022])
def test_the_snapshot_is_what_the_portal_computes(year):
    period = models.Period.objects.get(year=year)
    publication = models.ResultPublication.objects.get(period=period)
    live = {
        result.unit_id: (result.points, result.index, rank_of(result), result.band) for result in unit_results(period)
    }
    frozen = {row.unit_id: (row.points, row.index, row.rank, row.band) for row in publication.rows.all()}

    assert frozen == live
    for row in publication.rows.prefetch_related("criteria"):
        criteria = list(row.criteria.all())
        assert sum(c.final_points for c in criteria) == row.criteria_points
        assert row.points == row.criteria_points + row.bonus - row.penalty
        # the council gives a reason wherever it scored below the unit
        assert all(c.reason for c in criteria if c.self_points is not None and c.self_points != c.final_points)
        assert not any(c.is_not_applicable for c in criteria)


def test_classification_bands_and_decisions():
    bands = {
        year: list(models.Period.objects.get(year=year).classification_bands.values_list("min_index", "label"))
        for year in (2021, 2022, 2023)
    }
    expected = [(Decimal(90), "Tốt"), (Decimal(80), "Khá"), (Decimal(70), "Trung bình"), (Decimal(0), "Yếu")]
    assert bands == {2021: expected, 2022: expected, 2023: expected}
    for row in models.ResultRow.objects.all():
        assert row.band == next(label for minimum, label in expected if row.index >= minimum)
    assert models.ResultRow.objects.filter(publication__period__year=2021, band="Khá").exists()

    decisions = {
        p.period.year: (p.version, p.decision_number, p.decision_date, p.published_at.astimezone(VIETNAM).date())
        for p in models.ResultPublication.objects.select_related("period")
    }
    assert decisions == {
        2021: (1, "6125/QĐ-UBND", date(2021, 12, 30), date(2021, 12, 30)),
        2022: (1, "5678/QĐ-UBND", date(2022, 12, 29), date(2022, 12, 29)),
    }
    for year in (2021, 2022):
        period = models.Period.objects.select_related("results_config").get(year=year)
        assert period.state == models.Period.State.PUBLISHED
        assert period.results_config.is_public
        assert period.objection_deadline.astimezone(VIETNAM).date() < decisions[year][2]
        assert models.BlockFinalisation.objects.filter(period=period).count() == 2


def test_8_collectives_and_13_individuals_commended_for_2022():
    commended = models.Commendation.objects.filter(period__year=2022).select_related("unit")
    collectives = [c for c in commended if c.kind == models.Commendation.Kind.COLLECTIVE]
    individuals = [c for c in commended if c.kind == models.Commendation.Kind.INDIVIDUAL]

    assert (len(collectives), len(individuals)) == (8, 13)
    assert all(c.unit is not None and c.name and c.note for c in commended)
    assert len({c.name for c in individuals}) == 13
    top = {row.unit_id for block in (DEPARTMENTS, WARDS) for row in ranked_rows(2022, block) if row.rank <= 5}
    assert {c.unit_id for c in collectives} <= top
    assert {c.name for c in collectives} == {c.unit.name for c in collectives}
    assert not models.Commendation.objects.filter(period__year=2021).exists()


def test_past_years_are_imported_once_and_marked_as_such():
    for year in (2021, 2022):
        sheets = models.Assessment.objects.filter(period__year=year)
        assert sheets.count() == 23
        assert not sheets.exclude(state=models.Assessment.State.SUBMITTED).exists()
        assert all(s.submitted_at.year == year for s in sheets)
        events = models.AuditEvent.objects.filter(period__year=year, action="demo.history")
        assert events.count() == 1
        assert events.get().data["import"] == "past year"
        council = models.CouncilMembership.objects.filter(period__year=year)
        assert sorted(council.values_list("user__username", "is_chair")) == [("hoidong1", True), ("hoidong2", False)]
        actions = set(models.AuditEvent.objects.filter(period__year=year).values_list("action", flat=True))
        assert {"appraisal.finalise", "results.release_preliminary", "results.publish"} <= actions


def test_every_past_score_has_its_history_entry():
    for year in (2021, 2022):
        scores = models.Score.objects.filter(assessment__period__year=year)
        assert scores.exists() and not scores.filter(changes__isnull=True).exists()
        change = models.ScoreChange.objects.filter(
            score__assessment__period__year=year, score__stage=models.Stage.ROUND_1
        ).first()
        score = change.score
        assert (change.actor_id, change.old_points, change.new_points) == (score.updated_by_id, None, score.points)
        assert change.new_values["points"] == str(score.points) and change.reason == score.explanation


# ---------------------------------------------------------------------------------------------- 2023


def test_2023_council_assignments_never_cover_a_members_own_unit():
    period = models.Period.objects.get(year=2023)

    council = sorted(models.CouncilMembership.objects.filter(period=period).values_list("user__username", "is_chair"))
    assert council == [("hoidong1", True), ("hoidong2", False)]
    assignments = models.AppraisalAssignment.objects.filter(period=period).select_related("member", "unit__block")
    assert assignments.count() == 23
    for assignment in assignments:
        assert not belongs_to_unit(assignment.member, assignment.unit_id)
    by_member = defaultdict(set)
    for assignment in assignments:
        by_member[assignment.member.username].add(assignment.unit.code)
    assert "phong-tu-phap" in by_member["hoidong2"]
    assert "van-phong-hdnd-ubnd" in by_member["hoidong1"]
    assert all(code.startswith("phuong-") for code in by_member["hoidong1"] - {"van-phong-hdnd-ubnd"})


def test_2023_round_one_on_some_submitted_sheets_with_reasons():
    period = models.Period.objects.get(year=2023)
    round_one = models.Score.objects.filter(assessment__period=period, stage=models.Stage.ROUND_1)
    sheets = {code: round_one.filter(assessment__unit__code=code).count() for code in ("phuong-khuong-dinh",)}

    leaves = models.Criterion.objects.filter(framework__period=period, framework__block__code=WARDS).exclude(
        rule_type=""
    )
    assert sheets["phuong-khuong-dinh"] == leaves.count()
    appraised = set(round_one.values_list("assessment__unit__code", flat=True))
    assert appraised == {"phuong-khuong-dinh", "phuong-kim-giang", "phong-kinh-te"}
    assert not round_one.exclude(assessment__state=models.Assessment.State.SUBMITTED).exists()
    own = {
        (s.assessment_id, s.criterion_id): s
        for s in models.Score.objects.filter(assessment__period=period, stage=models.Stage.SELF)
    }
    differing = [
        s
        for s in round_one
        if (s.assessment_id, s.criterion_id) in own and own[(s.assessment_id, s.criterion_id)].points != s.points
    ]
    assert len(differing) >= 3
    assert all(s.explanation for s in differing)
    assert all(s.changes.exists() for s in round_one)  # recorded through the service, with history


def test_2023_has_a_confirmed_not_applicable_criterion_lowering_the_maximum():
    period = models.Period.objects.get(year=2023)
    confirmed = models.Score.objects.filter(
        assessment__period=period, stage=models.Stage.ROUND_1, is_not_applicable=True
    ).select_related("assessment__unit", "criterion")

    assert {(s.assessment.unit.code, s.criterion.code) for s in confirmed} == {
        ("phuong-khuong-dinh", "3.2.3"),
        ("phong-kinh-te", "2.1.1"),
    }
    for score in confirmed:
        assert score.explanation
        own = models.Score.objects.get(assessment=score.assessment, criterion=score.criterion, stage=models.Stage.SELF)
        assert own.is_not_applicable and own.explanation
    live = {r.unit.code: r for r in unit_results(period)}
    assert live["phuong-khuong-dinh"].adjusted_max == Decimal(99)
    assert live["phong-kinh-te"].adjusted_max == Decimal(98)


def test_2023_explanation_round_is_open_for_the_ward_and_self_assessment_still_playable():
    period = models.Period.objects.get(year=2023)
    request = models.ExplanationRequest.objects.select_related(
        "assessment__period", "assessment__unit", "criterion"
    ).get()

    assert request.state == models.ExplanationRequest.State.SENT
    assert request.assessment.unit.code == "phuong-khuong-dinh"
    assert request.deadline > timezone.now()
    assert request.message and request.sent_by.username == "thuky" and request.requested_by.username == "hoidong1"
    assert models.Score.objects.filter(
        assessment=request.assessment, criterion=request.criterion, stage=models.Stage.ROUND_1
    ).exists()
    officer = User.objects.get(username="canbo.khuongdinh")
    assert can_answer_explanation(officer, request)

    assert period.state == models.Period.State.SELF_ASSESSMENT
    for username, code in (("canbo.hadinh", "phuong-ha-dinh"), ("canbo.noivu", "phong-noi-vu")):
        sheet = models.Assessment.objects.select_related("period").get(period=period, unit__code=code)
        assert sheet.state == models.Assessment.State.DRAFT
        assert can_edit_self_assessment(User.objects.get(username=username), sheet)
    member = User.objects.get(username="hoidong1")
    kim_giang = models.Assessment.objects.select_related("period", "unit").get(
        period=period, unit__code="phuong-kim-giang"
    )
    assert can_appraise(member, kim_giang)


def test_2023_published_nothing_yet():
    assert not models.ResultPublication.objects.filter(period__year=2023).exists()
    assert not models.ResultCriterionRow.objects.filter(row__publication__period__year=2023).exists()
