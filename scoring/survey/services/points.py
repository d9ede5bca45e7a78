"""The computed survey points recorded as the council's round-1 scores of the survey criteria."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.models import (
    Assessment,
    AuditEvent,
    BlockFinalisation,
    Criterion,
    Period,
    Score,
    Stage,
)
from scoring.permissions.survey import (
    can_record_survey_points,
)
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, StaleScoreError, score_write
from scoring.survey.models import Survey
from scoring.survey.selectors import (
    survey_points,
)
from scoring.text import number_text
from units.models import Unit, User

POINTS_EXPLANATION = "Tính từ kết quả khảo sát trong cổng"
# A period set to "no survey this year" (Period.has_survey) takes its index without the survey criteria.
NO_SURVEY_RECORD = gettext_lazy(
    "Kỳ đánh giá năm %(year)s không điều tra xã hội học: chỉ số được tính không gồm phần điều tra, "
    "nên không ghi điểm khảo sát."
)


@dataclass(frozen=True)
class RecordResult:
    changed: int
    unchanged: int
    without_sheet: list[str]  # units with responses but no submitted sheet (nothing recorded for them)


@transaction.atomic
def survey_points_record(*, actor: User, survey: Survey) -> RecordResult:
    """Write the computed points of every unit and survey criterion as round-1 council scores.

    Same path as the Excel import of survey points (score_write, with history); units whose sheet is not
    submitted, or whose block is closed, are left out and named.
    """
    period = Period.objects.select_for_update().get(pk=survey.period_id)
    survey = Survey.objects.select_related("framework__block").get(pk=survey.pk)
    survey.period = period
    if not can_record_survey_points(actor, survey):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng ghi điểm khảo sát, trong giai đoạn thẩm định."))
    if not period.has_survey:
        raise ValidationError(NO_SURVEY_RECORD % {"year": period.year})
    if not survey.is_finished:
        raise ValidationError(_("Cuộc khảo sát chưa kết thúc: hãy đóng khảo sát hoặc chờ hết hạn nhận phiếu."))
    if BlockFinalisation.objects.filter(period=period, block_id=survey.framework.block_id).exists():
        raise ValidationError(_("Khối “%(block)s” đã chốt kết quả thẩm định.") % {"block": survey.framework.block})
    points = survey_points([survey.pk])
    if not points:
        raise ValidationError(_("Chưa có phiếu trả lời nào được tính điểm."))
    assessments = {
        assessment.unit_id: assessment
        for assessment in Assessment.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(period=period, framework_id=survey.framework_id, state=Assessment.State.SUBMITTED)
    }
    criteria = Criterion.objects.in_bulk({row.criterion_id for row in points})
    versions = {
        (score.assessment_id, score.criterion_id): score.version
        for score in Score.objects.select_for_update().filter(
            assessment_id__in=[a.pk for a in assessments.values()], stage=Stage.ROUND_1, criterion_id__in=criteria
        )
    }
    changed, details, without_sheet = 0, [], set()
    for row in points:
        assessment = assessments.get(row.unit_id)
        if assessment is None:
            without_sheet.add(row.unit_id)
            continue
        criterion = criteria[row.criterion_id]
        expected = versions.get((assessment.pk, criterion.pk), 0)
        explanation = _("%(source)s: %(responses)s phiếu trả lời, tỷ lệ có trọng số %(share)s%% × %(max)s điểm.") % {
            "source": POINTS_EXPLANATION,
            "responses": row.responses,
            "share": number_text((row.share * 100).quantize(Decimal("0.01"))),
            "max": number_text(row.max_points),
        }
        try:
            score = score_write(
                actor=actor,
                assessment=assessment,
                criterion=criterion,
                stage=Stage.ROUND_1,
                data=ScoreInput(entry=Entry(value=row.points), explanation=explanation),
                expected_version=expected,
            )
        except StaleScoreError as stale:  # cannot happen while we hold the locks; refuse rather than half-save
            raise ValidationError(str(stale), code="stale") from None
        if score.version != expected:
            changed += 1
            details.append({"unit": assessment.unit.code, "criterion": criterion.code, "points": str(row.points)})
    names = (
        list(Unit.objects.filter(pk__in=without_sheet).order_by("position", "name").values_list("name", flat=True))
        if without_sheet
        else []
    )
    if changed:
        AuditEvent.objects.create(
            actor=actor,
            action="survey.points_record",
            period=period,
            summary=_("Ghi %(count)s điểm khảo sát (thẩm định vòng 1) từ %(survey)s")
            % {"count": changed, "survey": survey},
            data={"survey_id": survey.pk, "scores": details, "without_sheet": names},
        )
    recorded = sum(1 for row in points if row.unit_id not in without_sheet)
    return RecordResult(changed=changed, unchanged=recorded - changed, without_sheet=names)
