"""Publication: leadership approves the results, which freezes every figure into a new published version."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import (
    AuditEvent,
    Objection,
    Period,
    ResultAreaRow,
    ResultCriterionRow,
    ResultPublication,
    ResultRow,
    ResultsConfig,
)
from scoring.permissions.results import can_publish
from scoring.results.compute import area_results, criterion_results, rank_of, results_config, unit_result_rows
from scoring.results.services.preliminary import lock_period
from scoring.signing.services import annex_record
from units.models import User


@transaction.atomic
def results_publish(
    *,
    actor: User,
    period: Period,
    decision_number: str,
    decision_date: datetime.date | None,
    correction_reason: str = "",
    now=None,
) -> ResultPublication:
    """Leadership approves the results: freeze every figure into a new published version.

    The first version closes the preliminary stage; a later version is a correction and needs its reason.
    """
    period = lock_period(period)
    if not can_publish(actor, period):
        raise PermissionDenied(_("Chỉ Lãnh đạo UBND phê duyệt công bố kết quả, sau khi có kết quả sơ bộ."))
    errors = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Hãy nhập số quyết định công bố.")
    if decision_date is None:
        errors["decision_date"] = _("Hãy nhập ngày ký quyết định.")
    is_correction = period.state == Period.State.PUBLISHED
    if is_correction and not correction_reason.strip():
        errors["correction_reason"] = _("Công bố đính chính cần ghi lý do.")
    if errors:
        raise ValidationError(errors)
    if not is_correction and period.objection_deadline and (now or timezone.now()) <= period.objection_deadline:
        raise ValidationError(_("Chưa hết hạn kiến nghị kết quả sơ bộ."))
    pending = Objection.objects.filter(assessment__period=period, state=Objection.State.FILED).count()
    if pending:
        raise ValidationError(_("Còn %(count)s kiến nghị chưa được giải quyết.") % {"count": pending})
    config = results_config(period)
    version = (ResultPublication.objects.filter(period=period).aggregate(last=Max("version"))["last"] or 0) + 1
    publication = ResultPublication.objects.create(
        period=period,
        version=version,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        ranking_method=config.ranking_method,
        correction_reason=correction_reason.strip(),
        published_by=actor,
    )
    _freeze(publication, config)
    annex_record(actor=actor, publication=publication)
    if not is_correction:
        period.state = Period.State.PUBLISHED
        period.save(update_fields=["state"])
    AuditEvent.objects.create(
        actor=actor,
        action="results.publish",
        period=period,
        summary=_("Công bố kết quả năm %(year)s, lần %(version)s, quyết định số %(number)s")
        % {"year": period.year, "version": version, "number": publication.decision_number},
        data={"publication_id": publication.pk, "correction_reason": publication.correction_reason},
    )
    return publication


def _freeze(publication: ResultPublication, config: ResultsConfig) -> None:
    """Copy the computed figures (three queries) into the snapshot tables (three inserts)."""
    period = publication.period
    computed = unit_result_rows(period, ranking_method=config.ranking_method)
    rows = ResultRow.objects.bulk_create(
        ResultRow(
            publication=publication,
            unit=result.unit,
            block=result.unit.block,
            predecessor_id=result.unit.predecessor_id,
            unit_name=result.unit.name,
            block_name=result.unit.block.name,
            position=position,
            is_ranked=result.is_ranked,
            rank=rank_of(result),
            criteria_points=result.criteria_points,
            bonus=result.bonus,
            penalty=result.penalty,
            points=result.points,
            max_points=result.max_points,
            adjusted_max=result.adjusted_max,
            index=result.index,
            band=result.band,
            head_name=result.head_name,
            unappraised_count=result.unappraised_count,
            exclusion_reason=result.exclusion_reason,
        )
        for position, result in enumerate(computed)
    )
    row_of = {result.pk: row for result, row in zip(computed, rows, strict=True)}
    ResultAreaRow.objects.bulk_create(
        ResultAreaRow(
            row=row_of[area.result_assessment_id],
            code=area.code,
            title=area.title,
            position=area.code_key[0] if area.code_key else 0,
            points=area.points,
            max_points=area.counted_max,
            adjusted_max=area.adjusted_max,
            index=area.index,
        )
        for area in area_results(period)
    )
    criteria = sorted(criterion_results(period), key=lambda c: (c.result_assessment_id, c.code_key, c.position))
    ResultCriterionRow.objects.bulk_create(
        ResultCriterionRow(
            row=row_of[criterion.result_assessment_id],
            code=criterion.code,
            title=criterion.title,
            position=position,
            max_points=criterion.max_points,
            self_points=criterion.self_points,
            is_self_not_applicable=criterion.is_self_not_applicable,
            final_points=criterion.final_points,
            is_not_applicable=criterion.is_not_applicable,
            is_appraised=criterion.final_stage is not None,
            reason=criterion.reason,
        )
        for position, criterion in enumerate(criteria)
    )
