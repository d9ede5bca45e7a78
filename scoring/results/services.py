"""Writes on a period's results: preliminary release, objections, publication snapshots, commendations."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import (
    Assessment,
    AuditEvent,
    BlockFinalisation,
    ClassificationBand,
    Commendation,
    Criterion,
    Objection,
    Period,
    RankingExclusion,
    ResultAreaRow,
    ResultCriterionRow,
    ResultPublication,
    ResultRow,
    ResultsConfig,
    Score,
    Stage,
)
from scoring.notices.services import council_and_secretariat, notify, unit_people
from scoring.permissions.results import (
    can_file_objection,
    can_manage_results,
    can_publish,
    can_release_preliminary,
    can_resolve_objection,
)
from scoring.results.compute import area_results, criterion_results, rank_of, results_config, unit_results
from scoring.sheets.services import ScoreInput, score_write
from scoring.signing.services import annex_record
from scoring.text import number_text
from units.models import Unit, User


def _lock_period(period: Period) -> Period:
    return Period.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def results_release_preliminary(*, actor: User, period: Period, objection_deadline=None) -> Period:
    """Send the appraised results to the units, who may object until the deadline; every block must be closed."""
    period = _lock_period(period)
    if not can_release_preliminary(actor, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng được công bố kết quả sơ bộ, khi kỳ đang thẩm định."))
    open_blocks = (
        period.frameworks.exclude(block_id__in=BlockFinalisation.objects.filter(period=period).values("block_id"))
        .select_related("block")
        .order_by("block__position")
    )
    problems = [_("Khối “%(block)s” chưa được chốt kết quả thẩm định.") % {"block": f.block} for f in open_blocks]
    if problems:
        raise ValidationError(problems)
    deadline = objection_deadline or period.objection_deadline
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"objection_deadline": _("Hãy đặt hạn kiến nghị là một thời điểm trong tương lai.")})
    period.objection_deadline = deadline
    period.state = Period.State.PRELIMINARY
    period.save(update_fields=["objection_deadline", "state"])
    AuditEvent.objects.create(
        actor=actor,
        action="results.release_preliminary",
        period=period,
        summary=_("Công bố kết quả sơ bộ năm %(year)s") % {"year": period.year},
        data={"objection_deadline": deadline.isoformat()},
    )
    message = _("Đã có kết quả sơ bộ năm %(year)s. Đơn vị có thể kiến nghị đến %(deadline)s.") % {
        "year": period.year,
        "deadline": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y"),
    }
    units = list(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))

    def tell_units() -> None:  # each unit is sent to its own preliminary result
        for unit_id in units:
            notify(unit_people(unit_id), message, url=reverse("results_unit", args=[period.year, unit_id]))

    transaction.on_commit(tell_units)
    return period


def final_points(assessment: Assessment, criterion: Criterion) -> Decimal | None:
    score = (
        Score.objects.filter(assessment=assessment, criterion=criterion, stage__in=[Stage.ROUND_1, Stage.ROUND_2])
        .order_by("-stage")
        .first()
    )
    return score.points if score else None


@transaction.atomic
def objection_file(*, actor: User, assessment: Assessment, criterion: Criterion, text: str, now=None) -> Objection:
    """A unit disputes the council's score on one criterion, within the objection window."""
    assessment = Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
    if not can_file_objection(actor, assessment, now):
        raise PermissionDenied(_("Đã hết hạn kiến nghị hoặc bạn không có quyền kiến nghị cho đơn vị này."))
    if criterion.framework_id != assessment.framework_id or not criterion.rule_type:
        raise ValidationError(_("Tiêu chí không thuộc phiếu này."))
    if not text.strip():
        raise ValidationError({"text": _("Hãy ghi nội dung kiến nghị.")})
    if Objection.objects.filter(assessment=assessment, criterion=criterion).exists():
        raise ValidationError(_("Đơn vị đã kiến nghị về tiêu chí %(code)s.") % {"code": criterion.code})
    objection = Objection.objects.create(
        assessment=assessment,
        criterion=criterion,
        text=text.strip(),
        filed_by=actor,
        old_points=final_points(assessment, criterion),
    )
    AuditEvent.objects.create(
        actor=actor,
        action="results.objection_file",
        period=assessment.period,
        summary=f"{assessment.unit} {criterion.code}",
        data={"objection_id": objection.pk},
    )
    council = council_and_secretariat(assessment.period, about_unit_id=assessment.unit_id)
    message = _("%(unit)s kiến nghị về tiêu chí %(code)s.") % {"unit": assessment.unit, "code": criterion.code}
    url = reverse("results_unit", args=[assessment.period.year, assessment.unit_id])
    transaction.on_commit(lambda: notify(council, message, url=url))
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User, objection: Objection, accept: bool, reason: str, data: ScoreInput | None = None
) -> Objection:
    """The council accepts an objection with a new (round 2) score, or rejects it; either way with a reason."""
    objection = (
        Objection.objects.select_for_update().select_related("assessment__period", "criterion").get(pk=objection.pk)
    )
    assessment = objection.assessment
    if not can_resolve_objection(actor, assessment):
        raise PermissionDenied(_("Chỉ Thư ký hoặc Chủ tịch Hội đồng giải quyết kiến nghị khi kết quả còn sơ bộ."))
    if objection.state != Objection.State.FILED:
        raise ValidationError(_("Kiến nghị này đã được giải quyết."))
    if not reason.strip():
        raise ValidationError({"resolution": _("Hãy ghi ý kiến giải quyết kiến nghị.")})
    if accept:
        if data is None:
            raise ValidationError(_("Chấp nhận kiến nghị cần có điểm mới."))
        current = Score.objects.filter(
            assessment=assessment, criterion=objection.criterion, stage=Stage.ROUND_2
        ).first()
        score = score_write(
            actor=actor,
            assessment=assessment,
            criterion=objection.criterion,
            stage=Stage.ROUND_2,
            data=ScoreInput(entry=data.entry, is_not_applicable=data.is_not_applicable, explanation=reason),
            expected_version=current.version if current else 0,
        )
        objection.new_points = score.points
        objection.state = Objection.State.ACCEPTED
    else:
        objection.new_points = objection.old_points
        objection.state = Objection.State.REJECTED
    objection.resolution = reason.strip()
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save()
    AuditEvent.objects.create(
        actor=actor,
        action="results.objection_resolve",
        period=assessment.period,
        summary=f"{objection.get_state_display()}: {objection.criterion.code}",
        data={
            "objection_id": objection.pk,
            "old": str(objection.old_points) if objection.old_points is not None else None,
            "new": str(objection.new_points) if objection.new_points is not None else None,
        },
    )
    people = unit_people(assessment.unit_id)
    message = _("Kiến nghị về tiêu chí %(code)s: %(state)s (%(old)s → %(new)s).") % {
        "code": objection.criterion.code,
        "state": objection.get_state_display().lower(),
        "old": number_text(objection.old_points, empty="—"),
        "new": number_text(objection.new_points, empty="—"),
    }
    url = reverse("results_unit", args=[assessment.period.year, assessment.unit_id])
    transaction.on_commit(lambda: notify(people, message, url=url))
    return objection


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
    period = _lock_period(period)
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
    computed = list(unit_results(period, ranking_method=config.ranking_method))
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


# ---------------------------------------------------------------------------------------------
# Settings the secretariat keeps for a period's results


def _require_manager(actor: User, period: Period) -> None:
    if not can_manage_results(actor, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng cấu hình kết quả."))


@transaction.atomic
def results_config_update(*, actor: User, period: Period, ranking_method: str, is_public: bool) -> ResultsConfig:
    """Choose standard or dense ranking (before publication) and whether the published ranking is public."""
    _require_manager(actor, period)
    config, _created = ResultsConfig.objects.select_for_update().get_or_create(period=period)
    if ranking_method != config.ranking_method and period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không đổi cách xếp hạng được nữa."))
    if ranking_method not in ResultsConfig.RankingMethod.values:
        raise ValidationError(_("Cách xếp hạng không hợp lệ."))
    config.ranking_method, config.is_public = ranking_method, is_public
    config.save()
    AuditEvent.objects.create(
        actor=actor,
        action="results.config",
        period=period,
        summary=_("Cấu hình kết quả năm %(year)s") % {"year": period.year},
        data={"ranking_method": ranking_method, "is_public": is_public},
    )
    return config


@transaction.atomic
def period_survey_set(*, actor: User, period: Period, has_survey: bool) -> Period:
    """Say whether the year has a sociological survey; without one the index is taken over the maximum without
    the survey's criteria. Fixed once the results are published."""
    _require_manager(actor, period)
    period = _lock_period(period)
    if period.has_survey == has_survey:
        return period
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không đổi cách tính phần điều tra xã hội học được nữa."))
    period.has_survey = has_survey
    period.save(update_fields=["has_survey"])
    AuditEvent.objects.create(
        actor=actor,
        action="period.survey",
        period=period,
        summary=(
            _("Năm %(year)s có điều tra xã hội học")
            if has_survey
            else _("Năm %(year)s không điều tra xã hội học: chỉ số tính trên điểm tối đa không gồm phần điều tra")
        )
        % {"year": period.year},
        data={"has_survey": has_survey},
    )
    return period


@transaction.atomic
def classification_bands_replace(*, actor: User, period: Period, bands: list[tuple[Decimal, str]]) -> None:
    """Replace the period's classification bands; the lowest must start at 0 so every index has a band."""
    _require_manager(actor, period)
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không sửa mức xếp loại được nữa."))
    minima = [minimum for minimum, _label in bands]
    if (
        not bands
        or min(minima) != 0
        or len(set(minima)) != len(minima)
        or any(not label.strip() for _m, label in bands)
    ):
        raise ValidationError(_("Mỗi mức xếp loại cần một tên và một ngưỡng riêng; mức thấp nhất bắt đầu từ 0%."))
    ClassificationBand.objects.filter(period=period).delete()
    ClassificationBand.objects.bulk_create(
        ClassificationBand(period=period, min_index=minimum, label=label.strip(), position=position)
        for position, (minimum, label) in enumerate(sorted(bands, reverse=True))
    )
    AuditEvent.objects.create(
        actor=actor,
        action="results.bands",
        period=period,
        summary=_("Mức xếp loại năm %(year)s") % {"year": period.year},
        data={"bands": [[str(minimum), label] for minimum, label in bands]},
    )


@transaction.atomic
def ranking_exclusion_set(*, actor: User, period: Period, unit: Unit, reason: str) -> RankingExclusion:
    """Mark a unit as assessed but not ranked (its figures are still listed)."""
    _require_manager(actor, period)
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không thay đổi danh sách xếp hạng được nữa."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do đơn vị không được xếp hạng.")})
    exclusion, _created = RankingExclusion.objects.update_or_create(
        period=period, unit=unit, defaults={"reason": reason.strip(), "created_by": actor}
    )
    AuditEvent.objects.create(
        actor=actor, action="results.exclude", period=period, summary=str(unit), data={"reason": reason.strip()}
    )
    return exclusion


@transaction.atomic
def ranking_exclusion_remove(*, actor: User, period: Period, unit: Unit) -> None:
    """Rank a unit again that was marked as assessed but not ranked (a mistake, or its reason no longer holds)."""
    _require_manager(actor, period)
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không thay đổi danh sách xếp hạng được nữa."))
    exclusion = RankingExclusion.objects.filter(period=period, unit=unit).first()
    if exclusion is None:
        raise ValidationError(_("%(unit)s đang được xếp hạng.") % {"unit": unit.name})
    exclusion.delete()
    AuditEvent.objects.create(
        actor=actor, action="results.include", period=period, summary=str(unit), data={"reason": exclusion.reason}
    )


@transaction.atomic
def commendation_add(
    *, actor: User, period: Period, kind: str, name: str, unit: Unit | None = None, note: str = ""
) -> Commendation:
    """Record a collective or an individual commended for the year."""
    _require_manager(actor, period)
    if kind not in Commendation.Kind.values:
        raise ValidationError({"kind": _("Hãy chọn tập thể hoặc cá nhân.")})
    if not name.strip():
        raise ValidationError({"name": _("Hãy nhập tên tập thể hoặc cá nhân được khen thưởng.")})
    position = Commendation.objects.filter(period=period, kind=kind).count()
    commendation = Commendation.objects.create(
        period=period, kind=kind, name=name.strip(), unit=unit, note=note.strip(), position=position, created_by=actor
    )
    AuditEvent.objects.create(
        actor=actor, action="results.commend", period=period, summary=str(commendation), data={"kind": kind}
    )
    return commendation


"""Removing a commendation recorded by mistake (adding one is `scoring.results.services.commendation_add`)."""


@transaction.atomic
def commendation_remove(*, actor: User, commendation: Commendation) -> None:
    """Delete a commendation; the audit event keeps what was removed."""
    commendation = Commendation.objects.select_for_update().select_related("period").get(pk=commendation.pk)
    if not can_manage_results(actor, commendation.period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng sửa danh sách khen thưởng."))
    AuditEvent.objects.create(
        actor=actor,
        action="results.commend_remove",
        period=commendation.period,
        summary=str(commendation),
        data={"kind": commendation.kind, "name": commendation.name, "unit_id": commendation.unit_id},
    )
    commendation.delete()
